"""In headless Chromium: a plan's public page, in Chinese, without signing in, on a phone."""

import shutil

import pytest
from django.core.management import call_command

from cooperation.models import ActionPlan
from partners.access import SYSTEM
from public.services import switch_public_page
from tests.e2e.conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_the_public_page_reads_in_chinese_on_a_phone_without_login(live_server, browser_page):  # noqa: F811
    call_command("load_action_plan", verbosity=0)
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    public = switch_public_page(user=SYSTEM, plan=plan, enabled=True)

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(f"{live_server.url}/p/{public.slug}/")
    assert response.status == 200
    page.click("a[hreflang=zh-hans]")
    page.wait_for_url(f"{live_server.url}/p/{public.slug}/zh-hans/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert "行动计划" in page.inner_text("h1")
    assert page.locator("h3").count() >= 10  # the ten themes
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    # Nobody signed in, and nothing asks to.
    assert page.locator("form").count() == 0
