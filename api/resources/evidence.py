"""Evidence files of activities: attached under ``/activities/{id}/evidence/``, read,
downloaded and removed under ``/evidence/{id}/``, through ``cooperation.services``."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation import selectors as cooperation_selectors
from cooperation.models import Evidence
from cooperation.services import evidence as evidence_services
from cooperation.uploads import ALLOWED_TYPES
from core.downloads import attachment
from partners.access import Action

from ..base import PortalViewSet
from ..etags import etag_for
from ..history import HistoryMixin
from ..parsers import BoundedFormParser, BoundedMultiPartParser
from ..schema import ERRORS, FILE, IF_NONE_MATCH, NOT_MODIFIED, READ_ERRORS, SIGNED_REDIRECT
from ..serializers_base import StrictMixin, absolute_url


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "activity",
            "name",
            "content_type",
            "size",
            "description",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return absolute_url(self, reverse("api:evidence-download", args=[obj.pk]))


class EvidenceUploadSerializer(StrictMixin, serializers.Serializer):
    file = serializers.FileField(help_text="Size and type rules as on the activity's page.")
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)


class EvidenceActions:
    """Mixed into ActivityViewSet: ``evidence/`` (GET, POST multipart)."""

    @extend_schema(
        methods=["GET"],
        summary="The evidence files of an activity, newest first",
        responses={200: EvidenceSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach an evidence file to an activity",
        description="Who may change the activity (multipart/form-data: file, description). "
        "Size and type are checked as on the activity's page: refused with 400 under file.",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="evidence",
        url_name="evidence",
        change_action=Action.CHANGE,
        filter_backends=[],
        pagination_class=None,
        parser_classes=[BoundedMultiPartParser, BoundedFormParser],
    )
    def evidence(self, request, pk=None):
        activity = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = Evidence.objects.filter(activity=activity).order_by("-uploaded_at", "-id")
            return Response(EvidenceSerializer(rows, many=True, context=context).data)
        serializer = EvidenceUploadSerializer(data=request.data)
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
            EvidenceSerializer(evidence, context=context).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    retrieve=extend_schema(
        summary="One evidence file's details",
        parameters=[IF_NONE_MATCH],
        responses={200: EvidenceSerializer, 304: NOT_MODIFIED, **READ_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove an evidence file",
        description="Who may change the activity.",
        responses={204: None, **ERRORS},
    ),
)
class EvidenceViewSet(HistoryMixin, mixins.DestroyModelMixin, PortalViewSet):
    """Evidence files of activities; they are attached under /activities/{id}/evidence/."""

    serializer_class = EvidenceSerializer
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
        description="Served as its own type: one of those an upload may have.",
        # One documented answer per type an upload may have (cooperation.uploads).
        responses={
            **{(200, media_type): FILE for media_type in sorted(ALLOWED_TYPES)},
            **SIGNED_REDIRECT,
            **READ_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        evidence = self.get_object()
        return attachment(
            evidence.file, filename=evidence.original_name, content_type=evidence.content_type
        )
