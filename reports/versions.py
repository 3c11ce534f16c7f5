"""A report as of a date shows the plan in the version in force on that date.

Themes and commitments added by a later amendment are left out; names and texts are those of
that version; what an amendment in force by then had withdrawn is marked ("withdrawn by
amendment 2, 1 March 2022"), and what was withdrawn only later is not. Plans never amended
(no frozen version) are shown as they are.
"""

from __future__ import annotations

import datetime

from cooperation.amendments.models import PlanVersion
from cooperation.amendments.selectors import version_in_force
from cooperation.models import ActionPlan

from .dates import lazy_date

LANGS = ("en", "zh_hans")


def _marker(withdrawn: dict | None) -> dict | None:
    if not withdrawn:
        return None
    return {
        "amendment": withdrawn["amendment"],
        "on": lazy_date(datetime.date.fromisoformat(withdrawn["on"])),
    }


def _live_marker(obj, as_of: datetime.date) -> dict | None:
    if obj.withdrawn_by_id is None or obj.withdrawn_on is None or obj.withdrawn_on > as_of:
        return None
    return {"amendment": obj.withdrawn_by.number, "on": lazy_date(obj.withdrawn_on)}


def _set_texts(obj, texts: dict, name: str) -> None:
    for lang in LANGS:
        setattr(obj, f"{name}_{lang}", texts.get(lang, ""))


def version_for(plan: ActionPlan, as_of: datetime.date) -> PlanVersion | None:
    """The version in force on ``as_of``; the plan as signed for a date before it."""
    return version_in_force(plan, as_of) or PlanVersion.objects.filter(plan=plan, number=1).first()


def as_of_version(plan: ActionPlan, themes: list, as_of: datetime.date) -> tuple[list, object]:
    """``themes`` (with their prefetched commitments) as they stood in the version in force
    on ``as_of``: kept, renamed and marked in memory (nothing is saved); and that version."""
    version = version_for(plan, as_of)
    if version is None:
        for theme in themes:
            theme.as_of_withdrawn = _live_marker(theme, as_of)
            theme.version_commitments = list(theme.commitments.all())
            for commitment in theme.version_commitments:
                commitment.as_of_withdrawn = _live_marker(commitment, as_of)
        return themes, None
    period = version.snapshot.get("period")
    if period:
        plan.period_start_year, plan.period_end_year = period
    frozen = {t["id"]: t for t in version.snapshot.get("themes", [])}
    kept = []
    for theme in themes:
        then = frozen.get(theme.pk)
        if then is None:
            continue  # added by a later amendment
        _set_texts(theme, then["name"], "name")
        _set_texts(theme, then["summary"], "summary")
        theme.as_of_withdrawn = _marker(then.get("withdrawn"))
        commitments = {c["id"]: c for c in then.get("commitments", [])}
        theme.version_commitments = []
        for commitment in theme.commitments.all():
            c_then = commitments.get(commitment.pk)
            if c_then is None:
                continue
            _set_texts(commitment, c_then["text"], "text")
            commitment.as_of_withdrawn = _marker(c_then.get("withdrawn"))
            theme.version_commitments.append(commitment)
        kept.append(theme)
    return kept, version
