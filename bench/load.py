"""``python -m bench.load``: a bounded load test on loopback (issue 13).

Prepares a database with the demo data ``make run`` loads (DATABASE_URL, default
``sistercity_load`` on the local PostgreSQL), serves it with gunicorn on a free 127.0.0.1 port
with config/gunicorn.conf.py (the same settings as ``make run`` and the image), and runs Locust
headless against it: ``--users`` simulated people (at most 200) for ``--duration`` seconds (at
most 600), each reading pages and the API with 1–3 s between requests (bench/locustfile.py).
Prints the client-side figures per request type (Locust) and the server-side ones (gunicorn's
access log), the load average before and after. ``--worker-class``, ``--workers`` and
``--threads`` override the config file to compare settings. Not part of the test suite: the
figures depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.cli import check_database_url, ensure_postgres_database
from bench.measure import load_average

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sistercity_load"
MEMBER = "helsinki-coordinator"
MAX_USERS, MAX_SECONDS = 200, 600


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", type=int, default=50, help=f"at most {MAX_USERS}")
    parser.add_argument("--duration", type=int, default=60, help=f"seconds, at most {MAX_SECONDS}")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], help="default: config")
    parser.add_argument("--workers", type=int, help="default: config (CPUs + 1)")
    parser.add_argument("--threads", type=int, help="default: config (4)")
    parser.add_argument("--skip-prepare", action="store_true", help="the data is loaded already")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS:
        parser.error(f"--users must be between 1 and {MAX_USERS}")
    if not 1 <= args.duration <= MAX_SECONDS:
        parser.error(f"--duration must be between 1 and {MAX_SECONDS}")
    if args.spawn_rate <= 0:
        parser.error("--spawn-rate must be positive")
    return args


def configure_environment() -> str:
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    check_database_url(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    # The demo users get a password (never used: sessions are made directly), no file.
    os.environ.setdefault("DEMO_PASSWORD", secrets.token_urlsafe(24))
    os.environ.setdefault("CONN_MAX_AGE", "60")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return url


def prepare() -> None:
    """What ``make run`` loads: the plan, the demo users and their data (each step idempotent)."""
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_action_plan", verbosity=0)
    call_command("create_demo_users", "--force", verbosity=0)
    call_command("load_demo_data", verbosity=0)


def setup() -> dict:
    """The session cookie, API token and paths the simulated people use."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from api import secrets as api_secrets
    from api.models import ApiToken
    from cooperation.models import Activity, Theme
    from public.models import PublicPage

    member = get_user_model().objects.get(username=MEMBER)
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    for token in ApiToken.objects.active().filter(user=member):
        api_secrets.revoke_token(user=member, token=token)
    _token, key = api_secrets.issue_token(user=member, name="load test")
    activity = Activity.objects.order_by("pk")
    plan_id = activity.values_list("theme__plan_id", flat=True).first()
    public = PublicPage.objects.order_by("pk").first()
    return {
        "cookie": f"{settings.SESSION_COOKIE_NAME}="
        f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "token": key,
        "dashboard": f"/plans/{plan_id}/",
        "activities": list(activity.values_list("pk", flat=True)[:100]),
        "themes": list(Theme.objects.filter(plan_id=plan_id).values_list("pk", flat=True)),
        "public": public.get_absolute_url() if public else "",
    }


def check_paths(port: int, data: dict) -> None:
    """Every kind of page answers 200 before the run: a login page is no measurement."""
    paths = [data["dashboard"], "/activities/", f"/activities/{data['activities'][0]}/"]
    for path in paths:
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"http://127.0.0.1:{port}{path}", headers={"Cookie": data["cookie"]}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            if response.status != 200 or "/accounts/login" in response.url:
                raise SystemExit(f"{path} answered {response.status} ({response.url})")
    if data["public"]:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{data['public']}", timeout=60)  # noqa: S310
        except OSError:
            data["public"] = ""  # not published in this data


def gunicorn_args(args, access_log: Path) -> list[str]:
    extra = ["--access-logfile", str(access_log), "--access-logformat", "%(D)s %(s)s"]
    if args.worker_class:
        extra += ["--worker-class", args.worker_class]
    if args.workers:
        extra += ["--workers", str(args.workers)]
    # gunicorn runs gthread whenever threads > 1, even when asked for sync.
    threads = args.threads or (1 if args.worker_class == "sync" else None)
    if threads:
        extra += ["--threads", str(threads)]
    return extra


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def server_side(access_log: Path) -> str:
    rows = [line.split() for line in access_log.read_text().splitlines() if line.strip()]
    times = [int(r[0]) / 1000 for r in rows]
    errors = sum(1 for r in rows if r[1].startswith("5"))
    return (
        f"server side: {len(times)} requests, {errors} answered 5xx, "
        f"p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
        f"p99 {percentile(times, 0.99):.0f} ms"
    )


def client_side(prefix: str) -> list[str]:
    lines = [
        f"{'client side (Locust)':<28} {'requests':>8} {'failed':>6} {'req/s':>6} "
        f"{'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}"
    ]
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            lines.append(
                f"{row['Name']:<28} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{float(row['Requests/s']):>6.1f} {row['50%']:>6} {row['95%']:>6} "
                f"{row['99%']:>6} {float(row['Max Response Time']):>6.0f}"
            )
    return lines


def run_locust(args, port: int, data: dict, prefix: str) -> int:
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--only-summary", "--loglevel", "WARNING",
        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", f"{args.duration}s", "--stop-timeout", "10",
        "--host", f"http://127.0.0.1:{port}", "--csv", prefix,
    ]  # fmt: skip
    env = {**os.environ, "BENCH_LOAD_SETUP": json.dumps(data)}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = configure_environment()
    ensure_postgres_database(url)
    import django

    django.setup()
    from bench.server import gunicorn, server_env

    if not args.skip_prepare:
        started = time.monotonic()
        prepare()
        print(f"demo data ready in {time.monotonic() - started:.0f} s", flush=True)
    data = setup()
    with tempfile.TemporaryDirectory() as scratch:
        access_log = Path(scratch) / "access.log"
        prefix = str(Path(scratch) / "locust")
        with gunicorn(server_env(), extra=gunicorn_args(args, access_log)) as port:
            check_paths(port, data)
            access_log.write_text("")  # only the run's requests
            print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)", flush=True)
            print(
                f"{args.users} users for {args.duration} s on 127.0.0.1:{port}, gunicorn "
                f"{args.worker_class or 'config'} workers={args.workers or 'config'} "
                f"threads={args.threads or (1 if args.worker_class == 'sync' else 'config')}",
                flush=True,
            )
            code = run_locust(args, port, data, prefix)
            print(f"load average after: {load_average()}", flush=True)
        print("\n".join(client_side(prefix)))
        print(server_side(access_log))
    # Locust exits with 1 when a request failed: the figures above say which.
    return code


if __name__ == "__main__":
    sys.exit(main())
