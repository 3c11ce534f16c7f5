"""Transitional: generic writes of the models that have no service of their own yet.

Plans, themes, commitments, agencies and events are written as /manage/ writes them:
``access.require`` on the object as it would be, the model's validation (``full_clean``),
one save. These mixins go away once services of the apps take over those writes; nothing
new should be built on them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.response import Response

from partners import access


class ModelWrites:
    """Writes of a model with no service of its own, as /manage/ does them:
    ``access.require`` on the object as it would be, the model's validation, one save."""

    create_only_fields: tuple = ()
    m2m_fields: tuple = ()

    def check_fields(self, obj, data) -> None:
        """Refuse field changes the user may not make (400 naming the field)."""

    def apply(self, obj, data) -> dict:
        m2m = {name: data.pop(name) for name in self.m2m_fields if name in data}
        for name, value in data.items():
            setattr(obj, name, value)
        return m2m

    def save_model(self, obj, m2m, action) -> None:
        access.require(self.request.user, action, obj)
        obj.full_clean(exclude=list(self.m2m_fields))
        obj.save()
        for name, values in m2m.items():
            getattr(obj, name).set(values)


class ModelCreateMixin(ModelWrites):
    @transaction.atomic
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        obj = self.get_queryset().model()
        m2m = self.apply(obj, data)
        self.save_model(obj, m2m, self.create_action)
        return self.detail_response(self.fresh(obj), status.HTTP_201_CREATED)


class ModelUpdateMixin(ModelWrites):
    @transaction.atomic
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        obj = self.get_object()
        self.check_if_match(obj)
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        errors = {}
        for name in self.create_only_fields:
            if name in data and data[name] != getattr(obj, name):
                errors[name] = [_("This cannot be changed once created.")]
        if errors:
            raise serializers.ValidationError(errors)
        self.check_fields(obj, data)
        m2m = self.apply(obj, data)
        self.save_model(obj, m2m, self.change_action)
        return self.detail_response(self.fresh(obj))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class ModelDestroyMixin:
    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_if_match(obj)
        obj.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelWritesMixin(ModelCreateMixin, ModelUpdateMixin, ModelDestroyMixin):
    """Create, change and delete."""
