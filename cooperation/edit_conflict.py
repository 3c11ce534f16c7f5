"""The edit page's conflict (409): what it shows and how the form starts again after it.

The merge itself is the service's (``services.activities.update_activity`` with a base): this
module only turns its ActivityConflict into the table of fields both people changed, each with
the choice of which value to keep, and rebases the form so that saving it again merges.
"""

from __future__ import annotations

import datetime

from django.db.models import Model
from django.utils.formats import date_format

from core.templatetags.content import tr_text
from partners.models import Agency

from .forms import CHOICE_PREFIX, ActivityForm, sign_base
from .services import activities as services


def shown(conflict: services.ActivityConflict) -> dict:
    """The conflict box's context: who saved when, and the rows to choose in."""
    who = conflict.current.updated_by
    return {
        "who": (who.get_full_name() or who.get_username()) if who else None,
        "when": conflict.current.updated_at,
        "rows": _rows(conflict),
        "merged": bool(conflict.saved),
    }


def _show_value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _rows(conflict: services.ActivityConflict) -> list[dict]:
    rows = []
    for diff in conflict.differences:
        theirs, yours = diff.theirs, diff.yours
        if not conflict.saved and _show_value(theirs) == _show_value(yours):
            continue  # e.g. an empty text saved as "" and submitted as None
        if diff.field == "participants":
            names = {
                a.pk: tr_text(a, "name") for a in Agency.objects.filter(pk__in=[*theirs, *yours])
            }
            theirs = ", ".join(names.get(pk, str(pk)) for pk in theirs)
            yours = ", ".join(names.get(pk, str(pk)) for pk in yours)
        rows.append(
            {
                "field": diff.field,
                "choice": f"{CHOICE_PREFIX}{diff.field}",
                "label": diff.label,
                "theirs": _show_value(theirs),
                "yours": _show_value(yours),
            }
        )
    return rows


def rebase(form: ActivityForm, conflict: services.ActivityConflict) -> None:
    """After a conflict, the form as a resubmission should start: the saved values of the
    fields only the other person changed (shown, and based on), the user's own elsewhere, the
    fields both changed still based on what the user started from (so they are asked)."""
    data = form.data.copy()
    data["version"] = str(conflict.current.version)
    if conflict.saved:  # merged over the base the form carried
        for name in conflict.merge.keep_saved:
            value = conflict.saved[name]
            if name == "participants":
                data.setlist(name, [str(v) for v in value])
            else:
                data[name] = "" if value is None else str(value)
        clashes = {d.field: conflict.base.get(d.field) for d in conflict.differences}
        data["base"] = sign_base(conflict.current, {**conflict.saved, **clashes})
    form.data = data
