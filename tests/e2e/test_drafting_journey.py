"""End to end in headless Chromium: Helsinki's coordinator uploads the signed text of the
2019–2023 plan, corrects one theme's name, deletes one commitment, publishes the draft and
sees the new DRAFT plan."""

import shutil

import pytest
from django.core.management import call_command

from cooperation.models import ActionPlan, Commitment, PlanStatus
from plandata.models import PlanDraft
from tests.e2e.conftest import CHROMIUM
from tests.plandata.test_drafting import SEED, SEED_NAME, needs_seed

PASSWORD = "demo-pass-e2e-1"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    needs_seed,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_coordinator_drafts_corrects_and_publishes_a_plan(live_server, browser_page, settings):
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_action_plan", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)
    page, base = browser_page, live_server.url

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "helsinki-coordinator")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{base}/plan-drafts/")
    page.set_input_files("input[name=text]", str(SEED / SEED_NAME))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    draft = PlanDraft.objects.get()
    # Each item's passage is marked in the source text beside the draft.
    assert page.locator("mark#src-t1").inner_text() == "Diplomatic Exchanges"
    assert page.locator("mark.draft-commitment").count() >= 40

    page.fill("input[name=themes-0-name]", "Diplomatic Exchanges and Visits")
    page.check("input[name=commitments-0-DELETE]")
    page.click("button[name=save]")
    page.wait_for_selector(".message.success, .messages")
    draft.refresh_from_db()
    assert draft.parsed["themes"][0]["name"] == "Diplomatic Exchanges and Visits"
    assert len(draft.parsed["themes"][0]["commitments"]) == 4

    page.click("text=Publish as a draft plan")
    page.wait_for_url(lambda url: "/plans/" in url)
    plan = ActionPlan.objects.get(code="helsinki-beijing-2019-2023")
    assert plan.status == PlanStatus.DRAFT
    assert plan.predecessor.code == "hki-bj-2017-2019"
    assert Commitment.objects.filter(theme__plan=plan).count() == 43
    assert "Diplomatic Exchanges and Visits" in page.inner_text("main")
