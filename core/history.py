"""Which models the history records, and how an object's history is read.

Each app says what of its own it records, in its ``history.py`` (imported by its AppConfig's
``ready()``), with ``record(Model, parent=..., links=..., exclude=...)``:

- every create, change and delete of the model is an entry (django-auditlog's signals), with
  each changed field's old and new value; a translated field is recorded per language
  (``title_en``, ``title_zh_hans``), never as the language-dependent ``title`` itself;
- ``links`` names many-to-many fields whose added and removed links are entries too;
- ``parent`` names the foreign key of the object an entry belongs with: a theme's history
  shows its commitments and responsibilities, an event's its programme and delegation;
- ``exclude`` leaves out what the entry itself says (who, when) or what no person changes.

Django empties references that say SET_NULL with one UPDATE and no signal; those are
recorded here too (an activity's commitment, when the commitment is deleted). What else escapes
Django's signals is not recorded: ``QuerySet.update()`` (used only on purpose, to move a
version or an ``updated_at`` on, or to stage demo data's dates) and bulk writes (no service
makes one).

Entries are written by ``core.models.HistoryManager`` (door, who, parent).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, pre_delete
from modeltranslation.translator import NotRegistered, translator

_PARENTS: dict[type, str] = {}


def translated_bases(model) -> list[str]:
    """The language-dependent fields of ``model`` (``title``; recorded as ``title_en``, …)."""
    try:
        return sorted(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


def record(
    model,
    *,
    parent: str | None = None,
    links: Collection[str] = (),
    exclude: Collection[str] = (),
    masked: Collection[str] = (),
) -> None:
    """Record every create, change and delete of ``model`` (see the module docstring)."""
    left_out = {*translated_bases(model), *exclude}
    auditlog.register(
        model,
        # The model's own columns: not the id, nor what other models hold (reverse relations).
        include_fields=[
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in left_out
        ],
        mask_fields=list(masked),
        mask_callable="core.history.hidden",
    )
    if parent is not None:
        _PARENTS[model] = parent
    pre_delete.connect(
        _record_emptied_links, sender=model, dispatch_uid=f"history:{model._meta.label}:delete"
    )
    for name in links:
        m2m_changed.connect(
            _link_receiver(name),
            sender=model._meta.get_field(name).remote_field.through,
            weak=False,
            dispatch_uid=f"history:{model._meta.label}.{name}",
        )


def _record_emptied_links(sender, instance, **kwargs):
    """Deleting an object empties the references to it that say SET_NULL (an activity's
    commitment, an event's series, a programme item's organiser): Django does that with one
    UPDATE, without signals, so the referring objects' entries are written here."""
    from .models import HistoryEntry

    for relation in instance._meta.related_objects:
        if relation.many_to_many or relation.on_delete is not models.SET_NULL:
            continue
        referring, field = relation.related_model, relation.field
        if not auditlog.contains(referring):
            continue
        if field.name not in auditlog.get_model_fields(referring)["include_fields"]:
            continue
        for obj in referring._default_manager.filter(**{field.name: instance.pk}):
            HistoryEntry.objects.log_create(
                obj, action=HistoryEntry.Action.UPDATE, changes={field.name: [instance.pk, None]}
            )


def hidden(value: str) -> str:
    """A masked value (a password hash): the entry says it changed, never what it is."""
    return "••••••"


def parent_of(instance) -> tuple[type, int] | None:
    """(model, id) of the object ``instance``'s entries belong with, if any."""
    name = _PARENTS.get(type(instance)) or _PARENTS.get(instance._meta.concrete_model)
    if name is None:
        return None
    field = instance._meta.get_field(name)
    pk = getattr(instance, field.attname)
    return (field.related_model, pk) if pk is not None else None


def _link_receiver(name: str):
    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        from .models import HistoryEntry

        if action == "pre_clear" and not reverse:
            # What a clear() removes is known only before it.
            instance._history_cleared = list(getattr(instance, name).all())
        elif action == "post_clear" and not reverse:
            removed = getattr(instance, "_history_cleared", [])
            HistoryEntry.objects.log_links(instance, name, "delete", removed)
        elif action in ("post_add", "post_remove") and pk_set:
            operation = "add" if action == "post_add" else "delete"
            related = list(model._default_manager.filter(pk__in=pk_set).order_by("pk"))
            if not reverse:
                HistoryEntry.objects.log_links(instance, name, operation, related)
            else:  # agency.participations.add(activity): the activity's link changed
                for owner in related:
                    HistoryEntry.objects.log_links(owner, name, operation, [instance])

    return receiver


# --- reading ------------------------------------------------------------------------------


def for_object(obj, *, parts: bool = True) -> QuerySet:
    """The entries of ``obj`` (and, with ``parts``, of the objects that belong with it),
    newest first, with the person who made them."""
    from .models import HistoryEntry

    content_type = ContentType.objects.get_for_model(obj)
    where = Q(content_type=content_type, object_id=obj.pk)
    if parts:
        where |= Q(parent_type=content_type, parent_id=obj.pk)
    return (
        HistoryEntry.objects.filter(where)
        .select_related("content_type", "actor")
        .order_by("-timestamp", "-id")
    )


def filtered(
    entries: QuerySet,
    *,
    actor: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    zone: datetime.tzinfo | None = None,
) -> QuerySet:
    """Entries by the person named ``actor`` (user name), from ``since`` to ``until`` (whole
    days, on the calendar of ``zone``)."""
    if actor:
        entries = entries.filter(actor_name=actor)
    if since is not None:
        entries = entries.filter(timestamp__gte=_midnight(since, zone))
    if until is not None:
        entries = entries.filter(timestamp__lt=_midnight(until + datetime.timedelta(days=1), zone))
    return entries


def _midnight(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone or datetime.UTC)
