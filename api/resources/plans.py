"""Action plans: read by every member, changed by the partnership's coordinators (as under
/manage/). Plans are created by administrators or the plan loader, never through the API."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation import selectors as cooperation_selectors
from cooperation.models import ActionPlan
from cooperation.services import plans as services
from cooperation.services import renewal
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from partners import clock
from reviews import decisions, lifecycle

from .. import filters
from ..base import PortalViewSet
from ..fields import TranslatedField, UniqueListField
from ..history import HistoryMixin
from ..schema import ERRORS, resource_schema
from ..serializers_base import StrictMixin, StrictSerializer, user_of
from ..service_writes import ServiceUpdateMixin
from .amendments import PlanAmendmentsMixin
from .funding_summary import PlanFundingSummaryMixin


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
    # The terms as signed (Articles Two to Four), quoted.
    additional_themes_clause = TranslatedField("additional_themes_clause", required=False)
    implementation_terms = TranslatedField("implementation_terms", required=False)
    funding_terms = TranslatedField("funding_terms", required=False)
    authenticity_clause = TranslatedField("authenticity_clause", required=False)
    review_terms = TranslatedField("review_terms", required=False)
    renewal_terms = TranslatedField("renewal_terms", required=False)
    authentic_languages = UniqueListField(
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
            *ActionPlan.TERM_FIELDS,
        ]
        read_only_fields = ["code", "partnership", "predecessor", "renewal_of"]
        # The years of core.dates' one range (the service refuses others).
        extra_kwargs = {
            name: {"min_value": EARLIEST_YEAR, "max_value": LATEST_YEAR}
            for name in ("period_start_year", "period_end_year")
        }
        list_serializer_class = PlanListSerializer

    stages: dict = {}

    def get_stage(self, plan) -> str:
        stage = self.stages.get(plan.pk)
        if stage is None:
            user = user_of(self)
            stage = lifecycle.stage_of(plan, clock.today_for(user), user=user)
        return stage.stage.value


class RenewalStartSerializer(StrictMixin, serializers.Serializer):
    period_start_year = serializers.IntegerField(min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)
    period_end_year = serializers.IntegerField(min_value=1, max_value=9999)


class MoveActivitiesSerializer(StrictMixin, serializers.Serializer):
    activities = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=10000,
        help_text="Ids of open activities of the plan; all of them when left out.",
    )


class MovedSerializer(serializers.Serializer):
    moved = serializers.ListField(child=serializers.IntegerField())
    plan = serializers.IntegerField(help_text="The plan they moved into.")


PLAN_WRITES = "Coordinators of the partnership change a plan (as under /manage/). Plans are "
PLAN_WRITES += "created by administrators or the plan loader, never through the API."


@extend_schema_view(
    **resource_schema(
        "action plans", PlanSerializer, writes=PLAN_WRITES, methods=("update", "partial_update")
    )
)
class PlanViewSet(
    PlanFundingSummaryMixin,
    PlanAmendmentsMixin,
    HistoryMixin,
    ServiceUpdateMixin,
    mixins.ListModelMixin,
    PortalViewSet,
):
    serializer_class = PlanSerializer
    filterset_class = filters.PlanFilter
    ordering_fields = ("id", "period_start_year", "status")
    search_fields = ("title_en", "title_zh_hans")

    def get_queryset(self):
        return cooperation_selectors.visible_plans(self.request.user)

    def update_object(self, obj, data):
        return services.update_plan(user=self.request.user, plan=obj, **data)

    # --- the plan's life (reviews.decisions, cooperation.services.renewal) ------------------

    def _plan_response(self, plan, code=status.HTTP_200_OK):
        return self.detail_response(self.fresh(plan), code)

    @extend_schema(
        summary="Start the renewal: the next plan drafted from this one",
        description="When the evaluation concluded renew or revise (coordinators of the "
        "plan; once per plan). Answers the draft: themes, responsible agencies and every "
        "commitment not met, carried over.",
        request=RenewalStartSerializer,
        responses={201: PlanSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def renewal(self, request, pk=None):
        with transaction.atomic():
            plan = self.get_object()
            serializer = RenewalStartSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            draft = decisions.start_renewal(
                user=request.user, plan=plan, **serializer.validated_data
            )
        return self._plan_response(draft, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a renewal draft for your side",
        description="A coordinator of each side approves the draft as it is; with the second "
        "side's approval it comes into force and the plan it renews is renewed. A change of "
        "the draft after an approval makes that approval lapse.",
        request=None,
        responses={200: PlanSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        plan = self.get_object()
        return self._plan_response(renewal.approve_renewal(user=request.user, plan=plan))

    @extend_schema(
        summary="Move open activities into the plan that renewed this one",
        request=MoveActivitiesSerializer,
        responses={200: MovedSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        url_path="move-activities",
        url_name="move-activities",
    )
    def move_activities(self, request, pk=None):
        plan = self.get_object()
        serializer = MoveActivitiesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = renewal.move_activities(
            user=request.user, plan=plan, activity_ids=serializer.validated_data.get("activities")
        )
        target = ActionPlan.objects.filter(renewal_of=plan).values_list("pk", flat=True).first()
        return Response({"moved": [a.pk for a in moved], "plan": target})

    @extend_schema(
        summary="Conclude the plan, as its evaluation concluded",
        request=None,
        responses={200: PlanSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def conclude(self, request, pk=None):
        plan = self.get_object()
        return self._plan_response(decisions.conclude_plan(user=request.user, plan=plan))
