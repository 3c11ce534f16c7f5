"""Where a plan stands in its period, as far as its dates and the decisions recorded on it tell.

A plan runs from the day it was signed (the first day of its first year when unsigned) to the
last day of its last year. A draft is not in force yet; a plan concluded or renewed is not in
force any more, whatever its dates. What its reviews tell (evaluated, overdue evaluation) is the
reviews app's to add on top of this.
"""

from __future__ import annotations

import datetime

from .models import ActionPlan, PlanStatus

# Decided once and for all: a draft has not started, these have finished.
NOT_RUNNING = (PlanStatus.DRAFT, PlanStatus.CONCLUDED, PlanStatus.RENEWED)


def first_day(plan: ActionPlan) -> datetime.date:
    return plan.signed_on or datetime.date(plan.period_start_year, 1, 1)


def last_day(plan: ActionPlan) -> datetime.date:
    return datetime.date(plan.period_end_year, 12, 31)


def is_in_force(plan: ActionPlan, today: datetime.date) -> bool:
    """Signed, not concluded or renewed, and ``today`` within its period."""
    return plan.status not in NOT_RUNNING and first_day(plan) <= today <= last_day(plan)


def has_ended(plan: ActionPlan, today: datetime.date) -> bool:
    """Its period is over, and no decision about it (concluded, renewed) has been recorded."""
    return plan.status not in NOT_RUNNING and today > last_day(plan)
