"""The money of Article Three: funding totals by source and currency, read with GROUP BY.

Totals are kept per (source, currency) and are never converted: 20,000 EUR and 150,000 CNY
stay two lines, and a "total" is always the total of one currency. Amounts are Decimal.

``committed`` is the sum of the amounts committed (``Funding.amount``); ``spent`` the sum of
the amounts reported as spent, with ``reported`` saying how many of the ``rows`` have one
(an unreported row counts as nothing spent, and the pages say how many are unreported).

The year of a funding row is the year of its activity's actual start, else of its planned
start (a row has no date of its own: the money follows the activity it pays for); rows of an
undated activity are under the year ``None``.

Every function reads in one query whatever the number of activities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import formats
from django.utils.translation import gettext as _

from core.forms import with_empty_choice
from core.templatetags.content import tr_text

from .models import ActionPlan, Commitment, Funding, FundingSource, Partnership

ZERO = Decimal("0.00")

# Each level of a summary and the column it groups on.
LEVELS = {
    "activity": "activity_id",
    "commitment": "activity__commitment_id",
    "theme": "activity__theme_id",
    "year": "year",
    "plan": "activity__theme__plan_id",
}
# The `by=` of the API summary: the plan's totals split by one of these.
SPLITS = ("theme", "commitment", "year", "source")

SOURCE_ORDER = {value: i for i, value in enumerate(FundingSource.values)}


def source_choices(partnership: Partnership, *, blank: bool = False) -> list[tuple[str, str]]:
    """Funding sources named after the partnership's cities ("Helsinki", not "First city")."""
    names = {
        FundingSource.FIRST_CITY: partnership.first_city.name,
        FundingSource.SECOND_CITY: partnership.second_city.name,
    }
    choices = [(value, names.get(value, label)) for value, label in FundingSource.choices]
    return with_empty_choice(choices) if blank else choices


@dataclass(frozen=True)
class Line:
    """One source's money in one currency."""

    source: str
    currency: str
    committed: Decimal
    spent: Decimal
    rows: int
    reported: int

    @property
    def unreported(self) -> int:
        return self.rows - self.reported


@dataclass
class Totals:
    """The lines of one thing (an activity, a theme, a year, the plan), source then currency."""

    lines: list[Line] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lines)

    def by_currency(self) -> list[Line]:
        """All sources together, one line per currency (source empty)."""
        return _merge(self.lines, lambda line: ("", line.currency))

    def currencies(self) -> list[str]:
        return sorted({line.currency for line in self.lines})


def _merge(lines: Iterable[Line], key) -> list[Line]:
    merged: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for line in lines:
        merged[key(line)].append(line)
    return sorted(
        (
            Line(
                source=source,
                currency=currency,
                committed=sum((x.committed for x in group), ZERO),
                spent=sum((x.spent for x in group), ZERO),
                rows=sum(x.rows for x in group),
                reported=sum(x.reported for x in group),
            )
            for (source, currency), group in merged.items()
        ),
        key=_line_order,
    )


def _line_order(line: Line) -> tuple:
    return (SOURCE_ORDER.get(line.source, -1), line.currency)


def _grouped(fundings: QuerySet[Funding], level: str | None) -> dict:
    """{key: Totals} for ``fundings`` grouped by ``level`` (None: a single key None)."""
    qs = fundings.order_by()
    column = LEVELS[level] if level else None
    if level == "year":
        qs = qs.annotate(
            year=ExtractYear(Coalesce(F("activity__actual_start"), F("activity__planned_start")))
        )
    names = [column] if column else []
    rows = qs.values(*names, "source", "currency").annotate(
        committed=Sum("amount"),
        spent_sum=Sum("spent"),
        rows=Count("id"),
        reported=Count("spent"),
    )
    totals: dict = defaultdict(Totals)
    for row in rows:
        totals[row[column] if column else None].lines.append(
            Line(
                source=row["source"],
                currency=row["currency"],
                committed=row["committed"] or ZERO,
                spent=row["spent_sum"] or ZERO,
                rows=row["rows"],
                reported=row["reported"],
            )
        )
    for value in totals.values():
        value.lines.sort(key=_line_order)
    return dict(totals)


def plan_fundings(plan: ActionPlan) -> QuerySet[Funding]:
    return Funding.objects.filter(activity__theme__plan=plan)


def plan_totals(plan: ActionPlan) -> Totals:
    """The plan's money by source and currency."""
    return _grouped(plan_fundings(plan), None).get(None, Totals())


def plan_totals_by(plan: ActionPlan, level: str) -> dict:
    """{theme id / commitment id / year: Totals} of the plan (only keys with money)."""
    return _grouped(plan_fundings(plan), level)


def theme_totals_by_commitment(theme) -> dict:
    """{commitment id (None: no commitment): Totals} over every activity of a theme."""
    return _grouped(Funding.objects.filter(activity__theme=theme), "commitment")


def activity_totals(activity_ids: Iterable[int]) -> dict[int, Totals]:
    """{activity id: Totals} for the given activities (a page of a list)."""
    ids = list(activity_ids)
    if not ids:
        return {}
    return _grouped(Funding.objects.filter(activity_id__in=ids), "activity")


def activity_totals_in(activities: QuerySet) -> dict[int, Totals]:
    """{activity id: Totals} for every activity of a queryset (an export's filtered rows),
    in one query whatever their number."""
    rows = Funding.objects.filter(activity__in=activities.order_by().values("pk"))
    return _grouped(rows, "activity")


def funded(activities: QuerySet, *, has: bool | None, source: str = "", currency: str = ""):
    """``activities`` with a funding row (``has`` not False) or without one (False); a source
    and a currency both apply to that same row ("funded by Beijing in CNY")."""
    rows = Funding.objects.filter(activity=OuterRef("pk"))
    if source:
        rows = rows.filter(source=source)
    if currency:
        rows = rows.filter(currency=currency)
    if has is False:
        return activities.filter(~Exists(rows))
    return activities.filter(Exists(rows))


def totals_of_rows(fundings: Iterable[Funding]) -> Totals:
    """Totals of rows already fetched (an activity's page has them): no query."""
    lines = [
        Line(
            source=f.source,
            currency=f.currency,
            committed=f.amount,
            spent=f.spent if f.spent is not None else ZERO,
            rows=1,
            reported=int(f.spent is not None),
        )
        for f in fundings
    ]
    return Totals(_merge(lines, lambda line: (line.source, line.currency)))


def format_amount(amount, currency: str = "") -> str:
    """An amount in the active language's grouping, two decimals, and its currency code."""
    if amount is None:
        return "—"
    number = formats.number_format(Decimal(amount), 2, use_l10n=True, force_grouping=True)
    return f"{number}\xa0{currency}" if currency else number


# --- the plan split one way, with what each part is called ----------------------------------


@dataclass(frozen=True)
class Part:
    """One part of a split plan: a theme, a commitment, a year or a source, and its money."""

    key: object
    label: str
    totals: Totals


def plan_split(plan: ActionPlan, by: str) -> list[Part]:
    """The plan's money split by ``by`` (one of SPLITS), in the plan's order: every theme and
    commitment (with or without money, so a missing line is visible), then "no commitment";
    the years with money, then "no year"; the three sources. Two queries at most."""
    if by not in SPLITS:
        raise ValueError(f"cannot split funding by {by!r}")
    if by == "source":
        lines = plan_totals(plan).lines
        return [
            Part(value, name, Totals([x for x in lines if x.source == value]))
            for value, name in source_choices(plan.partnership)
        ]
    grouped = plan_totals_by(plan, by)
    if by == "year":
        years = sorted(grouped, key=lambda y: (y is None, y or 0))
        return [Part(y, str(y) if y is not None else _("No year"), grouped[y]) for y in years]
    if by == "theme":
        return [
            Part(t.pk, f"{t.order}. {tr_text(t, 'name')}", grouped.get(t.pk, Totals()))
            for t in plan.themes.order_by("order")
        ]
    commitments = Commitment.objects.filter(theme__plan=plan).select_related("theme")
    parts = [
        Part(c.pk, f"{c.theme.order}.{c.order}", grouped.get(c.pk, Totals()))
        for c in commitments.order_by("theme__order", "order")
    ]
    if None in grouped:
        parts.append(Part(None, _("No commitment"), grouped[None]))
    return parts


def combine(totals: Iterable[Totals]) -> Totals:
    """Several things' totals as one (a commitment's activities), source by currency."""
    lines = [line for t in totals for line in t.lines]
    return Totals(_merge(lines, lambda line: (line.source, line.currency)))


def named_lines(totals: Totals, partnership: Partnership) -> list[tuple[str, Line]]:
    """(source name, line) for a table: "Helsinki", "Beijing", "Third party"."""
    names = dict(source_choices(partnership))
    return [(names.get(line.source, line.source), line) for line in totals.lines]
