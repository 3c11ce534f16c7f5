"""The theme page at scale: a bounded number of activities per commitment, counts and money
over all of them, a link to the activity list filtered by the commitment, and a constant
number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperation import selectors
from cooperation.models import Activity, ActivityStatus
from tests.factories import ActivityFactory, FundingFactory

pytestmark = pytest.mark.clock

BOUND = selectors.THEME_PAGE_ACTIVITIES


def url(name, *args):
    return reverse(name, args=args)


def fill(world, n):
    """n activities under the world's commitment and n without one, each funded 100 EUR, a
    third of each in progress."""
    made = []
    for commitment in (world.commitment, None):
        for i in range(n):
            activity = ActivityFactory(
                theme=world.themes[0],
                commitment=commitment,
                first_lead_agency=world.hki_agency,
                second_lead_agency=world.bj_agency,
                status=ActivityStatus.IN_PROGRESS if i % 3 == 0 else ActivityStatus.PLANNED,
            )
            FundingFactory(activity=activity, amount=Decimal("100.00"))
            made.append(activity)
    return made


def groups(response):
    context = response.context
    (commitment, group), *_ = context["commitments"]
    return group, context["loose"]


@pytest.mark.parametrize("n", [3, 30])
def test_the_theme_page_shows_at_most_the_bound_in_constant_queries_and_so_does_its_link(
    world, client_for, django_assert_num_queries, n
):
    fill(world, n)
    client = client_for(world.hki_staff)

    with django_assert_num_queries(10):
        # 1 session, 2 user, 3 profile
        # 4 the theme with its plan, partnership and cities
        # 5 responsible agencies with their cities, 6 commitments
        # 7 the number of activities by commitment and status
        # 8 funding of all activities by commitment, source and currency
        # 9 the most recent activities of each commitment with their lead agencies
        # 10 their funding
        response = client.get(url("theme-detail", world.themes[0].pk))

    assert response.status_code == 200
    tied, loose = groups(response)
    world_loose = 4  # the world's activities have no commitment
    assert len(tied["activities"]) == min(n, BOUND)
    assert len(loose["activities"]) == min(n + world_loose, BOUND)
    assert tied["total"] == n
    assert loose["total"] == n + world_loose
    assert response.context["activity_count"] == 2 * n + world_loose
    # The money is over ALL activities, not only those shown.
    (line,) = tied["money"].by_currency()
    assert (line.currency, line.committed) == ("EUR", Decimal("100.00") * n)
    (line,) = response.context["theme_money"].by_currency()
    assert line.committed == Decimal("100.00") * 2 * n
    assert dict((value, count) for value, _, count in tied["statuses"]) == {
        "in_progress": (n + 2) // 3,
        "planned": n - (n + 2) // 3,
    }
    page = response.content.decode()
    assert f"All {n} activities of this commitment" in page
    assert f"?commitment={world.commitment.pk}&amp;status=in_progress" in page
    assert f"All {n + world_loose} activities not tied to a commitment" in page
    assert (f"The {BOUND} most recently updated activities" in page) is (n > BOUND)

    # The link's list: constant too.
    with django_assert_num_queries(14):
        # 1 session, 2 user, 3 profile, 4 the change stamp (the filter options' key)
        # 5 the commitment being validated (with its theme)
        # 6 the number of matching activities, 7 the visible plans
        # 8 theme choices, 9 side choices, 10 agency choices (no commitment choices: hidden)
        # 11 the page of activities, 12 and 13 their lead agencies, 14 its funding
        listed = client.get(url("activity-list"), {"commitment": world.commitment.pk})
    assert listed.context["page"].paginator.count == n
    assert listed.context["active_commitment"] == world.commitment


def test_the_theme_page_shows_the_most_recently_updated_first(world, client_for):
    made = fill(world, BOUND + 5)
    oldest = made[0]
    Activity.objects.filter(pk=oldest.pk).update(
        updated_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )

    response = client_for(world.official).get(url("theme-detail", world.themes[0].pk))

    tied, _ = groups(response)
    shown = [a.pk for a in tied["activities"]]
    assert shown[0] == oldest.pk
    assert made[1].pk not in shown  # created first, never touched since: not among the 10


def test_the_link_lists_all_activities_of_the_commitment(world, client_for):
    made = fill(world, BOUND + 2)
    client = client_for(world.official)

    tied = client.get(url("activity-list"), {"commitment": world.commitment.pk})
    loose = client.get(url("activity-list"), {"theme": world.themes[0].pk, "commitment": "none"})

    assert tied.context["page"].paginator.count == BOUND + 2
    assert {a.commitment_id for a in tied.context["activities"]} == {world.commitment.pk}
    assert "Establish an annual substantive dialogue." in tied.content.decode()
    assert loose.context["page"].paginator.count == BOUND + 2 + 4
    assert "not tied to a commitment" in loose.content.decode()
    assert made


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "987654", "None"])
def test_a_bad_commitment_filter_is_reported_not_a_crash(world, client_for, value):
    response = client_for(world.official).get(url("activity-list"), {"commitment": value})

    assert response.status_code == 200
    assert response.context["invalid"]


def test_a_commitment_of_another_partnership_is_not_a_filter(world, client_for):
    response = client_for(world.outsider).get(
        url("activity-list"), {"commitment": world.commitment.pk}
    )

    assert response.context["invalid"]
    assert {a.title_en for a in response.context["activities"]} == {"Tallinn–Riga activity"}
