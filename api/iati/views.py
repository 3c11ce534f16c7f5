"""``GET /api/v1/plans/{id}/iati.xml``: whoever may read the plan through the API may export
it (coordinators, agency staff and officials of its partnership, administrators)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema

from cooperation import selectors as cooperation_selectors
from core.downloads import content_attachment

from ..base import PortalViewSet
from ..schema import READ_ERRORS
from .export import CONTENT_TYPE, export_plan, filename_for


class PlanIatiViewSet(PortalViewSet):
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return cooperation_selectors.visible_plans(self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # The answer is XML whatever the client accepts; errors stay JSON (a client asking
        # for application/xml gets the document, not 406).
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="The plan's joint activities as IATI 2.03 XML",
        description="An `iati-activities` document (version 2.03) valid against the IATI "
        "activities schema: the plan as the parent activity (hierarchy 1), each joint "
        "activity under it (hierarchy 2), titles and descriptions in English and Chinese, "
        "participating organisations, the theme as a sector (vocabulary 99) and funding as "
        "transactions. Demo activities are left out. Any member of the plan's partnership.",
        responses={
            (200, "application/xml"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The document, as an attachment."
            ),
            **READ_ERRORS,
        },
        operation_id="plans_iati_retrieve",
        tags=["plans"],
    )
    def export(self, request, pk=None):
        plan = self.get_object()
        return content_attachment(
            export_plan(plan, user=request.user),
            filename=filename_for(plan),
            content_type=CONTENT_TYPE,
        )
