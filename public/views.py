"""The public pages: /p/<slug>/ (English), /p/<slug>/zh-hans/ (Chinese), /p/<slug>/plan.pdf.

No login. A page that is not switched on, an unknown address and a malformed one all answer
the portal's 404, checked on every request before any cached copy is used: switching a page
off takes effect at once.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from . import rendering, selectors
from .models import PublicPage


def _enabled_page_or_404(slug: str) -> PublicPage:
    try:
        return selectors.enabled_page(slug)
    except PublicPage.DoesNotExist:
        raise Http404 from None


def _respond(request, slug: str, *, lang: str | None, make):
    page = _enabled_page_or_404(slug)
    etag, last_modified = rendering.freshness(page)
    not_modified = get_conditional_response(request, etag=f'"{etag}"', last_modified=last_modified)
    response = not_modified or make(page, etag, request.build_absolute_uri)
    rendering.cache_headers(response, etag=etag, last_modified=last_modified, lang=lang)
    return response


def _page(lang: str):
    def make(page, etag, absolute):
        html = rendering.page_html(page, lang, etag=etag, absolute=absolute)
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    return make


@require_safe
def public_page(request, slug: str):
    return _respond(request, slug, lang="en", make=_page("en"))


@require_safe
def public_page_zh_hans(request, slug: str):
    return _respond(request, slug, lang="zh-hans", make=_page("zh-hans"))


def _pdf(page, etag, absolute):
    pdf = rendering.page_pdf(page, etag=etag, absolute=absolute)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{page.slug}.pdf"'
    return response


@require_safe
def public_page_pdf(request, slug: str):
    return _respond(request, slug, lang=None, make=_pdf)
