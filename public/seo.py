"""What search engines read: robots.txt (the public pages, nothing else) and the sitemap of
the switched-on public pages in both languages."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import rendering, selectors


class PublicPageSitemap(Sitemap):
    """Each switched-on page once per language; each entry names the other languages too
    (``<xhtml:link rel="alternate" hreflang>``)."""

    changefreq = "weekly"

    def items(self):
        return [(page, lang) for page in selectors.enabled_pages() for lang in rendering.LANGUAGES]

    def location(self, item):
        page, lang = item
        return rendering.page_url(page, lang)

    def lastmod(self, item):
        page, _lang = item
        return max(t for t in (page.updated_at, page.activity_at) if t is not None)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            public_page, _lang = url["item"]
            url["alternates"] = [
                {
                    "lang_code": lang,
                    "location": f"{protocol}://{domain}{rendering.page_url(public_page, lang)}",
                }
                for lang in rendering.LANGUAGES
            ]
            url["alternates"].append(
                {
                    "lang_code": "x-default",
                    "location": f"{protocol}://{domain}{rendering.page_url(public_page, 'en')}",
                }
            )
        return urls


SITEMAPS = {"public": PublicPageSitemap}


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Only the public pages (and what they load) are for search engines; the rest of the
        # portal is behind a login anyway.
        "Allow: /p/",
        "Allow: /static/",
        "Disallow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
