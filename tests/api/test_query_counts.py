"""Every list of the API runs the same number of SQL queries at 10 rows and at 200.

Each row carries its nested parts (participants, status history, funding, programme,
assessments…), so that a missing prefetch shows as a count that grows with the rows.
One page of 200 holds every row.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.authentication import forget_people
from tests import factories as f
from tests.api.test_reports import done_report

pytestmark = pytest.mark.django_db

# Every list starts with these, for a signed-in session:
SIGNED_IN = [
    "the session",
    "the user",
    "the user's profile (side and role, for partners.access)",
]
# Then the list's ETag (api.stamps.change_stamp): one query, before any row.
STAMP = ["the change stamp"]


def _partnerships(world, n):
    for _ in range(n):
        f.PartnershipFactory(first_city=world.helsinki, second_city=f.CityFactory())


def _plans(world, n):
    for _ in range(n):
        f.ActionPlanFactory(partnership=world.partnership)


def _themes(world, n):
    for _ in range(n):
        theme = f.ThemeFactory(plan=world.plan)
        f.ThemeAgencyFactory(theme=theme, agency=world.hki_agency)


def _commitments(world, n):
    for _ in range(n):
        commitment = f.CommitmentFactory(theme=world.themes[1])
        commitment.agencies.set([world.hki_agency, world.bj_agency])


def _agencies(world, n):
    for i in range(n):
        if i % 2:
            f.AgencyFactory(city=world.helsinki)
        else:
            # Third parties: one of its own, one shared with another partnership.
            shared = [world.partnership] + ([world.other_partnership] if i % 4 else [])
            f.AgencyFactory(city=None, partnerships=shared)


def _activities(world, n):
    author = world.hki_staff
    for _ in range(n):
        activity = f.ActivityFactory(
            theme=world.themes[1],
            first_lead_agency=world.hki_agency,
            second_lead_agency=world.bj_agency,
            participants=[world.hki_other_agency],
            created_by=author,
            updated_by=author,
        )
        f.StatusUpdateFactory(activity=activity, sequence=1, author=author)
        f.FundingFactory(activity=activity)


def _events(world, n):
    for _ in range(n):
        event = f.EventFactory(
            plan=world.plan,
            themes=[world.themes[0]],
            organisers=[world.hki_agency],
            activities=[world.hki_activity],
        )
        f.ProgrammeItemFactory(event=event)


def _reviews(world, n):
    for _ in range(n):
        review = f.ReviewFactory(plan=world.plan, due_date=datetime.date(2022, 1, 1))
        f.ThemeAssessmentFactory(review=review, theme=world.themes[0], assessed_by=world.hki_staff)


def _reports(world, n):
    for _ in range(n):
        done_report(world.plan, user=world.official, theme=world.themes[0])


LISTS = {
    "partnerships": (
        _partnerships,
        [
            "count",
            "partnerships with their two cities (joined)",
        ],
    ),
    "plans": (
        _plans,
        [
            "count",
            "plans with their partnership and its cities (joined)",
            "their evaluations (stage)",
            "their renewals (stage)",
        ],
    ),
    "themes": (
        _themes,
        ["count", "themes with plan and partnership (joined)", "responsible agencies"],
    ),
    "commitments": (_commitments, ["count", "commitments", "their agencies"]),
    "agencies": (_agencies, ["count", "agencies", "the partnerships naming third parties"]),
    "activities": (
        _activities,
        [
            "count",
            "activities with theme, plan, partnership, leads, authors (joined)",
            "participants",
            "status history with authors",
            "funding",
        ],
    ),
    "events": (
        _events,
        [
            "count",
            "events with plan, partnership, host city and series (joined)",
            "themes",
            "organisers with their cities",
            "linked activities",
            "programme items",
        ],
    ),
    "reviews": (
        _reviews,
        ["count", "reviews with plan and partnership (joined)", "assessments with theme, author"],
    ),
    "reports": (_reports, ["count", "reports with plan, theme and requester (joined)"]),
}

# The parts of one activity: its lists are not paginated (a handful of rows each).
ACTIVITY_OBJECT = [
    "the activity with theme, plan, partnership, leads, authors (joined)",
    "participants",
    "status history with authors",
    "funding",
]
NESTED = {
    "funding": (lambda activity: f.FundingFactory(activity=activity), []),
    "evidence": (lambda activity: f.EvidenceFactory(activity=activity), ["evidence"]),
}


@pytest.mark.parametrize("name", list(NESTED))
def test_an_activitys_list_runs_a_constant_number_of_queries(
    world, api_for, django_assert_num_queries, name
):
    add, queries = NESTED[name]
    expected = len(SIGNED_IN) + len(ACTIVITY_OBJECT) + len(queries)
    client = api_for(world.hki_coordinator)
    url = f"/api/v1/activities/{world.hki_activity.pk}/{name}/"
    for size in (3, 30):
        while getattr(world.hki_activity, "fundings" if name == "funding" else name).count() < size:
            add(world.hki_activity)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.json()) == size


@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_runs_a_constant_number_of_queries(world, api_for, django_assert_num_queries, name):
    add, queries = LISTS[name]
    expected = len(SIGNED_IN) + len(STAMP) + len(queries)
    client = api_for(world.hki_coordinator)
    url = f"/api/v1/{name}/"

    add(world, 10)
    with django_assert_num_queries(expected):
        small = client.get(url, {"page_size": 200})
    assert small.status_code == 200
    assert small.json()["count"] >= 10

    add(world, 190)
    with django_assert_num_queries(expected):
        large = client.get(url, {"page_size": 200})
    assert large.status_code == 200
    assert len(large.json()["results"]) == 200


def test_a_token_costs_one_query_more_at_most(world, token_for, django_assert_num_queries):
    _activities(world, 5)
    client = token_for(world.hki_coordinator)
    client.get("/api/v1/plans/")  # the first use records last_used (one UPDATE)
    # The token's validity and the change stamp in one query; the person with their profile
    # is then the cache's (read under that stamp by the first request); then the list: no
    # session, no profile query of its own.
    with django_assert_num_queries(1 + 5):
        assert client.get("/api/v1/activities/").status_code == 200
    # Another process (no copies of its own yet) takes the person from the cache.
    forget_people()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/activities/?page_size=20").status_code == 200
    assert not any("partners_profile" in q["sql"] for q in queries.captured_queries)
    cache.clear()
    forget_people()
    # Without the cache, the person and their profile are one query more (joined).
    with django_assert_num_queries(1 + 1 + 5):
        assert client.get("/api/v1/activities/?page_size=10").status_code == 200
