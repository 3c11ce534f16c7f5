"""The HTTP rows of the table (pages and API), measured against the gunicorn server."""

from __future__ import annotations

import urllib.parse

from bench import seed
from bench.measure import HttpClient, Row, UnexpectedAnswer, interleave
from bench.server import gunicorn, server_env
from bench.urls import HELLO_HTML_PATH, HELLO_JSON_PATH

ADMIN_CHANGELIST = "/admin/cooperation/activity/"
# Any single row may take at most this long (the theme page at 10,000 activities is the
# slowest): the whole run stays within about ten minutes.
ROW_BUDGET_SECONDS = 60


def paths(result: seed.SeedResult) -> dict[str, str]:
    from cooperation.models import Activity

    # An activity of the big theme with status updates: a typical, not an empty, page.
    activity = (
        Activity.objects.filter(theme_id=result.big_theme_id, status_updates__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "dashboard": f"/plans/{result.plan_id}/",
        "activity list": "/activities/",
        "activity page": f"/activities/{activity}/",
        "theme page": f"/themes/{result.big_theme_id}/",
        "activity": str(activity),
    }


def _quote(term: str) -> str:
    return urllib.parse.quote(term)


def _measure(row: Row, target, reference, args) -> Row:
    try:
        interleave(row, target, reference, rounds=args.rounds, budget_seconds=ROW_BUDGET_SECONDS)
    except UnexpectedAnswer as exc:
        row.target_ms.clear()
        row.reference_ms.clear()
        row.note = f"({exc})"
    print(row.line(), flush=True)
    return row


def run(result: seed.SeedResult, headers: dict[str, dict[str, str]], args) -> list[Row]:
    env = server_env()
    rows = []
    with gunicorn(env) as port:
        client = HttpClient(port)
        coordinator = headers[seed.COORDINATOR]
        admin = headers[seed.SUPERUSER]
        api = headers["api"]
        where = paths(result)
        changelist = client.timer(ADMIN_CHANGELIST, admin)
        print(f"gunicorn on 127.0.0.1:{port} (config/gunicorn.conf.py), DEBUG off", flush=True)
        if "pages" in args.groups:
            size = len(client.get(where["theme page"], coordinator).body) / 1024
            for label in ("dashboard", "activity list", "activity page"):
                row = Row(label, "admin changelist of activities")
                rows.append(
                    _measure(row, client.timer(where[label], coordinator), changelist, args)
                )
            row = Row(
                f"theme page ({result.big_theme_activities} activities, {size:.0f} KiB)",
                "admin changelist",
            )
            rows.append(
                _measure(row, client.timer(where["theme page"], coordinator), changelist, args)
            )
            for term in seed.SEARCH_TERMS:
                row = Row(f"activity list ?text={term}", f"admin changelist ?q={term}")
                target = client.timer(f"/activities/?text={_quote(term)}", coordinator)
                reference = client.timer(f"{ADMIN_CHANGELIST}?q={_quote(term)}", admin)
                rows.append(_measure(row, target, reference, args))
            row = Row("(floor) admin changelist", "hello-world HTML view")
            rows.append(_measure(row, changelist, client.timer(HELLO_HTML_PATH), args))
        if "api" in args.groups:
            hello = client.timer(HELLO_JSON_PATH)
            row = Row("GET /api/v1/activities/ (50 a page)", "hello-world JSON view", speed=True)
            rows.append(_measure(row, client.timer("/api/v1/activities/", api), hello, args))
            row = Row("GET /api/v1/activities/{id}/", "hello-world JSON view", speed=True)
            detail = f"/api/v1/activities/{where['activity']}/"
            rows.append(_measure(row, client.timer(detail, api), hello, args))
            row = Row("same list with If-None-Match (304)", "hello-world JSON view", speed=True)
            etag = client.get("/api/v1/activities/", api).headers.get("etag")
            if etag:
                conditional = client.timer(
                    "/api/v1/activities/", {**api, "If-None-Match": etag}, expect=304
                )
                rows.append(_measure(row, conditional, hello, args))
            else:
                row.note = "no ETag"
                print(row.line(), flush=True)
                rows.append(row)
    return rows
