"""Action plans: read by every member, changed by the partnership's coordinators (as under
/manage/). Plans are created by administrators or the plan loader, never through the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from cooperation import selectors as cooperation_selectors
from cooperation.models import ActionPlan
from cooperation.services import plans as services
from partners import clock
from reviews import lifecycle

from .. import filters
from ..base import PortalViewSet
from ..fields import TranslatedField
from ..history import HistoryMixin
from ..schema import resource_schema
from ..serializers_base import StrictSerializer, user_of
from ..service_writes import ServiceUpdateMixin


class PlanListSerializer(serializers.ListSerializer):
    """Works out the stages of a page of plans at once (two queries, not two per plan)."""

    def to_representation(self, data):
        plans = list(data.all() if hasattr(data, "all") else data)
        user = user_of(self)
        self.child.stages = lifecycle.stages_of(plans, clock.today_for(user), user=user)
        return super().to_representation(plans)


class PlanSerializer(StrictSerializer):
    stage = serializers.SerializerMethodField(
        help_text="Where the plan is in its life, from its dates, its evaluation and the "
        "decisions on it: draft, not_started, in_force, ended, evaluated, renewed or concluded."
    )
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
            "renewal_of",
            "stage",
        ]
        read_only_fields = ["code", "partnership", "predecessor", "renewal_of"]
        list_serializer_class = PlanListSerializer

    stages: dict = {}

    def get_stage(self, plan) -> str:
        stage = self.stages.get(plan.pk)
        if stage is None:
            user = user_of(self)
            stage = lifecycle.stage_of(plan, clock.today_for(user), user=user)
        return stage.stage.value


PLAN_WRITES = "Coordinators of the partnership change a plan (as under /manage/). Plans are "
PLAN_WRITES += "created by administrators or the plan loader, never through the API."


@extend_schema_view(
    **resource_schema(
        "action plans", PlanSerializer, writes=PLAN_WRITES, methods=("update", "partial_update")
    )
)
class PlanViewSet(HistoryMixin, ServiceUpdateMixin, mixins.ListModelMixin, PortalViewSet):
    serializer_class = PlanSerializer
    filterset_class = filters.PlanFilter
    ordering_fields = ("id", "period_start_year", "status")
    search_fields = ("title_en", "title_zh_hans")

    def get_queryset(self):
        return cooperation_selectors.visible_plans(self.request.user)

    def update_object(self, obj, data):
        return services.update_plan(user=self.request.user, plan=obj, **data)
