"""End to end in headless Chromium: the 2019–2023 plan, evaluated "renew", is renewed. The
Helsinki coordinator starts the renewal, Beijing's coordinator approves the draft, Helsinki's
approves it too, and the new plan is in force with its predecessor."""

import shutil

import pytest
from django.core.management import call_command
from django.utils import timezone

from cooperation.models import ActionPlan, PlanStatus
from reviews.models import Conclusion, Review, ReviewKind, ReviewStatus
from tests.e2e.conftest import CHROMIUM

PASSWORD = "demo-pass-e2e-1"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_out(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_both_coordinators_renew_the_plan(live_server, browser_page, settings):  # noqa: F811
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_action_plan", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    # The evaluation was carried out and concluded: renew (its workflow has its own tests).
    Review.objects.filter(plan=plan, kind=ReviewKind.EVALUATION).update(
        status=ReviewStatus.COMPLETED, conclusion=Conclusion.RENEW, completed_at=timezone.now()
    )
    page, base = browser_page, live_server.url

    sign_in(page, base, "helsinki-coordinator")
    page.goto(f"{base}/plans/{plan.pk}/")
    assert "Evaluated" in page.inner_text(".plan-header")
    page.click(f"a[href='/plans/{plan.pk}/renew/']")
    page.fill("input[name=period_start_year]", "2024")
    page.fill("input[name=period_end_year]", "2028")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/renewal/"))
    draft = ActionPlan.objects.get(renewal_of=plan)
    assert "carried over from 2019–2023" in page.inner_text("main")
    sign_out(page, base)

    sign_in(page, base, "beijing-coordinator")
    page.goto(f"{base}/plans/{draft.pk}/renewal/")
    page.click(f"form[action='/plans/{draft.pk}/approve/'] button")
    page.wait_for_selector("li[data-side=beijing] >> text=approved by")
    assert ActionPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT
    sign_out(page, base)

    sign_in(page, base, "helsinki-coordinator")
    page.goto(f"{base}/plans/{draft.pk}/renewal/")
    page.click(f"form[action='/plans/{draft.pk}/approve/'] button")
    page.wait_for_url(lambda url: url.endswith(f"/plans/{draft.pk}/"))
    header = page.inner_text(".plan-header")
    assert "In force" in header
    assert "2024–2028" in header
    assert page.locator(f".plan-header a[href='/plans/{plan.pk}/']").count() == 1

    published = ActionPlan.objects.get(pk=draft.pk)
    assert (published.status, published.predecessor_id) == (PlanStatus.IN_FORCE, plan.pk)
    assert ActionPlan.objects.get(pk=plan.pk).status == PlanStatus.RENEWED
