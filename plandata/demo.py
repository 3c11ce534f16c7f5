"""Demo data: write the checked demo files (``demofile.py``) to their loaded plan, or clear it.

Everything made here is flagged ``is_demo`` (activities and events; their status updates,
funding, programme items and delegation members hang off them), so the portal can label it
and ``clear_demo_data`` can remove it.

The codes the files use are first checked against the loaded plan; like a mistake in a file,
an unknown one is reported with its file and entry and nothing is written. Activities are then
created and moved through their statuses with the services the portal uses
(``create_activity``, ``change_activity_status``), acting as the demo user who records them,
each write under the time it happened (``core.clock.recorded_at``: the services and models keep
stamping "now", and now is then). The plan's reviews are worked on the same way
(``demoreviews``).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from cooperation.models import (
    CLOSED_STATUSES,
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
)
from cooperation.selectors import STALE_AFTER_DAYS
from cooperation.services.activities import (
    change_activity_status,
    create_activity,
    delete_activity,
)
from cooperation.services.funding import add_funding
from core.clock import recorded_at
from events import services as event_services
from events.models import Event
from partners.access import SYSTEM
from partners.models import City
from plandata.datafile import DataChecker, translated_fields
from plandata.demofile import DEMO_DIR, DemoData, DemoDataError, read_demo_data
from plandata.demoreviews import check_reviews, write_reviews

# A status given a date records it as the actual start or end.
DATED_STATUSES = (ActivityStatus.IN_PROGRESS, ActivityStatus.COMPLETED)


# ---------------------------------------------------------------------------------------------
# Checking the codes against the loaded plan
# ---------------------------------------------------------------------------------------------


class _Rows:
    """The loaded plan's rows the demo data refers to, looked up by code.

    A missing plan or demo user stops with what to run first; every other code the plan
    does not have is reported with the file and entry that names it."""

    def __init__(self, data: DemoData):
        self.plan = ActionPlan.objects.select_related("partnership").filter(code=data.plan).first()
        if self.plan is None:
            raise DemoDataError(
                f"The action plan {data.plan!r} is not loaded. Run first: "
                "python manage.py load_action_plan"
            )
        wanted = sorted(
            {a["recorded_by"] for _w, a in data.activities}
            | {r["recorded_by"] for _w, r in data.reviews}
        )
        self.users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=wanted, profile__isnull=False)
        }
        missing = [name for name in wanted if name not in self.users]
        if missing:
            raise DemoDataError(
                f"Demo users missing: {', '.join(missing)}. Run first: "
                "python manage.py create_demo_users"
            )
        self.themes = {t.code: t for t in self.plan.themes.all()}
        self.commitments = {
            (c.theme.code, c.code): c
            for c in Commitment.objects.filter(theme__plan=self.plan).select_related("theme")
        }
        # Its sides' agencies and the third parties it names: never another partnership's.
        self.agencies = {a.code: a for a in self.plan.partnership.agencies()}
        self.cities = {c.code: c for c in City.objects.all()}
        self.responsible = set(
            self.plan.themes.values_list("code", "responsibilities__agency__code")
        )
        self._check(data)

    def _check(self, data: DemoData) -> None:
        c = DataChecker(data.directory, DemoDataError)
        plan = f"the loaded plan {self.plan.code!r}"

        ours = "an agency of the partnership"

        def known(where, key, code, table, what):
            if code and code not in table:
                c.problem(where, f"'{key}' {code!r} is not {what}")

        for where, a in data.activities:
            known(where, "theme", a["theme"], self.themes, f"a theme of {plan}")
            theme_known = a["theme"] in self.themes
            if theme_known and (a["theme"], a["commitment"]) not in self.commitments:
                c.problem(where, f"'commitment' {a['commitment']!r} is not one of its theme's")
            for key in ("first_lead_agency", "second_lead_agency"):
                known(where, key, a[key], self.agencies, ours)
                responsible = (a["theme"], a[key]) in self.responsible
                if theme_known and a[key] in self.agencies and not responsible:
                    c.problem(where, f"'{key}' {a[key]!r} is not responsible for its theme")
            for code in a["participants"]:
                known(where, "participants", code, self.agencies, ours)
            for fund_where, fund in a["funding"]:
                known(fund_where, "funder", fund.get("funder"), self.agencies, ours)
        for where, e in data.events:
            known(where, "host_city", e["host_city"], self.cities, "a known city")
            for code in e["themes"]:
                known(where, "themes", code, self.themes, f"a theme of {plan}")
            for code in e["organisers"]:
                known(where, "organisers", code, self.agencies, ours)
            for item_where, item in e["programme"]:
                known(item_where, "organiser", item["organiser"], self.agencies, ours)
            for member_where, member in e["delegation"]:
                known(member_where, "city", member["city"], self.cities, "a known city")
                known(member_where, "agency", member.get("agency"), self.agencies, ours)
        c.raise_if_problems()


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    already_present: bool = False
    activities: int = 0
    status_updates: int = 0
    fundings: int = 0
    stale: int = 0
    events: int = 0
    programme_items: int = 0
    delegation_members: int = 0
    reviews: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        statuses = ", ".join(f"{count} {status}" for status, count in self.by_status.items())
        rows = [
            ("joint activities", f"{self.activities} ({statuses})"),
            ("status updates", self.status_updates),
            ("funding rows", self.fundings),
            (f"stale (> {STALE_AFTER_DAYS} days)", self.stale),
            ("events", self.events),
            ("programme items", self.programme_items),
            ("delegation members", self.delegation_members),
            ("reviews worked on", self.reviews),
        ]
        width = max(len(label) for label, _value in rows) + 1
        return [f"{label + ':':<{width}} {value}" for label, value in rows]


def demo_rows_exist(plan=None) -> bool:
    activities = Activity.objects.filter(is_demo=True)
    events = Event.objects.filter(is_demo=True)
    if plan is not None:
        activities = activities.filter(theme__plan=plan)
        events = events.filter(plan=plan)
    return activities.exists() or events.exists()


def noon(day: datetime.date) -> datetime.datetime:
    """When the demo story records what happened on ``day``."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=tz)


def _make_activity(rows: _Rows, spec: dict, result: DemoResult) -> Activity:
    """Create the activity and replay its story through the services, each write under the
    time it happened (``recorded_at``): created a month before its first day, with its
    funding; each status update at noon of its day. Its ``updated_at`` is then its last one."""
    user = rows.users[spec["recorded_by"]]
    activity = Activity(
        theme=rows.themes[spec["theme"]],
        commitment=rows.commitments[(spec["theme"], spec["commitment"])],
        **translated_fields("title", spec["title"]),
        **translated_fields("description", spec["description"]),
        **translated_fields("outcomes", spec.get("outcomes")),
        first_lead_agency=rows.agencies[spec["first_lead_agency"]],
        second_lead_agency=rows.agencies[spec["second_lead_agency"]],
        planned_start=spec["planned_start"],
        planned_end=spec["planned_end"],
        is_demo=True,
    )
    first_day = min([spec["planned_start"]] + [s["on"] for _w, s in spec["status_updates"]])
    with recorded_at(noon(first_day - datetime.timedelta(days=30))):
        create_activity(
            user=user,
            activity=activity,
            participant_ids=[rows.agencies[code].pk for code in spec["participants"]],
        )
        for _where, fund in spec["funding"]:
            add_funding(
                user=user,
                activity=activity,
                source=fund["source"],
                amount=fund["amount"],
                spent=fund.get("spent"),
                currency=fund["currency"],
                # The funder is an agency of the partnership: its name in both languages.
                funder_en=rows.agencies[fund["funder"]].name_en if fund.get("funder") else "",
                funder_zh_hans=(rows.agencies[fund["funder"]].name_zh_hans or "")
                if fund.get("funder")
                else "",
            )
            result.fundings += 1
    result.activities += 1
    for _where, step in spec["status_updates"]:
        with recorded_at(noon(step["on"])):
            change_activity_status(
                user=user,
                activity_id=activity.pk,
                to_status=step["status"],
                note_en=step["note"],  # the demo files' notes are English
                date=step["on"] if step["status"] in DATED_STATUSES else None,
            )
        result.status_updates += 1
    activity.refresh_from_db()
    stale_before = timezone.now() - datetime.timedelta(days=STALE_AFTER_DAYS)
    if activity.status not in CLOSED_STATUSES and activity.updated_at < stale_before:
        result.stale += 1
    result.by_status[activity.status] = result.by_status.get(activity.status, 0) + 1
    return activity


def _make_event(rows: _Rows, spec: dict, activities: dict, result: DemoResult) -> Event:
    host = rows.cities[spec["host_city"]]
    tz = ZoneInfo(host.time_zone)
    # Put in the calendar two months ahead, with its programme and delegation.
    with recorded_at(noon(spec["start_date"] - datetime.timedelta(days=60))):
        return _write_event(rows, spec, activities, result, host, tz)


def _write_event(rows, spec, activities, result, host, tz) -> Event:
    event = event_services.create_event(
        user=SYSTEM,
        plan=rows.plan,
        kind=spec["kind"],
        **translated_fields("title", spec["title"]),
        **translated_fields("description", spec["description"]),
        host_city=host,
        **translated_fields("venue", spec["venue"]),
        year=spec["start_date"].year,
        start_date=spec["start_date"],
        end_date=spec["end_date"],
        is_demo=True,
        themes=[rows.themes[code] for code in spec["themes"]],
        organisers=[rows.agencies[code] for code in spec["organisers"]],
        activities=[activities[key] for key in spec["activities"]],
    )
    result.events += 1
    for _where, item in spec["programme"]:
        event_services.add_programme_item(
            user=SYSTEM,
            event=event,
            starts_at=datetime.datetime.combine(item["day"], item["starts"], tzinfo=tz),
            ends_at=datetime.datetime.combine(item["day"], item["ends"], tzinfo=tz),
            **translated_fields("title", item["title"]),
            **translated_fields("venue", item["venue"]),
            organiser=rows.agencies[item["organiser"]],
        )
        result.programme_items += 1
    for _where, member in spec["delegation"]:
        event_services.add_delegation_member(
            user=SYSTEM,
            event=event,
            **translated_fields("name", member["name"]),
            **translated_fields("position", member["position"]),
            city=rows.cities[member["city"]],
            agency=rows.agencies[member["agency"]] if member.get("agency") else None,
            is_head=member.get("is_head", False),
        )
        result.delegation_members += 1
    return event


@contextmanager
def _naming_the_entry(directory: Path, where: str):
    """A service or the database refusing an entry stops the load with an error naming it (the
    surrounding transaction then writes nothing)."""
    try:
        yield
    except (ValidationError, PermissionDenied, DatabaseError) as exc:
        if isinstance(exc, ValidationError):
            reason = "; ".join(exc.messages)
        elif isinstance(exc, PermissionDenied):
            reason = "its 'recorded_by' user may not record it"
        else:
            reason = f"the database refused it ({exc})"
        raise DemoDataError(f"{directory}: {where}: {reason}; nothing was loaded") from exc


def load_demo_data(directory: str | Path | None = None) -> DemoResult:
    """Add the demo activities and events of the demo files (default: ``data/demo``) to
    their loaded plan.

    Does nothing (``already_present``) when the plan already has demo data. Raises
    DemoDataError, writing nothing, when a file is wrong or the plan or demo users are missing.
    """
    directory = Path(directory) if directory else Path(settings.BASE_DIR) / DEMO_DIR
    data = read_demo_data(directory)
    plan = ActionPlan.objects.filter(code=data.plan).first()
    # Before checking the codes: the plan may have changed in the portal since the demo data
    # was added (a commitment removed, …), and it is not added again anyway.
    if plan is not None and demo_rows_exist(plan):
        # Reviews worked on are left alone too (``demoreviews``): nothing is written.
        return DemoResult(already_present=True)
    rows = _Rows(data)
    check_reviews(data, rows.plan, rows.themes)
    result = DemoResult()
    # Untranslated base columns of translated fields follow the active language on save.
    with (
        translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
        transaction.atomic(),
    ):
        activities = {}
        for where, spec in data.activities:
            with _naming_the_entry(directory, where):
                activities[spec["key"]] = _make_activity(rows, spec, result)
        for where, spec in data.events:
            with _naming_the_entry(directory, where):
                _make_event(rows, spec, activities, result)
        with _naming_the_entry(directory, "reviews"):
            result.reviews = write_reviews(data, rows.plan, rows.themes, noon)
    return result


@dataclass
class ClearResult:
    activities: int = 0
    events: int = 0


def clear_demo_data() -> ClearResult:
    """Delete every demo activity and event (with their history, funding, evidence,
    programme and delegation)."""
    result = ClearResult()
    with transaction.atomic():
        for event in Event.objects.filter(is_demo=True):
            event_services.delete_event(user=SYSTEM, event=event)
            result.events += 1
        for activity in Activity.objects.filter(is_demo=True):
            delete_activity(user=SYSTEM, activity=activity)  # its evidence files go on commit
            result.activities += 1
    return result
