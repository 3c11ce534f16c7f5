"""Writes of the secrets people hand to programs: personal API tokens and the private
calendar address. One function per change, called by the profile pages (and nothing else
writes them): a person has at most ``MAX_ACTIVE_TOKENS`` tokens and one calendar address.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import inputs
from partners import access
from security.log import record as record_event
from security.models import Kind
from twofactor import services as twofactor

from .models import ApiToken, CalendarFeed

MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def issue_token(*, user, name: str, request=None) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its key (shown once, never stored). A person's request
    needs a recent second factor (twofactor.services.ReverifyNeeded); ``request`` is None
    only for code acting on nobody's request (the benchmark's set-up)."""
    if request is not None:
        twofactor.require_recent(user, request)
    inputs.check_value(ApiToken, "name", name)
    # The user's row, locked: two requests at once cannot both pass the count.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)d active tokens: revoke one before making another.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    token, key = ApiToken.issue(user=user, name=name)
    access.log.info("API token created: user=%s", user.get_username())
    record_event(Kind.TOKEN_CREATED, actor=user, subject=user, detail=_named(token))
    return token, key


def _named(token: ApiToken) -> dict:
    # Which token, as its owner named it: never its key, nor the start of it.
    return {"token": token.pk, "name": token.name}


def revoke_token(*, user, token: ApiToken) -> bool:
    """Revoke one of the user's own tokens; False when it was revoked already."""
    if token.user_id != user.pk:
        raise PermissionDenied
    if not token.is_active:
        return False
    token.revoke()
    access.log.info("API token revoked: user=%s", user.get_username())
    record_event(Kind.TOKEN_REVOKED, actor=user, subject=user, detail=_named(token))
    return True


def revoke_all_tokens(*, user, by=None) -> int:
    """Revoke every active token of ``user`` (``by``: who had it done; their second factor
    was reset, ``api.signals``); the number revoked. Each one is a security-log record."""
    # The person's row, locked: a token being made at the same moment waits for this.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("pk"))
    for token in tokens:
        token.revoke()
        record_event(
            Kind.TOKEN_REVOKED,
            actor=by,
            subject=user,
            detail={**_named(token), "because": "two_factor_reset"},
        )
    if tokens:
        access.log.info("API tokens revoked: user=%s count=%s", user.get_username(), len(tokens))
    return len(tokens)


def revoke_as_administrator(*, user, row: ApiToken | CalendarFeed) -> bool:
    """An administrator revokes someone's token or calendar address (/admin/); False when it
    was revoked already."""
    access.require_admin(user)
    if not row.is_active:
        return False
    row.revoke()
    if isinstance(row, ApiToken):
        record_event(Kind.TOKEN_REVOKED, actor=user, subject=row.user, detail=_named(row))
    else:
        record_event(Kind.CALENDAR_ADDRESS_TURNED_OFF, actor=user, subject=row.user)
    return True


def replace_calendar(*, user) -> tuple[CalendarFeed, str]:
    """A new private calendar address for ``user`` (the old one stops working) and its
    secret. ValidationError when another request made one at the same moment."""
    try:
        with transaction.atomic():
            replaced = False
            for feed in CalendarFeed.objects.active().filter(user=user):
                feed.revoke()
                replaced = True
            feed, secret = CalendarFeed.issue(user=user)
            # The address is the secret: only that it was made, never any of it.
            record_event(
                Kind.CALENDAR_ADDRESS_REPLACED,
                actor=user,
                subject=user,
                detail={"replaced_one": replaced},
            )
            return feed, secret
    except IntegrityError:  # two clicks at once: the other one made it
        raise ValidationError(_("A calendar address was just made. Try again.")) from None


def turn_off_calendar(*, user) -> bool:
    """Revoke the user's calendar address; False when there was none."""
    feeds = list(CalendarFeed.objects.active().filter(user=user))
    for feed in feeds:
        feed.revoke()
    if feeds:
        record_event(Kind.CALENDAR_ADDRESS_TURNED_OFF, actor=user, subject=user)
    return bool(feeds)
