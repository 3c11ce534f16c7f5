"""History entries as a reader sees them: when (in their time zone), who, through which door,
what happened to which object, and each field's old and new value, labelled in their language.

A translated field is shown per language ("Title (English)", "Title (Simplified Chinese)"). A
related object is named as it is now (one query per kind of object on a page, whatever the
number of entries), or as it was named when the link was recorded if it is gone.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from modeltranslation.fields import TranslationField

from .doors import Door
from .moments import zone_label

EMPTY = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str
    linked: bool = False  # many-to-many: ``new`` added, ``old`` removed


@dataclass
class Row:
    entry: object
    when: datetime.datetime
    who: str
    door: str
    action: str
    kind: str  # the object's kind ("Commitment")
    name: str  # the object as it was called then
    changes: list[Change] = field(default_factory=list)


def actions() -> dict[int, str]:
    from .models import HistoryEntry

    return {
        HistoryEntry.Action.CREATE: pgettext("history", "created"),
        HistoryEntry.Action.UPDATE: pgettext("history", "changed"),
        HistoryEntry.Action.DELETE: pgettext("history", "deleted"),
    }


def who(entry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    # The account is gone (its name was kept), or the portal itself did it.
    return entry.actor_name or _("the portal")


def rows(entries, *, zone: datetime.tzinfo) -> list[Row]:
    """``entries`` (with ``content_type`` and ``actor`` joined) as rows to show."""
    entries = list(entries)
    names = _related_names(entries)
    labels = actions()
    doors = dict(Door.choices)
    out = []
    for entry in entries:
        model = entry.content_type.model_class()
        out.append(
            Row(
                entry=entry,
                when=entry.timestamp.astimezone(zone),
                who=who(entry),
                door=str(doors.get(entry.door, entry.door)),
                action=labels.get(entry.action, str(entry.action)),
                kind=capfirst(model._meta.verbose_name) if model else entry.content_type.model,
                name=entry.object_repr,
                changes=_changes(entry, model, names, zone) if model else [],
            )
        )
    return out


def _language(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code.replace("_", "-"), code))


def _label(model_field) -> str:
    if isinstance(model_field, TranslationField):
        base = capfirst(str(model_field.translated_field.verbose_name))
        return f"{base} ({_language(model_field.language)})"
    return capfirst(str(model_field.verbose_name))


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None  # a field removed since


def _changes(entry, model, names, zone) -> list[Change]:
    out = []
    for name, values in (entry.changes or {}).items():
        model_field = _field(model, name)
        label = _label(model_field) if model_field is not None else name
        if isinstance(values, dict) and values.get("type") == "m2m":
            shown = ", ".join(_linked_names(model_field, values, names)) or EMPTY
            added = values.get("operation") == "add"
            out.append(Change(label, "" if added else shown, shown if added else "", linked=True))
            continue
        old, new = values
        if entry.action != entry.Action.UPDATE and old in (None, "") and new in (None, ""):
            continue  # an empty field of a new or deleted object says nothing
        out.append(
            Change(
                label, _shown(model_field, old, names, zone), _shown(model_field, new, names, zone)
            )
        )
    return sorted(out, key=lambda change: change.label)


def _linked_names(model_field, values, names) -> list[str]:
    stored = values.get("objects") or []
    ids = values.get("ids") or []
    if model_field is None or len(ids) != len(stored):
        return [str(name) for name in stored]
    known = names.get(model_field.related_model, {})
    return [known.get(pk, f"{then} ({_('deleted')})") for pk, then in zip(ids, stored, strict=True)]


def _shown(model_field, value, names, zone) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field is None:
        return str(value)
    if model_field.is_relation:
        return names.get(model_field.related_model, {}).get(
            _as_id(value), f"#{value} ({_('deleted')})"
        )
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    if model_field.get_internal_type() == "DateTimeField":
        return _moment(value, zone)
    return str(value)


def _moment(value, zone) -> str:
    """A recorded date and time (UTC, as auditlog stores it) in the reader's time zone."""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return f"{moment.astimezone(zone).strftime('%Y-%m-%d %H:%M')} {zone_label(zone)}"


def _as_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _related_names(entries) -> dict[type, dict]:
    """{related model: {id: name now}} for every object the entries' changes refer to: one
    query per kind of object."""
    wanted: dict[type, set] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is None:
            continue
        for name, values in (entry.changes or {}).items():
            model_field = _field(model, name)
            if model_field is None or not model_field.is_relation:
                continue
            if isinstance(values, dict):
                wanted[model_field.related_model].update(values.get("ids") or [])
            else:
                wanted[model_field.related_model].update(
                    _as_id(v) for v in values if v not in (None, "")
                )
    names = {}
    for related, ids in wanted.items():
        # select_related(): names made of other objects (a partnership's cities) cost no more.
        objects = related._default_manager.select_related().filter(pk__in=ids)
        names[related] = {obj.pk: str(obj) for obj in objects}
    return names


def csv_header() -> list[str]:
    return [
        _("When"),
        _("Time zone"),
        pgettext("history", "Who"),
        _("Door"),
        _("What"),
        _("Object"),
        _("Action"),
        _("Field"),
        _("Old value"),
        _("New value"),
    ]


def csv_rows(shown: list[Row], zone) -> list[list]:
    """One line per changed field (one per entry without any)."""
    lines = []
    for row in shown:
        # The zone's IANA name: a data file is read by programs as well as by people.
        start = [row.when.strftime("%Y-%m-%d %H:%M:%S"), str(zone), row.who, row.door]
        start += [row.kind, row.name, row.action]
        for change in row.changes or [None]:
            if change is None:
                lines.append([*start, "", "", ""])
            else:
                lines.append([*start, change.label, change.old, change.new])
    return lines
