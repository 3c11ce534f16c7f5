"""The security log: one record per security event (a log-in, a lock-out, a new API token, a
changed role, …), append-only.

A record says who acted (``actor``) and whose account it concerns (``subject``), with their
user names as they were (accounts may be renamed or deleted later: the references are plain
ids, no constraint, so the log never stops a deletion and a deletion never changes the log),
when, from which address and browser, through which door, with what outcome, and a small
``detail``. ``city`` is the side the record belongs to (the subject's, else the actor's): its
coordinators read it; ``former_city`` is the side a person left (a side change), whose
coordinators read it too.

Records are never changed or deleted by the portal: ``save`` refuses an update, ``delete``
and the query set's ``update``/``delete`` refuse (``core.models.AppendOnly``), the admin is
read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002). Only
``prune`` (records older than ``SECURITY_LOG_RETENTION_DAYS``, the ``prune_security_log``
command) deletes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from core.doors import Door
from core.models import AppendOnly, AppendOnlyQuerySet
from partners.models import City


class Kind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed log-in")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor login set up")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor login reset")
    SESSIONS_ENDED = "sessions_ended", _("All sessions ended")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Wrong two-factor code")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced", _("New recovery codes made")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    ROLE_CHANGED = "role_changed", _("Role changed")
    SIDE_CHANGED = "side_changed", _("Side changed")
    CALENDAR_ADDRESS_REPLACED = "calendar_address_replaced", _("Calendar address replaced")
    CALENDAR_ADDRESS_TURNED_OFF = "calendar_address_turned_off", _("Calendar address turned off")


class Outcome(models.TextChoices):
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")


def _reference(model, verbose_name):
    # No database constraint and nothing done on delete: the log keeps the id (and the name).
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )


class SecurityEvent(AppendOnly, models.Model):
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(_("when"), db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OK
    )
    actor = _reference(settings.AUTH_USER_MODEL, _("by"))
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    subject = _reference(settings.AUTH_USER_MODEL, _("account"))
    subject_name = models.CharField(_("account"), max_length=150, blank=True)
    city = _reference(City, _("side"))
    former_city = _reference(City, _("former side"))
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    door = models.CharField(_("door"), max_length=20, choices=Door.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        indexes = [
            models.Index(fields=["city", "-at"], name="security_city_at"),
            models.Index(fields=["former_city", "-at"], name="security_former_city_at"),
        ]

    def __str__(self):
        who = self.subject_name or self.actor_name
        return f"{self.get_kind_display()} {who} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def prune(cls, before: datetime.datetime) -> int:
        """Delete the records older than ``before`` (retention); the number deleted.

        The one deletion there is: on PostgreSQL the trigger lets it through only with the
        transaction's ``security.pruning`` setting on.
        """
        table = connection.ops.quote_name(cls._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL security.pruning = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE at < %s", [before])  # noqa: S608
            return cursor.rowcount
