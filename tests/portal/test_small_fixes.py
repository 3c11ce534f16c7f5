"""Issue 12's small ones: bar counts as text, copy buttons, one empty choice, no "Completed
completed", the token's name (名称, not a person's 姓名)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from api.pages import TokenForm
from core.forms import EMPTY_CHOICE
from reviews.models import ReviewStatus
from tests.factories import ActivityFactory, ReviewFactory

pytestmark = pytest.mark.clock


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_each_bar_shows_its_counts_as_text(world, client_for):
    ActivityFactory(theme=world.themes[0], status="in_progress")

    page = page_of(client_for(world.official).get(reverse("dashboard", args=[world.plan.pk])))

    economy = page[page.index(f"bar-{world.themes[0].pk}") :]
    economy = economy[: economy.index("</li>\n")]
    # The bar is decoration; its counts are a list anyone (and a screen reader) reads.
    assert 'aria-hidden="true"' in page[: page.index(f"bar-{world.themes[0].pk}")][-200:]
    counts = re.search(r'<ul class="bar-counts small"[^>]*>(.*?)</ul>', economy).group(1)
    texts = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", counts)]
    assert texts[0].startswith("Planned: ") and "In progress: 1" in texts


def test_the_new_token_and_calendar_address_have_a_copy_button(world, client_for):
    client = client_for(world.hki_staff)

    tokens = page_of(client.post(reverse("api-tokens"), {"name": "reporting"}))
    calendar = page_of(client.post(reverse("calendar-settings")))

    for page, target in [(tokens, "new-key"), (calendar, "new-url")]:
        assert f'<code id="{target}">' in page
        button = re.search(rf'<button type="button"[^>]*data-copy="{target}"[^>]*>', page).group(0)
        # Shown by portal.js only where the browser can copy; it says so when it has.
        assert " hidden" in button and 'data-copied="Copied"' in button
        assert '<span class="copy-status small" role="status"></span>' in page
    script = client.get("/static/js/portal.js")
    if script.status_code == 200:
        assert b"navigator.clipboard.writeText" in b"".join(script.streaming_content)


def test_a_completed_review_says_completed_once(world, client_for):
    review = ReviewFactory(
        plan=world.plan,
        status=ReviewStatus.COMPLETED,
        completed_at=timezone.make_aware(datetime.datetime(2021, 10, 1, 12)),
    )

    page = page_of(client_for(world.official).get(reverse("review-detail", args=[review.pk])))

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Completed completed" not in text
    assert re.search(r"Completed on Oct\. 1, 2021", text)


def test_every_select_shows_the_empty_choice_the_same_way(world, client_for):
    client = client_for(world.hki_coordinator)
    pages = [
        page_of(client.get(reverse("activity-edit", args=[world.hki_activity.pk]))),
        page_of(client.get(reverse("activity-detail", args=[world.hki_activity.pk]))),
        page_of(client.get(reverse("event-detail", args=[world.event.pk]))),
    ]
    empties = set()
    for page in pages:
        assert "---------" not in page
        empties |= set(re.findall(r'<option value=""[^>]*>([^<]*)</option>', page))
    # Filters offer "All …" (no filter); a field left empty is always the same dash.
    assert {e for e in empties if not e.startswith(("All ", "Both", "Any", "With or"))} == {
        str(EMPTY_CHOICE)
    }


def test_the_tokens_name_is_a_things_name_in_chinese():
    with translation.override("zh-hans"):
        label = str(TokenForm().fields["name"].label)
    assert label == "名称"
