"""The whole matrix: every URL of the portal × every role, on own and other partnerships' objects.

Each row names a URL, how to call it, and the answer each role gets:
200 a page, 302 a redirect (anonymous users: to the login page), 400 the form came back
with errors (the user may act, the empty input was refused), 403 seen but not allowed,
404 not theirs to see. A meta-test keeps the table complete: a new URL fails it until added.
"""

from dataclasses import dataclass

import pytest
from django.urls import get_resolver

from tests.factories import EvidenceFactory, ProgrammeItemFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "hki_coordinator",
    "bj_coordinator",
    "hki_staff",
    "bj_staff",
    "official",
    "outsider",
    "admin",
]


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # formatted with the objects below
    expected: tuple  # one status per role, in ROLES order
    data: dict | None = None


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
        Row(
            "set_language",
            "post",
            "/i18n/setlang/",
            (302, 302, 302, 302, 302, 302, 302, 302),
            data={"language": "zh-hans", "next": "/"},
        ),
    ]


ROWS = _rows()
CASES = [(row, role, row.expected[i]) for row in ROWS for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(
    ("row", "role", "expected"),
    CASES,
    ids=[f"{r.method}-{r.path}-{role}" for r, role, _ in CASES],
)
def test_every_url_for_every_role(world, client_for, row, role, expected):
    objects = {
        "plan": world.plan.pk,
        "other_plan": world.other_plan.pk,
        "theme": world.themes[0].pk,
        "other_theme": world.other_theme.pk,
        "activity": world.hki_activity.pk,
        "bj_activity": world.bj_activity.pk,
        "other_activity": world.other_activity.pk,
        "event": world.event.pk,
        "review": world.review.pk,
        "evidence": EvidenceFactory(activity=world.hki_activity).pk,
        "item": ProgrammeItemFactory(event=world.event).pk,
    }
    user = None if role == "anonymous" else getattr(world, role)
    client = client_for(user)
    path = row.path.format(**objects)
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
                # The two admin sites have their own tests (test_plan_admin.py).
                if getattr(pattern, "namespace", None) not in {"admin", "manage"}:
                    walk(pattern.url_patterns)
            elif pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    assert names == {row.name for row in ROWS}
