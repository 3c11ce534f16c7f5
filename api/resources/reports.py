"""Progress reports (PDF) of a plan, or one theme of it, as of a date: asked for here,
rendered in the background (``reports.services``), polled and downloaded."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from cooperation import selectors as cooperation_selectors
from cooperation.models import ActionPlan, Theme
from core.downloads import attachment
from partners import clock
from partners.access import Action
from reports import services as report_services
from reports.models import ProgressReport, ReportLanguage, ReportStatus
from reports.selectors import download_name, visible_reports

from .. import stamps
from ..base import PortalViewSet
from ..exceptions import ReportNotReady
from ..fields import SafePrimaryKeyRelatedField
from ..schema import (
    ERRORS,
    FILE,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    READ_ERRORS,
    SIGNED_REDIRECT,
    ReportNotReadySerializer,
)
from ..serializers_base import StrictMixin, absolute_url, user_of


class ReportSerializer(serializers.ModelSerializer):
    checksum = serializers.CharField(
        source="sha256", read_only=True, help_text="SHA-256 of the PDF (hex), once done."
    )
    pages = serializers.IntegerField(source="page_count", read_only=True, allow_null=True)
    state = serializers.ChoiceField(
        source="status",
        choices=ReportStatus.choices,
        read_only=True,
        help_text="queued, rendering, done (download_url is set) or failed (error says why).",
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "plan",
            "theme",
            "language",
            "as_of",
            "state",
            "error",
            "checksum",
            "size",
            "pages",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        if obj.status != ReportStatus.DONE:
            return None
        return absolute_url(self, reverse("api:report-download", args=[obj.pk]))


class ReportRequestSerializer(StrictMixin, serializers.Serializer):
    plan = SafePrimaryKeyRelatedField(queryset=ActionPlan.objects.none())
    theme = SafePrimaryKeyRelatedField(
        queryset=Theme.objects.none(), required=False, allow_null=True
    )
    language = serializers.ChoiceField(choices=ReportLanguage.choices)
    as_of = serializers.DateField(
        required=False, help_text="The day the report shows the plan as of; today when left out."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = user_of(self)
        self.fields["plan"].queryset = cooperation_selectors.visible_plans(user)
        self.fields["theme"].queryset = cooperation_selectors.visible_themes(user)


@extend_schema_view(
    list=extend_schema(
        summary="List progress reports, newest first",
        parameters=[IF_NONE_MATCH],
        responses={200: ReportSerializer(many=True), 304: NOT_MODIFIED, 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary="One progress report: its state, and where to download it when done",
        parameters=[IF_NONE_MATCH],
        responses={200: ReportSerializer, 304: NOT_MODIFIED, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Ask for a progress report",
        description="Any member of the plan's partnership. The report is rendered in the "
        "background: 202 while it is queued (poll the Location), 201 when already done.",
        request=ReportRequestSerializer,
        responses={201: ReportSerializer, 202: ReportSerializer, **ERRORS},
    ),
)
class ReportViewSet(mixins.ListModelMixin, PortalViewSet):
    """PDF progress reports of a plan (or one theme of it) as of a date."""

    serializer_class = ReportSerializer
    ordering = ("-created_at", "-id")
    ordering_fields = ("id", "created_at", "as_of")
    # Any member may ask for a report (request_report checks the plan).
    create_action = Action.VIEW

    def get_queryset(self):
        return visible_reports(self.request.user).order_by("-created_at", "-id")

    def list_stamp(self) -> list[str]:
        # A report's rendering is not in the history: its start and end times move on.
        return stamps.table_stamp(ProgressReport, "started_at", "finished_at")

    def create(self, request, *args, **kwargs):
        serializer = ReportRequestSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = data["plan"]
        report = report_services.request_report(
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
            **SIGNED_REDIRECT,
            **READ_ERRORS,
            409: OpenApiResponse(
                ReportNotReadySerializer, description="Not rendered (yet): see its status."
            ),
        },
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        report = self.get_object()
        if report.status != ReportStatus.DONE:
            raise ReportNotReady(report.status)
        return attachment(
            report.file, filename=download_name(report), content_type="application/pdf"
        )
