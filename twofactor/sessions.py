"""The session engine (``SESSION_ENGINE = "twofactor.sessions"``): Django's database sessions,
kept in ``PersonSession`` with the signed-in person's id beside each session, so that
``end_sessions(user)`` ends every session of a person, in every browser."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import ValidationError


def _user_id(value):
    """The id a session's ``_auth_user_id`` names, or None (nobody, or not an id)."""
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except (TypeError, ValueError, ValidationError):
        return None


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls):
        from .models import PersonSession

        return PersonSession

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        row.user_id = _user_id(data.get(SESSION_KEY))
        return row


def end_sessions(user) -> int:
    """Delete every session of ``user`` (each browser is logged out at its next request);
    the number ended."""
    from .models import PersonSession

    deleted, _by_model = PersonSession.objects.filter(user_id=user.pk).delete()
    return deleted
