"""Whether a commitment was met: the one definition, used by the progress report (as of a
date) and by the renewal (which carries over every commitment not met).

A commitment with a target count is met when that many activities under it were completed; a
commitment without one, when at least one was. (The report's note says the same to readers.)
"""

from __future__ import annotations

from collections import Counter

from .models import ActionPlan, Activity, ActivityStatus, Commitment


def target_of(commitment: Commitment) -> int:
    return commitment.target_count or 1


def is_met(commitment: Commitment, completed: int) -> bool:
    """``completed``: how many activities under the commitment were completed."""
    return completed >= target_of(commitment)


def met_commitment_ids(plan: ActionPlan) -> set[int]:
    """The ids of the plan's commitments that are met now: two queries."""
    completed = Counter(
        Activity.objects.filter(
            theme__plan=plan, status=ActivityStatus.COMPLETED, commitment__isnull=False
        ).values_list("commitment_id", flat=True)
    )
    commitments = Commitment.objects.filter(theme__plan=plan)
    return {c.pk for c in commitments if is_met(c, completed[c.pk])}
