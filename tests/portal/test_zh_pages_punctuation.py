"""The pages read in Chinese put Chinese punctuation between Chinese words, the glue of the
templates included (lists, brackets around a city)."""

import re

import pytest
from django.urls import reverse

from tests.portal.test_zh_punctuation import offending

pytestmark = pytest.mark.clock


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|code|pre)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<[^>]*lang="en"[^>]*>.*?</[a-z0-9]+>', " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", html)


def test_pages_in_chinese_use_chinese_punctuation(world, client_for):
    client = client_for(world.hki_coordinator)
    client.cookies["django_language"] = "zh-hans"
    paths = [
        reverse("dashboard", args=[world.plan.pk]),
        reverse("activity-list"),
        reverse("activity-detail", args=[world.hki_activity.pk]),
        reverse("event-list"),
        reverse("event-detail", args=[world.event.pk]),
        reverse("review-list"),
        reverse("review-detail", args=[world.review.pk]),
        reverse("theme-detail", args=[world.themes[0].pk]),
        reverse("agency-list"),
    ]
    bad = {}
    for path in paths:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, path
        lines = [
            line.strip()
            for line in visible_text(response.content.decode()).splitlines()
            if offending(line)
        ]
        if lines:
            bad[path] = lines
    assert bad == {}, {path: sorted(set(lines)) for path, lines in bad.items()}
