"""The base of every resource's serializers: unknown keys refused, relations limited to what
the user can see, and the small helpers they share.

Serializers turn JSON into values and back, and validate input *types*; the rules of a
change (who may, what is consistent) stay in the services and in ``partners.access``.
Translated content is one object per field: ``"title": {"en": "…", "zh-hans": "…"}``.
Relations are ids; their choices are limited to what the user can see (anything else is
"does not exist").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .fields import BlankableSlugField, SafePrimaryKeyRelatedField


def user_of(serializer):
    """The user of the request the serializer serves (None without a request)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def absolute_url(serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def id_list(**kwargs):
    """A list of related ids (``"agencies": [3, 7]``)."""
    return SafePrimaryKeyRelatedField(many=True, **kwargs)


class StrictMixin:
    """Refuses keys it does not know (a typo must not be silently ignored).

    Read-only keys are accepted and ignored, so that a client can send back what it read.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {key[:50]: [_("Unknown field.")] for key in unknown[:20]}
                )
        return super().to_internal_value(data)


class StrictSerializer(StrictMixin, serializers.ModelSerializer):
    serializer_related_field = SafePrimaryKeyRelatedField

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.SlugField) and model_field.blank:
            field_class = BlankableSlugField
        return field_class, kwargs

    def parses(self) -> bool:
        """Whether this serializer was given data to parse: one that only writes JSON out (a
        detail, a list) need not build the querysets its relations' choices are limited to
        (a good part of a detail's time). Not for a serializer nested in another's data."""
        return hasattr(self, "initial_data")

    def limit(self, name: str, queryset) -> None:
        """Limit a relation's choices (a list relation's too) to ``queryset``."""
        field = self.fields.get(name)
        if field is None or field.read_only:
            return
        target = getattr(field, "child_relation", field)
        target.queryset = queryset
