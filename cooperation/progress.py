"""Whether a commitment was met: the one definition, used by the renewal (which carries over
every commitment not met) and anything else that needs to know.

Only completed activities count, by the year they were completed (their actual end):

- with a target count: met when that many activities under it were completed;
- annual (no target count): met when one was completed in every year of the plan's period;
- ongoing: never met, an ongoing undertaking goes on into the next plan;
- otherwise (once, or no frequency): met when one was completed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from .models import ActionPlan, Activity, ActivityStatus, Commitment, Frequency


def is_met(commitment: Commitment, completed_years: Collection[int], plan: ActionPlan) -> bool:
    """``completed_years``: the year of each completed activity under the commitment (one
    entry per activity)."""
    if commitment.frequency == Frequency.ONGOING:
        return False
    if commitment.target_count:
        return len(completed_years) >= commitment.target_count
    if commitment.frequency == Frequency.ANNUAL:
        years = set(range(plan.period_start_year, plan.period_end_year + 1))
        return years <= set(completed_years)
    return len(completed_years) >= 1


def met_commitment_ids(plan: ActionPlan) -> set[int]:
    """The ids of the plan's commitments that were met: two queries."""
    years: dict[int, list[int]] = defaultdict(list)
    completed = Activity.objects.filter(
        theme__plan=plan, status=ActivityStatus.COMPLETED, commitment__isnull=False
    ).values_list("commitment_id", "actual_end")
    for commitment_id, actual_end in completed:
        years[commitment_id].append(actual_end.year)
    commitments = Commitment.objects.filter(theme__plan=plan)
    return {c.pk for c in commitments if is_met(c, years.get(c.pk, []), plan)}
