"""What this app hears and records (connected by ``SecurityConfig.ready``): log-ins, failed
log-ins and log-outs (Django's signals), lock-outs (django-axes'), and changes of a person's
role or side (the saves of ``partners.models.Profile`` and of the account's administrator
flags, groups and permissions). The partners app knows nothing of this one (a lower layer
never imports a higher one).

Lock-outs: django-axes counts every failure, those during a lock-out too (each one starts the
cool-off anew) and sends ``user_locked_out`` on each of them. The lock-out is recorded once,
when the count reaches the limit; a later attempt is a failed log-in with the outcome
"refused" (its password was not even checked).
"""

from __future__ import annotations

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from core import doors
from partners.models import Profile
from twofactor import signals as two_factor

from . import log
from .models import Kind, Outcome

User = get_user_model()


def _account(username):
    """The account a typed user name names, if any (a name with hidden characters: none)."""
    if not isinstance(username, str) or not username:
        return None
    if log.clean_text(username, log.NAME_LENGTH) != username:
        return None
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def _lock_count(request, credentials) -> tuple[int | None, int]:
    """Failures counted by axes for this attempt, and the limit."""
    failures = getattr(request, "axes_failures_since_start", None)
    return failures, get_failure_limit(request, credentials or {})


def _locked_before(request, credentials) -> bool:
    """Whether the attempt came during a lock-out (axes refused it without the password)."""
    if request is None:
        return False
    failures, limit = _lock_count(request, credentials)
    if failures is None:  # axes set to keep the cool-off: it counted nothing
        return bool(getattr(request, "axes_locked_out", False))
    return failures > limit


@receiver(user_logged_in, dispatch_uid="security_log_login")
def on_login(sender, request, user, **kwargs):
    log.record(Kind.LOGIN, request=request, actor=user, subject=user)


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:  # logging out when not logged in is nobody's event
        log.record(Kind.LOGOUT, request=request, actor=user, subject=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Connected after axes' own receiver (axes comes first in INSTALLED_APPS): its count of
    # this attempt is on the request. Only the user name is taken, never the password.
    if sender == TWO_FACTOR_SENDER:
        return  # a wrong second-step code: recorded as such by on_two_factor_failed
    username = (credentials or {}).get(User.USERNAME_FIELD)
    refused = _locked_before(request, credentials)
    log.record(
        Kind.LOGIN_FAILED,
        request=request,
        actor=None,
        subject=_account(username),
        subject_name=username or "",
        outcome=Outcome.REFUSED if refused else Outcome.FAILED,
        detail={"locked_out": True} if refused else None,
    )


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    credentials = getattr(request, "axes_credentials", None)
    failures, limit = _lock_count(request, credentials)
    if failures is None or failures > limit:
        return  # an attempt during the lock-out: recorded as a refused failed log-in
    log.record(
        Kind.LOCKED_OUT,
        request=request,
        actor=None,
        subject=_account(username),
        subject_name=username or "",
        outcome=Outcome.REFUSED,
        detail={"failures": failures},
    )


# --- two-factor login (twofactor.signals) ------------------------------------------------------

# twofactor.services also sends user_login_failed for a wrong code, so that django-axes counts
# it with wrong passwords; the log records it once, as a wrong two-factor code.
TWO_FACTOR_SENDER = "twofactor.services"


@receiver(two_factor.enrolled, dispatch_uid="security_log_two_factor_enrolled")
def on_two_factor_enrolled(sender, user, request=None, **kwargs):
    log.record(Kind.TWO_FACTOR_ENROLLED, request=request, actor=user, subject=user)


@receiver(two_factor.reset, dispatch_uid="security_log_two_factor_reset")
def on_two_factor_reset(sender, user, by=None, request=None, **kwargs):
    log.record(Kind.TWO_FACTOR_RESET, request=request, actor=by, subject=user)


@receiver(two_factor.sessions_ended, dispatch_uid="security_log_sessions_ended")
def on_sessions_ended(sender, user, by=None, request=None, count=0, **kwargs):
    log.record(
        Kind.SESSIONS_ENDED,
        request=request,
        actor=by,
        subject=user,
        detail={"sessions": count, "because": "two_factor_reset"},
    )


@receiver(two_factor.failed, dispatch_uid="security_log_two_factor_failed")
def on_two_factor_failed(sender, user, request=None, **kwargs):
    log.record(
        Kind.TWO_FACTOR_FAILED, request=request, actor=user, subject=user, outcome=Outcome.FAILED
    )


@receiver(two_factor.recovery_used, dispatch_uid="security_log_recovery_used")
def on_recovery_used(sender, user, request=None, **kwargs):
    log.record(Kind.RECOVERY_CODE_USED, request=request, actor=user, subject=user)


@receiver(two_factor.codes_regenerated, dispatch_uid="security_log_codes_regenerated")
def on_codes_regenerated(sender, user, request=None, **kwargs):
    log.record(Kind.RECOVERY_CODES_REPLACED, request=request, actor=user, subject=user)


# --- a person's role and side ----------------------------------------------------------------

PROFILE_WATCHED = {"role", "city"}
ACCOUNT_WATCHED = {"is_superuser", "is_staff"}


def _watched(kwargs, fields) -> bool:
    update_fields = kwargs.get("update_fields")
    return update_fields is None or bool(fields & set(update_fields))


@receiver(pre_save, sender=Profile, dispatch_uid="security_log_profile_before")
def remember_profile(sender, instance, raw=False, **kwargs):
    """The role and side as stored, before a save that may change them (one query)."""
    if raw or instance._state.adding or not _watched(kwargs, PROFILE_WATCHED):
        return
    instance._security_before = (
        Profile.objects.filter(pk=instance.pk).values("role", "city_id", "city__code").first()
    )


def _city_code(profile) -> str:
    return profile.city.code if profile.city_id else ""


@receiver(post_save, sender=Profile, dispatch_uid="security_log_profile_saved")
def record_profile(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    person = instance.user
    if created:
        log.record(
            Kind.ROLE_CHANGED,
            actor=doors.current_actor(),
            subject=person,
            city=instance.city_id,
            detail={"from": None, "to": instance.role, "side": _city_code(instance)},
        )
        return
    before = instance.__dict__.pop("_security_before", None)
    if before is None:
        return
    if before["city_id"] != instance.city_id:
        log.record(
            Kind.SIDE_CHANGED,
            actor=doors.current_actor(),
            subject=person,
            city=instance.city_id,
            former_city=before["city_id"],
            detail={"from": before["city__code"], "to": _city_code(instance)},
        )
    if before["role"] != instance.role:
        log.record(
            Kind.ROLE_CHANGED,
            actor=doors.current_actor(),
            subject=person,
            city=instance.city_id,
            detail={"from": before["role"], "to": instance.role, "side": _city_code(instance)},
        )


@receiver(post_delete, sender=Profile, dispatch_uid="security_log_profile_deleted")
def record_profile_deleted(sender, instance, **kwargs):
    log.record(
        Kind.ROLE_CHANGED,
        actor=doors.current_actor(),
        subject=User(pk=instance.user_id, **{User.USERNAME_FIELD: _username(instance)}),
        city=instance.city_id,
        detail={"from": instance.role, "to": None, "side": _city_code(instance)},
    )


def _username(profile) -> str:
    # The account may be the one being deleted: read from what is loaded, if it is.
    user = profile._state.fields_cache.get("user")
    if user is not None:
        return user.get_username()
    return (
        User._default_manager.filter(pk=profile.user_id)
        .values_list(User.USERNAME_FIELD, flat=True)
        .first()
        or ""
    )


@receiver(pre_save, sender=User, dispatch_uid="security_log_account_before")
def remember_account(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or not _watched(kwargs, ACCOUNT_WATCHED):
        return
    instance._security_before = (
        User._default_manager.filter(pk=instance.pk).values(*ACCOUNT_WATCHED).first()
    )


@receiver(post_save, sender=User, dispatch_uid="security_log_account_saved")
def record_account(sender, instance, created, raw=False, **kwargs):
    """Administrator flags given or taken: a role change too (administrators have no side)."""
    if raw:
        return
    before = instance.__dict__.pop("_security_before", None)
    if created:
        before = dict.fromkeys(ACCOUNT_WATCHED, False)
    if before is None:
        return
    changed = {
        name: [before[name], getattr(instance, name)]
        for name in sorted(ACCOUNT_WATCHED)
        if before[name] != getattr(instance, name)
    }
    if changed:
        log.record(Kind.ROLE_CHANGED, actor=doors.current_actor(), subject=instance, detail=changed)


def _rights_changed(field: str, instance, action, pk_set, reverse=False, model=None, **kwargs):
    """Groups or permissions given or taken from an account: a role change too. (Changed from
    the group's side, ``reverse``, each account is recorded.)"""
    if action not in {"post_add", "post_remove", "pre_clear"} or (
        action != "pre_clear" and not pk_set
    ):
        return
    if reverse:  # group.user_set.add(...): pk_set are the accounts
        accounts = User._default_manager.filter(pk__in=pk_set)
        names = [str(instance)]
    else:
        accounts = [instance]
        if action == "pre_clear":
            pk_set = set(getattr(instance, field).values_list("pk", flat=True))
            if not pk_set:
                return
        names = sorted(str(row) for row in model._default_manager.filter(pk__in=pk_set))
    change = "removed" if action in {"post_remove", "pre_clear"} else "added"
    for account in accounts:
        log.record(
            Kind.ROLE_CHANGED,
            actor=doors.current_actor(),
            subject=account,
            detail={f"{field}_{change}": names},
        )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="security_log_groups")
def record_groups(sender, **kwargs):
    _rights_changed("groups", **kwargs)


@receiver(
    m2m_changed, sender=User.user_permissions.through, dispatch_uid="security_log_permissions"
)
def record_permissions(sender, **kwargs):
    _rights_changed("user_permissions", **kwargs)
