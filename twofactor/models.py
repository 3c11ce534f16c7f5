"""Sessions that know whose they are, so that all of a person's sessions can be ended at
once (a reset of their second factor ends every browser's session: ``services.reset``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonSession(AbstractBaseSession):
    """A session (``twofactor.sessions``, ``SESSION_ENGINE``) with the id of its signed-in
    person, written in the same row as the session: no query more than Django's own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=True,
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
