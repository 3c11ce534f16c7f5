"""Write a checked action plan file (``planfile.py``) to the database.

How it behaves:

- Everything is written in one transaction, after the whole file was checked. Rows are matched
  by their codes: cities, agencies, the partnership and plans by ``code``; themes, event series,
  events and reviews by plan and ``code``; commitments by theme and ``code``; signatories by
  plan and city; responsible agencies by theme and agency. A row is saved only when one of its
  values differs, so loading the same file twice reports everything unchanged and writes
  nothing.
- The file owns the fields SCHEMA.md describes. An optional key left out of the file leaves
  the existing value alone (a coordinator may have filled it in the portal), except an
  agency's ``city``, whose absence means "third party". Fields the schema does not describe
  (event dates and venues, review status and conclusions, …) are never touched.
- Nothing is deleted: rows and links that people added in the portal (activities, extra
  responsible agencies, event organisers, …) stay. Links listed in the file are added when
  missing.
- A commitment's ``order`` is its position within its theme (1, 2, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.utils import translation

from cooperation.models import (
    ActionPlan,
    Commitment,
    Partnership,
    Signatory,
    Theme,
    ThemeAgency,
)
from events.models import Event, EventSeries
from partners.models import Agency, City
from plandata.datafile import translated_fields
from plandata.planfile import (
    FORMAL_REVIEW_KINDS,
    PlanFile,
    PlanFileError,
    read_plan_file,
    resolve_plan_path,
)
from reviews.models import Review

#: The models the loader writes, in the order it writes them (and reports them).
LOADED_MODELS: tuple[type[models.Model], ...] = (
    City,
    Agency,
    Partnership,
    ActionPlan,
    Signatory,
    Theme,
    ThemeAgency,
    Commitment,
    EventSeries,
    Event,
    Review,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadResult:
    """How many rows of each model (keyed by class name, e.g. ``"Theme"``) were created,
    updated or left unchanged."""

    path: Path
    counts: dict[str, Counts] = field(
        default_factory=lambda: {model.__name__: Counts() for model in LOADED_MODELS}
    )

    def add(self, model: type[models.Model], outcome: str) -> None:
        counts = self.counts.setdefault(model.__name__, Counts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary_lines(self) -> list[str]:
        """A plain-text table of the counts, one line per model plus a total."""
        labels = {model.__name__: model._meta.verbose_name_plural for model in LOADED_MODELS}
        with translation.override("en"):
            rows = [(str(labels.get(name, name)), c) for name, c in self.counts.items()]
        width = max(len("total"), *(len(label) for label, _ in rows))
        header = f"{'':<{width}}  {'created':>7}  {'updated':>7}  {'unchanged':>9}"
        lines = [header]
        for label, c in rows:
            lines.append(f"{label:<{width}}  {c.created:>7}  {c.updated:>7}  {c.unchanged:>9}")
        lines.append(
            f"{'total':<{width}}  {self.created:>7}  {self.updated:>7}  {self.unchanged:>9}"
        )
        return lines


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _depth_order(items: list, ref: str) -> list:
    """Items sorted so that one referring (by ``ref``) to another of the list comes after it."""
    by_code = {item["code"]: item for _w, item in items}

    def depth(item, seen=()):
        parent = item.get(ref)
        if not parent or parent not in by_code or parent in seen:
            return 0
        return 1 + depth(by_code[parent], (*seen, item["code"]))

    return sorted(items, key=lambda pair: depth(pair[1]))


class _Loader:
    def __init__(self, plan_file: PlanFile, result: LoadResult):
        self.file = plan_file
        self.result = result
        self.cities: dict[str, City] = {}
        self.agencies: dict[str, Agency] = {}
        self.plans: dict[str, ActionPlan] = {}
        self.themes: dict[tuple[str, str], Theme] = {}
        self.series: dict[tuple[str, str], EventSeries] = {}

    # -- helpers --------------------------------------------------------------------------

    def sync(
        self,
        model,
        lookup: dict,
        values: dict,
        m2m: dict | None = None,
        instance=None,
        on_create: dict | None = None,
    ):
        """Create the row matched by ``lookup``, or update the values that differ.

        ``on_create`` values are set only on a new row: they start a workflow (a plan's
        status) that users then carry on, and a reload must not undo their work.
        """
        obj = instance if instance is not None else model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(on_create or {}))
            obj.save()
            outcome = CREATED
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            changed += [name for name, value in lookup.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, {**values, **lookup}[name])
                obj.save()
                outcome = UPDATED
            else:
                outcome = UNCHANGED
        for name, targets in (m2m or {}).items():
            manager = getattr(obj, name)
            present = set(manager.values_list("pk", flat=True))
            missing = [t.pk for t in targets if t.pk not in present]
            if missing:
                manager.add(*missing)
                if outcome == UNCHANGED:
                    outcome = UPDATED
        self.result.add(model, outcome)
        return obj

    def city(self, code: str) -> City:
        if code not in self.cities:
            self.cities[code] = City.objects.get(code=code)
        return self.cities[code]

    def agency(self, code: str) -> Agency:
        if code not in self.agencies:
            self.agencies[code] = Agency.objects.get(code=code)
        return self.agencies[code]

    def plan(self, code: str) -> ActionPlan:
        if code not in self.plans:
            self.plans[code] = ActionPlan.objects.get(code=code)
        return self.plans[code]

    def make_room(self, queryset, desired: dict[str, int]) -> None:
        """Move rows that sit on an ``order`` another code needs, so that no unique
        (parent, order) constraint trips while the file's rows take their places. Rows that
        are not in the file go after everything else; rows of the file get their place next."""
        rows = list(queryset.values_list("pk", "code", "order"))
        wanted = set(desired.values())
        blockers = [
            (pk, code) for pk, code, order in rows if order in wanted and desired.get(code) != order
        ]
        if not blockers:
            return
        top = max([order for _pk, _code, order in rows] + list(wanted))
        for i, (pk, code) in enumerate(blockers, start=1):
            queryset.filter(pk=pk).update(order=top + i)
            if code not in desired:
                self.result.add(queryset.model, UPDATED)

    # -- sections -------------------------------------------------------------------------

    def run(self) -> None:
        f = self.file
        for _w, c in f.cities:
            values = {
                **translated_fields("name", c["name"]),
                **translated_fields("country", c["country"]),
                "time_zone": c["time_zone"],
                "default_language": c["default_language"],
            }
            self.cities[c["code"]] = self.sync(City, {"code": c["code"]}, values)

        for _w, a in _depth_order(f.agencies, "parent"):
            values = {
                "city_id": self.city(a["city"]).pk if a.get("city") else None,
                "kind": a["kind"],
                **translated_fields("name", a["name"]),
            }
            if a.get("parent"):
                values["parent_id"] = self.agency(a["parent"]).pk
            self.agencies[a["code"]] = self.sync(Agency, {"code": a["code"]}, values)

        p = f.partnership
        partnership = self.sync(
            Partnership,
            {"code": p["code"]},
            {
                "first_city_id": self.city(p["first_city"]).pk,
                "second_city_id": self.city(p["second_city"]).pk,
                "established": p["established"],
                **translated_fields("agreement_title", p["agreement_title"]),
            },
        )

        for _w, plan in _depth_order(f.plans, "predecessor"):
            values = {
                "partnership_id": partnership.pk,
                **translated_fields("title", plan["title"]),
                "period_start_year": plan["period_start_year"],
                "period_end_year": plan["period_end_year"],
                "signed_on": plan["signed_on"],
                "authentic_languages": plan["authentic_languages"],
                **translated_fields("signed_place", plan.get("signed_place")),
            }
            if plan.get("predecessor"):
                values["predecessor_id"] = self.plan(plan["predecessor"]).pk
            coordinators = [self.agency(code) for code in plan["coordinators"]]
            obj = self.sync(
                ActionPlan,
                {"code": plan["code"]},
                values,
                m2m={"coordinators": coordinators},
                on_create={"status": plan["status"]},
            )
            self.plans[plan["code"]] = obj
            for _sw, sig in plan["signatories"]:
                city = self.city(sig["city"])
                values = {
                    **translated_fields("name", sig["name"]),
                    **translated_fields("position", sig["position"]),
                }
                same_city = Signatory.objects.filter(plan=obj, city=city).order_by("id")
                existing = same_city.filter(name_en=values["name_en"]).first() or same_city.first()
                self.sync(
                    Signatory, {"plan_id": obj.pk, "city_id": city.pk}, values, instance=existing
                )

        for plan_code in {t["plan"] for _w, t in f.themes}:
            plan = self.plan(plan_code)
            desired = {t["code"]: t["order"] for _w, t in f.themes if t["plan"] == plan_code}
            self.make_room(Theme.objects.filter(plan=plan), desired)
        for _w, t in sorted(f.themes, key=lambda pair: (pair[1]["plan"], pair[1]["order"])):
            plan = self.plan(t["plan"])
            theme = self.sync(
                Theme,
                {"plan_id": plan.pk, "code": t["code"]},
                {
                    "order": t["order"],
                    **translated_fields("name", t["name"]),
                    **translated_fields("summary", t["summary"]),
                },
            )
            self.themes[(t["plan"], t["code"])] = theme
            for _rw, resp in t["agencies"]:
                self.sync(
                    ThemeAgency,
                    {"theme_id": theme.pk, "agency_id": self.agency(resp["agency"]).pk},
                    {"role": resp["role"]},
                )
            desired = {com["code"]: i for i, (_cw, com) in enumerate(t["commitments"], start=1)}
            self.make_room(Commitment.objects.filter(theme=theme), desired)
            for position, (_cw, com) in enumerate(t["commitments"], start=1):
                values = {"order": position, **translated_fields("text", com["text"])}
                if "target_count" in com:
                    values["target_count"] = com["target_count"]
                if "frequency" in com:
                    values["frequency"] = com["frequency"]
                self.sync(
                    Commitment,
                    {"theme_id": theme.pk, "code": com["code"]},
                    values,
                    m2m={"agencies": [self.agency(code) for code in com["agencies"]]},
                )

        for _w, s in f.series:
            plan = self.plan(s["plan"])
            self.series[(s["plan"], s["code"])] = self.sync(
                EventSeries,
                {"plan_id": plan.pk, "code": s["code"]},
                {
                    **translated_fields("name", s["name"]),
                    "recurrence": s["recurrence"],
                    **translated_fields("description", s["description"]),
                },
            )

        for _w, e in f.events:
            plan = self.plan(e["plan"])
            values = {
                "kind": e["kind"],
                **translated_fields("title", e["title"]),
                **translated_fields("description", e["description"]),
            }
            if e.get("series"):
                values["series_id"] = self._series(e["plan"], e["series"]).pk
            if e.get("host_city"):
                values["host_city_id"] = self.city(e["host_city"]).pk
            if "year" in e:
                values["year"] = e["year"]
            self.sync(
                Event,
                {"plan_id": plan.pk, "code": e["code"]},
                values,
                m2m={
                    "themes": [self._theme(e["plan"], code) for code in e["themes"]],
                    "organisers": [self.agency(code) for code in e["organisers"]],
                },
            )

        for where, r in f.reviews:
            plan = self.plan(r["plan"])
            lookup = {"plan_id": plan.pk, "code": r["code"]}
            existing = Review.objects.filter(**lookup).first()
            if existing is None and r["kind"] in FORMAL_REVIEW_KINDS:
                # A formal review made in the portal before the file named it: adopt it.
                existing = Review.objects.filter(plan=plan, kind=r["kind"]).first()
                if existing is not None and existing.code:
                    raise PlanFileError(
                        f"{self.file.path}: {where}: plan {r['plan']!r} already has a "
                        f"{r['kind']} review with another code ({existing.code!r}); nothing "
                        "was loaded"
                    )
            self.sync(
                Review,
                lookup,
                {
                    "kind": r["kind"],
                    **translated_fields("title", r["title"]),
                    "due_date": r["due_date"],
                    **translated_fields("description", r["description"]),
                },
                instance=existing,
            )

    def _theme(self, plan_code: str, code: str) -> Theme:
        key = (plan_code, code)
        if key not in self.themes:
            self.themes[key] = Theme.objects.get(plan=self.plan(plan_code), code=code)
        return self.themes[key]

    def _series(self, plan_code: str, code: str) -> EventSeries:
        key = (plan_code, code)
        if key not in self.series:
            self.series[key] = EventSeries.objects.get(plan=self.plan(plan_code), code=code)
        return self.series[key]


def load_plan_file(path: str | Path | None = None) -> LoadResult:
    """Check a plan file, then create or update its rows in one transaction.

    Raises PlanFileError (a CommandError) and writes nothing when the file is wrong.
    """
    path = resolve_plan_path(path)
    plan_file = read_plan_file(path)
    result = LoadResult(path=path)
    try:
        # Untranslated base columns of translated fields follow the active language on save:
        # keep them in the default language.
        with (
            translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
            transaction.atomic(),
        ):
            _Loader(plan_file, result).run()
    except DatabaseError as exc:
        raise PlanFileError(
            f"{path}: the database refused the data ({exc}); nothing was loaded"
        ) from exc
    return result
