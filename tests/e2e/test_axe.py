"""axe-core in headless Chromium: no WCAG 2.1 A/AA violations on the portal's pages, in all three
languages, /manage/ included.

The axe-core script comes with the pinned test dependency ``axe-playwright-python`` (its
``axe.min.js``): nothing is fetched while the test runs. One browser and one set of demo data
serve every page; the pages are the URL matrix's pages (tests/portal/test_url_matrix.py) that
render HTML, one of each kind.
"""

import shutil
from importlib import resources

import pytest
from django.core.management import call_command

from cooperation.models import ActionPlan, Activity
from events.models import Event
from partners.access import SYSTEM
from public.services import switch_public_page
from reviews.models import Review
from tests.e2e.conftest import CHROMIUM, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]

AXE_PACKAGE = "axe_playwright_python"
LANGUAGES = ("en", "zh-hans", "fi")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "demo-pass-axe-1"


def _axe_source():
    return resources.files(pytest.importorskip(AXE_PACKAGE)).joinpath("axe.min.js").read_text()


def _violations(page, axe_source):
    """axe's WCAG 2.1 A/AA violations on the page shown, as short readable lines."""
    # Evaluated, not added as a <script>: the portal's CSP would refuse an inline script.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary'][:160]!r}"
        for violation in result["violations"]
        for node in violation["nodes"][:3]
    ]


def _switch_language(page, code):
    page.select_option("#language-select", code)  # portal.js sends the form
    page.wait_for_function(f"document.documentElement.lang === '{code}'")


def _portal_paths():
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    theme = plan.themes.order_by("order").first()
    activity = Activity.objects.filter(theme__plan=plan).order_by("pk").first()
    event = Event.objects.filter(plan=plan, programme__isnull=False).order_by("pk").first()
    review = Review.objects.filter(plan=plan).order_by("pk").first()
    paths = [
        f"/plans/{plan.pk}/",
        f"/themes/{theme.pk}/",
        "/activities/",
        f"/activities/{activity.pk}/",
        f"/activities/{activity.pk}/edit/",
        f"/activities/new/?theme={theme.pk}",
        f"/activities/{activity.pk}/history/",
        "/events/",
        f"/events/{event.pk}/",
        "/reviews/",
        f"/reviews/{review.pk}/",
        "/reports/",
        "/agencies/",
        "/profile/",
        "/profile/tokens/",
        "/profile/calendar/",
        "/profile/two-factor/",
        "/profile/two-factor/set-up/",
        "/two-factor/people/",
        "/reminders/",
        f"/plans/{plan.pk}/history/",
        f"/plans/{plan.pk}/versions/",
        # Plan management: the index, a list and a change form with inlines.
        "/manage/",
        "/manage/events/event/",
        f"/manage/events/event/{event.pk}/change/",
        "/manage/portal/people/",
    ]
    return plan, paths


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_violations_on_the_portals_pages(live_server, browser_page, settings):
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_action_plan", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)
    call_command("load_demo_data", verbosity=0)
    plan, paths = _portal_paths()
    public = switch_public_page(user=SYSTEM, plan=plan, enabled=True)
    axe_source = _axe_source()
    base = live_server.url
    page = browser_page
    found = []

    def check(path):
        response = page.goto(f"{base}{path}")
        assert response.status == 200, (path, response.status)
        shown = page.evaluate("document.documentElement.lang")
        found.extend(f"{shown} {path} {line}" for line in _violations(page, axe_source))

    # Without login: the login page and the plan's public page (its own language links).
    for lang in LANGUAGES:
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        _switch_language(page, lang)
        check("/accounts/login/")
    check(f"/p/{public.slug}/")
    check(f"/p/{public.slug}/zh-hans/")

    # A coordinator sees every page and plan management; staff get their own /manage/.
    log_in(page, base, "helsinki-coordinator", PASSWORD)
    for lang in LANGUAGES:
        _switch_language(page, lang)
        for path in paths:
            check(path)
    log_in(page, base, "bj-science-staff", PASSWORD)
    for lang in LANGUAGES:
        _switch_language(page, lang)
        check("/manage/")

    assert found == [], "\n".join(found)
