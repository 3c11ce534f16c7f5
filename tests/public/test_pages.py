"""The public pages: no login, both languages, 404 unless switched on, cached with ETags."""

import datetime

import pytest
from django.core.cache import cache

from cooperation.services.activities import change_activity_status
from public import rendering
from public.services import switch_public_page

pytestmark = pytest.mark.clock


def _urls(slug):
    return [f"/p/{slug}/", f"/p/{slug}/zh-hans/", f"/p/{slug}/plan.pdf"]


def test_the_page_needs_no_login_in_english_and_chinese(world, public, client):
    english = client.get(f"/p/{public.slug}/")
    chinese = client.get(f"/p/{public.slug}/zh-hans/")
    assert english.status_code == chinese.status_code == 200
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="zh-hans">' in chinese.content.decode()
    assert "Action Plan between Helsinki and Beijing" in english.content.decode()
    assert "北京市与赫尔辛基市2019-2023年合作行动计划" in chinese.content.decode()
    # Each language links to the other.
    assert f'href="http://testserver/p/{public.slug}/zh-hans/"' in english.content.decode()
    assert f'href="http://testserver/p/{public.slug}/"' in chinese.content.decode()


def test_the_language_is_the_addresss_not_the_visitors(world, public, client):
    client.cookies["django_language"] = "zh-hans"
    response = client.get(f"/p/{public.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="en">' in response.content.decode()


def test_the_page_is_for_search_engines_and_screen_readers(world, public, client):
    html = client.get(f"/p/{public.slug}/zh-hans/").content.decode()
    assert html.count("<h1") == 1
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in html
    assert '<meta name="description"' in html
    assert f'<link rel="canonical" href="http://testserver/p/{public.slug}/zh-hans/">' in html
    assert 'hreflang="en"' in html and 'hreflang="x-default"' in html
    assert '<meta property="og:title"' in html
    # The progress bar says in words what it shows.
    assert "<progress" in html and "aria-label=" in html
    # Nothing of the signed-in portal: no forms, no scripts, no user menu.
    assert "<form" not in html and "<script" not in html


@pytest.mark.parametrize("index", range(3))
def test_a_page_not_switched_on_is_not_found(world, client, index):
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=False)
    response = client.get(_urls("helsinki-beijing-2019-2023")[index])
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/p/nothing-here/",
        "/p/nothing-here/zh-hans/",
        "/p/nothing-here/plan.pdf",
        "/p/" + "a" * 5000 + "/",
        "/p/赫尔辛基/",
        "/p/%E8%B5%AB/zh-hans/",
        "/p/../admin/",
        "/p/%2e%2e%2fadmin/",
        "/p/Helsinki-Beijing-2019-2023/",
        "/p/helsinki-beijing-2019-2023%00/",
        "/p/x/",
    ],
)
def test_unknown_and_hostile_addresses_are_not_found(world, public, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_switching_off_answers_404_at_once_even_with_a_warm_cache(world, public, client):
    for url in _urls(public.slug):
        assert client.get(url).status_code == 200
    switch_public_page(user=world.bj_coordinator, plan=world.plan, enabled=False)
    for url in _urls(public.slug):
        assert client.get(url).status_code == 404
    # Back on: the same addresses answer again.
    switch_public_page(user=world.bj_coordinator, plan=world.plan, enabled=True)
    assert client.get(_urls(public.slug)[0]).status_code == 200


def test_a_new_address_retires_the_old_one(world, public, client):
    assert client.get(f"/p/{public.slug}/").status_code == 200
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True, slug="hki-bj")
    assert client.get(f"/p/{public.slug}/").status_code == 404
    assert client.get("/p/hki-bj/").status_code == 200


def test_the_page_is_cached_and_says_how_long(world, public, client, django_assert_num_queries):
    first = client.get(f"/p/{public.slug}/")
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["ETag"] and first["Last-Modified"]
    # Warm: the page with what its freshness is read from, nothing else.
    with django_assert_num_queries(1):
        second = client.get(f"/p/{public.slug}/")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_an_unchanged_page_answers_304(world, public, client):
    first = client.get(f"/p/{public.slug}/")
    response = client.get(f"/p/{public.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert response["Cache-Control"] == "public, max-age=300"
    since = client.get(f"/p/{public.slug}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    other = client.get(f"/p/{public.slug}/", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_a_304_is_never_given_for_a_page_switched_off(world, public, client):
    etag = client.get(f"/p/{public.slug}/")["ETag"]
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=False)
    assert client.get(f"/p/{public.slug}/", HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_an_edit_shows_at_once(world, public, client):
    from cooperation.services.commitments import update_commitment

    first = client.get(f"/p/{public.slug}/")
    update_commitment(
        user=world.hki_coordinator,
        commitment=world.commitment,
        text_en="Hold a yearly dialogue of mayors.",
    )
    second = client.get(f"/p/{public.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "Hold a yearly dialogue of mayors." in second.content.decode()


def test_a_status_change_shows_at_once(world, public, client):
    first = client.get(f"/p/{public.slug}/")
    assert "0 of 4 activities completed" in first.content.decode()
    change_activity_status(
        user=world.hki_coordinator,
        activity_id=world.hki_activity.pk,
        to_status="on_hold",
        note="Waiting.",
    )
    second = client.get(f"/p/{public.slug}/").content.decode()
    assert second != first.content.decode()
    assert "On hold 1" in second


def test_the_pdf_is_bilingual_cached_and_conditional(world, public, client):
    first = client.get(f"/p/{public.slug}/plan.pdf")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert first["Cache-Control"] == "public, max-age=300"
    etag = first["ETag"].strip('"')
    key = rendering.cache_key("pdf", etag, "bilingual", lambda path: f"http://testserver{path}")
    assert cache.get(key) == first.content
    again = client.get(f"/p/{public.slug}/plan.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_pdf_is_tagged_with_both_languages(world, public, client):
    from tests.reports.test_report_tagged import langs_of, structure

    document, elements = structure(client.get(f"/p/{public.slug}/plan.pdf").content)
    assert document.Root.MarkInfo.Marked is True
    assert str(document.Root.Lang) == "en"
    assert document.Root.ViewerPreferences.DisplayDocTitle is True
    assert {"en", "zh-hans"} <= langs_of(elements)


def test_only_reading_methods_are_answered(world, public, client):
    assert client.head(f"/p/{public.slug}/").status_code == 200
    assert client.post(f"/p/{public.slug}/").status_code == 405


def test_a_commitment_withdrawn_by_amendment_is_marked(world, public, client):
    from tests.cooperation.amendment_helpers import approved

    approved(world)
    world.commitment.refresh_from_db()
    number = world.commitment.withdrawn_by.number
    english = client.get(f"/p/{public.slug}/").content.decode()
    chinese = client.get(f"/p/{public.slug}/zh-hans/").content.decode()
    assert f"Withdrawn by amendment {number}, 1 March 2022" in english
    assert world.commitment.text_en in english
    assert "修正案" in chinese and "2022年3月1日" in chinese


def test_the_page_says_where_the_plan_is_in_its_life_and_moves_on_with_the_date(
    world, public, client
):
    import time_machine

    from reviews.lifecycle import stage_of

    english = client.get(f"/p/{public.slug}/")
    stage = stage_of(world.plan, datetime.date(2026, 11, 30))
    assert str(stage.stage.label) in english.content.decode()
    # A day later the same content is a new page: its stage may have moved on.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)):
        later = client.get(f"/p/{public.slug}/", HTTP_IF_NONE_MATCH=english["ETag"])
    assert later.status_code == 200
    assert later["ETag"] != english["ETag"]
