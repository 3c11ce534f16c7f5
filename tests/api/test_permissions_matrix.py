"""The API's whole matrix: every endpoint × every method × every role.

The same answers as the pages: 200/201/204 done, 400 refused input (for an outsider: an id
of another partnership "does not exist"), 401 not signed in, 403 seen but not allowed,
404 not theirs to see, 405 no such operation, 409 other records still refer to it.
Each role acts on a fresh copy of the world (a rolled-back transaction per role).

A meta-test walks the API's URLs: every route × every method must have its row here (the
portal's URL matrix leaves the ``api`` namespace to this file).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import get_resolver

from reports.models import ProgressReport, ReportLanguage
from tests.api.test_reports import done_report
from tests.cooperation.amendment_helpers import draft, submitted
from tests.factories import (
    ActionPlanFactory,
    AgencyFactory,
    EvidenceFactory,
    FundingFactory,
    ProgrammeItemFactory,
)
from tests.helpers import EVERYONE as ROLES

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

METHODS = ["get", "post", "put", "patch", "delete"]

# Short hands (one status per role, in ROLES order).
READ = (401, 200, 200, 200, 200, 200, 404, 200)  # an object of the Helsinki–Beijing plan
LIST = (401, *[200] * 7)
NOPE = (401, *[405] * 7)  # no such operation on this route
COORDINATORS = (401, 200, 200, 403, 403, 403, 404, 200)  # coordinators' work on an object
HKI_ACTIVITY = (401, 200, 200, 200, 403, 403, 404, 200)  # who may change the Helsinki-led one
SIDES = (401, 201, 201, 403, 403, 403, 404, 403)  # a coordinator drafts for their side
HKI_SIDE = (401, 200, 403, 403, 403, 403, 404, 403)  # the drafting side (Helsinki) only
BJ_SIDE = (401, 403, 200, 403, 403, 403, 404, 403)  # the other side only
OTHERS = (401, 404, 404, 404, 404, 404, 200, 200)  # an object of the outsider's partnership
AMENDMENT = {
    "title": {"en": "Withdraw the dialogue", "zh-hans": "撤回对话"},
    "reason": {"en": "Replaced.", "zh-hans": "已取代。"},
    "effective_on": "2022-03-01",
}
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _pdf_upload():
    return SimpleUploadedFile("minutes.pdf", PDF_BYTES, content_type="application/pdf")


@dataclass(frozen=True)
class Row:
    name: str  # URL name in the api namespace
    method: str
    path: str  # formatted with the objects below
    expected: tuple
    data: dict | None = field(default=None, hash=False)
    format: str = "json"  # or "multipart" (values may be callables: a fresh file per call)


def _rows(o) -> list[Row]:
    plan, theme = o["plan"], o["theme"]
    v1 = "/api/v1"
    activity_data = {
        "theme": theme,
        "title": {"en": "New activity", "zh-hans": "新活动"},
        "first_lead_agency": o["hki_agency"],
    }
    event_data = {"plan": plan, "kind": "forum", "title": {"en": "Forum"}, "year": 2021}
    return [
        # --- partnerships: read-only ---
        Row("partnership-list", "get", f"{v1}/partnerships/", LIST),
        Row("partnership-detail", "get", f"{v1}/partnerships/{o['partnership']}/", READ),
        Row(
            "partnership-detail",
            "get",
            f"{v1}/partnerships/{o['other_partnership']}/",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        # --- plans: coordinators change them; nobody adds or removes them here ---
        Row("plan-list", "get", f"{v1}/plans/", LIST),
        Row("plan-detail", "get", f"{v1}/plans/{plan}/", READ),
        Row(
            "plan-detail",
            "get",
            f"{v1}/plans/{o['other_plan']}/",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        Row(
            "plan-detail",
            "patch",
            f"{v1}/plans/{plan}/",
            COORDINATORS,
            {"signed_place": {"en": "Helsinki", "zh-hans": "赫尔辛基"}},
        ),
        Row(
            "plan-detail",
            "put",
            f"{v1}/plans/{plan}/",
            COORDINATORS,
            {
                "title": {"en": "Action Plan", "zh-hans": "行动计划"},
                "period_start_year": 2019,
                "period_end_year": 2023,
                "status": "in_force",
            },
        ),
        # --- the IATI export: whoever reads the plan (api/iati/) ---
        Row("plan-iati", "get", f"{v1}/plans/{plan}/iati.xml", READ),
        Row(
            "plan-iati",
            "get",
            f"{v1}/plans/{o['other_plan']}/iati.xml",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        # --- the plan's life: coordinators decide; a renewal draft is theirs until published.
        # Refused for them here (not evaluated; already renewing): what they may do, 400.
        Row(
            "plan-renewal",
            "post",
            f"{v1}/plans/{plan}/renewal/",
            (401, 400, 400, 403, 403, 403, 404, 400),
            {"period_start_year": 2024, "period_end_year": 2028},
        ),
        Row(
            "plan-conclude",
            "post",
            f"{v1}/plans/{plan}/conclude/",
            (401, 400, 400, 403, 403, 403, 404, 400),
        ),
        Row(
            "plan-move-activities",
            "post",
            f"{v1}/plans/{plan}/move-activities/",
            (401, 400, 400, 403, 403, 403, 404, 400),
            {},
        ),
        # Each side's coordinator approves once; an administrator is no side.
        Row(
            "plan-approve",
            "post",
            f"{v1}/plans/{o['draft']}/approve/",
            (401, 200, 200, 404, 404, 404, 404, 400),
        ),
        # --- themes ---
        Row("theme-list", "get", f"{v1}/themes/", LIST),
        Row(
            "theme-list",
            "post",
            f"{v1}/themes/",
            (401, 201, 201, 403, 403, 403, 400, 201),
            {"plan": plan, "code": "new-theme", "order": 9, "name": {"en": "New theme"}},
        ),
        Row("theme-detail", "get", f"{v1}/themes/{theme}/", READ),
        Row(
            "theme-detail",
            "patch",
            f"{v1}/themes/{theme}/",
            COORDINATORS,
            {"summary": {"en": "Trade and investment."}},
        ),
        Row(
            "theme-detail",
            "put",
            f"{v1}/themes/{theme}/",
            COORDINATORS,
            {"plan": plan, "code": "economy", "order": 1, "name": {"en": "Economy"}},
        ),
        # The culture theme has no activities: it can go.
        Row(
            "theme-detail",
            "delete",
            f"{v1}/themes/{o['empty_theme']}/",
            (401, 204, 204, 403, 403, 403, 404, 204),
        ),
        # The economy theme has activities (PROTECT): refused with 409, nothing deleted.
        Row(
            "theme-detail",
            "delete",
            f"{v1}/themes/{theme}/",
            (401, 409, 409, 403, 403, 403, 404, 409),
        ),
        # --- commitments ---
        Row("commitment-list", "get", f"{v1}/commitments/", LIST),
        Row(
            "commitment-list",
            "post",
            f"{v1}/commitments/",
            (401, 201, 201, 403, 403, 403, 400, 201),
            {"theme": theme, "code": "exchange", "order": 2, "text": {"en": "Exchange."}},
        ),
        Row("commitment-detail", "get", f"{v1}/commitments/{o['commitment']}/", READ),
        Row(
            "commitment-detail",
            "patch",
            f"{v1}/commitments/{o['commitment']}/",
            COORDINATORS,
            {"target_count": 4, "frequency": "annual"},
        ),
        Row(
            "commitment-detail",
            "put",
            f"{v1}/commitments/{o['commitment']}/",
            COORDINATORS,
            {"theme": theme, "code": "annual-dialogue", "order": 1, "text": {"en": "Dialogue."}},
        ),
        Row(
            "commitment-detail",
            "delete",
            f"{v1}/commitments/{o['commitment']}/",
            (401, 204, 204, 403, 403, 403, 404, 204),
        ),
        # --- agencies: coordinators of the agency's own side ---
        Row("agency-list", "get", f"{v1}/agencies/", LIST),
        Row(
            "agency-list",
            "post",
            f"{v1}/agencies/",
            (401, 201, 403, 403, 403, 403, 400, 201),
            {"code": "hki-new", "city": o["helsinki"], "kind": "division", "name": {"en": "New"}},
        ),
        Row("agency-detail", "get", f"{v1}/agencies/{o['spare_agency']}/", READ),
        Row(
            "agency-detail",
            "patch",
            f"{v1}/agencies/{o['spare_agency']}/",
            (401, 200, 403, 403, 403, 403, 404, 200),
            {"website": "https://www.hel.fi/"},
        ),
        Row(
            "agency-detail",
            "put",
            f"{v1}/agencies/{o['spare_agency']}/",
            (401, 200, 403, 403, 403, 403, 404, 200),
            {"code": "hki-spare", "city": o["helsinki"], "kind": "centre", "name": {"en": "S"}},
        ),
        Row(
            "agency-detail",
            "delete",
            f"{v1}/agencies/{o['spare_agency']}/",
            (401, 204, 403, 403, 403, 403, 404, 204),
        ),
        # A third party: the partnerships naming it only (issue 13: sealed).
        Row("agency-detail", "get", f"{v1}/agencies/{o['third_party']}/", READ),
        Row(
            "agency-detail",
            "patch",
            f"{v1}/agencies/{o['third_party']}/",
            COORDINATORS,
            {"website": "https://wtcf.example/"},
        ),
        Row(
            "agency-detail",
            "delete",
            f"{v1}/agencies/{o['third_party']}/",
            (401, 204, 204, 403, 403, 403, 404, 204),
        ),
        Row("agency-detail", "get", f"{v1}/agencies/{o['other_third_party']}/", OTHERS),
        Row(
            "agency-detail",
            "patch",
            f"{v1}/agencies/{o['other_third_party']}/",
            OTHERS,
            {"website": "https://evil.example/"},
        ),
        Row(
            "agency-list",
            "post",
            f"{v1}/agencies/",
            (401, 201, 201, 403, 403, 403, 201, 201),
            {"code": "fed", "kind": "federation", "name": {"en": "Federation"}},
        ),
        Row(
            "agency-list",
            "post",
            f"{v1}/agencies/",
            (401, 400, 400, 400, 400, 400, 201, 201),
            {
                "code": "fed",
                "kind": "federation",
                "name": {"en": "Federation"},
                "partnerships": [o["other_partnership"]],
            },
        ),
        # An agency that activities and people refer to stays (409).
        Row(
            "agency-detail",
            "delete",
            f"{v1}/agencies/{o['hki_agency']}/",
            (401, 409, 403, 403, 403, 403, 404, 409),
        ),
        # --- activities: hki_activity is led by the Helsinki agency ---
        Row("activity-list", "get", f"{v1}/activities/", LIST),
        # Beijing staff may only record work their agency is part of (the service says 400).
        Row(
            "activity-list",
            "post",
            f"{v1}/activities/",
            (401, 201, 201, 201, 400, 403, 400, 201),
            activity_data,
        ),
        Row("activity-detail", "get", f"{v1}/activities/{o['activity']}/", READ),
        Row(
            "activity-detail",
            "get",
            f"{v1}/activities/{o['other_activity']}/",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        Row(
            "activity-detail",
            "patch",
            f"{v1}/activities/{o['activity']}/",
            (401, 200, 200, 200, 403, 403, 404, 200),
            {"outcomes": {"en": "A report.", "zh-hans": "一份报告。"}},
        ),
        Row(
            "activity-detail",
            "patch",
            f"{v1}/activities/{o['bj_activity']}/",
            (401, 200, 200, 403, 200, 403, 404, 200),
            {"outcomes": {"en": "A report."}},
        ),
        Row(
            "activity-detail",
            "put",
            f"{v1}/activities/{o['activity']}/",
            (401, 200, 200, 200, 403, 403, 404, 200),
            activity_data,
        ),
        Row(
            "activity-status-updates",
            "get",
            f"{v1}/activities/{o['activity']}/status-updates/",
            READ,
        ),
        Row(
            "activity-status-updates",
            "post",
            f"{v1}/activities/{o['activity']}/status-updates/",
            (401, 201, 201, 201, 403, 403, 404, 201),
            {"to_status": "in_progress", "note": "Started."},
        ),
        # --- funding: who may change the activity, through cooperation.services.funding ---
        Row("activity-funding", "get", f"{v1}/activities/{o['activity']}/funding/", READ),
        Row(
            "activity-funding",
            "post",
            f"{v1}/activities/{o['activity']}/funding/",
            tuple(201 if c == 200 else c for c in HKI_ACTIVITY),
            {"source": "first_city", "amount": "2500.00", "currency": "EUR"},
        ),
        Row(
            "activity-funding-detail",
            "put",
            f"{v1}/activities/{o['activity']}/funding/{o['funding']}/",
            HKI_ACTIVITY,
            {"source": "second_city", "amount": "10.00", "currency": "CNY", "funder": "BMC"},
        ),
        Row(
            "activity-funding-detail",
            "patch",
            f"{v1}/activities/{o['activity']}/funding/{o['funding']}/",
            HKI_ACTIVITY,
            {"amount": "20.00"},
        ),
        Row(
            "activity-funding-detail",
            "delete",
            f"{v1}/activities/{o['activity']}/funding/{o['funding']}/",
            tuple(204 if c == 200 else c for c in HKI_ACTIVITY),
        ),
        # --- evidence: who may change the activity, through cooperation.services ---
        Row("activity-evidence", "get", f"{v1}/activities/{o['activity']}/evidence/", READ),
        Row(
            "activity-evidence",
            "post",
            f"{v1}/activities/{o['activity']}/evidence/",
            tuple(201 if c == 200 else c for c in HKI_ACTIVITY),
            {"file": _pdf_upload, "description": "Minutes"},
            format="multipart",
        ),
        Row("evidence-detail", "get", f"{v1}/evidence/{o['evidence']}/", READ),
        Row(
            "evidence-detail",
            "delete",
            f"{v1}/evidence/{o['evidence']}/",
            tuple(204 if c == 200 else c for c in HKI_ACTIVITY),
        ),
        Row("evidence-download", "get", f"{v1}/evidence/{o['evidence']}/download/", READ),
        # --- progress reports: any member asks for and downloads them ---
        Row("report-list", "get", f"{v1}/reports/", LIST),
        # Queued (rendered once the request's transaction commits, never here): 202.
        Row(
            "report-list",
            "post",
            f"{v1}/reports/",
            (401, 202, 202, 202, 202, 202, 400, 202),
            {"plan": plan, "language": "bilingual", "as_of": "2021-12-31"},
        ),
        Row("report-detail", "get", f"{v1}/reports/{o['report']}/", READ),
        Row("report-download", "get", f"{v1}/reports/{o['report']}/download/", READ),
        Row(
            "report-download",
            "get",
            f"{v1}/reports/{o['queued_report']}/download/",
            (401, 409, 409, 409, 409, 409, 404, 409),
        ),
        # --- events: organised by the Helsinki agency ---
        Row("event-list", "get", f"{v1}/events/", LIST),
        Row(
            "event-list",
            "post",
            f"{v1}/events/",
            (401, 201, 201, 403, 403, 403, 400, 201),
            event_data,
        ),
        Row("event-detail", "get", f"{v1}/events/{o['event']}/", READ),
        Row(
            "event-detail",
            "patch",
            f"{v1}/events/{o['event']}/",
            (401, 200, 200, 200, 403, 403, 404, 200),
            {"venue": {"en": "Beijing Exhibition Centre", "zh-hans": "北京展览馆"}},
        ),
        Row(
            "event-detail",
            "put",
            f"{v1}/events/{o['event']}/",
            (401, 200, 200, 200, 403, 403, 404, 200),
            {**event_data, "kind": "week", "title": {"en": "Helsinki Week"}, "year": 2019},
        ),
        Row(
            "event-detail",
            "delete",
            f"{v1}/events/{o['event']}/",
            (401, 204, 204, 403, 403, 403, 404, 204),
        ),
        Row(
            "event-programme-items",
            "post",
            f"{v1}/events/{o['event']}/programme-items/",
            (401, 201, 201, 201, 403, 403, 404, 201),
            {"starts_at": "2019-11-04T09:00:00", "title": {"en": "Opening"}},
        ),
        Row(
            "event-programme-item",
            "delete",
            f"{v1}/events/{o['event']}/programme-items/{o['item']}/",
            (401, 204, 204, 204, 403, 403, 404, 204),
        ),
        # --- reviews: coordinators' work, through reviews.services ---
        Row("review-list", "get", f"{v1}/reviews/", LIST),
        Row(
            "review-list",
            "post",
            f"{v1}/reviews/",
            (401, 201, 201, 403, 403, 403, 400, 201),
            {"plan": plan, "title": {"en": "Ad-hoc review"}, "due_date": "2022-06-30"},
        ),
        Row("review-detail", "get", f"{v1}/reviews/{o['review']}/", READ),
        Row(
            "review-detail",
            "patch",
            f"{v1}/reviews/{o['review']}/",
            COORDINATORS,
            {"due_date": "2021-11-30", "reminder_days": [60, 14]},
        ),
        Row("review-start", "post", f"{v1}/reviews/{o['review']}/start/", COORDINATORS, {}),
        Row(
            "review-assessments",
            "post",
            f"{v1}/reviews/{o['review']}/assessments/",
            COORDINATORS,
            {"theme": theme, "rating": "on_track", "narrative": {"en": "Going well."}},
        ),
        # A scheduled review cannot be completed (nor reopened): the service says 400.
        Row(
            "review-complete",
            "post",
            f"{v1}/reviews/{o['review']}/complete/",
            (401, 400, 400, 403, 403, 403, 404, 400),
            {"conclusion": "continue"},
        ),
        Row(
            "review-reopen",
            "post",
            f"{v1}/reviews/{o['review']}/reopen/",
            (401, 400, 400, 403, 403, 403, 404, 400),
            {},
        ),
        # --- history: whoever may read the object reads its history (tests/core/) ---
        Row("partnership-history", "get", f"{v1}/partnerships/{o['partnership']}/history/", READ),
        Row(
            "partnership-history",
            "get",
            f"{v1}/partnerships/{o['other_partnership']}/history/",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        Row("plan-history", "get", f"{v1}/plans/{plan}/history/", READ),
        Row("theme-history", "get", f"{v1}/themes/{theme}/history/", READ),
        Row("commitment-history", "get", f"{v1}/commitments/{o['commitment']}/history/", READ),
        Row("agency-history", "get", f"{v1}/agencies/{o['spare_agency']}/history/", READ),
        Row("activity-history", "get", f"{v1}/activities/{o['activity']}/history/", READ),
        Row(
            "activity-history",
            "get",
            f"{v1}/activities/{o['other_activity']}/history/",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        # A filter that is no date: 400 for who may read, 404 for who may not.
        Row(
            "activity-history",
            "get",
            f"{v1}/activities/{o['activity']}/history/?since=yesterday",
            (401, 400, 400, 400, 400, 400, 404, 400),
        ),
        Row("event-history", "get", f"{v1}/events/{o['event']}/history/", READ),
        Row("review-history", "get", f"{v1}/reviews/{o['review']}/history/", READ),
        Row("evidence-history", "get", f"{v1}/evidence/{o['evidence']}/history/", READ),
        # --- amendments: drafted by either side's coordinators for their own side, decided
        # only by the other side's; administrators sign for no side ---
        Row("plan-amendments", "get", f"{v1}/plans/{plan}/amendments/", READ),
        Row(
            "plan-amendments",
            "post",
            f"{v1}/plans/{plan}/amendments/",
            SIDES,
            {
                **AMENDMENT,
                "changes": [{"kind": "withdraw_commitment", "commitment": o["commitment"]}],
            },
        ),
        Row("amendment-detail", "get", f"{v1}/amendments/{o['amendment']}/", READ),
        Row(
            "amendment-detail",
            "patch",
            f"{v1}/amendments/{o['amendment']}/",
            HKI_SIDE,
            {"title": {"en": "Retire the dialogue"}},
        ),
        Row(
            "amendment-detail",
            "put",
            f"{v1}/amendments/{o['amendment']}/",
            HKI_SIDE,
            {**AMENDMENT, "changes": [{"kind": "withdraw_theme", "theme": o["empty_theme"]}]},
        ),
        Row("amendment-submit", "post", f"{v1}/amendments/{o['amendment']}/submit/", HKI_SIDE, {}),
        Row(
            "amendment-withdraw",
            "post",
            f"{v1}/amendments/{o['amendment']}/withdraw/",
            HKI_SIDE,
            {},
        ),
        Row("amendment-approve", "post", f"{v1}/amendments/{o['submitted']}/approve/", BJ_SIDE, {}),
        Row(
            "amendment-return",
            "post",
            f"{v1}/amendments/{o['submitted']}/return/",
            BJ_SIDE,
            {"comment": "Give the date."},
        ),
        Row("plan-funding-summary", "get", f"{v1}/plans/{plan}/funding-summary/", READ),
        Row(
            "plan-funding-summary",
            "get",
            f"{v1}/plans/{o['other_plan']}/funding-summary/",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        Row("plan-versions", "get", f"{v1}/plans/{plan}/versions/", READ),
        Row("plan-version", "get", f"{v1}/plans/{plan}/versions/1/", READ),
        Row(
            "plan-version",
            "get",
            f"{v1}/plans/{o['other_plan']}/versions/1/",
            (401, 404, 404, 404, 404, 404, 200, 200),
        ),
        # --- the schema and the documentation: public ---
        Row("schema", "get", "/api/schema/", (200,) * 8),
        Row("docs", "get", "/api/docs/", (200,) * 8),
        Row("redoc", "get", "/api/redoc/", (200,) * 8),
    ]


def _objects(world) -> dict:
    return {
        "partnership": world.partnership.pk,
        "other_partnership": world.other_partnership.pk,
        "plan": world.plan.pk,
        "other_plan": world.other_plan.pk,
        "draft": ActionPlanFactory(
            partnership=world.partnership,
            status="draft",
            period_start_year=2024,
            period_end_year=2028,
            renewal_of=world.plan,
        ).pk,
        "theme": world.themes[0].pk,
        "empty_theme": world.themes[2].pk,
        "commitment": world.commitment.pk,
        "helsinki": world.helsinki.pk,
        "hki_agency": world.hki_agency.pk,
        "spare_agency": AgencyFactory(code="hki-spare", city=world.helsinki).pk,
        "third_party": AgencyFactory(city=None, partnerships=[world.partnership]).pk,
        "other_third_party": AgencyFactory(city=None, partnerships=[world.other_partnership]).pk,
        "activity": world.hki_activity.pk,
        "bj_activity": world.bj_activity.pk,
        "other_activity": world.other_activity.pk,
        "event": world.event.pk,
        "item": ProgrammeItemFactory(event=world.event).pk,
        "review": world.review.pk,
        "funding": FundingFactory(activity=world.hki_activity).pk,
        "evidence": EvidenceFactory(activity=world.hki_activity).pk,
        "report": done_report(world.plan).pk,
        "amendment": draft(world).pk,
        "submitted": submitted(world).pk,
        "queued_report": ProgressReport.objects.create(
            plan=world.plan, language=ReportLanguage.ENGLISH, as_of=datetime.date(2021, 6, 30)
        ).pk,
    }


def _routes() -> dict[str, tuple[str, set[str]]]:
    """{url name: (route regex, methods it serves)} of the api namespace."""
    resolver = get_resolver()
    routes: dict[str, tuple[str, set[str]]] = {}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif pattern.name:
                actions = getattr(pattern.callback, "actions", None)
                methods = set(actions) if actions else {"get"}
                routes[pattern.name] = (prefix + str(pattern.pattern), methods)

    api = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "api")
    walk(api.url_patterns, "api/")
    return routes


def _call(client, method, path, data, fmt="json"):
    call = getattr(client, method)
    if method in ("get", "delete"):
        return call(path)
    if fmt == "multipart":
        data = {key: value() if callable(value) else value for key, value in data.items()}
    return call(path, data or {}, format=fmt)


def _run(world, api_for, rows):
    failures = []
    # One signed-in client per role for the whole matrix: its session outlives the calls,
    # each of which is rolled back.
    clients = [api_for(None if role == "anonymous" else getattr(world, role)) for role in ROLES]
    for row in rows:
        for index, client in enumerate(clients):
            role = ROLES[index]
            cache.clear()  # request counts: this matrix is not about throttling
            with transaction.atomic():
                response = _call(client, row.method, row.path, row.data, row.format)
                transaction.set_rollback(True)
            if response.status_code != row.expected[index]:
                body = getattr(response, "data", None) or response.content[:200]
                failures.append((row.method, row.path, role, response.status_code, body))
    return failures


def test_every_endpoint_method_and_role(world, api_for):
    rows = _rows(_objects(world))
    failures = _run(world, api_for, rows)
    assert not failures, "\n".join(map(str, failures))


def test_every_other_method_is_not_allowed(world, api_for):
    """Each route × each method without a row above answers 405 to everyone signed in."""
    objects = _objects(world)
    rows = _rows(objects)
    covered = {(r.name, r.method) for r in rows}
    samples = {r.name: r.path for r in rows}
    extra = []
    for name, (_route, _methods) in sorted(_routes().items()):
        for method in METHODS:
            if (name, method) not in covered:
                expected = NOPE if name not in {"schema", "docs", "redoc"} else (405,) * 8
                extra.append(Row(name, method, samples[name], expected))
    failures = _run(world, api_for, extra)
    assert not failures, "\n".join(map(str, failures))


def test_the_matrix_names_every_route_and_method(world):
    """A new API route or method fails here until its row is added to _rows."""
    rows = _rows(_objects(world))
    covered = {(r.name, r.method) for r in rows}
    for name, (route, methods) in _routes().items():
        for method in methods - {"head", "options"}:
            assert (name, method) in covered, f"no row for {method.upper()} {route} ({name})"
    assert {name for name, _ in covered} == set(_routes())


def test_a_token_carries_exactly_its_users_permissions(world, token_for):
    """The same matrix, for two roles, with personal tokens instead of sessions."""
    objects = _objects(world)
    clients = {role: token_for(getattr(world, role)) for role in ("hki_staff", "official")}
    for row in _rows(objects):
        if row.name in {"docs", "redoc"}:
            continue
        for role, client in clients.items():
            expected = row.expected[ROLES.index(role)]
            cache.clear()
            with transaction.atomic():
                response = _call(client, row.method, row.path, row.data, row.format)
                transaction.set_rollback(True)
            assert response.status_code == expected, (row, role, response.status_code)
