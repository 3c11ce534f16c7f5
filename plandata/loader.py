"""Write a checked action plan file (``planfile.py``) to the database, through the services.

A plan file is where a plan starts, not where it lives: once loaded, coordinators carry the
plan on in the portal (rename a theme, correct a Chinese text, move a review's due date, remove
a responsible agency), and ``make run`` loads the file again at every start. So:

- **Loading** creates only what is missing: the partnership with its cities and agencies when
  the partnership is new, and a plan with all its parts (signatories, themes and their
  responsible agencies, commitments, event series, events, reviews) when the plan's code is new,
  with the agencies it needs; the third parties a new plan refers to are named by its
  partnership (one organisation is one record, named by each partnership that refers to it).
  Nothing that exists is changed, and nothing of a plan that exists is added back: what
  differs from the file (a changed field, a part or link in the file but not in the portal)
  is listed as a difference, and the portal's version is kept.
- **Updating** (``update=True``, ``load_action_plan --update``) applies the file where it
  differs: each changed field, each missing part and link. ``dry_run=True`` computes the same
  and writes nothing.
- Every write goes through the apps' services as ``access.SYSTEM`` (the loader acts on
  nobody's behalf), and each change is logged (``plandata.loader``) and listed.
- Never, in any mode: deleting anything, or touching what the file does not describe (a plan's
  status after it was created, event dates and venues, review workflow and conclusions …).

Rows are matched by their codes: cities, agencies, the partnership and plans by ``code``;
themes, event series, events and reviews by plan and ``code`` (a formal review also by its
kind); commitments by theme and ``code``; signatories by plan and city; responsible agencies
by theme and agency. A commitment's ``order`` is its position within its theme (1, 2, …).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation

from cooperation.models import (
    ActionPlan,
    Commitment,
    Partnership,
    ResponsibilityRole,
    Signatory,
    Theme,
    ThemeAgency,
)
from cooperation.services import commitments as commitment_services
from cooperation.services import plans as plan_services
from cooperation.services import themes as theme_services
from events import services as event_services
from events.models import Event, EventSeries
from partners import services as partner_services
from partners.access import SYSTEM
from partners.models import Agency, City
from plandata.datafile import translated_fields
from plandata.loadresult import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Difference,
    LoadResult,
)
from plandata.planfile import (
    FORMAL_REVIEW_KINDS,
    PLAN_TERMS,
    PlanFile,
    PlanFileError,
    read_plan_file,
    resolve_plan_path,
)
from reviews import services as review_services
from reviews.models import Review

log = logging.getLogger("plandata.loader")

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


def _differs(obj, name: str, value) -> bool:
    field_ = obj._meta.get_field(name)
    if field_.many_to_one:
        return getattr(obj, field_.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


class _Loader:
    def __init__(self, plan_file: PlanFile, result: LoadResult):
        self.file = plan_file
        self.result = result
        self.update = result.update
        self.cities: dict[str, City] = {}
        self.agencies: dict[str, Agency] = {}
        self.plans: dict[str, ActionPlan] = {}
        self.themes: dict[tuple[str, str], Theme] = {}
        self.series: dict[tuple[str, str], EventSeries] = {}
        # Whether what is missing may be created: a new partnership, a new plan.
        self.creating = False

    # -- the one way a row is compared, created or updated ----------------------------------

    def sync(self, model, what: str, obj, values: dict, *, create, update, links=None):
        """The row ``obj`` (None when missing) against the file's ``values`` and ``links``
        (many-to-many: the file's targets must be among the row's).

        A missing row is created by ``create(**values, **links)`` when creating is allowed
        (else listed). Differing values and missing links are applied by
        ``update(obj, **changes)`` when updating (else listed and kept).
        """
        links = links or {}
        if obj is None:
            if not (self.creating or self.update):
                self.result.differences.append(Difference(what, "(row)", None, None))
                return None
            obj = create(**values, **links)
            self.result.add(model, CREATED)
            log.debug("created %s", what)
            return obj
        changes = {name: value for name, value in values.items() if _differs(obj, name, value)}
        for name, targets in links.items():
            present = set(getattr(obj, name).all())
            if not set(targets) <= present:
                changes[name] = [*present, *(t for t in targets if t not in present)]
        if not changes:
            self.result.add(model, UNCHANGED)
            return obj
        for name, value in changes.items():
            portal = getattr(obj, name)
            if name in links:
                portal, value = set(portal.all()), set(value)
            self.result.differences.append(Difference(what, name, portal, value))
        if not self.update:
            self.result.add(model, UNCHANGED)
            return obj
        obj = update(obj, **changes) or obj
        self.result.add(model, UPDATED)
        log.info("updated %s: %s", what, ", ".join(sorted(changes)))
        return obj

    # -- lookups ----------------------------------------------------------------------------

    def city(self, code: str) -> City | None:
        if code not in self.cities:
            self.cities[code] = City.objects.filter(code=code).first()
        return self.cities[code]

    def agency(self, code: str) -> Agency | None:
        if code not in self.agencies:
            self.agencies[code] = Agency.objects.filter(code=code).first()
        return self.agencies[code]

    def agencies_of(self, codes) -> list[Agency]:
        return [a for a in (self.agency(code) for code in codes) if a is not None]

    def make_room(self, rows, desired: dict[str, int], move) -> None:
        """Move rows that sit on an ``order`` another code needs, so that no unique
        (parent, order) constraint trips while the file's rows take their places (updating
        only). Rows that are not in the file go after everything else."""
        rows = list(rows)
        wanted = set(desired.values())
        blockers = [r for r in rows if r.order in wanted and desired.get(r.code) != r.order]
        top = max([r.order for r in rows] + list(wanted) + [0])
        for i, row in enumerate(blockers, start=1):
            move(row, top + i)

    # -- sections -------------------------------------------------------------------------

    def run(self) -> None:
        f = self.file
        p = f.partnership
        partnership = Partnership.objects.filter(code=p["code"]).first()
        self.creating = partnership is None
        self.load_cities_and_agencies()
        partnership = self.sync(
            Partnership,
            f"partnership {p['code']}",
            partnership,
            {
                "first_city": self.city(p["first_city"]),
                "second_city": self.city(p["second_city"]),
                "established": p["established"],
                **translated_fields("agreement_title", p["agreement_title"]),
            },
            create=lambda **v: plan_services.create_partnership(user=SYSTEM, code=p["code"], **v),
            update=lambda obj, **c: plan_services.update_partnership(
                user=SYSTEM, partnership=obj, **c
            ),
        )
        if partnership is None:
            return
        for _w, plan in _depth_order(f.plans, "predecessor"):
            self.load_plan(partnership, plan)

    def load_cities_and_agencies(self) -> None:
        for _w, c in self.file.cities:
            self.cities[c["code"]] = self.sync(
                City,
                f"city {c['code']}",
                City.objects.filter(code=c["code"]).first(),
                {
                    **translated_fields("name", c["name"]),
                    **translated_fields("country", c["country"]),
                    "time_zone": c["time_zone"],
                    "default_language": c["default_language"],
                },
                create=lambda c=c, **v: partner_services.create_city(
                    user=SYSTEM, code=c["code"], **v
                ),
                update=lambda obj, **ch: partner_services.update_city(user=SYSTEM, city=obj, **ch),
            )
        for _w, a in _depth_order(self.file.agencies, "parent"):
            values = {
                "city": self.city(a["city"]) if a.get("city") else None,
                "kind": a["kind"],
                **translated_fields("name", a["name"]),
            }
            if a.get("parent"):
                values["parent"] = self.agency(a["parent"])
            self.agencies[a["code"]] = self.sync(
                Agency,
                f"agency {a['code']}",
                Agency.objects.filter(code=a["code"]).first(),
                values,
                create=lambda a=a, **v: partner_services.create_agency(
                    user=SYSTEM, code=a["code"], **v
                ),
                update=lambda obj, **ch: partner_services.update_agency(
                    user=SYSTEM, agency=obj, **ch
                ),
            )

    def load_plan(self, partnership: Partnership, plan: dict) -> None:
        code = plan["code"]
        existing = ActionPlan.objects.filter(code=code).first()
        creating_before = self.creating
        # A new plan comes with everything of it, and the agencies it needs.
        self.creating = self.creating or existing is None
        if existing is None and self.creating:
            for code_ in self.needed_agencies(code):
                self.create_missing_agency(code_)
        self.name_third_parties(partnership, code)
        values = {
            **translated_fields("title", plan["title"]),
            "period_start_year": plan["period_start_year"],
            "period_end_year": plan["period_end_year"],
            "signed_on": plan["signed_on"],
            "authentic_languages": plan["authentic_languages"],
            **translated_fields("signed_place", plan.get("signed_place")),
        }
        for name in PLAN_TERMS:
            values.update(translated_fields(name, plan.get(name)))
        if plan.get("predecessor"):
            values["predecessor"] = ActionPlan.objects.filter(code=plan["predecessor"]).first()
        obj = self.sync(
            ActionPlan,
            f"plan {code}",
            existing,
            values,
            links={"coordinators": self.agencies_of(plan["coordinators"])},
            # The status starts the workflow users carry on: set once, never reset.
            create=lambda **v: plan_services.create_plan(
                user=SYSTEM, partnership=partnership, code=code, status=plan["status"], **v
            ),
            update=lambda obj, **c: plan_services.update_plan(user=SYSTEM, plan=obj, **c),
        )
        if obj is not None:
            self.plans[code] = obj
            self.load_signatories(obj, plan)
            self.load_themes(obj, code)
            self.load_events(obj, code)
            self.load_reviews(obj, code)
        self.creating = creating_before

    def needed_agencies(self, plan_code: str) -> set[str]:
        f = self.file
        plan = next(p for _w, p in f.plans if p["code"] == plan_code)
        codes = set(plan["coordinators"])
        for _w, t in f.themes:
            if t["plan"] == plan_code:
                codes |= {r["agency"] for _rw, r in t["agencies"]}
                codes |= {a for _cw, c in t["commitments"] for a in c["agencies"]}
        for _w, e in f.events:
            if e["plan"] == plan_code:
                codes |= set(e["organisers"])
        return codes

    def name_third_parties(self, partnership: Partnership, plan_code: str) -> None:
        """The third parties a plan refers to belong to its partnership (partners.access): the
        partnership names each, once; another partnership naming the same one names it too."""
        for code in sorted(self.needed_agencies(plan_code)):
            agency = self.agency(code)
            if agency is None or agency.city_id is not None:
                continue
            if agency.partnerships.filter(pk=partnership.pk).exists():
                continue
            if not (self.creating or self.update):
                self.result.differences.append(
                    Difference(f"agency {code}", "partnerships", None, partnership.code)
                )
                continue
            partner_services.name_in_partnership(
                user=SYSTEM, agency=agency, partnership=partnership
            )
            log.info("named agency %s in partnership %s", code, partnership.code)

    def create_missing_agency(self, code: str) -> None:
        if self.agency(code) is not None:
            return
        a = next(a for _w, a in self.file.agencies if a["code"] == code)
        if a.get("parent"):
            self.create_missing_agency(a["parent"])
        self.agencies[code] = partner_services.create_agency(
            user=SYSTEM,
            code=code,
            city=self.city(a["city"]) if a.get("city") else None,
            kind=a["kind"],
            parent=self.agency(a["parent"]) if a.get("parent") else None,
            **translated_fields("name", a["name"]),
        )
        self.result.add(Agency, CREATED)
        # It was listed as missing a moment ago; now it is not.
        self.result.differences = [d for d in self.result.differences if d.what != f"agency {code}"]

    def load_signatories(self, plan: ActionPlan, spec: dict) -> None:
        for _w, sig in spec["signatories"]:
            city = self.city(sig["city"])
            values = {
                **translated_fields("name", sig["name"]),
                **translated_fields("position", sig["position"]),
            }
            same_city = Signatory.objects.filter(plan=plan, city=city).order_by("id")
            existing = same_city.filter(name_en=values["name_en"]).first() or same_city.first()
            self.sync(
                Signatory,
                f"plan {plan.code}: signatory of {sig['city']}",
                existing,
                values,
                create=lambda city=city, **v: plan_services.add_signatory(
                    user=SYSTEM, plan=plan, city=city, **v
                ),
                update=lambda obj, **c: plan_services.update_signatory(
                    user=SYSTEM, signatory=obj, **c
                ),
            )

    def load_themes(self, plan: ActionPlan, plan_code: str) -> None:
        themes = sorted(
            (t for _w, t in self.file.themes if t["plan"] == plan_code),
            key=lambda t: t["order"],
        )
        if self.update:
            self.make_room(
                Theme.objects.filter(plan=plan),
                {t["code"]: t["order"] for t in themes},
                lambda row, order: theme_services.update_theme(user=SYSTEM, theme=row, order=order),
            )
        for t in themes:
            where = f"plan {plan_code}: theme {t['code']}"
            theme = self.sync(
                Theme,
                where,
                Theme.objects.filter(plan=plan, code=t["code"]).first(),
                {
                    "order": t["order"],
                    **translated_fields("name", t["name"]),
                    **translated_fields("summary", t["summary"]),
                },
                create=lambda t=t, **v: theme_services.create_theme(
                    user=SYSTEM, plan=plan, code=t["code"], **v
                ),
                update=lambda obj, **c: theme_services.update_theme(user=SYSTEM, theme=obj, **c),
            )
            if theme is None:
                continue
            self.themes[(plan_code, t["code"])] = theme
            for _rw, resp in t["agencies"]:
                agency = self.agency(resp["agency"])
                self.sync(
                    ThemeAgency,
                    f"{where}: responsible agency {resp['agency']}",
                    ThemeAgency.objects.filter(theme=theme, agency=agency).first(),
                    # No role in the file: responsible, unranked (as the signed text says).
                    {"role": resp.get("role", ResponsibilityRole.RESPONSIBLE.value)},
                    create=lambda agency=agency, theme=theme, **v: (
                        theme_services.add_responsibility(
                            user=SYSTEM, theme=theme, agency=agency, **v
                        )
                    ),
                    update=lambda obj, **c: theme_services.update_responsibility(
                        user=SYSTEM, responsibility=obj, **c
                    ),
                )
            self.load_commitments(theme, t, where)

    def load_commitments(self, theme: Theme, spec: dict, where: str) -> None:
        commitments = [com for _cw, com in spec["commitments"]]
        if self.update:
            self.make_room(
                Commitment.objects.filter(theme=theme),
                {com["code"]: i for i, com in enumerate(commitments, start=1)},
                lambda row, order: commitment_services.update_commitment(
                    user=SYSTEM, commitment=row, order=order
                ),
            )
        for position, com in enumerate(commitments, start=1):
            values = {
                "order": position,
                **translated_fields("text", com["text"]),
                **translated_fields("derived_from", com.get("derived_from")),
            }
            if "target_count" in com:
                values["target_count"] = com["target_count"]
            if "frequency" in com:
                values["frequency"] = com["frequency"]
            self.sync(
                Commitment,
                f"{where}: commitment {com['code']}",
                Commitment.objects.filter(theme=theme, code=com["code"]).first(),
                values,
                links={"agencies": self.agencies_of(com["agencies"])},
                create=lambda com=com, **v: commitment_services.create_commitment(
                    user=SYSTEM, theme=theme, code=com["code"], **v
                ),
                update=lambda obj, **c: commitment_services.update_commitment(
                    user=SYSTEM, commitment=obj, **c
                ),
            )

    def load_events(self, plan: ActionPlan, plan_code: str) -> None:
        for _w, s in self.file.series:
            if s["plan"] != plan_code:
                continue
            self.series[(plan_code, s["code"])] = self.sync(
                EventSeries,
                f"plan {plan_code}: event series {s['code']}",
                EventSeries.objects.filter(plan=plan, code=s["code"]).first(),
                {
                    **translated_fields("name", s["name"]),
                    "recurrence": s["recurrence"],
                    **translated_fields("description", s["description"]),
                },
                create=lambda s=s, **v: event_services.create_series(
                    user=SYSTEM, plan=plan, code=s["code"], **v
                ),
                update=lambda obj, **c: event_services.update_series(user=SYSTEM, series=obj, **c),
            )
        for _w, e in self.file.events:
            if e["plan"] != plan_code:
                continue
            values = {
                "kind": e["kind"],
                **translated_fields("title", e["title"]),
                **translated_fields("description", e["description"]),
            }
            series = self.series.get((plan_code, e.get("series")))
            if series is not None:
                values["series"] = series
            if e.get("host_city"):
                values["host_city"] = self.city(e["host_city"])
            if "year" in e:
                values["year"] = e["year"]
            themes = [self.themes.get((plan_code, code)) for code in e["themes"]]
            self.sync(
                Event,
                f"plan {plan_code}: event {e['code']}",
                Event.objects.filter(plan=plan, code=e["code"]).first(),
                values,
                links={
                    "themes": [t for t in themes if t is not None],
                    "organisers": self.agencies_of(e["organisers"]),
                },
                create=lambda e=e, **v: event_services.create_event(
                    user=SYSTEM, plan=plan, code=e["code"], **v
                ),
                update=lambda obj, **c: event_services.update_event(user=SYSTEM, event=obj, **c),
            )

    def load_reviews(self, plan: ActionPlan, plan_code: str) -> None:
        for _w, r in self.file.reviews:
            if r["plan"] != plan_code:
                continue
            existing = Review.objects.filter(plan=plan, code=r["code"]).first()
            if existing is None and r["kind"] in FORMAL_REVIEW_KINDS:
                # One of each formal review per plan: one made in the portal is this one.
                existing = Review.objects.filter(plan=plan, kind=r["kind"]).first()
            self.sync(
                Review,
                f"plan {plan_code}: review {r['code']}",
                existing,
                {
                    **translated_fields("title", r["title"]),
                    "due_date": r["due_date"],
                    **translated_fields("description", r["description"]),
                },
                create=lambda r=r, **v: review_services.create_review(
                    user=SYSTEM, plan=plan, kind=r["kind"], code=r["code"], **v
                ),
                update=_update_review,
            )


def _update_review(review: Review, *, due_date=None, **details) -> Review:
    """A review's details, and its schedule (due date) as its schedule page changes it."""
    if details:
        review = review_services.update_review_details(user=SYSTEM, review=review, **details)
    if due_date is not None:
        review = review_services.update_review_schedule(
            user=SYSTEM,
            review=review,
            due_date=due_date,
            reminder_days=review.reminder_days,
            expected_version=review.version,
        )
    return review


class _DryRun(Exception):
    """Rolls back a dry run's transaction."""


def load_plan_file(
    path: str | Path | None = None, *, update: bool = False, dry_run: bool = False
) -> LoadResult:
    """Check a plan file, then create what is missing (or, with ``update``, also apply what
    differs), in one transaction. ``dry_run`` writes nothing.

    Raises PlanFileError (a CommandError) and writes nothing when the file is wrong or a
    service refuses a row.
    """
    path = resolve_plan_path(path)
    plan_file = read_plan_file(path)
    result = LoadResult(path=path, update=update, dry_run=dry_run)
    try:
        # Untranslated base columns of translated fields follow the active language on save:
        # keep them in the default language.
        with (
            translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
            transaction.atomic(),
        ):
            _Loader(plan_file, result).run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        raise PlanFileError(
            f"{path}: the portal refused the data ({'; '.join(exc.messages)}); nothing was loaded"
        ) from exc
    except DatabaseError as exc:
        raise PlanFileError(
            f"{path}: the database refused the data ({exc}); nothing was loaded"
        ) from exc
    return result
