"""The review page's edits merged three ways (issue 13 §7), as the activity edit is, and the
conflicts of the review's writes (``ReviewConflict``, ``AssessmentConflict``).

A form of the review page (the schedule, one theme's assessment, the conclusions) carries the
values the user started from, signed (``sign``/``unsign``). When someone else saved meanwhile,
the service merges over them with ``core.merge.three_way`` (``merged``): a field the user did
not change keeps the saved value, one only they changed takes theirs, and one both changed
takes the user's choice (``"saved"`` or ``"yours"``) or is a ``Clash``: the service's conflict
carries it, and the page shows a table of those fields only. Nothing here writes."""

from __future__ import annotations

from collections.abc import Mapping

from django.core import signing

from core.merge import Merge, plain, three_way

SALT = "reviews.edit-base"
SCHEDULE_FIELDS = ("due_date", "reminder_days")
ASSESSMENT_FIELDS = ("rating", "narrative_en", "narrative_zh_hans")
COMPLETION_FIELDS = ("conclusion", "conclusions_text_en", "conclusions_text_zh_hans")
# The conflict page's choice of a field both changed: keep-<field> = saved | yours.
CHOICE_PREFIX = "keep-"


class Clash:
    """Both changed ``fields`` to different values and no choice says which to keep.
    ``saved`` and ``base`` (plain values) and ``merge`` say what a resubmission keeps."""

    def __init__(self, merge: Merge, *, saved: dict, base: Mapping, yours: dict):
        self.merge = merge
        self.fields = list(merge.clashes)
        self.saved = saved
        self.base = dict(base)
        self.yours = yours


class ReviewConflict(Exception):
    """Somebody changed the review after the user opened it: nothing was written. ``clash``
    (a ``Clash``) when a merge found fields both changed: only those are asked."""

    def __init__(self, current, clash: Clash | None = None):
        super().__init__("review changed meanwhile")
        self.current = current
        self.clash = clash


class AssessmentConflict(Exception):
    """Somebody saved this theme's assessment after the user opened it: nothing was written.

    ``current`` is the assessment as it is now (None if it was removed meanwhile); ``clash``
    as for ReviewConflict.
    """

    def __init__(self, current, clash: Clash | None = None):
        super().__init__("assessment changed meanwhile")
        self.current = current
        self.clash = clash


class Damaged(Exception):
    """A signed start that does not verify, or is another form's: the form was altered."""


def _plain(value):
    try:
        return plain(value)
    except TypeError:  # a list of values that do not sort: compared as given
        return list(value)


def values_of(obj, names) -> dict:
    """The ``names`` of ``obj`` (None: a form with nothing saved yet) as plain values."""
    return {name: _plain(getattr(obj, name) if obj is not None else None) for name in names}


def sign(kind: str, review_id: int, values: Mapping) -> str:
    return signing.dumps(
        {"kind": kind, "review": review_id, "values": dict(values)}, salt=SALT, compress=True
    )


def unsign(text: str, kind: str, review_id: int) -> dict | None:
    """The values a form started from; None when it carries none (a form of before, the
    API). Raises Damaged when the text was altered or belongs to another form."""
    if not text:
        return None
    try:
        data = signing.loads(text, salt=SALT)
    except signing.BadSignature:
        raise Damaged from None
    if not isinstance(data, dict) or (data.get("kind"), data.get("review")) != (
        kind,
        review_id,
    ):
        raise Damaged
    values = data.get("values")
    if not isinstance(values, dict):
        raise Damaged
    return values


def merged(current, yours: dict, base: Mapping, choices: Mapping[str, str] | None, *, refuse):
    """``yours`` merged over what ``current`` holds now (None: nothing saved): the values to
    write, in the order of ``yours``. When both changed a field and no choice says which to
    keep, raises ``refuse(current, clash)`` (a ReviewConflict, an AssessmentConflict)."""
    saved = values_of(current, yours)
    merge = three_way(base, saved, {k: _plain(v) for k, v in yours.items()}, choices)
    if merge.clashes:
        raise refuse(current, Clash(merge, saved=saved, base=base, yours=yours))
    result = dict(yours)
    for name in merge.keep_saved:
        result[name] = getattr(current, name) if current is not None else ""
    return result


def rebased(clash: Clash) -> dict:
    """What a resubmission after ``clash`` starts from: the saved values, except the fields
    both changed, still based on what the user started from (so they are asked again unless
    a choice is made)."""
    return {**clash.saved, **{name: clash.base.get(name) for name in clash.fields}}
