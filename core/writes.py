"""How a service writes a row: only the fields that change, checked by the model, saved alone.

Services decide who may act and what is consistent; this module does the mechanics each of them
would otherwise repeat: take the values a form or serializer parsed, refuse names the service
does not write, set the ones that differ, check the bounds of texts and dates (``core.inputs``),
let the model validate (field limits, choices,
``clean()``, unique and check constraints: messages in the user's language), and save only
those columns, so that a stale copy never overwrites what someone else saved in another column.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.db import models

from . import inputs


def _auto_now_fields(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]


def _is_different(obj: models.Model, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        # Compare ids: reading the related object would cost a query.
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def set_changes(obj: models.Model, changes: Mapping, *, allowed: Collection[str]) -> list[str]:
    """Set the ``changes`` that differ from ``obj``; return the names of the fields changed.

    A name outside ``allowed`` is a programming error (a door offering a field its service
    does not write), not bad input: TypeError.
    """
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"{type(obj).__name__} cannot be written here: {', '.join(unknown)}")
    changed = []
    for name, value in changes.items():
        if _is_different(obj, name, value):
            setattr(obj, name, value)
            changed.append(name)
    return changed


def validate(obj: models.Model, *, exclude: Collection[str] = ()) -> None:
    """The bounds of every text and date (``core.inputs``), then the model's own checks;
    ValidationError names the fields."""
    errors = inputs.problems(obj, exclude=exclude)
    try:
        obj.full_clean(exclude=[*exclude, *errors])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def save_new(obj: models.Model, *, exclude: Collection[str] = ()) -> models.Model:
    validate(obj, exclude=exclude)
    obj.save(force_insert=True)
    return obj


def save_changed(
    obj: models.Model, changed: Collection[str], *, exclude: Collection[str] = ()
) -> models.Model:
    """Validate and save the ``changed`` columns (and the ``auto_now`` ones) of ``obj``."""
    if changed:
        validate(obj, exclude=exclude)
        obj.save(update_fields=[*changed, *_auto_now_fields(obj)])
    return obj


def split_many(changes: Mapping, names: Collection[str]) -> tuple[dict, dict]:
    """``changes`` as (column values, many-to-many values): the latter are set after saving."""
    columns = {k: v for k, v in changes.items() if k not in names}
    many = {k: list(v) for k, v in changes.items() if k in names}
    return columns, many


def set_many(obj: models.Model, many: Mapping) -> list[str]:
    """Set many-to-many relations that differ; return the names changed."""
    changed = []
    for name, values in many.items():
        manager = getattr(obj, name)
        wanted = {v.pk for v in values}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            changed.append(name)
    return changed


def refuse_move(changes: Mapping, name: str, current, message) -> dict:
    """``changes`` without ``name``, which may only repeat the ``current`` parent: a row that
    stays where it was created (a theme in its plan, …) refuses a move with ``message``."""
    if name in changes and changes[name] != current:
        raise ValidationError({name: message})
    return {k: v for k, v in changes.items() if k != name}
