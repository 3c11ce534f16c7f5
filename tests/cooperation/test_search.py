"""The activity search (`?text=`): right results in both languages, short terms included; the
count cached until something changes; and, on PostgreSQL, trigram indexes that match the SQL
Django writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation import search, selectors
from cooperation.models import Activity
from cooperation.services import activities as services
from tests.factories import ActivityFactory

pytestmark = pytest.mark.clock

LIST = reverse("activity-list")


def count_of(response) -> int:
    return response.context["page"].paginator.count


def counts_run(queries) -> int:
    return sum(q["sql"].upper().startswith("SELECT COUNT(") for q in queries)


def searchable(world, n, word):
    return ActivityFactory.create_batch(
        n,
        theme=world.themes[1],
        title_en=f"{word} exchange",
        title_zh_hans="图书馆交流",
        description_zh_hans="两市图书馆的合作",
    )


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("quokka exchange", 3),
        ("QUOKKA", 3),
        ("图书馆交流", 3),  # four characters: trigrams
        ("合作", 3),  # a two-character word: too short for a trigram, still found
        ("x", 3),  # one letter
        ("100%", 0),  # LIKE's wildcards are searched as text
        ("quokka_", 0),
    ],
)
def test_the_search_finds_terms_of_any_length_in_either_language(world, client_for, term, found):
    searchable(world, 3, "Quokka")

    response = client_for(world.hki_coordinator).get(LIST, {"text": term})

    assert response.status_code == 200
    titles = {a.title_en for a in response.context["activities"]}
    expected = {"Quokka exchange"} if found else set()
    assert titles & {"Quokka exchange"} == expected
    if term != "x":  # "x" is in other titles too ("exchange" is not its only home)
        assert count_of(response) == found


@pytest.mark.parametrize("n", [3, 30])
def test_a_search_runs_a_constant_number_of_queries_and_counts_once(
    world, client_for, django_assert_num_queries, n
):
    searchable(world, n, f"Wombat{n}")
    client = client_for(world.hki_staff)
    query = {"text": f"wombat{n}", "page": 1}

    with django_assert_num_queries(11):
        # 1 session, 2 user, 3 profile, 4 the change stamp, 5 the number of matches
        # 6 the visible plans, 7 theme choices, 8 side choices, 9 agency choices
        # 10 the page of activities, 11 its funding
        first = client.get(LIST, query)
    with django_assert_num_queries(7), CaptureQueriesContext(connection) as again:
        # the number and the filter options from the cache
        second = client.get(LIST, {**query, "page": 2})

    assert count_of(first) == count_of(second) == n
    assert counts_run(again.captured_queries) == 0
    assert len(first.context["activities"]) == min(n, 25)


def test_a_change_to_an_activity_changes_the_search_count(world, client_for):
    searchable(world, 2, "Numbat")
    client = client_for(world.hki_coordinator)
    assert count_of(client.get(LIST, {"text": "numbat"})) == 2

    # Through the service (recorded in the history) ...
    activity = Activity.objects.get(pk=world.joint_activity.pk)
    activity.title_en = "Numbat survey"
    services.update_activity(
        user=world.hki_coordinator,
        activity=activity,
        expected_version=activity.version,
        fields=["title_en"],
    )
    assert count_of(client.get(LIST, {"text": "numbat"})) == 3

    # ... and without it (an activity's update time moves).
    other = Activity.objects.get(pk=world.hki_activity.pk)
    other.title_en = "Numbat count"
    other.save()
    assert count_of(client.get(LIST, {"text": "numbat"})) == 4

    # A deletion (recorded in the history).
    services.delete_activity(user=world.admin, activity=other)
    assert count_of(client.get(LIST, {"text": "numbat"})) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
@pytest.mark.parametrize("term", ["Bilby exchange", "图书馆交流"])
def test_the_search_can_use_the_trigram_indexes(world, term):
    searchable(world, 20, "Bilby")
    sql, params = (
        Activity.objects.filter(selectors.text_q(term)).order_by().values("pk").query
    ).sql_with_params()

    with connection.cursor() as cursor:
        # A table of a few rows is read whole: forbid that, so the plan shows whether the
        # indexes match the SQL Django writes (UPPER(col::text) LIKE UPPER(%s)).
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")

    assert "Bitmap Index Scan" in plan
    for column in ("title_en", "title_zh_hans", "description_en", "description_zh_hans"):
        assert f"activity_{column}_trgm" in plan


@pytest.mark.django_db
def test_a_query_that_matches_nothing_by_construction_counts_zero():
    """``pk__in=[]`` has no SQL (Django raises EmptyResultSet): the count is 0, not a 500."""

    assert search.cached_count(Activity.objects.filter(pk__in=[])) == 0
    assert search.cached_count(Activity.objects.filter(pk__in=[]), stamp=("x",)) == 0
