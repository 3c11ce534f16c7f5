"""Personal API tokens: ``Authorization: Bearer <key>``.

The key is looked up by its SHA-256 hash (the only thing stored). A revoked token, or the
token of a deactivated user, is refused with 401. The request then runs as the token's
user: a token carries exactly that user's permissions, no more and no less.

Every request reads, in one hand-written query, whether the token is still valid (not
revoked, its person active), when it was last used, and the portal's change stamp
(``api.stamps``). The person with their profile, city and agency is then taken
from the cache under the token and that stamp: every change of a person, their role, city
or agency is a history entry and moves the stamp, so a cached person is as current as a
304 is. Building the ORM's five-table query took more than half of a 304's time.
"""

from __future__ import annotations

import datetime
import functools
import logging
import pickle
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core import prepared
from partners import access

from . import stamps
from .models import ApiToken, hash_secret

log = logging.getLogger("portal.security")

KEYWORD = "Bearer"
MAX_KEY_LENGTH = 200


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may still authenticate the request
        if len(header) != 2 or len(header[1]) > MAX_KEY_LENGTH:
            raise exceptions.AuthenticationFailed(_("Send the token as “Bearer <key>”."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        key_hash = hash_secret(key)
        user_id = _user_of_key.get(key_hash)
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if user_id is not None and getattr(view, "settles_early_throttle", False):
            # The user's rate checked in Redis while the database answers (api.throttles).
            from . import throttles

            throttles.send_early(request, view, user_id)
        found = valid_token(key_hash)
        if found is None:
            log.warning("API token refused: prefix=%s", key[:12])
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token_id, last_used_at, stamp = found
        request._request.change_stamp = stamp  # api.base reuses it for ETags and caches
        token, profile = person_of(token_id, stamp)
        token.last_used_at = last_used_at
        token.touch()
        user = token.user
        _remember_user_of_key(key_hash, user.pk)
        access.remember_profile(user, profile)
        return user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


@functools.cache
def _valid_token_sql(vendor: str) -> str:
    # Names from the models' metadata, quoted; the key hash is a parameter. Made once per
    # database vendor: building it took a tenth of a 304's time.
    quote = connection.ops.quote_name
    token, user = ApiToken._meta, get_user_model()._meta
    return (
        f"SELECT t.{quote(token.pk.column)}, t.{quote('last_used_at')}, "  # noqa: S608
        + ", ".join(stamps.change_stamp_sql())
        + f" FROM {quote(token.db_table)} t JOIN {quote(user.db_table)} u"
        f" ON u.{quote(user.pk.column)} = t.{quote('user_id')}"
        f" WHERE t.{quote('key_hash')} = %s AND t.{quote('revoked_at')} IS NULL"
        f" AND u.{quote('is_active')} = %s"
    )


def valid_token(key_hash: str) -> tuple[int, datetime.datetime | None, str] | None:
    """The token's id and last use, and the change stamp, if the token may be used now."""
    row = prepared.fetchone(_valid_token_sql(connection.vendor), [key_hash, True])
    if row is None:
        return None
    last_used_at = row[1]
    if isinstance(last_used_at, str):  # SQLite hands a raw cursor its text, in UTC
        last_used_at = datetime.datetime.fromisoformat(last_used_at)
    if last_used_at is not None and last_used_at.tzinfo is None:
        last_used_at = last_used_at.replace(tzinfo=datetime.UTC)
    return row[0], last_used_at, stamps.stamp_of(row[2:])


# How long a person read for a token is kept at most: its key moves with any change anyway.
PERSON_SECONDS = 300
# Each process keeps the people it read last too, pickled (every request unpickles objects of
# its own, as from the cache), under the same key and for as long: no cache round trip
# while nothing changes. How many at most (the oldest goes first).
LOCAL_PEOPLE = 256
_local_people: dict[str, tuple[float, bytes]] = {}


# Whose each key hash is, as this process last found it valid (a token's person never
# changes): the user's rate can then be checked before the token is (api.throttles.Early).
# Only a hint: validity is still read live, and a refused token's early check is undone.
_user_of_key: dict[str, int] = {}


def _remember_user_of_key(key_hash: str, user_id: int) -> None:
    if _user_of_key.get(key_hash) == user_id:
        return
    while len(_user_of_key) >= LOCAL_PEOPLE:
        try:
            _user_of_key.pop(next(iter(_user_of_key)), None)
        except (RuntimeError, StopIteration):  # another thread changed it meanwhile
            break
    _user_of_key[key_hash] = user_id


def forget_people() -> None:
    """Empty this process's copies (the tests, with the cache)."""
    _local_people.clear()
    _user_of_key.clear()


def person_of(token_id: int, stamp: str) -> tuple[ApiToken, object | None]:
    """The token with its person, and their profile (None for an administrator's account),
    as of ``stamp``: from this process's copies or the cache, else read in one query and
    kept in both."""
    key = f"api-token-person:{connection.settings_dict['NAME']}:{token_id}:{stamp}"
    local = _local_people.get(key)
    now = time.monotonic()
    if local is not None and local[0] > now:
        return pickle.loads(local[1])  # noqa: S301 (our own pickle, never from outside)
    cached = cache.get(key)
    if cached is None:
        token = ApiToken.objects.select_related("user__profile__city", "user__profile__agency").get(
            pk=token_id
        )
        try:
            profile = token.user.profile
        except ObjectDoesNotExist:  # an administrator's account
            profile = None
        cached = (token, profile)
        cache.set(key, cached, PERSON_SECONDS)
    _local_people.pop(key, None)
    while len(_local_people) >= LOCAL_PEOPLE:
        try:
            _local_people.pop(next(iter(_local_people)), None)
        except (RuntimeError, StopIteration):  # another thread changed them meanwhile
            break
    _local_people[key] = (now + PERSON_SECONDS, pickle.dumps(cached))
    return cached  # the request's own: the copies kept were pickled before it changes them


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created on the profile page (/profile/tokens/).",
        }
