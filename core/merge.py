"""A three-way merge of one record's fields: what a person submits after someone else saved.

``base`` is what the person started from, ``saved`` what is stored now, ``yours`` what they
submit (all plain values: ids, ISO dates, text; see ``plain``). A field the person did not
change keeps the saved value; a field only they changed takes theirs; a field both changed to
different values is a clash, settled by the person's choice (``"saved"`` or ``"yours"``) or
left for them to choose. Services merge (cooperation.services.activities); pages only carry
the base and the choices.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models

SAVED, YOURS = "saved", "yours"
_MISSING = object()


def plain(value):
    """A value as the merge compares it (and a signed form carries it): ids for records,
    ISO dates, sorted ids for several records; an empty text is no value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(plain(v) for v in value)
    if value == "":
        return None
    return value


@dataclass
class Merge:
    # Fields whose saved value stands although the submitted one differs.
    keep_saved: list[str] = field(default_factory=list)
    # Fields both changed to different values, with no choice made yet.
    clashes: list[str] = field(default_factory=list)


def three_way(
    base: Mapping, saved: Mapping, yours: Mapping, choices: Mapping[str, str] | None = None
) -> Merge:
    """Merge ``yours`` into ``saved`` over ``base``. A field missing from ``base`` counts as
    changed by both (it is asked rather than guessed)."""
    choices = choices or {}
    merge = Merge()
    for name, value in yours.items():
        now, then = saved[name], base.get(name, _MISSING)
        if value == now:
            continue
        if value == then:
            merge.keep_saved.append(name)  # only the other person changed it
        elif now == then:
            continue  # only you changed it
        elif choices.get(name) == SAVED:
            merge.keep_saved.append(name)
        elif choices.get(name) != YOURS:
            merge.clashes.append(name)
    return merge
