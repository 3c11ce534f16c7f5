"""The portal's own pages: home, a plan's dashboard, and the error pages."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.html import escape

from cooperation.models import Activity, ActivityStatus, PlanStatus, Signatory
from portal import views
from reviews.models import ReviewStatus
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    CityFactory,
    EventFactory,
    FundingFactory,
    ProfileFactory,
    ReviewFactory,
    StatusUpdateFactory,
    UserFactory,
)

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = pytest.mark.clock

MEMBERS = ["hki_coordinator", "bj_coordinator", "hki_staff", "bj_staff", "official"]


def _boom(request):
    raise RuntimeError("boom")


def _refuse(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("bad")


# This module doubles as a URLconf for the error page tests: the site plus views that fail.
urlpatterns = [
    path("boom/", _boom),
    path("refuse/", _refuse),
    path("suspicious/", _suspicious),
    path("", include("config.urls")),
]
handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"


def dashboard_url(plan) -> str:
    return reverse("dashboard", args=[plan.pk])


def page_of(response) -> str:
    return response.content.decode()


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# --- home -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", MEMBERS)
def test_home_goes_to_the_dashboard_of_the_current_plan(world, client_for, username):
    response = client_for(getattr(world, username)).get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == dashboard_url(world.plan)


def test_the_plan_in_force_is_the_current_one(world, client_for):
    ActionPlanFactory(
        partnership=world.partnership, period_start_year=2024, period_end_year=2028,
        status=PlanStatus.DRAFT,
    )  # fmt: skip
    ActionPlanFactory(
        partnership=world.partnership, period_start_year=2017, period_end_year=2019,
        status=PlanStatus.CONCLUDED,
    )  # fmt: skip

    response = client_for(world.official).get(reverse("home"))

    assert response["Location"] == dashboard_url(world.plan)


def test_without_a_plan_in_force_the_latest_is_current(world, client_for):
    world.plan.status = PlanStatus.CONCLUDED
    world.plan.save()
    newest = ActionPlanFactory(
        partnership=world.partnership, period_start_year=2024, period_end_year=2028,
        status=PlanStatus.DRAFT,
    )  # fmt: skip

    response = client_for(world.official).get(reverse("home"))

    assert response["Location"] == dashboard_url(newest)


def test_outsiders_go_to_their_own_plan(world, client_for):
    response = client_for(world.outsider).get(reverse("home"))

    assert response["Location"] == dashboard_url(world.other_plan)


def test_with_several_partnerships_home_lists_the_plans(world, client_for):
    response = client_for(world.admin).get(reverse("home"))

    assert response.status_code == 200
    page = page_of(response)
    assert dashboard_url(world.plan) in page
    assert dashboard_url(world.other_plan) in page


def test_without_a_partnership_home_says_so(db, client_for):
    lonely = UserFactory(username="lonely")
    ProfileFactory(user=lonely, city=CityFactory())

    response = client_for(lonely).get(reverse("home"))

    assert response.status_code == 200
    assert "You do not belong to any partnership yet" in page_of(response)


def test_the_dashboard_name_without_a_plan_goes_home(world, client_for):
    # settings.LOGIN_REDIRECT_URL is "dashboard": it must lead somewhere without a plan id.
    response = client_for(world.hki_staff).get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == dashboard_url(world.plan)


def test_anonymous_users_are_sent_to_log_in(world, client_for):
    client = client_for(None)
    for target in [reverse("home"), reverse("dashboard"), dashboard_url(world.plan)]:
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- dashboard ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [*MEMBERS, "admin"])
def test_members_see_the_dashboard(world, client_for, username):
    response = client_for(getattr(world, username)).get(dashboard_url(world.plan))

    assert response.status_code == 200
    page = page_of(response)
    assert "Action Plan between Helsinki and Beijing 2019–2023" in page
    assert "1. Economy" in page


def test_outsiders_and_missing_plans_get_404(world, client_for):
    assert client_for(world.outsider).get(dashboard_url(world.plan)).status_code == 404
    assert client_for(world.official).get(dashboard_url(world.other_plan)).status_code == 404
    assert client_for(world.official).get("/plans/987654/").status_code == 404
    assert client_for(world.official).get("/plans/99999999999999999999999/").status_code == 404


def test_the_plan_header_shows_period_signing_status_and_signatories(world, client_for):
    Signatory.objects.create(
        plan=world.plan, city=world.helsinki, name_en="Jan Vapaavuori", position_en="Mayor"
    )
    Signatory.objects.create(
        plan=world.plan, city=world.beijing, name_en="Chen Jining", position_en="Mayor"
    )

    page = page_of(client_for(world.official).get(dashboard_url(world.plan)))

    header = page[page.index('class="card plan-header"') : page.index("themes-heading")]
    for text in ["2019–2023", "Oct. 11, 2019", "Helsinki", "Ended", "Jan Vapaavuori, Mayor"]:
        assert text in header, text
    assert "Chen Jining, Mayor" in header


def test_each_theme_has_a_status_bar_with_proportional_widths(world, client_for):
    # Economy: 4 planned (from the world) + 2 in progress + 2 completed = 8.
    for status in ["in_progress", "in_progress", "completed", "completed"]:
        ActivityFactory(theme=world.themes[0], status=status, actual_end=datetime.date(2020, 6, 1))

    response = client_for(world.official).get(dashboard_url(world.plan))

    page = page_of(response)
    economy = page[page.index(f"bar-{world.themes[0].pk}") :]
    economy = economy[: economy.index("</svg>")]
    rects = re.findall(r'<rect class="fill-(\w+)" x="([\d.]+)" y="0" width="([\d.]+)"', economy)
    assert rects == [
        ("planned", "0.000", "50.000"),
        ("in_progress", "50.000", "25.000"),
        ("completed", "75.000", "25.000"),
    ]
    assert "<title>Planned: 4</title>" in economy
    assert "Planned: 4, In progress: 2, Completed: 2" in economy  # the bar's own title
    # A theme without activities has an empty bar that says so.
    education = page[page.index(f"bar-{world.themes[1].pk}") :]
    assert education.index("No activities yet") < education.index("</svg>")
    assert "<rect" not in education[: education.index("</svg>")]
    # The legend counts the whole plan.
    legend = response.context["legend"]
    assert {item["status"]: item["count"] for item in legend} == {
        "planned": 4,
        "in_progress": 2,
        "completed": 2,
        "on_hold": 0,
        "cancelled": 0,
    }
    assert 'class="swatch swatch-on_hold"' in page


def test_widths_are_not_localised(world, client_for):
    ActivityFactory.create_batch(2, theme=world.themes[0], status="on_hold")
    client = client_for(world.official)
    client.cookies["django_language"] = "fi"

    page = page_of(client.get(dashboard_url(world.plan)))

    assert 'width="66.667"' in page
    assert 'width="33.333"' in page


def test_upcoming_events_are_future_or_undated_at_most_five(world, client_for):
    today = timezone.localdate()
    soon = [
        EventFactory(
            plan=world.plan,
            title_en=f"Soon {i}",
            start_date=today + datetime.timedelta(days=i),
            end_date=None,
            year=today.year,
        )
        for i in range(3)
    ]
    later = EventFactory(
        plan=world.plan,
        title_en="Later",
        start_date=today.replace(year=today.year + 2),
        end_date=None,
    )
    undated = EventFactory(
        plan=world.plan, title_en="Undated", start_date=None, end_date=None, year=None
    )
    EventFactory(plan=world.plan, title_en="Undated too", start_date=None, end_date=None, year=None)
    EventFactory(plan=world.plan, title_en="Undated but long over", start_date=None, year=2019)
    EventFactory(plan=world.other_plan, title_en="Other plan", start_date=today, end_date=None)

    response = client_for(world.official).get(dashboard_url(world.plan))

    # Dated ones first, soonest first; undated ones after them; five at most.
    assert response.context["events"] == [*soon, later, undated]
    assert "Helsinki Week" not in page_of(response)  # world.event was in 2019


def test_review_deadlines_mark_overdue_ones(world, client_for):
    today = timezone.localdate()
    world.review.due_date = today - datetime.timedelta(days=1)
    world.review.save()
    upcoming = ReviewFactory(
        plan=world.plan, title_en="Evaluation", due_date=today.replace(year=today.year + 1)
    )
    ReviewFactory(
        plan=world.plan,
        title_en="Done review",
        status=ReviewStatus.COMPLETED,
        completed_at=timezone.now(),
    )

    response = client_for(world.official).get(dashboard_url(world.plan))

    assert response.context["reviews"] == [world.review, upcoming]
    page = page_of(response)
    section = page[page.index("reviews-heading") :]
    assert section.count("review-overdue") == 1
    assert section.index("Mid-term review") < section.index("Overdue") < section.index("Evaluation")
    assert "Done review" not in page


def test_activities_not_updated_for_90_days(world, client_for):
    stale = ActivityFactory.create_batch(12, theme=world.themes[1])
    closed = ActivityFactory(
        theme=world.themes[1], status=ActivityStatus.COMPLETED, actual_end=datetime.date(2020, 1, 1)
    )
    for i, activity in enumerate([*stale, closed]):
        Activity.objects.filter(pk=activity.pk).update(updated_at=days_ago(200 - i))
    Activity.objects.filter(pk=world.hki_activity.pk).update(updated_at=days_ago(89))

    response = client_for(world.official).get(dashboard_url(world.plan))

    assert response.context["stale_count"] == 12
    assert response.context["stale"] == stale[:10]  # the oldest first
    assert "The 10 oldest are shown." in page_of(response)


@pytest.mark.parametrize(
    "username, expected",
    [
        ("hki_staff", {"Helsinki-led activity", "Jointly led activity", "Participated"}),
        ("bj_staff", {"Beijing-led activity", "Jointly led activity"}),
    ],
)
def test_agency_staff_see_their_agencys_activities(world, client_for, username, expected):
    ActivityFactory(theme=world.themes[1], title_en="Participated", participants=[world.hki_agency])

    response = client_for(getattr(world, username)).get(dashboard_url(world.plan))

    assert {a.title_en for a in response.context["agency_activities"]} == expected
    assert response.context["agency_count"] == len(expected)
    assert "Your agency’s activities" in page_of(response)


def test_an_agency_is_counted_once_per_activity_and_only_in_this_plan(world, client_for):
    # Led and taken part in: one activity. Another plan's activity of the agency: not counted.
    ActivityFactory(
        theme=world.themes[1],
        title_en="Led and joined",
        first_lead_agency=world.bj_agency,
        participants=[world.bj_agency],
    )
    other_plan = ActionPlanFactory(partnership=world.plan.partnership)
    ActivityFactory(theme__plan=other_plan, second_lead_agency=world.bj_agency)

    response = client_for(world.bj_staff).get(dashboard_url(world.plan))

    titles = {a.title_en for a in response.context["agency_activities"]}
    assert titles == {"Beijing-led activity", "Jointly led activity", "Led and joined"}
    assert response.context["agency_count"] == 3


def test_the_rows_name_their_lead_agencies_and_theme(world, client_for):
    Activity.objects.filter(pk=world.joint_activity.pk).update(updated_at=days_ago(100))

    response = client_for(world.hki_staff).get(dashboard_url(world.plan))

    page = page_of(response)
    stale = page[page.index("stale-heading") :]
    for text in (world.hki_agency.name_en, world.bj_agency.name_en, world.themes[0].name_en):
        assert escape(text) in stale
    (row,) = response.context["stale"]
    with CaptureQueriesContext(connection) as queries:
        assert row.second_lead_agency.city == world.bj_agency.city
    assert not queries.captured_queries  # read with the page, not per row


def test_officials_have_no_agency_section(world, client_for):
    response = client_for(world.official).get(dashboard_url(world.plan))

    assert "agency_activities" not in response.context
    assert "Your agency’s activities" not in page_of(response)


def test_demo_rows_are_labelled(world, client_for):
    activity = ActivityFactory(theme=world.themes[1], title_en="Made-up exchange", is_demo=True)
    Activity.objects.filter(pk=activity.pk).update(updated_at=days_ago(100))
    EventFactory(plan=world.plan, title_en="Made-up week", start_date=None, year=None, is_demo=True)

    page = page_of(client_for(world.official).get(dashboard_url(world.plan)))

    assert page.count('class="demo-label"') == 2


@pytest.mark.parametrize("username, shown", [("hki_staff", True), ("official", False)])
def test_the_new_activity_button_shows_when_allowed(world, client_for, username, shown):
    page = page_of(client_for(getattr(world, username)).get(dashboard_url(world.plan)))

    assert (reverse("activity-create") in page) is shown


@pytest.mark.parametrize("n", [10, 300])
def test_the_dashboard_runs_a_constant_number_of_queries(
    world, client_for, django_assert_num_queries, n
):
    today = timezone.localdate()
    activities = ActivityFactory.create_batch(
        n, theme=world.themes[1], first_lead_agency=world.hki_agency, participants=[world.bj_agency]
    )
    for i, activity in enumerate(activities):
        StatusUpdateFactory(activity=activity, sequence=1, author=world.bj_staff)
        FundingFactory(activity=activity, currency=("EUR", "CNY")[i % 2])
        if i % 2:
            Activity.objects.filter(pk=activity.pk).update(updated_at=days_ago(100))
    EventFactory.create_batch(n // 10, plan=world.plan, start_date=today, end_date=None)
    client = client_for(world.hki_staff)

    with django_assert_num_queries(17):
        # 1 session, 2 user, 3 profile (with city and agency)
        # 4 the plan with its partnership, cities and predecessor
        # 5 its evaluation, 6 its renewal (the plan's stage), 7 its signatories
        # 8 activities counted by theme and status, stale and the agency's; 9 the themes
        # 10 open reviews, 11 upcoming events
        # 12 stale activities (first 10), 13 the agency's activities (first 20)
        # 14, 15 their first and second lead agencies (with cities), for both lists at once
        # 16 the plan's funding by source and currency
        # 17 the plan's latest version (the header)
        response = client.get(dashboard_url(world.plan))
    assert response.status_code == 200
    assert response.context["total_activities"] == n + 4


# --- error pages ----------------------------------------------------------------------------


@pytest.mark.urls("tests.portal.test_pages")
def test_a_missing_page_is_a_friendly_404(world, client_for):
    response = client_for(world.official).get("/no/such/page/")

    assert response.status_code == 404
    page = page_of(response)
    assert "Page not found" in page
    assert 'class="site-header"' in page


@pytest.mark.urls("tests.portal.test_pages")
def test_a_refusal_is_a_friendly_403(world, client_for):
    response = client_for(world.official).get("/refuse/")

    assert response.status_code == 403
    assert "You are not allowed to do this" in page_of(response)


@pytest.mark.urls("tests.portal.test_pages")
def test_a_bad_request_is_a_friendly_400(world, client_for):
    response = client_for(world.official).get("/suspicious/")

    assert response.status_code == 400
    assert "The request could not be understood" in page_of(response)


@pytest.mark.urls("tests.portal.test_pages")
def test_a_crash_is_a_friendly_500(db):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "Something went wrong" in page_of(response)


def test_the_500_page_needs_no_request_context():
    response = views.server_error(None)

    assert response.status_code == 500
    assert "Something went wrong" in page_of(response)


@pytest.mark.parametrize(
    "handler, status",
    [(views.bad_request, 400), (views.permission_denied, 403), (views.page_not_found, 404)],
)
def test_error_pages_work_for_anonymous_requests(db, handler, status):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()

    response = handler(request, Exception("x"))

    assert response.status_code == status
