"""cooperation.lifecycle: a plan's period, as its dates and decisions tell."""

import datetime

import pytest

from cooperation import lifecycle
from cooperation.models import ActionPlan, PlanStatus


def plan(**fields) -> ActionPlan:
    values = {
        "period_start_year": 2019,
        "period_end_year": 2023,
        "signed_on": datetime.date(2019, 10, 11),
        "status": PlanStatus.IN_FORCE,
    }
    values.update(fields)
    return ActionPlan(**values)


@pytest.mark.parametrize(
    ("day", "in_force", "ended"),
    [
        (datetime.date(2019, 10, 10), False, False),  # before it was signed
        (datetime.date(2019, 10, 11), True, False),
        (datetime.date(2023, 12, 31), True, False),
        (datetime.date(2024, 1, 1), False, True),
        (datetime.date(2026, 11, 30), False, True),
    ],
)
def test_a_signed_plan_runs_from_its_signing_to_the_end_of_its_last_year(day, in_force, ended):
    assert lifecycle.is_in_force(plan(), day) is in_force
    assert lifecycle.has_ended(plan(), day) is ended


def test_an_unsigned_plan_runs_from_the_first_day_of_its_first_year():
    assert lifecycle.is_in_force(plan(signed_on=None), datetime.date(2019, 1, 1))


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.CONCLUDED, PlanStatus.RENEWED])
def test_decisions_outrank_dates(status):
    for day in (datetime.date(2020, 6, 1), datetime.date(2026, 6, 1)):
        assert not lifecycle.is_in_force(plan(status=status), day)
        assert not lifecycle.has_ended(plan(status=status), day)
