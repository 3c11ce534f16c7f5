"""End to end in headless Chromium: Beijing agency staff update an activity and read in Chinese."""

import shutil

import pytest
from django.core.management import call_command

from cooperation.models import Activity, StatusUpdate, Theme
from cooperation.services import activities as services
from partners.models import Agency
from tests.e2e.conftest import CHROMIUM, load_demo_site

# The demo data tells a 2019–2023 story: the server's clock is pinned (conftest); the browser
# keeps its own (cookies are given as Max-Age, so the difference does not matter).
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_beijing_staff_update_status_and_read_in_chinese(live_server, browser_page, settings):
    settings.DEMO_PASSWORD = "demo-pass-e2e-1"
    call_command("load_action_plan", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)
    theme = Theme.objects.get(plan__code="hki-bj-2019-2023", order=2)
    staff_agency = Agency.objects.get(code="bj-science-technology")
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(username="bj-science-staff")
    activity = services.create_activity(
        user=staff,
        activity=Activity(
            theme=theme,
            title_en="Joint smart mobility pilot",
            title_zh_hans="智慧出行联合试点",
            second_lead_agency=staff_agency,
        ),
    )

    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "bj-science-staff")
    page.fill("input[name=password]", "demo-pass-e2e-1")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    page.select_option("select[name=to_status]", "in_progress")
    page.fill("textarea[name=note_en]", "Kick-off meeting held with both partners.")
    page.click("form.status-form button[type=submit]")
    page.wait_for_selector("ol.timeline >> text=Kick-off meeting held with both partners.")

    update = StatusUpdate.objects.get(activity=activity)
    assert (update.author, update.from_status, update.to_status) == (
        staff,
        "planned",
        "in_progress",
    )

    page.select_option("#language-select", "zh-hans")
    page.wait_for_function("document.documentElement.lang === 'zh-hans'")
    page.goto(f"{live_server.url}/themes/{theme.pk}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_text("科技与创业").first.is_visible()
    page.goto(f"{live_server.url}/plans/{theme.plan_id}/")
    body = page.inner_text("body")
    for name in ("外事交流", "科技与创业", "医疗卫生"):
        assert name in body


@pytest.mark.django_db(transaction=True)
def test_pages_fit_a_phone_without_scrolling_sideways(live_server, browser_page, settings):
    # Wide tables scroll inside their own box; the page itself never scrolls sideways.
    load_demo_site(settings)
    from events.models import Event

    funded = Activity.objects.filter(fundings__isnull=False).first()
    event = Event.objects.filter(programme__isnull=False).first()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "helsinki-coordinator")
    page.fill("input[name=password]", "demo-pass-e2e-1")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    for path in [
        f"/activities/{funded.pk}/",
        f"/activities/{funded.pk}/edit/",
        f"/events/{event.pk}/",
        "/activities/",
        "/events/",
    ]:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
