"""At a phone's width (390 × 844): list tables become stacked rows, the header stays compact."""

import shutil

import pytest

from cooperation.models import ActionPlan, Theme
from tests.e2e.conftest import CHROMIUM, load_demo_site, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]

WIDTH = 390


@pytest.mark.django_db(transaction=True)
def test_list_pages_fit_a_phone_and_show_every_column(live_server, browser_page, settings):
    load_demo_site(settings)
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    theme = Theme.objects.filter(plan=plan).order_by("order").first()

    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, live_server.url, "helsinki-coordinator")

    for path in [
        "/",
        f"/plans/{plan.pk}/",
        "/activities/",
        "/events/",
        "/reviews/",
        "/reports/",
        "/reminders/",
        f"/plans/{plan.pk}/history/",
        f"/plans/{plan.pk}/amendments/",
        f"/themes/{theme.pk}/",
        "/agencies/",
        "/profile/tokens/",
    ]:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, (path, width)
        header = page.evaluate("document.querySelector('header.site-header').offsetHeight")
        assert header <= 120, (path, header)
        # Every cell of a stacked table lies inside the page and names its column.
        cut = page.evaluate(
            """() => [...document.querySelectorAll('table.stack td')].filter((td) => {
                const box = td.getBoundingClientRect();
                return box.width > 0 && (box.right > window.innerWidth + 0.5 || box.left < 0);
            }).length"""
        )
        assert cut == 0, path
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('table.stack td:not([data-label])')]
                .filter((td) => td.textContent.trim()).length"""
        )
        assert unlabelled == 0, path

    page.goto(f"{live_server.url}/activities/")
    status = page.locator("table.activities tbody td[data-label='Status']").first
    before = status.evaluate("td => getComputedStyle(td, '::before').content")
    assert before.strip('"') == "Status"
    for label in ("Status", "Lead agencies", "Year"):
        cell = page.locator(f"table.activities tbody td[data-label='{label}']").first
        assert cell.is_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH

    # The plan's title takes at most two lines of its header.
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    lines = page.evaluate(
        """() => { const h = document.querySelector('.plan-header h1');
            return h.offsetHeight / parseFloat(getComputedStyle(h).lineHeight); }"""
    )
    assert lines <= 2.1


@pytest.mark.django_db(transaction=True)
def test_the_new_token_is_copied_with_one_click(live_server, browser_page, settings):
    load_demo_site(settings, with_data=False)
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    log_in(page, live_server.url, "helsinki-coordinator")

    page.goto(f"{live_server.url}/profile/tokens/")
    page.fill("input[name=name]", "reporting script")
    page.click("main form.stacked button[type=submit]")
    key = page.inner_text("#new-key")
    page.click("button[data-copy=new-key]")

    page.wait_for_selector(".copy-status >> text=Copied")
    assert page.evaluate("navigator.clipboard.readText()") == key
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
