"""What the database already knows, for matching names in a draft: cities, agencies, plans."""

from __future__ import annotations

from cooperation.models import ActionPlan
from partners.models import Agency, City


def known_cities() -> list[dict]:
    return [
        {
            "code": c.code,
            "name": c.name_en or c.name,
            "labels": [c.name_en, c.name_zh_hans, c.code.title()],
        }
        for c in City.objects.order_by("code")
    ]


def known_agencies(partnership=None) -> list[dict]:
    """The agencies a draft may match: a partnership's own (its sides' and the third parties it
    names, never another partnership's), or every one for the operator's command."""
    agencies = partnership.agencies() if partnership is not None else Agency.objects.all()
    return [
        {
            "code": a.code,
            "name": a.name_en or a.name,
            "names": [a.name_en, a.name_zh_hans],
            "city": a.city.code if a.city_id else None,
            "kind": a.kind,
        }
        for a in agencies.select_related("city").order_by("code")
    ]


def known_plans() -> set[str]:
    return set(ActionPlan.objects.values_list("code", flat=True))
