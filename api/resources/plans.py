"""Action plans: read by every member, changed by the partnership's coordinators (as under
/manage/). Plans are created by administrators or the plan loader, never through the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from cooperation import selectors as cooperation_selectors
from cooperation.models import ActionPlan
from cooperation.services import plans as services

from .. import filters
from ..base import PortalViewSet
from ..fields import TranslatedField
from ..history import HistoryMixin
from ..schema import resource_schema
from ..serializers_base import StrictSerializer
from ..service_writes import ServiceUpdateMixin
from .amendments import PlanAmendmentsMixin


class PlanSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=300)
    signed_place = TranslatedField("signed_place", max_length=100, required=False)
    authentic_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=["en", "zh-hans", "fi"]),
        max_length=5,
        required=False,
    )

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "code",
            "partnership",
            "title",
            "period_start_year",
            "period_end_year",
            "signed_on",
            "signed_place",
            "status",
            "authentic_languages",
            "predecessor",
        ]
        read_only_fields = ["code", "partnership", "predecessor"]


PLAN_WRITES = "Coordinators of the partnership change a plan (as under /manage/). Plans are "
PLAN_WRITES += "created by administrators or the plan loader, never through the API."


@extend_schema_view(
    **resource_schema(
        "action plans", PlanSerializer, writes=PLAN_WRITES, methods=("update", "partial_update")
    )
)
class PlanViewSet(
    PlanAmendmentsMixin, HistoryMixin, ServiceUpdateMixin, mixins.ListModelMixin, PortalViewSet
):
    serializer_class = PlanSerializer
    filterset_class = filters.PlanFilter
    ordering_fields = ("id", "period_start_year", "status")
    search_fields = ("title_en", "title_zh_hans")

    def get_queryset(self):
        return cooperation_selectors.visible_plans(self.request.user)

    def update_object(self, obj, data):
        return services.update_plan(user=self.request.user, plan=obj, **data)
