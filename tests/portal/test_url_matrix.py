"""The whole matrix: every URL of the portal × every role, on own and other partnerships' objects.

Each row names a URL, how to call it, and the answer each role gets:
200 a page, 302 a redirect (anonymous users: to the login page), 400 the form came back
with errors (the user may act, the empty input was refused), 403 seen but not allowed,
404 not theirs to see. A meta-test keeps the table complete: a new URL fails it until added.
"""

import string
from dataclasses import dataclass

import pytest
from django.urls import get_resolver

from api.models import ApiToken, CalendarFeed
from partners.access import SYSTEM
from plandata.models import PlanDraft
from public.services import switch_public_page
from tests.factories import ActionPlanFactory, EvidenceFactory, ProgrammeItemFactory
from tests.helpers import EVERYONE as ROLES

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # formatted with the objects below
    expected: tuple  # one status per role, in ROLES order
    data: dict | None = None


# A member's read of the Helsinki–Beijing plan: every member 200, the outsider 404.
R_MEMBERS = (200, 200, 200, 200, 200, 404, 200)


def _rows():
    # Short names: R read (member 200, outsider 404), L list (all members 200).
    return [
        # Members of one partnership go straight to its plan; the admin sees several: a list.
        Row("home", "get", "/", (302, 302, 302, 302, 302, 302, 302, 200)),
        # For load balancers: up or down, nothing else, no login.
        Row("healthz", "get", "/healthz", (200,) * 8),
        Row("dashboard", "get", "/dashboard/", (302, 302, 302, 302, 302, 302, 302, 200)),
        Row("dashboard", "get", "/plans/{plan}/", (302, 200, 200, 200, 200, 200, 404, 200)),
        Row("dashboard", "get", "/plans/{other_plan}/", (302, 404, 404, 404, 404, 404, 200, 200)),
        Row("login", "get", "/accounts/login/", (200, 302, 302, 302, 302, 302, 302, 302)),
        Row("logout", "post", "/accounts/logout/", (302, 302, 302, 302, 302, 302, 302, 302)),
        Row("logout", "get", "/accounts/logout/", (405, 405, 405, 405, 405, 405, 405, 405)),
        Row("password_change", "get", "/accounts/password/", (302, *[200] * 7)),
        Row("password_change", "post", "/accounts/password/", (302, *[200] * 7), data={}),
        Row("password_change_done", "get", "/accounts/password/done/", (302, *[200] * 7)),
        Row("agency-list", "get", "/agencies/", (302, *[200] * 7)),
        Row("profile", "get", "/profile/", (302, *[200] * 7)),
        # Two-factor login: nobody here has set it up (the second step sends them to set-up).
        Row("twofactor-verify", "get", "/accounts/two-factor/", (302,) * 8),
        Row("twofactor-recovery", "get", "/accounts/two-factor/recovery/", (302,) * 8),
        Row("twofactor-settings", "get", "/profile/two-factor/", (302, *[200] * 7)),
        Row("twofactor-enrol", "get", "/profile/two-factor/set-up/", (302, *[200] * 7)),
        Row("twofactor-codes", "post", "/profile/two-factor/codes/", (302,) * 8, data={}),
        # Coordinators (any partnership's: their own side's people) and the administrator.
        Row(
            "twofactor-people", "get", "/two-factor/people/", (302, 200, 200, *[403] * 3, 200, 200)
        ),
        # Helsinki's staff member: reset by Helsinki's coordinator or the administrator only.
        Row(
            "twofactor-reset",
            "post",
            "/two-factor/people/{hki_staff_user}/reset/",
            (302, 302, *[403] * 5, 302),
            data={},
        ),
        Row("twofactor-admin-login", "get", "/admin/login/", (302, *[403] * 6, 302)),
        Row("my-reminders", "get", "/reminders/", (302, *[200] * 7)),
        # Coordinators read their own side's security log (the outsider theirs); no one else.
        Row("security-log", "get", "/security-log/", (302, 200, 200, 403, 403, 403, 200, 200)),
        Row("theme-detail", "get", "/themes/{theme}/", (302, 200, 200, 200, 200, 200, 404, 200)),
        Row(
            "theme-detail",
            "get",
            "/themes/{other_theme}/",
            (302, 404, 404, 404, 404, 404, 200, 200),
        ),
        Row("activity-list", "get", "/activities/", (302, *[200] * 7)),
        Row("activity-export", "get", "/activities/export.csv", (302, *[200] * 7)),
        Row(
            "activity-create",
            "get",
            "/activities/new/?theme={theme}",
            (302, 200, 200, 200, 200, 403, 404, 200),
        ),
        Row(
            "activity-create",
            "post",
            "/activities/new/?theme={theme}",
            (302, 400, 400, 400, 400, 403, 404, 400),
            data={},
        ),
        Row(
            "activity-detail",
            "get",
            "/activities/{activity}/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "activity-detail",
            "get",
            "/activities/{other_activity}/",
            (302, 404, 404, 404, 404, 404, 200, 200),
        ),
        # hki_activity is led by the Helsinki agency: Beijing staff may read, not change.
        Row(
            "activity-edit",
            "get",
            "/activities/{activity}/edit/",
            (302, 200, 200, 200, 403, 403, 404, 200),
        ),
        Row(
            "activity-edit",
            "post",
            "/activities/{activity}/edit/",
            (302, 400, 400, 400, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "activity-edit",
            "get",
            "/activities/{bj_activity}/edit/",
            (302, 200, 200, 403, 200, 403, 404, 200),
        ),
        Row(
            "activity-status",
            "post",
            "/activities/{activity}/status/",
            (302, 400, 400, 400, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "activity-status",
            "get",
            "/activities/{activity}/status/",
            (302, 405, 405, 405, 405, 405, 405, 405),
        ),
        Row(
            "evidence-upload",
            "post",
            "/activities/{activity}/evidence/",
            (302, 400, 400, 400, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "evidence-download",
            "get",
            "/evidence/{evidence}/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "evidence-delete",
            "post",
            "/evidence/{evidence}/delete/",
            (302, 302, 302, 302, 403, 403, 404, 302),
            data={},
        ),
        Row("event-list", "get", "/events/", (302, *[200] * 7)),
        Row("event-detail", "get", "/events/{event}/", (302, 200, 200, 200, 200, 200, 404, 200)),
        # The event is organised by the Helsinki agency: its staff may plan the programme.
        Row(
            "programme-item-create",
            "post",
            "/events/{event}/programme/",
            (302, 400, 400, 400, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "programme-item-delete",
            "post",
            "/events/programme/{item}/delete/",
            (302, 302, 302, 302, 403, 403, 404, 302),
            data={},
        ),
        Row("review-list", "get", "/reviews/", (302, *[200] * 7)),
        Row("review-detail", "get", "/reviews/{review}/", (302, 200, 200, 200, 200, 200, 404, 200)),
        # Reviews are worked by coordinators (and the admin); staff and officials read them.
        Row(
            "review-create",
            "get",
            "/reviews/new/?plan={plan}",
            (302, 200, 200, 403, 403, 403, 404, 200),
        ),
        Row(
            "review-create",
            "post",
            "/reviews/new/?plan={plan}",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "review-start",
            "post",
            "/reviews/{review}/start/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "review-start",
            "get",
            "/reviews/{review}/start/",
            (302, 405, 405, 405, 405, 405, 405, 405),
        ),
        Row(
            "review-assessment",
            "post",
            "/reviews/{review}/themes/{theme}/assessment/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "review-assessment",
            "post",
            "/reviews/{review}/themes/{other_theme}/assessment/",
            (302, 404, 404, 403, 403, 403, 404, 404),
            data={},
        ),
        Row(
            "review-complete",
            "post",
            "/reviews/{review}/complete/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "review-reopen",
            "post",
            "/reviews/{review}/reopen/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "review-schedule",
            "post",
            "/reviews/{review}/schedule/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        # History pages: whoever may read the object (tests/core/test_history_pages.py).
        Row(
            "plan-history",
            "get",
            "/plans/{plan}/history/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "theme-history",
            "get",
            "/themes/{theme}/history/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "theme-history",
            "get",
            "/themes/{other_theme}/history/",
            (302, 404, 404, 404, 404, 404, 200, 200),
        ),
        Row(
            "activity-history",
            "get",
            "/activities/{activity}/history/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "activity-history",
            "get",
            "/activities/{activity}/history/?format=csv",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "agency-history",
            "get",
            "/agencies/{agency}/history/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "event-history",
            "get",
            "/events/{event}/history/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "review-history",
            "get",
            "/reviews/{review}/history/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        # Spreadsheets and calendar files.
        Row("activity-export-xlsx", "get", "/activities/export.xlsx", (302, *[200] * 7)),
        Row("event-export-csv", "get", "/events/export.csv", (302, *[200] * 7)),
        Row("event-export-xlsx", "get", "/events/export.xlsx", (302, *[200] * 7)),
        Row(
            "event-ics",
            "get",
            "/events/{event}/event.ics",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        # Personal API tokens and the private calendar address: everyone's own only.
        Row("api-tokens", "get", "/profile/tokens/", (302, *[200] * 7)),
        Row("api-tokens", "post", "/profile/tokens/", (302, *[400] * 7), data={}),
        # The token is the Helsinki coordinator's: nobody else's to revoke.
        Row(
            "api-token-revoke",
            "post",
            "/profile/tokens/{token}/revoke/",
            (302, 302, 404, 404, 404, 404, 404, 404),
            data={},
        ),
        Row("calendar-settings", "get", "/profile/calendar/", (302, *[200] * 7)),
        Row("calendar-settings", "post", "/profile/calendar/", (302, *[200] * 7), data={}),
        Row("calendar-revoke", "post", "/profile/calendar/revoke/", (302,) * 8, data={}),
        # The feed needs no login: its address is the secret (the coordinator's feed here).
        Row("calendar-feed", "get", "/calendar/{feed}.ics", (200,) * 8),
        Row("calendar-feed", "get", "/calendar/scf_not-a-feed.ics", (404,) * 8),
        # Progress reports: every member may ask for one and download the plan's reports.
        Row("report-list", "get", "/reports/", (302, *[200] * 7)),
        Row("report-list", "post", "/reports/", (302, *[400] * 7), data={}),
        Row("report-detail", "get", "/reports/{report}/", (302, 200, 200, 200, 200, 200, 404, 200)),
        Row(
            "report-download",
            "get",
            "/reports/{report}/download/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        # A plan's public page (switched on here): no login, for everyone.
        Row("public-page", "get", "/p/{public}/", (200,) * 8),
        Row("public-page", "get", "/p/not-public/", (404,) * 8),
        Row("public-page-zh-hans", "get", "/p/{public}/zh-hans/", (200,) * 8),
        Row("public-page-pdf", "get", "/p/{public}/plan.pdf", (200,) * 8),
        Row("public-page-pdf", "get", "/p/not-public/plan.pdf", (404,) * 8),
        # Where coordinators switch it: every member sees it, coordinators and admins switch.
        Row(
            "public-page-manage",
            "get",
            "/plans/{plan}/public-page/",
            (302, 200, 200, 200, 200, 200, 404, 200),
        ),
        Row(
            "public-page-manage",
            "post",
            "/plans/{plan}/public-page/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        Row("robots-txt", "get", "/robots.txt", (200,) * 8),
        Row("sitemap", "get", "/sitemap.xml", (200,) * 8),
        # Amendments: drafted by a coordinator of one side ({amendment}: Helsinki's draft),
        # decided by the other side's; administrators sign for no side.
        Row("amendment-list", "get", "/plans/{plan}/amendments/", (302, *R_MEMBERS)),
        Row(
            "amendment-create",
            "get",
            "/plans/{plan}/amendments/new/",
            (302, 200, 200, 403, 403, 403, 404, 403),
        ),
        Row(
            "amendment-create",
            "post",
            "/plans/{plan}/amendments/new/",
            (302, 400, 400, 403, 403, 403, 404, 403),
            data={},
        ),
        Row("amendment-detail", "get", "/amendments/{amendment}/", (302, *R_MEMBERS)),
        Row(
            "amendment-edit",
            "get",
            "/amendments/{amendment}/edit/",
            (302, 200, 403, 403, 403, 403, 404, 403),
        ),
        Row(
            "amendment-action",
            "post",
            "/amendments/{amendment}/submit/",
            (302, 302, 403, 403, 403, 403, 404, 403),
            data={},
        ),
        Row(
            "amendment-action",
            "post",
            "/amendments/{amendment}/approve/",
            (302, 403, 302, 403, 403, 403, 404, 403),
            data={},
        ),
        Row(
            "amendment-return",
            "post",
            "/amendments/{amendment}/return/",
            (302, 403, 400, 403, 403, 403, 404, 403),
            data={},
        ),
        Row("plan-version-list", "get", "/plans/{plan}/versions/", (302, *R_MEMBERS)),
        Row("plan-version", "get", "/plans/{plan}/versions/1/", (302, *R_MEMBERS)),
        Row(
            "plan-version-compare",
            "get",
            "/plans/{plan}/versions/compare/?a=1&b=1",
            (302, *R_MEMBERS),
        ),
        Row("consolidated-plan-pdf", "get", "/plans/{plan}/consolidated.pdf", (302, *R_MEMBERS)),
        # The plan's life: coordinators decide; a renewal draft is theirs only until published.
        Row("plan-renew", "get", "/plans/{plan}/renew/", (302, 200, 200, 403, 403, 403, 404, 200)),
        Row(
            "plan-renew",
            "post",
            "/plans/{plan}/renew/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        # Not evaluated: refused with a message, back to the plan.
        Row(
            "plan-conclude",
            "post",
            "/plans/{plan}/conclude/",
            (302, 302, 302, 403, 403, 403, 404, 302),
            data={},
        ),
        Row(
            "renewal-draft",
            "get",
            "/plans/{draft}/renewal/",
            (302, 200, 200, 404, 404, 404, 404, 200),
        ),
        Row(
            "renewal-draft",
            "get",
            "/plans/{plan}/renewal/",
            (302, 404, 404, 404, 404, 404, 404, 404),
        ),
        # An administrator is no side of the partnership: refused.
        Row(
            "renewal-approve",
            "post",
            "/plans/{draft}/approve/",
            (302, 302, 302, 404, 404, 404, 404, 400),
            data={},
        ),
        Row(
            "renewal-approve",
            "post",
            "/plans/{plan}/approve/",
            (302, 404, 404, 403, 403, 403, 404, 404),
            data={},
        ),
        Row(
            "plan-move-activities",
            "get",
            "/plans/{plan}/move-activities/",
            (302, 200, 200, 403, 403, 403, 404, 200),
        ),
        Row(
            "plan-move-activities",
            "post",
            "/plans/{plan}/move-activities/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        # Drafting a plan from its text: coordinators (and administrators) only.
        Row("plan-draft-list", "get", "/plan-drafts/", (302, 200, 200, 403, 403, 403, 200, 200)),
        Row(
            "plan-draft-list",
            "post",
            "/plan-drafts/",
            (302, 400, 400, 403, 403, 403, 400, 400),
            data={},
        ),
        Row(
            "plan-draft-detail",
            "get",
            "/plan-drafts/{plan_draft}/",
            (302, 200, 200, 403, 403, 403, 404, 200),
        ),
        Row(
            "plan-draft-detail",
            "post",
            "/plan-drafts/{plan_draft}/",
            (302, 400, 400, 403, 403, 403, 404, 400),
            data={},
        ),
        Row(
            "plan-draft-publish",
            "post",
            "/plan-drafts/{plan_draft}/publish/",
            (302, 302, 302, 403, 403, 403, 404, 302),
            data={},
        ),
        Row(
            "plan-draft-toml",
            "get",
            "/plan-drafts/{plan_draft}/draft.toml",
            (302, 200, 200, 403, 403, 403, 404, 200),
        ),
        Row(
            "plan-draft-delete",
            "post",
            "/plan-drafts/{plan_draft}/delete/",
            (302, 302, 302, 403, 403, 403, 404, 302),
            data={},
        ),
        Row(
            "set_language",
            "post",
            "/i18n/setlang/",
            (302, 302, 302, 302, 302, 302, 302, 302),
            data={"language": "zh-hans", "next": "/"},
        ),
    ]


def _done_report(plan):
    """A finished progress report of ``plan`` with a small stand-in file."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports.models import ProgressReport

    report = ProgressReport(
        plan=plan,
        language="en",
        as_of=datetime.date(2021, 12, 31),
        status="done",
        sha256="0" * 64,
        size=9,
        page_count=1,
        finished_at=timezone.now(),
    )
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    report.save()
    return report


def _draft_amendment(world):
    from tests.cooperation.amendment_helpers import draft

    return draft(world)


ROWS = _rows()
CASES = [(row, role, row.expected[i]) for row in ROWS for i, role in enumerate(ROLES)]


def makers_of(world) -> dict:
    # Made only when the row's path names them: a file, a token or a feed costs a write.
    return {
        "plan": lambda: world.plan.pk,
        "other_plan": lambda: world.other_plan.pk,
        "theme": lambda: world.themes[0].pk,
        "other_theme": lambda: world.other_theme.pk,
        "activity": lambda: world.hki_activity.pk,
        "bj_activity": lambda: world.bj_activity.pk,
        "other_activity": lambda: world.other_activity.pk,
        "event": lambda: world.event.pk,
        "review": lambda: world.review.pk,
        "agency": lambda: world.hki_agency.pk,
        "evidence": lambda: EvidenceFactory(activity=world.hki_activity).pk,
        "item": lambda: ProgrammeItemFactory(event=world.event).pk,
        "report": lambda: _done_report(world.plan).pk,
        "amendment": lambda: _draft_amendment(world).pk,
        "token": lambda: ApiToken.issue(user=world.hki_coordinator, name="script")[0].pk,
        "hki_staff_user": lambda: world.hki_staff.pk,
        "feed": lambda: CalendarFeed.issue(user=world.hki_coordinator)[1],
        "public": lambda: switch_public_page(user=SYSTEM, plan=world.plan, enabled=True).slug,
        "plan_draft": lambda: (
            PlanDraft.objects.create(
                partnership=world.partnership, source_name="plan.txt", source_text="A plan."
            ).pk
        ),
        "draft": lambda: (
            ActionPlanFactory(
                partnership=world.partnership,
                status="draft",
                period_start_year=2024,
                period_end_year=2028,
                renewal_of=world.plan,
            ).pk
        ),
    }


@pytest.mark.parametrize(
    ("row", "role", "expected"),
    CASES,
    ids=[f"{r.method}-{r.path}-{role}" for r, role, _ in CASES],
)
def test_every_url_for_every_role(world, client_for, row, role, expected):
    makers = makers_of(world)
    named = {name for _text, name, _spec, _conv in string.Formatter().parse(row.path) if name}
    user = None if role == "anonymous" else getattr(world, role)
    client = client_for(user)
    path = row.path.format(**{name: makers[name]() for name in named})
    call = getattr(client, row.method)
    response = call(path, row.data) if row.method == "post" else call(path)
    assert response.status_code == expected, (path, role, response.status_code)
    if role == "anonymous" and expected == 302 and row.name not in {"logout", "set_language"}:
        assert response["Location"].startswith("/accounts/login/")


def test_the_matrix_names_every_url():
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                # The two admin sites have their own tests (test_plan_admin.py); the REST API
                # has its own matrix of every endpoint × method × role (tests/api/).
                if getattr(pattern, "namespace", None) not in {"admin", "manage", "api"}:
                    walk(pattern.url_patterns)
            elif pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    assert names == {row.name for row in ROWS}
