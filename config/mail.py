"""Where ``EMAIL_URL=filemail://…`` puts mail, as the URL says it (README, Configuration)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote_plus

from django.core.exceptions import ImproperlyConfigured


def mail_folder(url: str, base_dir: Path) -> str:
    """The folder of ``filemail://FOLDER``, everything after the ``//``: ``filemail:///var/mail``
    is /var/mail, ``filemail://var/mail`` is var/mail in ``base_dir`` (the project folder).

    django-environ drops the first slash of an absolute folder, and reads a relative one's
    first part as a host name. ``filemail:////var/mail`` (what an older README asked for)
    stays /var/mail."""
    folder = unquote_plus(url.split("://", 1)[1].split("?", 1)[0])
    if not folder:
        raise ImproperlyConfigured(
            "EMAIL_URL: filemail:// needs a folder, e.g. filemail:///var/mail"
        )
    return "/" + folder.lstrip("/") if folder.startswith("/") else str(base_dir / folder)
