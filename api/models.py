"""Secrets a user hands to a program: personal API tokens and private calendar feed addresses.

Only a SHA-256 hash of each secret is stored: the secret itself is shown once, when it is
made, and cannot be read back (a stolen database dump opens nothing). A short prefix of the
secret is kept in the clear so that people can tell their tokens apart.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Markers that make a leaked secret recognisable in logs and to secret scanners.
TOKEN_PREFIX = "sct_"  # noqa: S105 - a marker, not a secret
FEED_PREFIX = "scf_"
PREFIX_LENGTH = 12  # the marker and the first 8 random characters
# last_used is written at most this often per token: not one UPDATE per request.
LAST_USED_RESOLUTION_SECONDS = 60


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret(marker: str) -> str:
    return marker + secrets.token_urlsafe(32)


class SecretQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def by_secret(self, secret: str):
        """The active row for a presented secret (the lookup is by its hash)."""
        # The person's profile in the same query: every request needs it (rights, today).
        return (
            self.active()
            .select_related("user__profile__city", "user__profile__agency")
            .get(key_hash=hash_secret(secret))
        )


class HashedSecret(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    prefix = models.CharField(_("starts with"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = SecretQuerySet.as_manager()
    marker = ""

    class Meta:
        abstract = True

    @classmethod
    def issue(cls, *, user, **fields) -> tuple[HashedSecret, str]:
        """A new row and its secret: the only time the secret exists outside the client."""
        secret = new_secret(cls.marker)
        row = cls.objects.create(
            user=user, prefix=secret[:PREFIX_LENGTH], key_hash=hash_secret(secret), **fields
        )
        return row, secret

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        """Revoke once; revoking again keeps the first time (a conditional UPDATE)."""
        now = timezone.now()
        type(self).objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=now)
        self.revoked_at = self.revoked_at or now

    def touch(self) -> None:
        """Record a use, at most once a minute: one conditional UPDATE, usually none."""
        now = timezone.now()
        cutoff = now - datetime.timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
        if self.last_used_at is not None and self.last_used_at >= cutoff:
            return
        type(self).objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=cutoff), pk=self.pk
        ).update(last_used_at=now)
        self.last_used_at = now


class ApiToken(HashedSecret):
    """A personal API token: ``Authorization: Bearer <key>``, with exactly its user's rights."""

    name = models.CharField(_("name"), max_length=100)
    marker = TOKEN_PREFIX

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class CalendarFeed(HashedSecret):
    """A private calendar address: ``/calendar/<secret>.ics``, one active per user."""

    marker = FEED_PREFIX

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.prefix}…)"
