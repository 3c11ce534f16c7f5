"""``python -m bench``: seed, serve with gunicorn, and print issue 11's table as interleaved
ratios. See bench/README.md."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sistercity_bench"
GROUPS = ("pages", "api", "pdf")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Seed the configured database (DATABASE_URL, default "
            f"{DEFAULT_DATABASE_URL}), serve the portal with gunicorn "
            "(config/gunicorn.conf.py, DEBUG off) and print issue 11's rows as interleaved "
            "ratios with medians."
        ),
    )
    parser.add_argument("--activities", type=int, default=10000, help="activities to seed")
    parser.add_argument("--rounds", type=int, default=15, help="measured pairs per HTTP row")
    parser.add_argument("--pdf-rounds", type=int, default=3, help="measured pairs per PDF row")
    parser.add_argument("--pdf-activities", type=int, default=500)
    parser.add_argument("--memory-activities", type=int, default=2000)
    parser.add_argument(
        "--only", default=",".join(GROUPS), help="groups to run, e.g. pages,api (default: all)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 1,000 activities, 3 pairs a row, a 50/100-activity PDF",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="seed into a database that holds other (non-benchmark) data",
    )
    args = parser.parse_args(argv)
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown or not groups:
        parser.error(f"--only takes {', '.join(GROUPS)}, not {', '.join(unknown) or 'nothing'}")
    args.groups = groups
    if args.quick:
        args.activities, args.rounds, args.pdf_rounds = 1000, 3, 1
        args.pdf_activities, args.memory_activities = 50, 100
    if min(args.activities, args.rounds, args.pdf_rounds, args.pdf_activities) < 1:
        parser.error("sizes and rounds must be at least 1")
    if args.activities < 10:
        parser.error("--activities must be at least 10 (one per theme)")
    args.memory_activities = max(args.memory_activities, args.pdf_activities)
    return args


def check_database_url(url: str) -> None:
    """Refuse the project's own SQLite database: the benchmark deletes and bulk-loads."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        path = parsed.path[1:] if parsed.path.startswith("//") else parsed.path
        if path and Path(path).resolve() == (ROOT / "db.sqlite3").resolve():
            raise SystemExit("refusing to seed the project's db.sqlite3: set DATABASE_URL")


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist yet."""
    parsed = urllib.parse.urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def configure_environment() -> str:
    """The environment of this process and of gunicorn: bench settings, DEBUG off."""
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    check_database_url(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", os.urandom(32).hex())
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return url


def credentials(users: dict) -> dict[str, dict[str, str]]:
    """Request headers of real sign-ins: a session cookie for the coordinator (portal pages)
    and the superuser (admin), and a fresh API token of the coordinator."""
    from django.conf import settings
    from django.test import Client

    from api import secrets
    from api.models import ApiToken
    from bench import seed
    from twofactor import services as twofactor

    headers = {}
    for username in (seed.COORDINATOR, seed.SUPERUSER):
        client = Client()
        client.force_login(users[username], backend="django.contrib.auth.backends.ModelBackend")
        # As after the login's second step (DEBUG is off: two-factor login is required of
        # both), else every measured page would be the redirect to it.
        session = client.session
        twofactor.mark_session_verified(session)
        session.save()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers[username] = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
    coordinator = users[seed.COORDINATOR]
    # Earlier runs' tokens: a person may hold only 20.
    for token in ApiToken.objects.active().filter(user=coordinator):
        secrets.revoke_token(user=coordinator, token=token)
    _token, key = secrets.issue_token(user=coordinator, name="benchmark")
    headers["api"] = {"Authorization": f"Bearer {key}"}
    return headers


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = configure_environment()
    started = time.monotonic()
    from bench.measure import HEADER, load_average

    print(f"load average before: {load_average()}  ({os.cpu_count()} CPUs)", flush=True)
    print(HEADER, flush=True)
    if "pages" in args.groups or "api" in args.groups:
        ensure_postgres_database(url)
        import django

        django.setup()
        from bench import http_rows, seed

        if seed.holds_other_data() and not args.force:
            print(
                "refusing: this database holds data that the benchmark did not seed "
                "(no bench_seed_marker). Point DATABASE_URL at another database, or --force.",
                file=sys.stderr,
            )
            return 2
        step = time.monotonic()
        result = seed.seed(args.activities)
        print(
            f"seed: {result.activities} activities ({result.big_theme_activities} in the "
            f"theme-page theme), {result.status_updates} status updates, "
            f"{'reused' if result.reused else 'created'} in {time.monotonic() - step:.0f} s",
            flush=True,
        )
        from django.contrib.auth import get_user_model

        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=[seed.COORDINATOR, seed.STAFF, seed.SUPERUSER]
            )
        }
        http_rows.run(result, credentials(users), args)
    if "pdf" in args.groups:
        # Its own process and scratch database: see bench/pdf.py.
        command = [
            sys.executable,
            "-m",
            "bench.pdf",
            f"--activities={args.pdf_activities}",
            f"--memory-activities={args.memory_activities}",
            f"--rounds={args.pdf_rounds}",
            f"--warmup={0 if args.quick else 1}",
        ]
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own argv
    print(
        f"load average after: {load_average()}; the run took {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return 0
