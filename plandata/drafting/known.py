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


def known_agencies() -> list[dict]:
    return [
        {
            "code": a.code,
            "name": a.name_en or a.name,
            "names": [a.name_en, a.name_zh_hans],
            "city": a.city.code if a.city_id else None,
            "kind": a.kind,
        }
        for a in Agency.objects.select_related("city").order_by("code")
    ]


def known_plans() -> set[str]:
    return set(ActionPlan.objects.values_list("code", flat=True))
