"""Two-factor login: who must have it, enrolment, the second step, recovery codes and reset.

A second factor is an authenticator app (TOTP, django-otp's TOTPDevice) with ten one-use
recovery codes (a StaticDevice). Whether a session gave it, and when, is kept in the session;
the second step is throttled by django-axes together with the password (same user name and
address, same limit), and every change sends one of twofactor.signals.
"""

from __future__ import annotations

import base64
import secrets
import time
from enum import Enum

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import access
from partners.models import Role

from . import signals
from .sessions import end_sessions

RECOVERY_CODES = 10
# Session keys: when this session last gave a second factor (seconds since the epoch), and
# who passed the password step but not yet the second one.
VERIFIED_AT = "twofactor_verified_at"
PENDING = "twofactor_pending"
# How long the second step waits after the password step.
PENDING_SECONDS = 300
# Recovery codes: letters and digits that cannot be mistaken for each other.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class Outcome(Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    # Too many wrong passwords and codes from this address for this user: axes says no.
    LOCKED_OUT = "locked_out"


class ReverifyNeeded(PermissionDenied):
    """The action needs a second factor given within TWO_FACTOR_RECENT_MINUTES."""


# --- who and when ---------------------------------------------------------------------------


def is_required(user) -> bool:
    """Coordinators and /admin/ users (staff, superusers) must have a second factor, when
    TWO_FACTOR_REQUIRED is on."""
    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if user is access.SYSTEM:
        return False
    return bool(user.is_staff or user.is_superuser or access.role_of(user) == Role.COORDINATOR)


def authenticator(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def session_verified(session) -> bool:
    return session.get(VERIFIED_AT) is not None


def is_recent(session) -> bool:
    at = session.get(VERIFIED_AT)
    return at is not None and time.time() - at <= settings.TWO_FACTOR_RECENT_MINUTES * 60


def mark_verified(request) -> None:
    mark_session_verified(request.session)


def mark_session_verified(session) -> None:
    """The session gave its second factor now (also for sessions code makes: the benchmark)."""
    session[VERIFIED_AT] = time.time()


def require_recent(user, request) -> None:
    """ReverifyNeeded unless ``request``'s session gave a second factor lately. Asked of
    everyone while TWO_FACTOR_REQUIRED is on (who has none must set one up first), else of
    those who have one."""
    needed = settings.TWO_FACTOR_REQUIRED or is_enrolled(user)
    if needed and not (is_enrolled(user) and is_recent(request.session)):
        raise ReverifyNeeded


# --- the password step hands over to the second step ----------------------------------------


def start_second_step(request, user, *, backend: str, next_url: str) -> None:
    """After the right password of someone who has a second factor: remember who, without
    logging them in (axes resets their failures only at a complete login)."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
    }


def pending(request) -> dict | None:
    """The person between the two steps, while the second step may still be taken."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    return data


# --- enrolment ------------------------------------------------------------------------------


def start_enrolment(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one per person, kept across page loads)."""
    device = authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _normalise(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def _new_codes(user) -> list[str]:
    """Replace the person's recovery codes with new ones; returns them, shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = ["".join(secrets.choice(_CODE_ALPHABET) for _ in range(10)) for _ in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def enrol(*, user, code: str, request) -> list[str]:
    """Confirm the authenticator being set up with a code it shows; returns the new recovery
    codes. ValidationError when the code is not right (nothing changes)."""
    with transaction.atomic():
        device = authenticator(user, confirmed=False)
        if device is None:
            raise ValidationError(_("Start again: the set-up was not found."), code="no_device")
        token = _normalise(code)
        if not (token.isdigit() and len(token) == device.digits and device.verify_token(token)):
            raise ValidationError(
                _("That code is not right. Enter the six digits your app shows now."),
                code="wrong_code",
            )
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_codes(user)
    mark_verified(request)
    signals.enrolled.send(sender=enrol, user=user, request=request)
    return codes


# --- the second step ------------------------------------------------------------------------


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def _lock_out(request, user) -> Outcome:
    request.axes_locked_out = True
    request.axes_credentials = _credentials(user)
    return Outcome.LOCKED_OUT


def _check(*, user, code: str, request, recovery: bool) -> Outcome:
    if not AxesProxyHandler.is_allowed(request, _credentials(user)):
        return _lock_out(request, user)
    token = _normalise(code)
    with transaction.atomic():
        if recovery:
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            ok = bool(token) and len(token) <= 16 and any(d.verify_token(token) for d in devices)
        else:
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            ok = device is not None and token.isdigit() and len(token) == device.digits
            ok = ok and device.verify_token(token)
    if not ok:
        signals.failed.send(sender=verify, user=user, request=request)
        # Counted by django-axes as a failed login: the same limit as wrong passwords.
        user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
        if getattr(request, "axes_locked_out", False):
            return _lock_out(request, user)
        return Outcome.WRONG
    mark_verified(request)
    signal = signals.recovery_used if recovery else signals.verified
    signal.send(sender=verify, user=user, request=request)
    return Outcome.VERIFIED


def verify(*, user, code: str, request) -> Outcome:
    """Check a code of the person's authenticator app (second step or a re-check)."""
    return _check(user=user, code=code, request=request, recovery=False)


def use_recovery_code(*, user, code: str, request) -> Outcome:
    """Check (and spend) one of the person's recovery codes in place of the app's code."""
    return _check(user=user, code=code, request=request, recovery=True)


# --- recovery codes and reset ---------------------------------------------------------------


def regenerate_codes(*, user, request) -> list[str]:
    """New recovery codes (the old ones stop working), after a recent second factor."""
    if not is_enrolled(user):
        raise ValidationError(_("Set up two-factor login first."), code="not_enrolled")
    require_recent(user, request)
    with transaction.atomic():
        codes = _new_codes(user)
    signals.codes_regenerated.send(sender=regenerate_codes, user=user, request=request)
    return codes


def may_reset(by, person) -> bool:
    """Another coordinator of the person's side may reset their second factor (not their
    own: that would let a stolen password replace it); administrators anyone's but theirs.
    Administrators' accounts are reset by administrators only."""
    if not getattr(by, "is_active", False) or by.pk == person.pk:
        return False
    if access.is_admin(by):
        return True
    if person.is_superuser or person.is_staff:
        return False
    mine = access.profile_of(by)
    theirs = access.profile_of(person)
    return bool(
        mine and theirs and mine.role == Role.COORDINATOR and mine.city_id == theirs.city_id
    )


def reset(*, by, person, request) -> None:
    """Remove ``person``'s authenticator and recovery codes: they set up a new one at their
    next login (while it is required of them). Whoever held their phone or a session is
    shut out too: all their sessions end (every browser) and the apps above revoke what
    they issued them (``signals.revoke_access``: api revokes their API tokens), in the same
    transaction."""
    if not may_reset(by, person):
        access.log.warning(
            "permission refused: user=%s action=reset_two_factor person=%s",
            by.get_username(),
            person.pk,
        )
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        ended = end_sessions(person)
        signals.revoke_access.send(sender=reset, user=person, by=by, request=request)
    access.log.info(
        "two-factor login reset: user=%s by=%s sessions=%s",
        person.get_username(),
        by.get_username(),
        ended,
    )
    signals.reset.send(sender=reset, user=person, by=by, request=request)
    signals.sessions_ended.send(sender=reset, user=person, by=by, request=request, count=ended)
