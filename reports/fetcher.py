"""The only way WeasyPrint may read anything while rendering a report: our own static files.

A report's HTML is ours, but it carries text that users wrote. Django's templates escape that
text, so a description holding ``<img src="file:///etc/passwd">`` is printed, not parsed; this
fetcher is the second wall in case anything ever slipped through. It serves exactly one kind
of URL:

    https://report.invalid/static/<path>   (``REPORT_BASE_URL`` + ``settings.STATIC_URL``)

``report.invalid`` is a reserved name that never resolves (RFC 6761): the HTML is rendered with
it as its base URL, so ``/static/reports/report.css`` becomes such a URL. The file is looked up
with ``django.contrib.staticfiles`` finders, the same way ``runserver`` finds it, and only
with an ending in ``ALLOWED_TYPES``. Everything else is refused without being opened:
``file:`` and every other local path, ``http:`` and ``https:`` to any other host (or port),
``ftp:``, and ``data:`` too — the report's charts are inline SVG, so it needs no data URLs,
and refusing them all is simpler to reason about than allowing "small images".
A refused URL raises ``ReportFetchRefused``; WeasyPrint logs it and goes on without the
resource.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# WeasyPrint logs every step and page at INFO, from its import on: a worker's log would drown.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

log = logging.getLogger(__name__)

REPORT_HOST = "report.invalid"
REPORT_BASE_URL = f"https://{REPORT_HOST}/"
# What a report may load, by ending: its stylesheet and images.
ALLOWED_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# Nothing a report needs is larger.
MAX_BYTES = 5 * 1024 * 1024


class ReportFetchRefused(ValueError):
    """The URL is not one of our static files; nothing was read."""


def static_url(path: str) -> str:
    """The URL a report uses for a static file (unhashed: the finders know the source name)."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    return f"https://{REPORT_HOST}{prefix}{path.lstrip('/')}"


def static_path_of(url: str) -> str:
    """The static file's relative path that ``url`` names, or ReportFetchRefused."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != REPORT_HOST:
        raise ReportFetchRefused(f"not a report resource: {url[:200]}")
    if parts.query:
        raise ReportFetchRefused(f"query strings are not served: {url[:200]}")
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not parts.path.startswith(prefix):
        raise ReportFetchRefused(f"not a static file: {url[:200]}")
    relative = unquote(parts.path[len(prefix) :])
    # No way out of the static folders: no "..", no absolute or Windows paths, no NUL.
    normal = posixpath.normpath(relative) if relative else ""
    if (
        not relative
        or normal != relative
        or normal.startswith(("/", "../"))
        or normal == ".."
        or "\\" in relative
        or "\x00" in relative
        or ":" in relative
    ):
        raise ReportFetchRefused(f"not a plain static path: {url[:200]}")
    if Path(normal).suffix.lower() not in ALLOWED_TYPES:
        raise ReportFetchRefused(f"not a stylesheet or image: {url[:200]}")
    return normal


class StaticFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves our static files and refuses everything else."""

    def __init__(self, **kwargs):
        # No protocol at all through the parent's handlers: ``fetch`` below never calls them.
        super().__init__(allowed_protocols=(), allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        try:
            relative = static_path_of(url)
            found = finders.find(relative)
            if not found:
                raise ReportFetchRefused(f"no such static file: {relative}")
            path = Path(found)
            if not path.is_file():
                raise ReportFetchRefused(f"not a file: {relative}")
            if path.stat().st_size > MAX_BYTES:
                raise ReportFetchRefused(f"too large: {relative}")
        except ReportFetchRefused as exc:
            log.warning("report fetch refused: %s", exc)
            raise
        content_type = ALLOWED_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path)[0]
        headers = {"Content-Type": content_type or "application/octet-stream"}
        # The bytes, not the path: WeasyPrint never learns where the file lives.
        return URLFetcherResponse(url, body=path.read_bytes(), headers=headers)

    def open(self, url, data=None, timeout=None):
        # The parent's urllib entry point: same rules.
        target = url if isinstance(url, str) else url.full_url
        return self.fetch(target)
