"""The report shows an activity's latest note in its language; a note written only in the
other language is shown marked, with its ``lang`` (issue 12)."""

import pytest
from django.utils import timezone

from reports import rendering, snapshot
from tests.factories import StatusUpdateFactory

pytestmark = pytest.mark.clock


def report(world, language: str, **notes) -> str:
    StatusUpdateFactory(
        activity=world.hki_activity,
        sequence=1,
        from_status="planned",
        to_status="in_progress",
        **{"note_en": "", "note_zh_hans": "", **notes},
    )
    data = snapshot.collect(world.plan, None, timezone.localdate())
    return rendering.render_html(data, language)


def test_a_chinese_note_in_the_english_report_is_marked(world):
    html = report(world, "en", note_zh_hans="启动会已举行。")
    assert '<span lang="zh-hans">启动会已举行。</span> <span class="fallback"' in html


def test_an_english_note_in_the_chinese_report_is_marked(world):
    html = report(world, "zh-hans", note_en="Kick-off held.")
    assert '<span lang="en">Kick-off held.</span> <span class="fallback"' in html


def test_the_readers_language_is_shown_unmarked(world):
    html = report(world, "zh-hans", note_en="Kick-off held.", note_zh_hans="启动会已举行。")
    assert "启动会已举行。" in html and "Kick-off held." not in html


def test_the_bilingual_report_shows_each_language_tagged(world):
    html = report(world, "bilingual", note_en="Kick-off held.", note_zh_hans="启动会已举行。")
    assert '<span lang="en">Kick-off held.</span>' in html
    assert '<span lang="zh-hans">启动会已举行。</span>' in html
