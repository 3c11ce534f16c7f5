"""robots.txt lets search engines read the public pages only; the sitemap lists them."""

import pytest

from public.services import switch_public_page

pytestmark = pytest.mark.clock


def test_robots_allows_the_public_pages_and_nothing_else(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:5] == [
        "User-agent: *",
        "Allow: /p/",
        "Allow: /static/",
        "Disallow: /",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_the_sitemap_lists_switched_on_pages_in_both_languages(world, public, client):
    switch_public_page(user=world.admin, plan=world.other_plan, enabled=False, slug="tallinn-riga")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>http://testserver/p/{public.slug}/</loc>" in xml
    assert f"<loc>http://testserver/p/{public.slug}/zh-hans/</loc>" in xml
    assert (
        f'<xhtml:link rel="alternate" hreflang="zh-hans" '
        f'href="http://testserver/p/{public.slug}/zh-hans/"/>'
    ) in xml
    assert 'hreflang="x-default"' in xml
    assert "tallinn-riga" not in xml


def test_the_sitemap_is_empty_without_public_pages(world, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert "<url>" not in response.content.decode()
