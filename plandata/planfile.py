"""Read and check an action plan file (TOML; format: ``data/plans/SCHEMA.md``).

The whole file is checked before anything is written: every problem (missing key, unknown
key, unknown code reference, missing translation, bad date, value out of range) is listed in
one ``PlanFileError`` (a ``CommandError``). Checking reads the database (codes the file may
refer to) but never writes; ``loader.py`` writes the checked ``PlanFile``.
"""

from __future__ import annotations

import datetime
import re
import tomllib
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_slug
from django.db import models

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
from events.models import Event, EventKind, EventSeries, Recurrence
from partners.models import Agency, AgencyKind, City
from reviews.models import Review, ReviewKind

DEFAULT_PLAN_FILE = Path("data") / "plans" / "helsinki-beijing-2019-2023.toml"

#: Content languages: every translated text in a plan file has exactly these keys.
CONTENT_LANGUAGES: tuple[str, ...] = tuple(settings.MODELTRANSLATION_LANGUAGES)

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


def _read_toml(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanFileError(f"Plan file not found: {path}") from None
    except OSError as exc:
        raise PlanFileError(f"Cannot read plan file {path}: {exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError(f"{path}: not UTF-8 text ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = f"{path}: not valid TOML: {exc}"
        found = re.search(r"at line (\d+)", str(exc))
        lines = text.splitlines()
        if found and 0 < int(found.group(1)) <= len(lines):
            message += f"\n  line {found.group(1)}: {lines[int(found.group(1)) - 1].strip()}"
            message += "\n  (dates are written 2019-10-11 and must exist; text is quoted)"
        raise PlanFileError(message) from None


def _max_length(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


class _Checker:
    """Checks the raw TOML data and builds a cleaned copy; collects every problem found."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []
        self._time_zones = zoneinfo.available_timezones()
        self._languages = [code for code, _name in settings.LANGUAGES]

    # -- reporting ------------------------------------------------------------------------

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def raise_if_problems(self) -> None:
        if not self.problems:
            return
        count = len(self.problems)
        shown = self.problems[:50]
        more = [f"  … and {count - len(shown)} more"] if count > len(shown) else []
        noun = "problem" if count == 1 else "problems"
        raise PlanFileError(
            "\n".join(
                [f"{self.path}: {count} {noun}; nothing was loaded:"]
                + [f"  - {p}" for p in shown]
                + more
            )
        )

    # -- structure ------------------------------------------------------------------------

    @staticmethod
    def where(section: str, index: int, item) -> str:
        label = f"{section} #{index + 1}"
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            label += f" ({item['code']!r})"
        return label

    def array(self, data: dict, key: str, where: str) -> list[dict]:
        """An array of tables (``[[key]]``); missing means empty."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(where, f"'{key}' must be a list of tables ([[{key}]])")
            return []
        return value

    def keys(self, item: dict, where: str, required: Iterable[str], optional: Iterable[str] = ()):
        required, optional = list(required), list(optional)
        for key in required:
            if key not in item:
                self.problem(where, f"missing key '{key}'")
        unknown = sorted(set(item) - set(required) - set(optional))
        for key in unknown:
            allowed = ", ".join(sorted(required + optional))
            self.problem(where, f"unknown key '{key}' (allowed: {allowed})")

    # -- values: each sets out[key] when the key is present and valid ----------------------

    def string(self, src, out, key, where, *, model=None, name=None, choices=None):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"'{key}' must be a non-empty string")
            return
        value = value.strip()
        if choices is not None and value not in choices:
            self.problem(
                where, f"'{key}' is {value!r}; expected one of: {', '.join(map(str, choices))}"
            )
            return
        limit = _max_length(model, name or key) if model else None
        if limit and len(value) > limit:
            self.problem(where, f"'{key}' is longer than {limit} characters")
            return
        out[key] = value

    def code(self, src, out, key, where, *, model=None):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, str) or not value:
            self.problem(where, f"'{key}' must be a non-empty code")
            return
        try:
            validate_slug(value)
        except ValidationError:
            self.problem(
                where, f"'{key}' {value!r} is not a valid code (letters, digits, '-' and '_')"
            )
            return
        limit = _max_length(model, "code") if model is not None and key == "code" else None
        if limit and len(value) > limit:
            self.problem(where, f"'{key}' is longer than {limit} characters")
            return
        out[key] = value

    def codes(self, src, out, key, where):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(where, f"'{key}' must be a list of codes")
            return
        duplicates = sorted({v for v in value if value.count(v) > 1})
        if duplicates:
            self.problem(where, f"'{key}' lists {', '.join(duplicates)} more than once")
            return
        out[key] = list(value)

    def text(self, src, out, key, where, *, model, name=None):
        """A translated text: a table with exactly the content languages, none empty."""
        if key not in src:
            return
        value = src[key]
        wanted = " and ".join(f"'{lang}'" for lang in CONTENT_LANGUAGES)
        if not isinstance(value, dict):
            self.problem(where, f"'{key}' must be a table with {wanted} texts")
            return
        ok = True
        for lang in CONTENT_LANGUAGES:
            text = value.get(lang)
            if lang not in value:
                self.problem(where, f"'{key}' has no '{lang}' translation")
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.problem(where, f"'{key}' has an empty '{lang}' translation")
                ok = False
        for lang in sorted(set(value) - set(CONTENT_LANGUAGES)):
            self.problem(
                where,
                f"'{key}' has an unknown language {lang!r} (content languages: "
                f"{', '.join(CONTENT_LANGUAGES)})",
            )
            ok = False
        if not ok:
            return
        cleaned = {lang: value[lang].strip() for lang in CONTENT_LANGUAGES}
        limit = _max_length(model, name or key)
        for lang, text in cleaned.items():
            if limit and len(text) > limit:
                self.problem(where, f"'{key}' ({lang}) is longer than {limit} characters")
                ok = False
        if ok:
            out[key] = cleaned

    def date(self, src, out, key, where):
        if key not in src:
            return
        value = src[key]
        if isinstance(value, datetime.datetime):
            self.problem(where, f"'{key}' must be a date (YYYY-MM-DD), not a date and time")
            return
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                self.problem(where, f"'{key}' is not a valid date (YYYY-MM-DD): {src[key]!r}")
                return
        if not isinstance(value, datetime.date):
            self.problem(where, f"'{key}' must be a date (YYYY-MM-DD)")
            return
        out[key] = value

    def integer(self, src, out, key, where, *, minimum=0, maximum=32767):
        if key not in src:
            return
        value = src[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"'{key}' must be a whole number")
            return
        if not minimum <= value <= maximum:
            self.problem(where, f"'{key}' must be between {minimum} and {maximum}, not {value}")
            return
        out[key] = value

    def language_list(self, src, out, key, where):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, f"'{key}' must be a list of language codes")
            return
        unknown = [v for v in value if v not in self._languages]
        if unknown:
            self.problem(
                where,
                f"'{key}' has unknown language codes {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(self._languages)})",
            )
            return
        out[key] = list(value)

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
            ("signed_place", "predecessor", "signatories"),
        )
        self.code(src, out, "code", where, model=ActionPlan)
        self.text(src, out, "title", where, model=ActionPlan)
        self.integer(src, out, "period_start_year", where, minimum=1900, maximum=2200)
        self.integer(src, out, "period_end_year", where, minimum=1900, maximum=2200)
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
            self.keys(resp, resp_where, ("agency", "role"))
            self.code(resp, resp_out, "agency", resp_where)
            self.string(resp, resp_out, "role", resp_where, choices=ResponsibilityRole.values)
            out["agencies"].append((resp_where, resp_out))
        out["commitments"] = []
        for i, com in enumerate(self.array(src, "commitments", where)):
            com_where = self.where(f"{where} → commitments", i, com)
            com_out: dict = {}
            self.keys(com, com_where, ("code", "text", "agencies"), ("target_count", "frequency"))
            self.code(com, com_out, "code", com_where, model=Commitment)
            self.text(com, com_out, "text", com_where, model=Commitment)
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
        self.integer(src, out, "year", where, minimum=1900, maximum=2200)
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


def _unique(checker: _Checker, items, key_of, what: str) -> None:
    seen: dict = {}
    for where, item in items:
        key = key_of(item)
        if key is None:
            continue
        if key in seen:
            checker.problem(where, f"{what} already used by {seen[key]}")
        else:
            seen[key] = where


def _cycle_free(checker: _Checker, items, ref: str, what: str) -> None:
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
    _unique(c, pf.cities, code, "city code")
    _unique(c, pf.agencies, code, "agency code")
    _unique(c, pf.plans, code, "plan code")
    plan_code = _plan_and_code
    _unique(c, pf.themes, plan_code, "theme code in this plan")
    _unique(
        c,
        pf.themes,
        lambda t: (t.get("plan"), t.get("order")) if t.get("order") else None,
        "theme order in this plan",
    )
    _unique(c, pf.series, plan_code, "event series code in this plan")
    _unique(c, pf.events, plan_code, "event code in this plan")
    _unique(c, pf.reviews, plan_code, "review code in this plan")
    _unique(
        c,
        pf.reviews,
        lambda r: (r.get("plan"), r["kind"]) if r.get("kind") in FORMAL_REVIEW_KINDS else None,
        f"review kind (a plan has one of each of {', '.join(sorted(FORMAL_REVIEW_KINDS))})",
    )
    for _where, plan in pf.plans:
        _unique(c, plan["signatories"], lambda s: s.get("city"), "signatory city in this plan")
    for _where, theme in pf.themes:
        _unique(c, theme["agencies"], lambda r: r.get("agency"), "agency in this theme")
        _unique(c, theme["commitments"], code, "commitment code in this theme")
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
    return check_plan_data(_read_toml(path), path)
