"""Read and check the demo data files (``data/demo/*.toml``; format: ``data/demo/README.md``).

The files hold made-up joint activities, with their status histories and funding, and events,
with their programme and delegation, for one loaded plan. Every file is checked before
anything is written: each problem (missing or unknown key, bad date, unknown status, a status
update dated before the previous one, …) is listed in one ``DemoDataError`` naming the file and
the entry. Checking never looks at the database; ``demo.py`` checks the codes against the
loaded plan and writes the rows.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError

from cooperation.models import Activity, ActivityStatus, Funding, FundingSource, StatusUpdate
from events.models import DelegationMember, Event, EventKind, ProgrammeItem
from plandata.datafile import DataChecker, read_toml, unique
from reviews.models import Conclusion, Rating, Review, ThemeAssessment

DEMO_DIR = Path("data") / "demo"

# The coordinators, who may work on the plan's reviews.
DEMO_COORDINATORS = ("helsinki-coordinator", "beijing-coordinator")
# The accounts create_demo_users makes that demo data may be recorded by.
DEMO_USERNAMES = (
    "helsinki-coordinator",
    "beijing-coordinator",
    "hki-economic-staff",
    "bj-science-staff",
)


class DemoDataError(CommandError):
    """Demo data cannot be made; nothing was written."""


@dataclass
class DemoData:
    """The checked demo files: the plan's code and lists of ``(where, cleaned entry)``."""

    directory: Path
    plan: str = ""
    activities: list = field(default_factory=list)
    events: list = field(default_factory=list)
    reviews: list = field(default_factory=list)


class _Checker(DataChecker):
    """Checks each activity and event of a demo file (the values themselves: ``DataChecker``)."""

    def __init__(self, directory: Path):
        super().__init__(directory, DemoDataError)

    def activity(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(
            src,
            where,
            (
                "key",
                "theme",
                "commitment",
                "title",
                "description",
                "first_lead_agency",
                "second_lead_agency",
                "recorded_by",
                "planned_start",
                "planned_end",
            ),
            ("participants", "outcomes", "status_updates", "funding"),
        )
        for key in ("key", "theme", "commitment", "first_lead_agency", "second_lead_agency"):
            self.code(src, out, key, where)
        out["participants"] = []
        self.codes(src, out, "participants", where)
        self.text(src, out, "title", where, model=Activity)
        self.text(src, out, "description", where, model=Activity)
        self.text(src, out, "outcomes", where, model=Activity)
        self.string(src, out, "recorded_by", where, choices=DEMO_USERNAMES)
        self.date(src, out, "planned_start", where)
        self.date(src, out, "planned_end", where)
        if out.get("planned_end", datetime.date.max) < out.get("planned_start", datetime.date.min):
            self.problem(where, "'planned_end' is before 'planned_start'")
        out["status_updates"] = []
        status, day = ActivityStatus.PLANNED.value, None
        for i, step in enumerate(self.array(src, "status_updates", where)):
            step_where = f"{where} → status_updates #{i + 1}"
            step_out: dict = {}
            self.keys(step, step_where, ("status", "on", "note"))
            self.string(step, step_out, "status", step_where, choices=ActivityStatus.values)
            self.date(step, step_out, "on", step_where)
            self.string(step, step_out, "note", step_where, model=StatusUpdate)
            if step_out.get("status") == status:
                self.problem(step_where, f"the activity is already {status!r} by then")
            if day and step_out.get("on", day) < day:
                self.problem(step_where, "'on' is before the previous status update")
            status, day = step_out.get("status", status), step_out.get("on", day)
            out["status_updates"].append((step_where, step_out))
        out["funding"] = []
        for i, fund in enumerate(self.array(src, "funding", where)):
            fund_where = f"{where} → funding #{i + 1}"
            fund_out: dict = {}
            self.keys(fund, fund_where, ("source", "amount", "currency"), ("funder", "spent"))
            self.string(fund, fund_out, "source", fund_where, choices=FundingSource.values)
            self.amount(fund, fund_out, "amount", fund_where, model=Funding)
            self.amount(fund, fund_out, "spent", fund_where, model=Funding)
            self.string(fund, fund_out, "currency", fund_where)
            if "currency" in fund_out and not re.fullmatch(r"[A-Z]{3}", fund_out["currency"]):
                self.problem(fund_where, "'currency' must be a three-letter code such as EUR")
            self.code(fund, fund_out, "funder", fund_where)
            out["funding"].append((fund_where, fund_out))
        return out

    def event(self, src: dict, where: str) -> dict:
        out: dict = {}
        self.keys(
            src,
            where,
            ("kind", "title", "description", "host_city", "venue", "start_date", "end_date"),
            ("themes", "organisers", "activities", "programme", "delegation"),
        )
        self.string(src, out, "kind", where, choices=EventKind.values)
        self.text(src, out, "title", where, model=Event)
        self.text(src, out, "description", where, model=Event)
        self.code(src, out, "host_city", where)
        self.text(src, out, "venue", where, model=Event)
        self.date(src, out, "start_date", where)
        self.date(src, out, "end_date", where)
        start, end = out.get("start_date"), out.get("end_date")
        if start and end and end < start:
            self.problem(where, "'end_date' is before 'start_date'")
        for key in ("themes", "organisers", "activities"):
            out[key] = []
            self.codes(src, out, key, where)
        out["programme"] = []
        for i, item in enumerate(self.array(src, "programme", where)):
            item_where = f"{where} → programme #{i + 1}"
            item_out: dict = {}
            self.keys(item, item_where, ("day", "starts", "ends", "title", "venue", "organiser"))
            self.date(item, item_out, "day", item_where)
            self.time(item, item_out, "starts", item_where)
            self.time(item, item_out, "ends", item_where)
            self.text(item, item_out, "title", item_where, model=ProgrammeItem)
            self.text(item, item_out, "venue", item_where, model=ProgrammeItem)
            self.code(item, item_out, "organiser", item_where)
            if start and end and not start <= item_out.get("day", start) <= end:
                self.problem(item_where, "'day' is not within the event's dates")
            if item_out.get("ends", datetime.time.max) <= item_out.get("starts", datetime.time.min):
                self.problem(item_where, "'ends' is not after 'starts'")
            out["programme"].append((item_where, item_out))
        out["delegation"] = []
        for i, member in enumerate(self.array(src, "delegation", where)):
            member_where = f"{where} → delegation #{i + 1}"
            member_out: dict = {}
            self.keys(member, member_where, ("name", "position", "city"), ("agency", "is_head"))
            self.text(member, member_out, "name", member_where, model=DelegationMember)
            self.text(member, member_out, "position", member_where, model=DelegationMember)
            self.code(member, member_out, "city", member_where)
            self.code(member, member_out, "agency", member_where)
            self.boolean(member, member_out, "is_head", member_where)
            out["delegation"].append((member_where, member_out))
        return out

    def review(self, src: dict, where: str) -> dict:
        """Work on one of the plan's reviews: its preparation started, and, when completed,
        every assessment and the conclusion (all or none of the three)."""
        out: dict = {}
        completion = ("completed_on", "conclusion", "conclusions", "assessments")
        self.keys(src, where, ("code", "recorded_by", "started_on"), completion)
        self.code(src, out, "code", where, model=Review)
        self.string(src, out, "recorded_by", where, choices=DEMO_COORDINATORS)
        self.date(src, out, "started_on", where)
        self.date(src, out, "completed_on", where)
        self.string(src, out, "conclusion", where, choices=Conclusion.values)
        self.text(src, out, "conclusions", where, model=Review, name="conclusions_text")
        given = [key for key in completion if key in src]
        if given and len(given) < len(completion):
            missing = ", ".join(repr(key) for key in completion if key not in src)
            self.problem(where, f"a completed review also needs {missing}")
        if out.get("completed_on", datetime.date.max) < out.get("started_on", datetime.date.min):
            self.problem(where, "'completed_on' is before 'started_on'")
        out["assessments"] = []
        for i, item in enumerate(self.array(src, "assessments", where)):
            item_where = f"{where} → assessments #{i + 1}"
            item_out: dict = {}
            self.keys(item, item_where, ("theme", "rating", "narrative"))
            self.code(item, item_out, "theme", item_where)
            self.string(item, item_out, "rating", item_where, choices=Rating.values)
            self.text(item, item_out, "narrative", item_where, model=ThemeAssessment)
            out["assessments"].append((item_where, item_out))
        unique(self, out["assessments"], lambda a: a.get("theme"), "assessed theme")
        return out


def _label(file: str, section: str, index: int, item) -> str:
    """Where an entry is: its file, its place, and its key or English title."""
    where = f"{file}: {section} #{index + 1}"
    if not isinstance(item, dict):
        return where
    title = item.get("title")
    name = (
        item.get("key")
        or item.get("code")
        or (title.get("en") if isinstance(title, dict) else None)
    )
    return f"{where} ({name!r})" if isinstance(name, str) else where


def read_demo_data(directory: Path) -> DemoData:
    """Read and check every ``*.toml`` file of ``directory`` (without looking at the database).

    Raises DemoDataError listing every problem, each with its file and entry."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise DemoDataError(f"No demo data files (*.toml) in {directory}")
    c = _Checker(directory)
    data = DemoData(directory=directory)
    plans: dict[str, str] = {}
    for path in paths:
        raw = read_toml(path, DemoDataError, "demo data file")
        c.keys(raw, path.name, ("plan",), ("activities", "events", "reviews"))
        file_out: dict = {}
        c.code(raw, file_out, "plan", path.name)
        if "plan" in file_out:
            plans[path.name] = file_out["plan"]
        for section, check, found in (
            ("activities", c.activity, data.activities),
            ("events", c.event, data.events),
            ("reviews", c.review, data.reviews),
        ):
            for i, item in enumerate(c.array(raw, section, path.name)):
                where = _label(path.name, section, i, item)
                found.append((where, check(item, where)))
    if len(set(plans.values())) > 1:
        named = ", ".join(f"{file}: {plan!r}" for file, plan in plans.items())
        c.problem("files", f"all demo files must be for the same plan, not {named}")
    data.plan = next(iter(plans.values()), "")
    unique(c, data.activities, lambda a: a.get("key"), "activity key")
    unique(c, data.reviews, lambda r: r.get("code"), "review code")
    keys = {a["key"] for _w, a in data.activities if "key" in a}
    for where, event in data.events:
        unknown = ", ".join(repr(key) for key in event["activities"] if key not in keys)
        if unknown:
            c.problem(where, f"'activities' refers to unknown activity {unknown}")
    c.raise_if_problems()
    return data
