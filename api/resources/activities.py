"""Joint activities, with their status history: the status changes only through a status
update with a note (``cooperation.services``). Funding and evidence, under the activity's
address too, are their own modules' (``funding``, ``evidence``)."""

from __future__ import annotations

import functools

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation import selectors as cooperation_selectors
from cooperation.models import Activity, ActivityStatus, Commitment, Funding, StatusUpdate
from cooperation.services import activities as cooperation_services
from partners.access import Action
from partners.models import Agency

from .. import etags, filters
from ..base import PortalViewSet
from ..etags import etag_for
from ..exceptions import NotModified, PreconditionFailed, model_field_to_api
from ..fields import SafePrimaryKeyRelatedField, TranslatedField, TranslatedOrPlainField
from ..history import HistoryMixin
from ..schema import IF_MATCH, READ_ERRORS, WRITE_ERRORS, resource_schema
from ..serializers_base import StrictMixin, StrictSerializer, id_list, user_of
from .activity_rows import ActivityRows
from .evidence import EvidenceActions, EvidenceUploadSerializer
from .funding import FundingActions, FundingSerializer, FundingWriteSerializer


class StatusUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    note = TranslatedField("note", read_only=True)

    class Meta:
        model = StatusUpdate
        fields = ["id", "sequence", "from_status", "to_status", "note", "author", "created_at"]


class StatusChangeSerializer(StrictMixin, serializers.Serializer):
    """``POST /api/v1/activities/{id}/status-updates/``: the change, with a note."""

    to_status = serializers.ChoiceField(choices=ActivityStatus.choices)
    note = TranslatedOrPlainField("note", max_length=4000, require_one=True)
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When the activity started (in_progress) or was completed (needed to "
        "complete it). Not in the future.",
    )


class ActivitySerializer(StrictSerializer):
    """A joint activity. ``status`` is read-only: it changes through status-updates."""

    plan = serializers.IntegerField(source="theme.plan_id", read_only=True)
    title = TranslatedField("title", max_length=300, require_one=True)
    description = TranslatedField("description", required=False)
    outcomes = TranslatedField("outcomes", required=False)
    participants = id_list(queryset=Agency.objects.none(), required=False)
    commitment = SafePrimaryKeyRelatedField(
        queryset=Commitment.objects.none(), allow_null=True, required=False
    )
    first_lead_agency = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )
    second_lead_agency = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )
    status = serializers.ChoiceField(
        choices=ActivityStatus.choices,
        read_only=True,
        help_text="Changed only with POST /api/v1/activities/{id}/status-updates/.",
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    updated_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    status_history = StatusUpdateSerializer(source="status_updates", many=True, read_only=True)
    fundings = FundingSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan",
            "theme",
            "commitment",
            "title",
            "description",
            "outcomes",
            "first_lead_agency",
            "second_lead_agency",
            "participants",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "version",
            "is_demo",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
            "status_history",
            "fundings",
        ]
        read_only_fields = ["version", "is_demo", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.parses():  # never nested: its writes come with their own data
            return
        user = user_of(self)
        self.limit("theme", cooperation_selectors.visible_themes(user))
        self.limit("commitment", cooperation_selectors.visible_commitments(user))
        agencies = cooperation_selectors.visible_agencies(user)
        for name in ("first_lead_agency", "second_lead_agency", "participants"):
            self.limit(name, agencies)

    def to_internal_value(self, data):
        if isinstance(data, dict) and "status" in data:
            current = self.instance.status if self.instance is not None else ActivityStatus.PLANNED
            if data["status"] != current:
                raise serializers.ValidationError(
                    {
                        "status": [
                            _(
                                "The status cannot be changed here: post the change with a "
                                "note to /api/v1/activities/{id}/status-updates/."
                            )
                        ]
                    }
                )
        return super().to_internal_value(data)


@functools.cache
def activity_rows() -> ActivityRows:
    """The list's reader, built once from the serializers (their fields say what it reads)."""
    return ActivityRows(ActivitySerializer, StatusUpdateSerializer, FundingSerializer)


def _conflict_fields(conflict: cooperation_services.ActivityConflict) -> list[str]:
    return sorted({model_field_to_api(d.field).split(".")[0] for d in conflict.differences})


ACTIVITY_WRITES = (
    "Coordinators, and staff of an agency that leads or takes part in the activity (staff "
    "record only activities their agency leads or takes part in). The status is not written "
    "here: POST to status-updates."
)


@extend_schema_view(
    **resource_schema(
        "joint activities",
        ActivitySerializer,
        writes=ACTIVITY_WRITES,
        methods=("create", "update", "partial_update"),
    )
)
class ActivityViewSet(
    HistoryMixin,
    FundingActions,
    EvidenceActions,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PortalViewSet,
):
    """Joint activities, with their status history (read-only here: status changes go to
    status-updates/) and funding (written through funding/)."""

    serializer_class = ActivitySerializer
    filterset_class = filters.ActivityApiFilter
    change_action = Action.CHANGE
    ordering_fields = (
        "id",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "updated_at",
        "created_at",
        "status",
    )
    search_fields = ("title_en", "title_zh_hans", "description_en", "description_zh_hans")

    def get_queryset(self):
        """One activity with what its JSON and the permission check read, no more: the theme's
        plan and partnership (their keys), the authors' names, ids of the participants."""
        if self.action == "list":  # read as plain values: list() below
            return cooperation_selectors.activity_list(self.request.user)
        if self.action != "retrieve":  # writes and the nested lists read the whole rows
            return (
                cooperation_selectors.activity_list(self.request.user)
                .select_related("created_by", "updated_by")
                .prefetch_related(
                    "participants",
                    Prefetch(
                        "status_updates",
                        queryset=StatusUpdate.objects.select_related("author").order_by(
                            "-sequence"
                        ),
                    ),
                    Prefetch("fundings", queryset=Funding.objects.order_by("source", "id")),
                )
            )
        # A detail: the row's version (its ETag) and what the permission check reads; its
        # JSON is read as plain values (retrieve below).
        return (
            cooperation_selectors.visible_activities(self.request.user)
            .select_related("theme__plan__partnership")
            .only(
                "version",
                "theme__plan__status",
                "theme__plan__renewal_of_id",
                "theme__plan__partnership__first_city_id",
                "theme__plan__partnership__second_city_id",
            )
        )

    def retrieve(self, request, *args, **kwargs):
        activity = self.get_object()
        etag = etag_for(activity)
        if etags.none_match(request.headers.get("If-None-Match"), etag):
            raise NotModified(etag)
        rows = activity_rows()
        (data,) = rows.data(rows.page_values(Activity.objects.filter(pk=activity.pk)))
        response = Response(data)
        response["ETag"] = etag
        return response

    def list(self, request, *args, **kwargs):
        rows = activity_rows()
        page = self.paginate_queryset(rows.page_values(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(rows.data(page))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        participants = data.pop("participants", [])
        activity = Activity(**data)
        created = cooperation_services.create_activity(
            user=self.request.user,
            activity=activity,
            participant_ids=[a.pk for a in participants],
        )
        serializer.instance = created

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self.detail_response(self.fresh(serializer.instance), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            activity = self.get_object()
            serializer = self.get_serializer(activity, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.check_if_match(activity)
            expected = activity.version  # as read: the service refuses if it moved since
            data = dict(serializer.validated_data)
            participants = data.pop("participants", None)
            for name, value in data.items():
                setattr(activity, name, value)
            try:
                cooperation_services.update_activity(
                    user=request.user,
                    activity=activity,
                    expected_version=expected,
                    fields=list(data),
                    participant_ids=(
                        None if participants is None else [a.pk for a in participants]
                    ),
                )
            except cooperation_services.ActivityConflict as conflict:
                raise PreconditionFailed(
                    current_etag=etag_for(conflict.current), changed=_conflict_fields(conflict)
                ) from None
        return self.detail_response(self.fresh(activity))

    @extend_schema(
        methods=["GET"],
        summary="The status history of an activity, newest first",
        responses={200: StatusUpdateSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Change the status of an activity, with a note",
        description="Who may: coordinators, and staff of an agency involved in the activity; "
        "reopening a completed or cancelled activity is a coordinator's call. Completing "
        "needs the date. If-Match (the activity's ETag) is checked when given.",
        parameters=[IF_MATCH],
        request=StatusChangeSerializer,
        responses={201: StatusUpdateSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="status-updates",
        url_name="status-updates",
        change_action=Action.CHANGE_STATUS,
        filter_backends=[],
        pagination_class=None,
    )
    def status_updates(self, request, pk=None):
        if request.method == "GET":
            activity = self.get_object()
            data = StatusUpdateSerializer(activity.status_updates.all(), many=True).data
            return Response(data)
        with transaction.atomic():
            activity = self.get_object()
            serializer = StatusChangeSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            self.check_if_match(activity)
            update = cooperation_services.change_activity_status(
                user=request.user,
                activity_id=activity.pk,
                expected_version=activity.version,
                **serializer.validated_data,
            )
        update = StatusUpdate.objects.select_related("author").get(pk=update.pk)
        response = Response(StatusUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(Activity.objects.only("pk", "version").get(pk=activity.pk))
        return response

    def get_serializer_class(self):
        return {
            "status_updates": StatusChangeSerializer,
            "funding": FundingWriteSerializer,
            "funding_detail": FundingWriteSerializer,
            "evidence": EvidenceUploadSerializer,
        }.get(self.action) or super().get_serializer_class()
