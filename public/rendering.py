"""A public page's HTML (in one language) and its bilingual PDF, cached per page, language and
freshness.

The templates are rendered without the request: no context processor runs, so nothing of
whoever asked (their name, role, agency) can reach a page that everyone is then served.
"""

from __future__ import annotations

import hashlib
import io

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date

from partners import clock
from reports.fetcher import static_url
from reports.rendering import html_to_pdf

from . import selectors
from .models import PublicPage

#: The public page's languages: English at /p/<slug>/, Chinese at /p/<slug>/zh-hans/.
LANGUAGES = ("en", "zh-hans")
URL_NAMES = {"en": "public-page", "zh-hans": "public-page-zh-hans"}
LANGUAGE_LABELS = {"en": "English", "zh-hans": "中文"}
# How long a browser or proxy may keep a page without asking again (switching off is seen
# within this much by caches outside the portal; the portal itself answers 404 at once).
MAX_AGE = 300
# The portal's own copy: fresh as long as nothing changed, bounded for what is not recorded
# in the history (a city's name).
CACHE_SECONDS = 3600


def page_url(page: PublicPage, lang: str) -> str:
    return reverse(URL_NAMES[lang], args=[page.slug])


def freshness(page: PublicPage) -> tuple[str, int]:
    """(ETag, Last-Modified as a Unix time) of ``page`` (from ``selectors.enabled_page``)."""
    # Today is in it too: the plan's stage (in force, ended) moves on with the date alone.
    today = clock.today_for(None).isoformat()
    stamp = f"{page.pk}:{page.version}:{page.slug}:{page.history_id}:{page.update_id}:{today}"
    times = [t for t in (page.updated_at, page.history_at, page.update_at) if t is not None]
    last = max(times)
    return hashlib.sha256(stamp.encode()).hexdigest()[:32], int(last.timestamp())


def cache_key(kind: str, etag: str, lang: str, absolute) -> str:
    # The page names its own absolute addresses: one copy per host the portal answers to.
    site = hashlib.sha256(absolute("/").encode()).hexdigest()[:12]
    return f"public:{kind}:{lang}:{site}:{etag}"


def _context(page: PublicPage, data: selectors.PublicPlan, absolute) -> dict:
    return {
        "page": page,
        "data": data,
        "plan": data.plan,
        "partnership": data.plan.partnership,
        "alternates": [
            {"lang": lang, "label": LANGUAGE_LABELS[lang], "url": absolute(page_url(page, lang))}
            for lang in LANGUAGES
        ],
        "pdf_url": absolute(reverse("public-page-pdf", args=[page.slug])),
    }


def page_html(page: PublicPage, lang: str, *, etag: str, absolute) -> str:
    """The page in ``lang``, from the cache when nothing changed since it was made."""
    key = cache_key("html", etag, lang, absolute)
    html = cache.get(key)
    if html is None:
        with translation.override(lang):
            context = _context(page, selectors.public_plan(page.plan), absolute)
            context["lang"] = lang
            context["canonical"] = absolute(page_url(page, lang))
            html = render_to_string("public/page.html", context)
        cache.set(key, html, CACHE_SECONDS)
    return html


def pdf_html(page: PublicPage, *, absolute) -> str:
    """The HTML the bilingual PDF is laid out from."""
    with translation.override("en"):
        context = _context(page, selectors.public_plan(page.plan), absolute)
        context.update(
            languages=LANGUAGES,
            stylesheet=static_url("reports/report.css"),
        )
        return render_to_string("public/plan_pdf.html", context)


def page_pdf(page: PublicPage, *, etag: str, absolute) -> bytes:
    key = cache_key("pdf", etag, "bilingual", absolute)
    pdf = cache.get(key)
    if pdf is None:
        output = io.BytesIO()
        html_to_pdf(pdf_html(page, absolute=absolute), output)
        pdf = output.getvalue()
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def cache_headers(response, *, etag: str, last_modified: int, lang: str | None) -> None:
    response["ETag"] = f'"{etag}"'
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    if lang:
        response["Content-Language"] = lang
