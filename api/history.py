"""``GET /api/v1/<resource>/{id}/history/``: an object's history (core.history), for every
resource with objects. Who may read the object may read its history (404 otherwise); the same
entries as the object's history page, newest first, paginated, filtered by ``actor`` (a user
name) and ``since``/``until`` (dates, whole days in the reader's time zone)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action

from core import history
from core.history_views import range_errors
from core.ids import MAX_ID
from core.models import HistoryEntry
from partners import clock

from .openapi import DATE_PATTERN, DATE_RANGE
from .schema import ERRORS

ACTIONS = {
    HistoryEntry.Action.CREATE: "create",
    HistoryEntry.Action.UPDATE: "update",
    HistoryEntry.Action.DELETE: "delete",
}


class HistoryQuerySerializer(serializers.Serializer):
    actor = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="A user name (empty: anyone)."
    )
    since = serializers.DateField(required=False, help_text="From this day on (YYYY-MM-DD).")
    until = serializers.DateField(required=False, help_text="Up to this day (YYYY-MM-DD).")

    def validate(self, attrs):
        errors = range_errors(attrs.get("since"), attrs.get("until"))
        if errors:
            raise serializers.ValidationError({k: [v] for k, v in errors.items()})
        return attrs


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The model field (per language: title_en, …).")
    old = serializers.JSONField(allow_null=True, help_text="The value before (null: none).")
    new = serializers.JSONField(allow_null=True, help_text="The value after (null: none).")
    added = serializers.ListField(
        child=serializers.JSONField(), help_text="Links added (many-to-many): ids."
    )
    removed = serializers.ListField(
        child=serializers.JSONField(), help_text="Links removed (many-to-many): ids."
    )


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    actor = serializers.CharField(
        source="actor_name", allow_blank=True, help_text="User name; empty for the portal."
    )
    door = serializers.ChoiceField(choices=HistoryEntry._meta.get_field("door").choices)
    action = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField(help_text="e.g. cooperation.commitment")
    object_id = serializers.IntegerField()
    object_name = serializers.CharField(source="object_repr", help_text="As it was called.")
    changes = serializers.SerializerMethodField()

    def get_action(self, entry) -> str:
        return ACTIONS.get(entry.action, str(entry.action))

    def get_object_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, entry) -> list:
        out = []
        for name, values in (entry.changes or {}).items():
            if isinstance(values, dict):
                ids = values.get("ids") or values.get("objects") or []
                added = values.get("operation") == "add"
                out.append(
                    {
                        "field": name,
                        "old": None,
                        "new": None,
                        "added": ids if added else [],
                        "removed": [] if added else ids,
                    }
                )
            else:
                old, new = values
                out.append({"field": name, "old": old, "new": new, "added": [], "removed": []})
        return sorted(out, key=lambda change: change["field"])


class HistoryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = HistoryEntrySerializer(many=True)


PAGE_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": DATE_PATTERN}


def _parameter(name: str, kind, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description)


# Adds ``history`` to a resource's viewset (its ``get_object`` decides who may read). No
# docstring: the schema describes a viewset by the first docstring of its classes.
class HistoryMixin:
    history_parts = True  # with the entries of the object's parts (a theme's commitments, …)

    @extend_schema(
        summary="The object's history",
        description="Every create, change and delete of the object (and of its parts: a "
        "plan's signatories, a theme's responsible agencies and commitments, an activity's "
        "funding and evidence, an event's programme and delegation, a review's assessments), "
        "newest first: when, who (user name; empty for the portal itself), through which door "
        "(page, api, manage, admin, loader, task, command), and each field's old and new "
        "value (translated fields per language). An activity's status changes are its "
        "status updates.",
        parameters=[
            _parameter("actor", OpenApiTypes.STR, "Only changes by this user name."),
            _parameter("since", DATE_SCHEMA, f"From this day on (your time zone). {DATE_RANGE}"),
            _parameter("until", DATE_SCHEMA, f"Up to and including this day. {DATE_RANGE}"),
            _parameter(
                "page", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Page number."
            ),
            _parameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 200},
                "Entries per page (at most 200).",
            ),
        ],
        responses={200: HistoryPageSerializer, 400: ERRORS[400], 404: ERRORS[404]},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="history",
        url_name="history",
        filter_backends=[],
    )
    def history(self, request, pk=None):
        obj = self.get_object()
        # A plain dict: DRF takes a QueryDict's "" as "not given", a date or choice it is not.
        query = HistoryQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        entries = history.filtered(
            history.for_object(obj, parts=self.history_parts),
            zone=clock.zone_for(request.user),
            **query.validated_data,
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)
