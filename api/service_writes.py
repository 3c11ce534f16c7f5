"""Writes of a resource: the serializer parses, the app's service decides and writes.

A viewset with these mixins says which service call makes, changes and removes its objects
(``create_object``, ``update_object``, ``delete_object``); the rules, the permission checks on
the object as it would be, and the messages are the service's, the same as on the pages and
in /manage/. A write carrying a stale ``If-Match`` changes nothing and answers 412; its body
is read and checked first (400), so that a bad body is a 400 whatever ``If-Match`` says.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response


class ServiceCreateMixin:
    def create_object(self, data: dict):
        raise NotImplementedError

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create_object(dict(serializer.validated_data))
        return self.detail_response(self.fresh(obj), status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    def update_object(self, obj, data: dict):
        raise NotImplementedError

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.check_if_match(obj)
        self.update_object(obj, dict(serializer.validated_data))
        return self.detail_response(self.fresh(obj))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class ServiceDestroyMixin:
    def delete_object(self, obj) -> None:
        raise NotImplementedError

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_if_match(obj)
        self.delete_object(obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceWritesMixin(ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin):
    """Create, change and delete."""
