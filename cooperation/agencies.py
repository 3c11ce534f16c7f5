"""The agencies of each partnership, by side, with the themes they are responsible for."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import render

from core.templatetags.content import tr_text
from partners import access
from partners.models import Agency, AgencyKind, City

from .models import Partnership, ThemeAgency


@dataclass
class AgencyRow:
    agency: Agency
    # ThemeAgency rows: the themes the agency is responsible for (lead or supporting).
    responsibilities: list = field(default_factory=list)


@dataclass
class Side:
    """One city's agencies within a partnership."""

    city: City
    rows: list[AgencyRow] = field(default_factory=list)


@dataclass
class PartnershipAgencies:
    partnership: object
    sides: list[Side]


def _agency_sort_key(agency: Agency):
    # Coordinating offices first, then by name in the page's language.
    return (agency.kind != AgencyKind.COORDINATING_OFFICE, tr_text(agency, "name").casefold())


def agencies_by_side(user) -> tuple[list[PartnershipAgencies], list[AgencyRow]]:
    """The agencies of each of the user's partnerships, by side, and then the third parties.

    Each row lists the themes the agency is responsible for in that partnership (for third
    parties, those their partnerships name: in any of the user's partnerships). Three queries
    whatever the number of rows.
    """
    partnerships = list(
        Partnership.objects.filter(access.partnership_q(user))
        .select_related("first_city", "second_city")
        .order_by("code")
    )
    city_ids = {c for p in partnerships for c in (p.first_city_id, p.second_city_id)}
    responsibilities = (
        ThemeAgency.objects.filter(theme__plan__partnership__in=[p.pk for p in partnerships])
        .select_related("theme__plan")
        .order_by("theme__plan__period_start_year", "theme__order", "role")
    )
    agencies = list(
        Agency.objects.filter(Q(city_id__in=city_ids) | access.third_parties_q(user))
        .select_related("city", "parent")
        .prefetch_related(
            Prefetch("responsibilities", queryset=responsibilities, to_attr="theme_roles")
        )
    )
    agencies.sort(key=_agency_sort_key)

    by_city: dict[int, list[Agency]] = {}
    third_parties = []
    for agency in agencies:
        if agency.city_id is None:
            third_parties.append(AgencyRow(agency, agency.theme_roles))
        else:
            by_city.setdefault(agency.city_id, []).append(agency)

    groups = []
    for partnership in partnerships:
        sides = [
            Side(
                city=city,
                rows=[
                    AgencyRow(
                        agency,
                        [
                            r
                            for r in agency.theme_roles
                            if r.theme.plan.partnership_id == partnership.pk
                        ],
                    )
                    for agency in by_city.get(city.pk, [])
                ],
            )
            for city in partnership.cities
        ]
        groups.append(PartnershipAgencies(partnership=partnership, sides=sides))
    return groups, third_parties


@login_required
def agency_list(request):
    groups, third_parties = agencies_by_side(request.user)
    return render(
        request,
        "cooperation/agency_list.html",
        {"groups": groups, "third_parties": third_parties},
    )
