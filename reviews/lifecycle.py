"""A plan's stage in its life, as its dates, its evaluation and the decisions on it tell.

    draft → in force → ended (period over) → evaluated (evaluation completed)
          → renewed (both sides published its renewal) or concluded

``cooperation.lifecycle`` knows the dates and the recorded decisions; this adds the reviews.
What a coordinator may decide follows from the evaluation's conclusion:

- renew or revise: "start the renewal" (``reviews.decisions.start_renewal``), once;
- conclude: "conclude the plan" (``reviews.decisions.conclude_plan``);
- not completed yet (overdue or not): neither; the page says the evaluation comes first and
  links to it;
- continue: neither; the evaluation must be reopened to change its conclusion.

Pages, the API and reports ask ``stage_of`` (one plan) or ``stages_of`` (a list, in two
queries whatever its length) and never read ``ActionPlan.status`` for this themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperation import lifecycle
from cooperation.models import ActionPlan, PlanStatus
from partners import access
from partners.access import Action

from .models import Conclusion, Review, ReviewKind, ReviewStatus


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOT_STARTED = "not_started", _("Signed, not yet in force")
    IN_FORCE = "in_force", _("In force")
    ENDED = "ended", _("Ended")
    EVALUATED = "evaluated", _("Evaluated")
    RENEWED = "renewed", _("Renewed")
    CONCLUDED = "concluded", _("Concluded")


RENEWING_CONCLUSIONS = (Conclusion.RENEW, Conclusion.REVISE)


@dataclass(frozen=True)
class PlanStage:
    stage: Stage
    # The formal evaluation of the plan (None when none is scheduled).
    evaluation: Review | None
    # The evaluation, when its due date has passed and it is not completed.
    overdue_evaluation: Review | None
    # The plan's renewal draft (or, once published, the plan that renewed it).
    renewal: ActionPlan | None
    # Whether this user is one of the plan's coordinators, and what they may do now.
    manages: bool = False
    can_start_renewal: bool = False
    can_conclude: bool = False
    # The last day of its period, once that is over and nothing was decided yet (ended or
    # evaluated); None otherwise.
    ended_on: datetime.date | None = None

    @property
    def label(self) -> str:
        return str(self.stage.label)

    @property
    def evaluation_completed(self) -> bool:
        return self.evaluation is not None and self.evaluation.status == ReviewStatus.COMPLETED

    @property
    def conclusion(self) -> str:
        return self.evaluation.conclusion if self.evaluation_completed else ""

    @property
    def awaits_evaluation(self) -> bool:
        """Period over (or nearly) and no decision possible until the evaluation is done."""
        return self.stage == Stage.ENDED and not self.evaluation_completed


def _stage(plan: ActionPlan, today: datetime.date, evaluation: Review | None) -> Stage:
    if plan.status == PlanStatus.DRAFT:
        return Stage.DRAFT
    if plan.status == PlanStatus.RENEWED:
        return Stage.RENEWED
    if plan.status == PlanStatus.CONCLUDED:
        return Stage.CONCLUDED
    if evaluation is not None and evaluation.status == ReviewStatus.COMPLETED:
        # The evaluation comes "before 2023", before the period ends: evaluated either way.
        return Stage.EVALUATED
    if lifecycle.has_ended(plan, today):
        return Stage.ENDED
    if lifecycle.is_in_force(plan, today):
        return Stage.IN_FORCE
    return Stage.NOT_STARTED


def decide(
    plan: ActionPlan,
    today: datetime.date,
    *,
    evaluation: Review | None,
    renewal: ActionPlan | None,
    user=None,
) -> PlanStage:
    """The stage of ``plan`` given its evaluation and renewal (already fetched)."""
    stage = _stage(plan, today, evaluation)
    overdue = (
        evaluation
        if evaluation is not None
        and evaluation.status != ReviewStatus.COMPLETED
        and evaluation.due_date < today
        else None
    )
    manages = user is not None and access.can(user, Action.MANAGE, plan)
    if renewal is not None and renewal.is_renewal_draft and not manages:
        renewal = None  # a renewal draft is its coordinators' until published
    conclusion = evaluation.conclusion if stage == Stage.EVALUATED else ""
    return PlanStage(
        stage=stage,
        evaluation=evaluation,
        overdue_evaluation=overdue,
        renewal=renewal,
        manages=manages,
        can_start_renewal=manages and conclusion in RENEWING_CONCLUSIONS and renewal is None,
        can_conclude=manages and conclusion == Conclusion.CONCLUDE,
        ended_on=lifecycle.last_day(plan)
        if stage in (Stage.ENDED, Stage.EVALUATED) and lifecycle.has_ended(plan, today)
        else None,
    )


def stages_of(plans: Iterable[ActionPlan], today: datetime.date, *, user=None) -> dict:
    """{plan id: PlanStage} for a list of plans: two queries (evaluations, renewals)."""
    plans = list(plans)
    ids = [plan.pk for plan in plans]
    evaluations = {
        review.plan_id: review
        for review in Review.objects.filter(plan_id__in=ids, kind=ReviewKind.EVALUATION)
    }
    renewals = {
        renewal.renewal_of_id: renewal
        for renewal in ActionPlan.objects.filter(renewal_of_id__in=ids)
    }
    return {
        plan.pk: decide(
            plan,
            today,
            evaluation=evaluations.get(plan.pk),
            renewal=renewals.get(plan.pk),
            user=user,
        )
        for plan in plans
    }


def stage_of(plan: ActionPlan, today: datetime.date, *, user=None) -> PlanStage:
    """The stage of one plan, and what ``user`` may decide about it."""
    return stages_of([plan], today, user=user)[plan.pk]
