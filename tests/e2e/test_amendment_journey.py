"""End to end in headless Chromium: Helsinki drafts and submits an amendment withdrawing a
commitment; Beijing approves it; the plan shows version 2 and the withdrawn marker."""

import shutil

import pytest
from django.core.management import call_command

from cooperation.amendments.models import Amendment, AmendmentStatus
from cooperation.models import Activity, Commitment
from tests.e2e.conftest import CHROMIUM, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]
PASSWORD = "demo-pass-e2e-1"


@pytest.mark.django_db(transaction=True)
def test_helsinki_drafts_beijing_approves(live_server, browser_page, settings):
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_action_plan", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)
    commitment = (
        Commitment.objects.filter(theme__plan__code="hki-bj-2019-2023")
        .select_related("theme__plan")
        .order_by("theme__order", "order")
        .first()
    )
    plan = commitment.theme.plan
    activity = Activity.objects.create(
        theme=commitment.theme, commitment=commitment, title_en="Dialogue of 2020"
    )
    page, base = browser_page, live_server.url

    log_in(page, base, "helsinki-coordinator", PASSWORD)
    page.goto(f"{base}/plans/{plan.pk}/")
    page.click(f"a[href='/plans/{plan.pk}/amendments/']")
    page.click(f"a[href='/plans/{plan.pk}/amendments/new/']")
    page.fill("input[name=title_en]", "Withdraw a commitment met otherwise")
    page.fill("input[name=title_zh_hans]", "撤回一项承诺")
    page.fill("textarea[name=reason_en]", "The joint committee now does this.")
    page.fill("textarea[name=reason_zh_hans]", "由联合委员会负责。")
    page.fill("input[name=effective_on]", "2022-03-01")
    page.select_option("select[name=changes-0-kind]", "withdraw_commitment")
    # Only the fields of that kind of change show.
    assert not page.locator("select[name=changes-0-agency]").is_visible()
    assert not page.locator("textarea[name=changes-0-text_en]").is_visible()
    page.select_option("select[name=changes-0-commitment]", str(commitment.pk))
    page.click("form.amendment-form button[type=submit]")
    page.wait_for_url("**/amendments/*/")
    page.click("text=Submit to the other side")
    page.wait_for_selector(".badge.amendment-submitted")
    amendment = Amendment.objects.get()
    assert amendment.status == AmendmentStatus.SUBMITTED
    # The author's side sees no approve button.
    assert page.locator("form[action$='/approve/']").count() == 0

    log_in(page, base, "beijing-coordinator", PASSWORD)
    page.goto(f"{base}/plans/{plan.pk}/amendments/")
    page.click(f"a[href='/amendments/{amendment.pk}/']")
    page.click(f"form[action='/amendments/{amendment.pk}/approve/'] button")
    page.wait_for_selector(".badge.amendment-approved")
    amendment.refresh_from_db()
    assert (amendment.status, amendment.number) == (AmendmentStatus.APPROVED, 1)

    page.goto(f"{base}/plans/{plan.pk}/")
    assert page.locator(f"a[href='/plans/{plan.pk}/versions/2/']").is_visible()
    page.goto(f"{base}/themes/{commitment.theme_id}/")
    marker = page.locator(".commitment .badge.withdrawn").first
    assert marker.is_visible()
    assert "1" in marker.inner_text() and "2022" in marker.inner_text()
    # Its activity stays under it.
    assert page.get_by_text("Dialogue of 2020").first.is_visible()
    assert Activity.objects.get(pk=activity.pk).commitment_id == commitment.pk
