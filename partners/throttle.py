"""The user name django-axes counts failed log-ins under (``AXES_USERNAME_CALLABLE``).

The same name the login form checks: stripped and NFKC-normalised as Django's
``UsernameField`` does (so " hki_staff" and "hki_staff" share one count), and bounded, so
that a name of any length is counted (and locked out) without ever overflowing axes' columns.
A name longer than an account's user name can be keeps its beginning and a digest of the
whole: different long names are still counted apart. The second step of the login
(``twofactor.services``) passes the account's own name and is counted under the same one.
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model

# axes' columns (AccessAttempt.username and the logs) hold 255 characters.
AXES_COLUMN_LENGTH = 255
DIGEST_LENGTH = 64  # sha256, hex


def longest_username() -> int:
    """The longest user name an account can have (the form's own bound)."""
    model = get_user_model()
    return model._meta.get_field(model.USERNAME_FIELD).max_length or 254


def normalise(value) -> str:
    """``value`` as the login form reads it, bounded to what axes stores."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value).strip())
    keep = min(longest_username(), AXES_COLUMN_LENGTH - DIGEST_LENGTH - 1)
    if len(text) <= keep:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{text[:keep]}#{digest}"


def axes_username(request, credentials=None) -> str:
    """The user name of an attempt: from the credentials given to ``authenticate`` (or the
    second step), else from the posted form."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        return normalise(credentials.get(field))
    data = getattr(request, "data", None) or getattr(request, "POST", None) or {}
    try:
        value = data.get(field)
    except AttributeError:  # a body that is not a mapping (a JSON list)
        value = None
    return normalise(value)
