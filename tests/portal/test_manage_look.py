"""Plan management (/manage/) looks like the portal; the administrators' /admin/ stays Django's."""

import pytest

from tests.factories import ProgrammeItemFactory

pytestmark = pytest.mark.django_db


def test_management_pages_wear_the_portals_header_and_styles(world, client_for):
    client = client_for(world.hki_coordinator)
    for url in (
        "/manage/",
        "/manage/cooperation/theme/",
        f"/manage/events/event/{world.event.pk}/change/",
    ):
        body = client.get(url).content.decode()
        assert 'class="site-header"' in body, url
        assert 'id="language-select"' in body, url
        assert "css/portal.css" in body and "favicon.svg" in body, url
        assert 'class="main-nav"' in body and 'href="/activities/"' in body, url
        assert "Sister-city cooperation portal" in body, url  # the footer
        # The person's name as the portal's header shows it, not Django's "Welcome, Helsinki".
        assert world.hki_coordinator.get_full_name() in body, url
        assert "Welcome," not in body, url
        assert "admin/css/dark_mode.css" not in body, url


def test_management_in_chinese_keeps_the_portals_switcher(world, client_for):
    client = client_for(world.hki_coordinator)
    body = client.get("/manage/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans"' in body
    assert '<option value="zh-hans" lang="zh-hans" selected>' in body
    assert "计划管理" in body


def test_the_admin_site_keeps_djangos_own_look(world, client_for):
    body = client_for(world.admin).get("/admin/").content.decode()
    assert 'id="header"' in body and "Welcome," in body
    assert 'class="site-header"' not in body
    assert "css/portal.css" not in body


def test_the_rows_of_a_tabular_inline_are_named_by_their_column(world, client_for):
    ProgrammeItemFactory(event=world.event)
    client = client_for(world.hki_coordinator)
    html = client.get(f"/manage/events/event/{world.event.pk}/change/").content.decode()
    # A table's header is no <label>: each field carries its column's name.
    assert 'name="programme-0-DELETE"' in html
    assert 'aria-label="Delete?"' in html
    assert 'aria-label="Starts"' in html and 'aria-label="Organiser' in html
