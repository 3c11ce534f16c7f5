"""The history of every change: one entry per create, change or delete of a recorded object.

django-auditlog writes the entries (``core/history.py`` says which models it records); this is
its log entry (``AUDITLOG_LOGENTRY_MODEL``) with what the portal adds: the door the change came
through (``core.doors``), the person's user name as it was (kept when the account goes), and the
object the entry belongs with (a commitment's theme, a programme item's event), so that an
object's history shows its parts too. Entries are never changed or deleted (``AppendOnly``,
``AppendOnlyQuerySet``, and the read-only admin).
"""

from __future__ import annotations

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _

from . import doors


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of a record that is written once (the history, the security log)."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are never changed")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are never deleted")


class AppendOnly:
    """A model whose rows are written once: saving one again, or deleting it, refuses."""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are never deleted")


class HistoryManager(LogEntryManager.from_queryset(AppendOnlyQuerySet)):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        return super().log_create(instance, force_log=force_log, **_context(instance, kwargs))

    def log_links(self, instance, field_name: str, operation: str, related: list):
        """Links of a many-to-many field added ("add") or removed ("delete"): their ids,
        and their names as they were (the objects may be deleted later)."""
        if not related:
            return None
        change = {
            "type": "m2m",
            "operation": operation,
            "objects": [smart_str(obj) for obj in related],
            "ids": [obj.pk for obj in related],
        }
        return self.log_create(
            instance, action=self.model.Action.UPDATE, changes={field_name: change}
        )


def _context(instance, kwargs: dict) -> dict:
    """Who, through which door, and which object the entry belongs with."""
    from .history import parent_of  # the registry of recorded models

    actor = kwargs.pop("actor", None) or doors.current_actor()
    values = {
        "door": doors.current_door(),
        "actor": actor,
        "actor_name": actor.get_username() if actor is not None else "",
        # Read now, not by the field's default (bound at import): a loader's recorded time
        # (``core.clock.recorded_at``) dates the entry as it dates the row.
        "timestamp": timezone.now(),
        **kwargs,
    }
    parent = parent_of(instance)
    if parent is not None:
        values["parent_type"] = ContentType.objects.get_for_model(parent[0])
        values["parent_id"] = parent[1]
    return values


class HistoryEntry(AppendOnly, AbstractLogEntry):
    door = models.CharField(_("door"), max_length=20, choices=doors.Door.choices, db_index=True)
    # The user name at the time: the account may be renamed or deleted later.
    actor_name = models.CharField(_("by"), max_length=150, blank=True, db_index=True)
    parent_type = models.ForeignKey(
        ContentType,
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parent_id = models.BigIntegerField(_("part of (id)"), null=True, blank=True)

    objects = HistoryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="history_object"),
            models.Index(fields=["parent_type", "parent_id"], name="history_parent"),
        ]
