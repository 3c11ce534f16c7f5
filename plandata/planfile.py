"""Read and check an action plan file (TOML; format: ``data/plans/SCHEMA.md``).

The whole file is checked before anything is written: every problem (missing key, unknown
key, unknown code reference, missing translation, bad date, value out of range) is listed in
one ``PlanFileError`` (a ``CommandError``). Checking reads the database (codes the file may
refer to) but never writes; ``loader.py`` writes the checked ``PlanFile``.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from cooperation.models import (
    ActionPlan,
    Commitment,
    Frequency,
    Partnership,
    PlanStatus,
    ResponsibilityRole,
    Signatory,
    Theme,
)
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from events.models import Event, EventKind, EventSeries, Recurrence
from partners.models import Agency, AgencyKind, City
from plandata.datafile import DataChecker, read_toml, unique
from reviews.models import Review, ReviewKind

DEFAULT_PLAN_FILE = Path("data") / "plans" / "helsinki-beijing-2019-2023.toml"

# The plan's terms as signed (Articles Two to Four), each an optional bilingual text.
PLAN_TERMS = ActionPlan.TERM_FIELDS

FORMAL_REVIEW_KINDS = {ReviewKind.MID_TERM.value, ReviewKind.EVALUATION.value}


class PlanFileError(CommandError):
    """The plan file cannot be loaded; nothing was written."""


def resolve_plan_path(path: str | Path | None) -> Path:
    """The plan file to read: the default file, or ``path`` (absolute, relative to the current
    directory, or else relative to the project's BASE_DIR)."""
    if path is None or str(path) == "":
        return Path(settings.BASE_DIR) / DEFAULT_PLAN_FILE
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    candidate = Path(settings.BASE_DIR) / path
    return candidate if candidate.exists() else path


class _Checker(DataChecker):
    """Checks each section of a plan file (the values themselves: ``DataChecker``)."""

    def __init__(self, path: Path):
        super().__init__(path, PlanFileError)
        self._time_zones = zoneinfo.available_timezones()

    # -- sections -------------------------------------------------------------------------

    def city(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(src, where, ("code", "name", "country", "time_zone", "default_language"))
        self.code(src, out, "code", where, model=City)
        self.text(src, out, "name", where, model=City)
        self.text(src, out, "country", where, model=City)
        self.string(src, out, "time_zone", where, model=City)
        if "time_zone" in out and self._time_zones and out["time_zone"] not in self._time_zones:
            self.problem(where, f"'time_zone' {out.pop('time_zone')!r} is not a known time zone")
        self.string(src, out, "default_language", where, choices=self._languages)
        return out

    def agency(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(src, where, ("code", "kind", "name"), ("city", "parent"))
        self.code(src, out, "code", where, model=Agency)
        self.code(src, out, "city", where)
        self.string(src, out, "kind", where, choices=AgencyKind.values)
        self.text(src, out, "name", where, model=Agency)
        self.code(src, out, "parent", where)
        return out

    def partnership(self, src, where: str) -> dict:
        out: dict = {}
        if not isinstance(src, dict):
            self.problem(where, "must be a table ([partnership])")
            return out
        self.keys(
            src, where, ("code", "first_city", "second_city", "established", "agreement_title")
        )
        self.code(src, out, "code", where, model=Partnership)
        self.code(src, out, "first_city", where)
        self.code(src, out, "second_city", where)
        self.date(src, out, "established", where)
        self.text(src, out, "agreement_title", where, model=Partnership)
        if out.get("first_city") and out.get("first_city") == out.get("second_city"):
            self.problem(where, "'first_city' and 'second_city' must be two different cities")
        return out

    def plan(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(
            src,
            where,
            (
                "code",
                "title",
                "period_start_year",
                "period_end_year",
                "signed_on",
                "status",
                "authentic_languages",
                "coordinators",
            ),
            ("signed_place", "predecessor", "signatories", *PLAN_TERMS),
        )
        self.code(src, out, "code", where, model=ActionPlan)
        self.text(src, out, "title", where, model=ActionPlan)
        self.integer(
            src, out, "period_start_year", where, minimum=EARLIEST_YEAR, maximum=LATEST_YEAR
        )
        self.integer(src, out, "period_end_year", where, minimum=EARLIEST_YEAR, maximum=LATEST_YEAR)
        start, end = out.get("period_start_year"), out.get("period_end_year")
        if start is not None and end is not None and end < start:
            self.problem(where, "'period_end_year' is before 'period_start_year'")
        self.date(src, out, "signed_on", where)
        self.text(src, out, "signed_place", where, model=ActionPlan)
        self.string(src, out, "status", where, choices=PlanStatus.values)
        self.language_list(src, out, "authentic_languages", where)
        self.code(src, out, "predecessor", where)
        if out.get("predecessor") and out["predecessor"] == out.get("code"):
            self.problem(where, "a plan cannot be its own predecessor")
        self.codes(src, out, "coordinators", where)
        for name in PLAN_TERMS:
            self.text(src, out, name, where, model=ActionPlan)
        out["signatories"] = []
        for i, sig in enumerate(self.array(src, "signatories", where)):
            sig_where = f"{where} → signatories #{i + 1}"
            sig_out: dict = {}
            self.keys(sig, sig_where, ("city", "name", "position"))
            self.code(sig, sig_out, "city", sig_where)
            self.text(sig, sig_out, "name", sig_where, model=Signatory)
            self.text(sig, sig_out, "position", sig_where, model=Signatory)
            out["signatories"].append((sig_where, sig_out))
        return out

    def theme(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(
            src, where, ("plan", "order", "code", "name", "summary"), ("agencies", "commitments")
        )
        self.code(src, out, "plan", where)
        self.integer(src, out, "order", where, minimum=1)
        self.code(src, out, "code", where, model=Theme)
        self.text(src, out, "name", where, model=Theme)
        self.text(src, out, "summary", where, model=Theme)
        out["agencies"] = []
        for i, resp in enumerate(self.array(src, "agencies", where)):
            resp_where = f"{where} → agencies #{i + 1}"
            resp_out: dict = {}
            # No role: responsible without a rank (the text names agencies, not their rank).
            self.keys(resp, resp_where, ("agency",), ("role",))
            self.code(resp, resp_out, "agency", resp_where)
            self.string(resp, resp_out, "role", resp_where, choices=ResponsibilityRole.values)
            out["agencies"].append((resp_where, resp_out))
        out["commitments"] = []
        for i, com in enumerate(self.array(src, "commitments", where)):
            com_where = self.where(f"{where} → commitments", i, com)
            com_out: dict = {}
            self.keys(
                com,
                com_where,
                ("code", "text", "agencies"),
                ("derived_from", "target_count", "frequency"),
            )
            self.code(com, com_out, "code", com_where, model=Commitment)
            self.text(com, com_out, "text", com_where, model=Commitment)
            self.text(com, com_out, "derived_from", com_where, model=Commitment)
            self.integer(com, com_out, "target_count", com_where)
            self.string(com, com_out, "frequency", com_where, choices=Frequency.values)
            self.codes(com, com_out, "agencies", com_where)
            out["commitments"].append((com_where, com_out))
        return out

    def series(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(src, where, ("code", "plan", "name", "recurrence", "description"))
        self.code(src, out, "code", where, model=EventSeries)
        self.code(src, out, "plan", where)
        self.text(src, out, "name", where, model=EventSeries)
        self.string(src, out, "recurrence", where, choices=Recurrence.values)
        self.text(src, out, "description", where, model=EventSeries)
        return out

    def event(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(
            src,
            where,
            ("code", "plan", "kind", "title", "description", "themes", "organisers"),
            ("series", "host_city", "year"),
        )
        self.code(src, out, "code", where, model=Event)
        self.code(src, out, "plan", where)
        self.code(src, out, "series", where)
        self.string(src, out, "kind", where, choices=EventKind.values)
        self.text(src, out, "title", where, model=Event)
        self.text(src, out, "description", where, model=Event)
        self.code(src, out, "host_city", where)
        self.integer(src, out, "year", where, minimum=EARLIEST_YEAR, maximum=LATEST_YEAR)
        self.codes(src, out, "themes", where)
        self.codes(src, out, "organisers", where)
        return out

    def review(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(src, where, ("code", "plan", "kind", "title", "due_date", "description"))
        self.code(src, out, "code", where, model=Review)
        self.code(src, out, "plan", where)
        self.string(src, out, "kind", where, choices=ReviewKind.values)
        self.text(src, out, "title", where, model=Review)
        self.date(src, out, "due_date", where)
        self.text(src, out, "description", where, model=Review)
        return out


@dataclass
class PlanFile:
    """The checked content of a plan file: lists of ``(where, cleaned item)``."""

    path: Path
    cities: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    partnership: dict = field(default_factory=dict)
    plans: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    series: list = field(default_factory=list)
    events: list = field(default_factory=list)
    reviews: list = field(default_factory=list)


def _cycle_free(checker: DataChecker, items, ref: str, what: str) -> None:
    """Report chains of ``ref`` (parent, predecessor) that loop back within the file."""
    links = {item["code"]: item.get(ref) for _w, item in items if item.get("code")}
    for where, item in items:
        code, seen = item.get("code"), set()
        while code and code in links and code not in seen:
            seen.add(code)
            code = links[code]
        if code and code in seen and code == item.get("code"):
            checker.problem(where, f"its {what} chain loops back to itself")


def _code_of(item: dict):
    return item.get("code")


def _plan_and_code(item: dict):
    return (item.get("plan"), item["code"]) if item.get("code") else None


def check_plan_data(data: dict, path: Path) -> PlanFile:
    """Check the parsed TOML of a plan file against SCHEMA.md and the database.

    Raises PlanFileError listing every problem; reads the database but never writes.
    """
    c = _Checker(path)
    pf = PlanFile(path=path)
    c.keys(
        data,
        "file",
        ("partnership", "plans"),
        ("cities", "agencies", "themes", "event_series", "events", "reviews"),
    )

    def section(key: str, check) -> list:
        return [
            (where, check(item, where))
            for i, item in enumerate(c.array(data, key, "file"))
            for where in [c.where(key, i, item)]
        ]

    pf.cities = section("cities", c.city)
    pf.agencies = section("agencies", c.agency)
    if "partnership" in data:
        pf.partnership = c.partnership(data["partnership"], "partnership")
    pf.plans = section("plans", c.plan)
    pf.themes = section("themes", c.theme)
    pf.series = section("event_series", c.series)
    pf.events = section("events", c.event)
    pf.reviews = section("reviews", c.review)
    if "plans" in data and not pf.plans:
        c.problem("file", "'plans' lists no plan")

    # -- uniqueness within the file -------------------------------------------------------
    code = _code_of
    unique(c, pf.cities, code, "city code")
    unique(c, pf.agencies, code, "agency code")
    unique(c, pf.plans, code, "plan code")
    plan_code = _plan_and_code
    unique(c, pf.themes, plan_code, "theme code in this plan")
    unique(
        c,
        pf.themes,
        lambda t: (t.get("plan"), t.get("order")) if t.get("order") else None,
        "theme order in this plan",
    )
    unique(c, pf.series, plan_code, "event series code in this plan")
    unique(c, pf.events, plan_code, "event code in this plan")
    unique(c, pf.reviews, plan_code, "review code in this plan")
    unique(
        c,
        pf.reviews,
        lambda r: (r.get("plan"), r["kind"]) if r.get("kind") in FORMAL_REVIEW_KINDS else None,
        f"review kind (a plan has one of each of {', '.join(sorted(FORMAL_REVIEW_KINDS))})",
    )
    for _where, plan in pf.plans:
        unique(c, plan["signatories"], lambda s: s.get("city"), "signatory city in this plan")
    for _where, theme in pf.themes:
        unique(c, theme["agencies"], lambda r: r.get("agency"), "agency in this theme")
        unique(c, theme["commitments"], code, "commitment code in this theme")
    _cycle_free(c, pf.agencies, "parent", "parent agency")
    _cycle_free(c, pf.plans, "predecessor", "predecessor plan")

    # -- references -----------------------------------------------------------------------
    cities = {item["code"] for _w, item in pf.cities if "code" in item}
    cities |= set(City.objects.values_list("code", flat=True))
    agency_city: dict[str, str | None] = dict(Agency.objects.values_list("code", "city__code"))
    agency_city.update({a["code"]: a.get("city") for _w, a in pf.agencies if "code" in a})
    file_plans = {item["code"] for _w, item in pf.plans if "code" in item}
    known_plans = file_plans | set(ActionPlan.objects.values_list("code", flat=True))

    def ref(where, value, known, what, key):
        if value is not None and value not in known:
            c.problem(where, f"'{key}' refers to unknown {what} {value!r}")
            return False
        return True

    def refs(where, values, known, what, key):
        unknown = [v for v in values or () if v not in known]
        if unknown:
            listed = ", ".join(repr(v) for v in unknown)
            c.problem(where, f"'{key}' refers to unknown {what} {listed}")

    for where, item in pf.agencies:
        ref(where, item.get("city"), cities, "city", "city")
        ref(where, item.get("parent"), agency_city, "agency", "parent")
        if item.get("parent") and item.get("parent") == item.get("code"):
            c.problem(where, "an agency cannot be its own parent")

    partnership = pf.partnership
    sides: set[str] = set()
    for key in ("first_city", "second_city"):
        if ref("partnership", partnership.get(key), cities, "city", key) and partnership.get(key):
            sides.add(partnership[key])

    for where, plan in pf.plans:
        ref(where, plan.get("predecessor"), known_plans, "plan", "predecessor")
        refs(where, plan.get("coordinators"), agency_city, "agency", "coordinators")
        for sig_where, sig in plan["signatories"]:
            known = ref(sig_where, sig.get("city"), cities, "city", "city")
            if known and len(sides) == 2 and sig.get("city") not in sides:
                c.problem(sig_where, f"city {sig['city']!r} is not a party to the partnership")

    themes_of: dict[str, set[str]] = {}
    for where, theme in pf.themes:
        if ref(where, theme.get("plan"), file_plans, "plan (of this file)", "plan"):
            themes_of.setdefault(theme.get("plan"), set()).add(theme.get("code"))
        for resp_where, resp in theme["agencies"]:
            agency = resp.get("agency")
            if ref(resp_where, agency, agency_city, "agency", "agency") and agency:
                side = agency_city[agency]
                if side is not None and len(sides) == 2 and side not in sides:
                    c.problem(
                        resp_where,
                        f"agency {agency!r} is on the side of {side!r}, which is not a party "
                        "to the partnership",
                    )
        for com_where, com in theme["commitments"]:
            refs(com_where, com.get("agencies"), agency_city, "agency", "agencies")
    for plan, code_ in Theme.objects.filter(plan__code__in=file_plans).values_list(
        "plan__code", "code"
    ):
        themes_of.setdefault(plan, set()).add(code_)

    series_of: dict[str, set[str]] = {}
    for where, series in pf.series:
        if ref(where, series.get("plan"), file_plans, "plan (of this file)", "plan"):
            series_of.setdefault(series.get("plan"), set()).add(series.get("code"))
    for plan, code_ in EventSeries.objects.filter(plan__code__in=file_plans).values_list(
        "plan__code", "code"
    ):
        series_of.setdefault(plan, set()).add(code_)

    for where, event in pf.events:
        plan = event.get("plan")
        if ref(where, plan, file_plans, "plan (of this file)", "plan"):
            ref(where, event.get("series"), series_of.get(plan, set()), "event series", "series")
            refs(where, event.get("themes"), themes_of.get(plan, set()), "theme", "themes")
        ref(where, event.get("host_city"), cities, "city", "host_city")
        refs(where, event.get("organisers"), agency_city, "agency", "organisers")

    for where, review in pf.reviews:
        ref(where, review.get("plan"), file_plans, "plan (of this file)", "plan")

    c.raise_if_problems()
    return pf


def read_plan_file(path: Path) -> PlanFile:
    """Read and check the plan file at ``path``; raises PlanFileError listing every problem."""
    return check_plan_data(read_toml(path, PlanFileError, "plan file"), path)
