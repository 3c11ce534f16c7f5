"""The REST API, version 1 (``/api/v1/``): what a person does in the browser, for programs.

Every view reads through the apps' selectors (rows of the user's partnerships only, so
anything else is 404), asks ``partners.access`` object by object (403 when seen but not
allowed), and writes through the apps' services where a change has rules:

- activities: ``cooperation.services.create_activity`` / ``update_activity`` (with its
  version check) and ``change_activity_status``;
- programme items: ``events.services.add_programme_item`` / ``delete_programme_item``;
- reviews: ``reviews.services`` (the review workflow).

Plans, themes, commitments, agencies and events have no rules beyond the model's own: they
are written as /manage/ writes them, after ``access.require`` (MANAGE for coordinators'
work; CHANGE for agencies and for events, which staff of an organising agency may edit) and
the model's validation (``full_clean``).

Concurrency: detail responses carry an ETag (an activity's or a review's version, an event's
update time, else a hash of the representation). A write with a stale ``If-Match`` is
refused with 412 and changes nothing. ``If-Match`` may be left out; a lost update is still
impossible for activities and reviews, whose services check the version read.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cooperation import selectors as cooperation_selectors
from cooperation.models import (
    Activity,
    Commitment,
    Evidence,
    Funding,
    StatusUpdate,
    ThemeAgency,
)
from cooperation.services import activities as cooperation_services
from cooperation.services import evidence as evidence_services
from cooperation.services import funding as cooperation_funding
from events import selectors as event_selectors
from events import services as event_services
from events.models import Event, ProgrammeItem
from partners import access, clock
from partners.access import Action
from partners.fields import MAX_ID
from reviews import reports as review_reports
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.models import ReportStatus, Review, ReviewKind, ThemeAssessment
from reviews.report_views import download_name, visible_reports

from . import filters
from . import serializers as s
from .exceptions import PreconditionFailed, ReportNotReady, model_field_to_api
from .permissions import AccessPermission

# --- ETags ----------------------------------------------------------------------------------


def _quoted(value: str) -> str:
    return f'"{value}"'


def etag_for(obj, data=None) -> str:
    if isinstance(obj, Activity | Review):
        return _quoted(f"{type(obj).__name__.lower()}-{obj.pk}-v{obj.version}")
    if isinstance(obj, Event):
        return _quoted(f"event-{obj.pk}-{obj.updated_at.timestamp():.6f}")
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()[:32]
    return _quoted(f"{type(obj).__name__.lower()}-{obj.pk}-{digest}")


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


ETAG_HEADER = OpenApiResponse(description="The object; its ETag in the ETag header.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag read. When it no longer matches, nothing changes and the answer "
    "is 412. May be left out.",
)
ERRORS = {
    400: OpenApiResponse(s.ValidationErrorSerializer, description="Invalid input."),
    403: OpenApiResponse(s.DetailSerializer, description="Seen, but not yours to change."),
    404: OpenApiResponse(s.DetailSerializer, description="No such object of your partnerships."),
}
READ_ERRORS = {404: ERRORS[404]}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(s.DetailSerializer, description="Other records refer to it."),
    412: OpenApiResponse(
        s.PreconditionFailedSerializer, description="Changed since read: nothing was saved."
    ),
}


def _pk_or_404(raw) -> int:
    raw = str(raw)
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        raise Http404
    return int(raw)


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")


# --- the base of every resource -------------------------------------------------------------


class PortalViewSet(viewsets.GenericViewSet):
    """Rows of the user's partnerships; object permissions from partners.access."""

    permission_classes = [AccessPermission]
    # Which access action a PATCH/PUT and a DELETE need (see permissions.action_for), and
    # which one creating needs on the new object.
    change_action = Action.MANAGE
    delete_action = Action.MANAGE
    create_action = Action.MANAGE
    # Every list has a stable order: the selectors' order, else this one.
    ordering = ("id",)
    ordering_fields = ("id",)
    search_fields: tuple = ()

    def initial(self, request, *args, **kwargs):
        """As DRF's, but request rates are checked before permissions: a client without a
        valid token is throttled too (DRF would answer it 401 for ever)."""
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        try:
            self.perform_authentication(request)
        except exceptions.AuthenticationFailed:
            self.check_throttles(request)  # counted as anonymous
            raise
        self.check_throttles(request)
        self.check_permissions(request)

    def get_object(self):
        raw = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
            raise Http404
        queryset = self.filter_queryset_for_object(self.get_queryset())
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and connection.in_atomic_block:
            # Writes lock the row: the If-Match check and the save see the same version.
            queryset = queryset.select_for_update(of=("self",))
        try:
            obj = queryset.get(pk=int(raw))
        except queryset.model.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        return obj

    def filter_queryset_for_object(self, queryset):
        return queryset

    # ETags and conditional requests.

    def etag(self, obj) -> str:
        data = None
        if not isinstance(obj, Activity | Review | Event):
            data = self.get_serializer(obj).data
        return etag_for(obj, data)

    def check_if_match(self, obj) -> str:
        current = self.etag(obj)
        header = self.request.headers.get("If-Match")
        if header is not None:
            tags = _tags(header)
            if "*" not in tags and current not in tags:
                raise PreconditionFailed(current_etag=current)
        return current

    def detail_response(self, obj, status_code=status.HTTP_200_OK) -> Response:
        data = self.get_serializer(obj).data
        response = Response(data, status=status_code)
        response["ETag"] = etag_for(obj, data)
        return response

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        response = self.detail_response(obj)
        if request.headers.get("If-None-Match") and response["ETag"] in _tags(
            request.headers["If-None-Match"]
        ):
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = response["ETag"]
            return not_modified
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers depend on who asks and in which language (error messages).
        patch_vary_headers(response, ("Authorization", "Cookie", "Accept-Language"))
        return response

    def fresh(self, obj):
        """The object again, with the joins of the list (after a write)."""
        return self.get_queryset().get(pk=obj.pk)


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


def _schema(name: str, serializer, *, writes: str = "", methods=()) -> dict:
    """The documented answers of a resource's standard operations."""
    described = {
        "list": extend_schema(
            summary=f"List {name}", responses={200: serializer(many=True), 400: ERRORS[400]}
        ),
        "retrieve": extend_schema(
            summary=f"One of the {name}", responses={200: serializer, **READ_ERRORS}
        ),
    }
    writes_of = {
        "create": extend_schema(description=writes, responses={201: serializer, **ERRORS}),
        "update": extend_schema(
            description=writes, parameters=[IF_MATCH], responses={200: serializer, **WRITE_ERRORS}
        ),
        "partial_update": extend_schema(
            description=writes, parameters=[IF_MATCH], responses={200: serializer, **WRITE_ERRORS}
        ),
        "destroy": extend_schema(
            description=writes, parameters=[IF_MATCH], responses={204: None, **WRITE_ERRORS}
        ),
    }
    described.update({name: schema for name, schema in writes_of.items() if name in methods})
    return described


ALL_WRITES = ("create", "update", "partial_update", "destroy")


# --- partnerships, plans --------------------------------------------------------------------


@extend_schema_view(**_schema("partnerships", s.PartnershipSerializer))
class PartnershipViewSet(mixins.ListModelMixin, PortalViewSet):
    """The partnerships the user belongs to. Read-only: they are set up by administrators."""

    serializer_class = s.PartnershipSerializer
    ordering_fields = ("id", "code", "established")
    search_fields = ("code", "agreement_title_en", "agreement_title_zh_hans")

    def get_queryset(self):
        return cooperation_selectors.visible_partnerships(self.request.user).order_by("code", "id")


PLAN_WRITES = "Coordinators of the partnership change a plan (as under /manage/). Plans are "
PLAN_WRITES += "created by administrators or the plan loader, never through the API."


@extend_schema_view(
    **_schema(
        "action plans", s.PlanSerializer, writes=PLAN_WRITES, methods=("update", "partial_update")
    )
)
class PlanViewSet(ModelUpdateMixin, mixins.ListModelMixin, PortalViewSet):
    serializer_class = s.PlanSerializer
    filterset_class = filters.PlanFilter
    ordering_fields = ("id", "period_start_year", "status")
    search_fields = ("title_en", "title_zh_hans")

    def get_queryset(self):
        return cooperation_selectors.visible_plans(self.request.user)


# --- themes, commitments, agencies ----------------------------------------------------------

THEME_WRITES = "Coordinators of the partnership add, change and remove themes (as under "
THEME_WRITES += "/manage/). A theme moves to no other plan. Responsible agencies are read-only "
THEME_WRITES += "here (/manage/ edits them)."


@extend_schema_view(**_schema("themes", s.ThemeSerializer, writes=THEME_WRITES, methods=ALL_WRITES))
class ThemeViewSet(ModelWritesMixin, mixins.ListModelMixin, PortalViewSet):
    serializer_class = s.ThemeSerializer
    filterset_class = filters.ThemeFilter
    create_only_fields = ("plan",)
    ordering_fields = ("id", "order", "code")
    search_fields = ("name_en", "name_zh_hans", "summary_en", "summary_zh_hans")

    def get_queryset(self):
        return (
            cooperation_selectors.visible_themes(self.request.user)
            .prefetch_related(
                Prefetch(
                    "responsibilities",
                    queryset=ThemeAgency.objects.order_by("role", "agency_id", "id"),
                )
            )
            .order_by("plan_id", "order", "id")
        )


COMMITMENT_WRITES = "Coordinators of the partnership add, change and remove commitments."


@extend_schema_view(
    **_schema("commitments", s.CommitmentSerializer, writes=COMMITMENT_WRITES, methods=ALL_WRITES)
)
class CommitmentViewSet(ModelWritesMixin, mixins.ListModelMixin, PortalViewSet):
    serializer_class = s.CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    m2m_fields = ("agencies",)
    ordering_fields = ("id", "order", "code")
    search_fields = ("text_en", "text_zh_hans", "code")

    def get_queryset(self):
        return (
            Commitment.objects.filter(
                access.partnership_q(self.request.user, "theme__plan__partnership")
            )
            .select_related("theme__plan__partnership")
            .prefetch_related("agencies")
            .order_by("theme__plan_id", "theme__order", "order", "id")
        )


AGENCY_WRITES = "Coordinators add and change the agencies of their own side (any coordinator "
AGENCY_WRITES += "those of no side: third parties), and remove those nothing refers to."


@extend_schema_view(
    **_schema("agencies", s.AgencySerializer, writes=AGENCY_WRITES, methods=ALL_WRITES)
)
class AgencyViewSet(ModelWritesMixin, mixins.ListModelMixin, PortalViewSet):
    """Agencies of the partnership's cities, and third parties."""

    serializer_class = s.AgencySerializer
    filterset_class = filters.AgencyFilter
    change_action = Action.CHANGE
    create_action = Action.CHANGE
    delete_action = Action.DELETE
    ordering_fields = ("id", "code", "name_en", "name_zh_hans", "kind")
    search_fields = ("code", "name_en", "name_zh_hans")

    def get_queryset(self):
        return s.visible_agencies(self.request.user).order_by("city_id", "code", "id")


# --- activities -----------------------------------------------------------------------------


def _conflict_fields(conflict: cooperation_services.ActivityConflict) -> list[str]:
    return sorted({model_field_to_api(d.field).split(".")[0] for d in conflict.differences})


ACTIVITY_WRITES = (
    "Coordinators, and staff of an agency that leads or takes part in the activity (staff "
    "record only activities their agency leads or takes part in). The status is not written "
    "here: POST to status-updates."
)


FUNDING_WRITES = (
    "Who may change the activity. The currency is a three-letter ISO 4217 code (EUR, CNY…), "
    "the amount is not negative. Each change moves the activity's ETag on; If-Match (the "
    "activity's ETag) is checked when given."
)
FUNDING_ID = OpenApiParameter("funding_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    **_schema(
        "joint activities",
        s.ActivitySerializer,
        writes=ACTIVITY_WRITES,
        methods=("create", "update", "partial_update"),
    )
)
class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    PortalViewSet,
):
    """Joint activities, with their status history (read-only here: status changes go to
    status-updates/) and funding (written through funding/)."""

    serializer_class = s.ActivitySerializer
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
        return (
            cooperation_selectors.activity_list(self.request.user)
            .select_related("created_by", "updated_by")
            .prefetch_related(
                "participants",
                Prefetch(
                    "status_updates",
                    queryset=StatusUpdate.objects.select_related("author").order_by("-sequence"),
                ),
                Prefetch("fundings", queryset=Funding.objects.order_by("source", "id")),
            )
        )

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
            self.check_if_match(activity)
            expected = activity.version  # as read: the service refuses if it moved since
            serializer = self.get_serializer(activity, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
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
        responses={200: s.StatusUpdateSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Change the status of an activity, with a note",
        description="Who may: coordinators, and staff of an agency involved in the activity; "
        "reopening a completed or cancelled activity is a coordinator's call. Completing "
        "needs the date. If-Match (the activity's ETag) is checked when given.",
        parameters=[IF_MATCH],
        request=s.StatusChangeSerializer,
        responses={201: s.StatusUpdateSerializer, **WRITE_ERRORS},
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
            data = s.StatusUpdateSerializer(activity.status_updates.all(), many=True).data
            return Response(data)
        with transaction.atomic():
            activity = self.get_object()
            self.check_if_match(activity)
            serializer = s.StatusChangeSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            update = cooperation_services.change_activity_status(
                user=request.user,
                activity_id=activity.pk,
                expected_version=activity.version,
                **serializer.validated_data,
            )
        update = StatusUpdate.objects.select_related("author").get(pk=update.pk)
        response = Response(s.StatusUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(Activity.objects.only("pk", "version").get(pk=activity.pk))
        return response

    # Funding (Article Three): who may change the activity, through cooperation.funding.

    def _funding_answer(self, activity, data=None, code=status.HTTP_200_OK) -> Response:
        response = Response(data, status=code)
        response["ETag"] = etag_for(Activity.objects.only("pk", "version").get(pk=activity.pk))
        return response

    @extend_schema(
        methods=["GET"],
        summary="The funding of an activity",
        responses={200: s.FundingWriteSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a source of funding to an activity",
        description=FUNDING_WRITES,
        parameters=[IF_MATCH],
        request=s.FundingWriteSerializer,
        responses={201: s.FundingWriteSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="funding",
        url_name="funding",
        change_action=Action.CHANGE,
        filter_backends=[],
        pagination_class=None,
    )
    def funding(self, request, pk=None):
        if request.method == "GET":
            activity = self.get_object()
            return Response(s.FundingWriteSerializer(activity.fundings.all(), many=True).data)
        with transaction.atomic():
            activity = self.get_object()
            self.check_if_match(activity)
            serializer = s.FundingWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            funding = cooperation_funding.add_funding(
                user=request.user, activity=activity, **serializer.validated_data
            )
        return self._funding_answer(
            activity, s.FundingWriteSerializer(funding).data, status.HTTP_201_CREATED
        )

    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="Change a source of funding of an activity",
        description=FUNDING_WRITES,
        parameters=[IF_MATCH, FUNDING_ID],
        request=s.FundingWriteSerializer,
        responses={200: s.FundingWriteSerializer, **WRITE_ERRORS},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a source of funding from an activity",
        description=FUNDING_WRITES,
        parameters=[IF_MATCH, FUNDING_ID],
        request=None,
        responses={204: None, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["put", "patch", "delete"],
        url_path=r"funding/(?P<funding_id>[^/.]+)",
        url_name="funding-detail",
        change_action=Action.CHANGE,
        delete_action=Action.CHANGE,
        filter_backends=[],
    )
    def funding_detail(self, request, pk=None, funding_id=None):
        with transaction.atomic():
            activity = self.get_object()
            try:
                funding = activity.fundings.select_for_update().get(pk=_pk_or_404(funding_id))
            except Funding.DoesNotExist:
                raise Http404 from None
            funding.activity = activity
            self.check_if_match(activity)
            if request.method == "DELETE":
                cooperation_funding.delete_funding(user=request.user, funding=funding)
                return self._funding_answer(activity, None, status.HTTP_204_NO_CONTENT)
            serializer = s.FundingWriteSerializer(
                funding, data=request.data, partial=request.method == "PATCH"
            )
            serializer.is_valid(raise_exception=True)
            funding = cooperation_funding.update_funding(
                user=request.user, funding=funding, **serializer.validated_data
            )
        return self._funding_answer(activity, s.FundingWriteSerializer(funding).data)

    # Evidence: files attached to an activity, through cooperation.services.

    @extend_schema(
        methods=["GET"],
        summary="The evidence files of an activity, newest first",
        responses={200: s.EvidenceSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach an evidence file to an activity",
        description="Who may change the activity (multipart/form-data: file, description). "
        "Size and type are checked as on the activity's page: refused with 400 under file.",
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="evidence",
        url_name="evidence",
        change_action=Action.CHANGE,
        filter_backends=[],
        pagination_class=None,
        parser_classes=[MultiPartParser, FormParser],
    )
    def evidence(self, request, pk=None):
        activity = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = Evidence.objects.filter(activity=activity).order_by("-uploaded_at", "-id")
            return Response(s.EvidenceSerializer(rows, many=True, context=context).data)
        serializer = s.EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            evidence = evidence_services.add_evidence(
                user=request.user,
                activity=activity,
                upload=serializer.validated_data["file"],
                description=serializer.validated_data.get("description", ""),
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise serializers.ValidationError({"file": list(error.messages)}) from None
        return Response(
            s.EvidenceSerializer(evidence, context=context).data, status=status.HTTP_201_CREATED
        )

    def get_serializer_class(self):
        return {
            "status_updates": s.StatusChangeSerializer,
            "funding": s.FundingWriteSerializer,
            "funding_detail": s.FundingWriteSerializer,
            "evidence": s.EvidenceUploadSerializer,
        }.get(self.action) or super().get_serializer_class()


# --- evidence -------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary="One evidence file's details", responses={200: s.EvidenceSerializer, **READ_ERRORS}
    ),
    destroy=extend_schema(
        summary="Remove an evidence file",
        description="Who may change the activity.",
        responses={204: None, **ERRORS},
    ),
)
class EvidenceViewSet(mixins.DestroyModelMixin, PortalViewSet):
    """Evidence files of activities; they are attached under /activities/{id}/evidence/."""

    serializer_class = s.EvidenceSerializer
    delete_action = Action.CHANGE

    def get_queryset(self):
        return cooperation_selectors.visible_evidence(self.request.user).prefetch_related(
            "activity__participants"
        )

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj.activity)

    def etag(self, obj) -> str:
        return etag_for(obj, self.get_serializer(obj).data)

    @transaction.atomic
    def perform_destroy(self, instance):
        evidence_services.delete_evidence(user=self.request.user, evidence=instance)

    @extend_schema(
        summary="Download an evidence file",
        responses={(200, "application/octet-stream"): FILE, **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        evidence = self.get_object()
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )


# --- progress reports -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List progress reports, newest first",
        responses={200: s.ReportSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary="One progress report: its state, and where to download it when done",
        responses={200: s.ReportSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Ask for a progress report",
        description="Any member of the plan's partnership. The report is rendered in the "
        "background: 202 while it is queued (poll the Location), 201 when already done.",
        request=s.ReportRequestSerializer,
        responses={201: s.ReportSerializer, 202: s.ReportSerializer, **ERRORS},
    ),
)
class ReportViewSet(mixins.ListModelMixin, PortalViewSet):
    """PDF progress reports of a plan (or one theme of it) as of a date."""

    serializer_class = s.ReportSerializer
    ordering = ("-created_at", "-id")
    ordering_fields = ("id", "created_at", "as_of")
    # Any member may ask for a report (request_report checks the plan).
    create_action = Action.VIEW

    def get_queryset(self):
        return visible_reports(self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = s.ReportRequestSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = data["plan"]
        report = review_reports.request_report(
            user=request.user,
            plan=plan,
            theme=data.get("theme"),
            language=data["language"],
            as_of=data.get("as_of") or clock.today_for(request.user),
        )
        report = self.fresh(report)
        done = report.status == ReportStatus.DONE
        response = self.detail_response(
            report, status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED
        )
        response["Location"] = request.build_absolute_uri(
            reverse("api:report-detail", args=[report.pk])
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK and response.data["state"] in (
            ReportStatus.QUEUED,
            ReportStatus.RENDERING,
        ):
            response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="Download a finished progress report (PDF)",
        responses={
            (200, "application/pdf"): FILE,
            **READ_ERRORS,
            409: OpenApiResponse(
                s.ReportNotReadySerializer, description="Not rendered (yet): see its status."
            ),
        },
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        report = self.get_object()
        if report.status != ReportStatus.DONE:
            raise ReportNotReady(report.status)
        try:
            handle = report.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=download_name(report),
            content_type="application/pdf",
        )


# --- events ---------------------------------------------------------------------------------

EVENT_WRITES = (
    "Coordinators add and remove events. Coordinators, and staff of an organising agency, "
    "change an event; only coordinators change its plan and its organisers (as under /manage/)."
)


@extend_schema_view(**_schema("events", s.EventSerializer, writes=EVENT_WRITES, methods=ALL_WRITES))
class EventViewSet(ModelWritesMixin, mixins.ListModelMixin, PortalViewSet):
    """Events with their programme (read-only here: add and remove items below)."""

    serializer_class = s.EventSerializer
    filterset_class = filters.EventFilter
    change_action = Action.CHANGE
    m2m_fields = ("themes", "activities", "organisers")
    ordering_fields = ("id", "start_date", "end_date", "year", "updated_at")
    search_fields = (
        "title_en",
        "title_zh_hans",
        "description_en",
        "description_zh_hans",
        "venue_en",
        "venue_zh_hans",
    )

    def get_queryset(self):
        return (
            event_selectors.event_list(self.request.user)
            .prefetch_related(
                "activities",
                Prefetch("programme", queryset=ProgrammeItem.objects.order_by("starts_at", "id")),
            )
            .select_related("plan__partnership")
        )

    def check_fields(self, event, data) -> None:
        if access.can(self.request.user, Action.MANAGE, event):
            return
        errors = {}
        if "plan" in data and data["plan"] != event.plan:
            errors["plan"] = [_("Only a coordinator can move an event to another plan.")]
        if "organisers" in data and set(data["organisers"]) != set(event.organisers.all()):
            errors["organisers"] = [_("Only a coordinator can change who organises an event.")]
        if errors:
            raise serializers.ValidationError(errors)

    @extend_schema(
        summary="Add an item to an event's programme",
        description="Who may change the event may plan its programme. Times without an offset "
        "are the host city's local times.",
        request=s.ProgrammeItemSerializer,
        responses={201: s.ProgrammeItemSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="programme-items",
        url_name="programme-items",
        change_action=Action.CHANGE,
        filter_backends=[],
    )
    def programme_items(self, request, pk=None):
        with transaction.atomic():
            event = self.get_object()
            # Times without an offset are the host city's local times, as on the page.
            with timezone.override(event_selectors.event_time_zone(event)):
                return self._add_programme_item(request, event)

    def _add_programme_item(self, request, event):
        serializer = s.ProgrammeItemSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = event_services.add_programme_item(
            user=request.user,
            event=event,
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            title_en=data.get("title_en", ""),
            title_zh_hans=data.get("title_zh_hans", ""),
            venue_en=data.get("venue_en", ""),
            venue_zh_hans=data.get("venue_zh_hans", ""),
            organiser=data.get("organiser"),
        )
        return Response(s.ProgrammeItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove an item from an event's programme",
        parameters=[OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses={204: None, **ERRORS},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"programme-items/(?P<item_id>[^/.]+)",
        url_name="programme-item",
        delete_action=Action.CHANGE,
        filter_backends=[],
    )
    @transaction.atomic
    def programme_item(self, request, pk=None, item_id=None):
        event = self.get_object()
        raw = str(item_id)
        if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
            raise Http404
        try:
            item = event.programme.get(pk=int(raw))
        except ProgrammeItem.DoesNotExist:
            raise Http404 from None
        event_services.delete_programme_item(user=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_serializer_class(self):
        if self.action == "programme_items":
            return s.ProgrammeItemSerializer
        return super().get_serializer_class()


# --- reviews --------------------------------------------------------------------------------

REVIEW_WRITES = (
    "Coordinators of the partnership. Creating adds an ad-hoc review (or a formal one the plan "
    "lacks); PATCH changes the schedule only (due_date, reminder_days); the rest moves through "
    "start, assessments, complete and reopen. If-Match (the review's ETag) is checked when given."
)


@extend_schema_view(
    **_schema("reviews", s.ReviewSerializer, writes=REVIEW_WRITES, methods=("create",)),
    partial_update=extend_schema(
        description=REVIEW_WRITES,
        parameters=[IF_MATCH],
        request=s.ReviewScheduleSerializer,
        responses={200: s.ReviewSerializer, **WRITE_ERRORS},
    ),
)
class ReviewViewSet(mixins.ListModelMixin, PortalViewSet):
    """Reviews of a plan (Article Four) with their per-theme assessments."""

    serializer_class = s.ReviewSerializer
    filterset_class = filters.ReviewFilter
    ordering_fields = ("id", "due_date", "status")
    search_fields = ("title_en", "title_zh_hans")

    def get_queryset(self):
        return (
            review_selectors.reviews_visible_to(self.request.user)
            .select_related("plan__partnership")
            .prefetch_related(
                Prefetch(
                    "assessments",
                    queryset=ThemeAssessment.objects.select_related(
                        "assessed_by", "theme"
                    ).order_by("theme__order", "id"),
                )
            )
            .order_by("due_date", "id")
        )

    def get_serializer_class(self):
        return {
            "partial_update": s.ReviewScheduleSerializer,
            "assessments": s.AssessmentWriteSerializer,
            "complete": s.ReviewCompletionSerializer,
        }.get(self.action, s.ReviewSerializer)

    def _expected_version(self, review) -> int:
        self.check_if_match(review)
        return review.version

    def _answer(self, review, code=status.HTTP_200_OK):
        response = Response(
            s.ReviewSerializer(self.fresh(review), context=self.get_serializer_context()).data,
            status=code,
        )
        response["ETag"] = etag_for(review)
        return response

    def detail_response(self, obj, status_code=status.HTTP_200_OK):
        data = s.ReviewSerializer(obj, context=self.get_serializer_context()).data
        response = Response(data, status=status_code)
        response["ETag"] = etag_for(obj)
        return response

    def _workflow(self, call, **kwargs):
        try:
            return call(user=self.request.user, **kwargs)
        except review_services.ReviewConflict as conflict:
            raise PreconditionFailed(current_etag=etag_for(conflict.current)) from None

    def create(self, request, *args, **kwargs):
        serializer = s.ReviewSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = review_services.create_review(
            user=request.user,
            plan=data["plan"],
            kind=data.get("kind", ReviewKind.AD_HOC),
            title_en=data.get("title_en", ""),
            title_zh_hans=data.get("title_zh_hans", ""),
            description_en=data.get("description_en", ""),
            description_zh_hans=data.get("description_zh_hans", ""),
            due_date=data["due_date"],
            reminder_days=data.get("reminder_days"),
        )
        return self._answer(review, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        with transaction.atomic():
            review = self.get_object()
            expected = self._expected_version(review)
            serializer = s.ReviewScheduleSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            review = self._workflow(
                review_services.update_review_schedule,
                review=review,
                due_date=data.get("due_date", review.due_date),
                reminder_days=data.get("reminder_days", review.reminder_days),
                expected_version=expected,
            )
        return self._answer(review)

    @extend_schema(
        summary="Start the preparation of a scheduled review",
        parameters=[IF_MATCH],
        request=None,
        responses={200: s.ReviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def start(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            review = self._workflow(
                review_services.start_preparation,
                review=review,
                expected_version=self._expected_version(review),
            )
        return self._answer(review)

    @extend_schema(
        summary="Assess one theme (created, or replaced)",
        description="Assessing a scheduled review starts its preparation; a completed review "
        "must be reopened first.",
        request=s.AssessmentWriteSerializer,
        responses={200: s.ReviewSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def assessments(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            serializer = s.AssessmentWriteSerializer(
                data=request.data, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            self._workflow(
                review_services.save_assessment,
                review=review,
                theme=data["theme"],
                rating=data["rating"],
                narrative_en=data.get("narrative_en", ""),
                narrative_zh_hans=data.get("narrative_zh_hans", ""),
            )
        return self._answer(review)

    @extend_schema(
        summary="Complete a review with its conclusion",
        description="Every theme must be assessed first.",
        parameters=[IF_MATCH],
        request=s.ReviewCompletionSerializer,
        responses={200: s.ReviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            expected = self._expected_version(review)
            serializer = s.ReviewCompletionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            review = self._workflow(
                review_services.complete_review,
                review=review,
                conclusion=data["conclusion"],
                conclusions_text_en=data.get("conclusions_text_en", ""),
                conclusions_text_zh_hans=data.get("conclusions_text_zh_hans", ""),
                expected_version=expected,
            )
        return self._answer(review)

    @extend_schema(
        summary="Reopen a completed review",
        parameters=[IF_MATCH],
        request=None,
        responses={200: s.ReviewSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        with transaction.atomic():
            review = self.get_object()
            review = self._workflow(
                review_services.reopen_review,
                review=review,
                expected_version=self._expected_version(review),
            )
        return self._answer(review)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML, or JSON with ?format=json). Public, like the docs."""

    permission_classes = [permissions.AllowAny]
