"""A plan's content frozen as JSON (a PlanVersion), and two frozen versions compared.

The snapshot holds both languages of every text, so that any version can be shown and printed
in either language long after the live plan changed; withdrawn themes and commitments stay in
it, marked with the amendment that withdrew them.
"""

from __future__ import annotations

from django.db.models import Prefetch

from ..models import ActionPlan, Commitment, Theme, ThemeAgency

LANGS = ("en", "zh_hans")


def _both(obj, name: str) -> dict:
    return {lang: getattr(obj, f"{name}_{lang}") or "" for lang in LANGS}


def _withdrawn(obj) -> dict | None:
    if obj.withdrawn_by_id is None:
        return None
    return {"amendment": obj.withdrawn_by.number, "on": obj.withdrawn_on.isoformat()}


def freeze(plan: ActionPlan) -> dict:
    """The plan's title, period, themes with their responsible agencies and commitments."""
    themes = (
        Theme.objects.filter(plan=plan)
        .select_related("withdrawn_by")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ThemeAgency.objects.select_related("agency").order_by("role", "agency_id"),
            ),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("withdrawn_by").order_by("order"),
            ),
        )
    )
    return {
        "title": _both(plan, "title"),
        "period": [plan.period_start_year, plan.period_end_year],
        "themes": [
            {
                "id": theme.pk,
                "code": theme.code,
                "order": theme.order,
                "name": _both(theme, "name"),
                "summary": _both(theme, "summary"),
                "withdrawn": _withdrawn(theme),
                "agencies": [
                    {"id": r.agency_id, "name": _both(r.agency, "name"), "role": r.role}
                    for r in theme.responsibilities.all()
                ],
                "commitments": [
                    {
                        "id": c.pk,
                        "code": c.code,
                        "order": c.order,
                        "text": _both(c, "text"),
                        "withdrawn": _withdrawn(c),
                    }
                    for c in theme.commitments.all()
                ],
            }
            for theme in themes.order_by("order")
        ],
    }


# --- comparing -------------------------------------------------------------------------------

SAME, ADDED, CHANGED, WITHDRAWN, REMOVED = "same", "added", "changed", "withdrawn", "removed"


def _state(old: dict | None, new: dict | None, keys: tuple[str, ...]) -> str:
    if old is None:
        return ADDED
    if new is None:
        return REMOVED
    if new.get("withdrawn") and not old.get("withdrawn"):
        return WITHDRAWN
    return CHANGED if any(old.get(k) != new.get(k) for k in keys) else SAME


def _pairs(old: list, new: list, key: str = "id") -> list[tuple[dict | None, dict | None]]:
    """Items of both lists matched by ``key``, in the newer list's order, removed ones after."""
    olds = {item[key]: item for item in old}
    pairs = [(olds.pop(item[key], None), item) for item in new]
    return pairs + [(item, None) for item in olds.values()]


def compare(old: dict, new: dict) -> dict:
    """Rows for a side-by-side view: the period, then each theme with its agencies and
    commitments, each row with the old and new item (None where absent) and its state."""
    themes = []
    for old_theme, new_theme in _pairs(old.get("themes", []), new.get("themes", [])):
        either = new_theme or old_theme
        themes.append(
            {
                "old": old_theme,
                "new": new_theme,
                "state": _state(old_theme, new_theme, ("name", "summary")),
                "agencies": [
                    {"old": a, "new": b, "state": _state(a, b, ("role",))}
                    for a, b in _pairs(
                        (old_theme or {}).get("agencies", []),
                        (new_theme or {}).get("agencies", []),
                    )
                ],
                "commitments": [
                    {"old": a, "new": b, "state": _state(a, b, ("text",))}
                    for a, b in _pairs(
                        (old_theme or {}).get("commitments", []),
                        (new_theme or {}).get("commitments", []),
                    )
                ],
                "order": either.get("order"),
            }
        )
    return {
        "period": {
            "old": old.get("period"),
            "new": new.get("period"),
            "state": SAME if old.get("period") == new.get("period") else CHANGED,
        },
        "themes": themes,
    }
