#!/usr/bin/env python3
"""`make run`: the whole portal on this machine, as a deployment runs it, until Ctrl-C.

Prepares the database (migrations, the plan, demo users and data, static files), then starts
the web server (gunicorn), a Celery worker and Celery beat, and supervises them: Ctrl-C or
SIGTERM stops all three, and when one of them stops on its own the others are stopped too.

Without settings of its own it runs on embedded defaults that need no server: SQLite, the
broker in files under RUN_DIR/broker, e-mail as files in RUN_DIR/mail, DEBUG off with a
SECRET_KEY generated once into RUN_DIR/secret-key, plain http on the loopback address.
Whatever DATABASE_URL, CELERY_BROKER_URL/REDIS_URL, EMAIL_URL etc. say is used as given.

``run_all.py --command NAME=COMMAND ...`` only supervises the given commands (the tests).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# How long the children have to stop after SIGTERM (the worker finishes the task it is on:
# a report killed halfway stays "being made") before they are killed; a second Ctrl-C kills
# them at once.
STOP_SECONDS = 60
EXAMPLE_USER = "helsinki-coordinator"


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None


def say(message: str) -> None:
    print(f"[run] {message}", flush=True)


def local_environment(environ: dict[str, str], *, port: int) -> dict[str, str]:
    """The environment of every step: the given one, with local defaults where it says
    nothing. Writes RUN_DIR's generated SECRET_KEY the first time it is needed."""
    env = dict(environ)
    env["PORT"] = str(port)
    run_dir = Path(env.setdefault("RUN_DIR", str(ROOT / "var")))
    run_dir.mkdir(parents=True, exist_ok=True)
    env.setdefault("DEBUG", "false")
    if not env.get("SECRET_KEY") and not env.get("SECRET_KEY_FILE"):
        env["SECRET_KEY_FILE"] = str(secret_key_file(run_dir))
    # Run as root (a fresh machine, a container), Celery warns after the login lines that the
    # worker should not be; the last lines must stay how to log in. The worker here takes JSON
    # only, from a folder of this machine.
    env.setdefault("PYTHONWARNINGS", "ignore:You're running the worker with superuser privileges")
    # Plain http on the loopback address: no redirect to https, cookies sent over http.
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SECURE_COOKIES", "false")
    env.setdefault("SECURE_HSTS_SECONDS", "0")
    # filemail:// and the absolute folder (config.mail).
    env.setdefault("EMAIL_URL", f"filemail://{mail_folder(run_dir).resolve()}")
    # The demo users log in with their password only: DEBUG is off, which would otherwise
    # require coordinators and administrators to set up two-factor login first.
    env.setdefault("TWO_FACTOR_REQUIRED", "false")
    return env


def two_factor_note(env: dict[str, str]) -> str:
    """Whether coordinators and administrators must use two-factor login, and how to change it."""
    if env.get("TWO_FACTOR_REQUIRED", "").strip().lower() in {"1", "true", "yes", "on"}:
        return "Two-factor login is required of coordinators and administrators."
    return (
        "Two-factor login is OFF for this demo (TWO_FACTOR_REQUIRED=false); "
        "turn it on with: TWO_FACTOR_REQUIRED=true make run"
    )


def secret_key_file(run_dir: Path) -> Path:
    """RUN_DIR/secret-key: generated once, readable by its owner only, reused on restart
    (sessions survive a restart)."""
    path = run_dir / "secret-key"
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(50) + "\n")
    return path


def mail_folder(run_dir: Path) -> Path:
    folder = run_dir / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    say(" ".join(["manage.py", *args]))
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own commands


def prepare(env: dict[str, str]) -> None:
    """Each step only adds what is missing: a restart loses and reverts nothing."""
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_action_plan")
    # DEBUG is off as in a deployment; these demo users are what this local portal is for.
    manage(env, "create_demo_users", "--force")
    manage(env, "load_demo_data")
    if static_files_outdated(env):
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    # Reminders due while the portal was not running go out now (each one only once); beat
    # sweeps again every day at 08:00.
    manage(env, "send_reminders", "--verbosity", "0")


def static_files_outdated(env: dict[str, str]) -> bool:
    """Whether collectstatic must run: compressing every file takes a minute or more, so only
    when there is no manifest yet, or the project's static files or the installed packages
    (their static files; `make` touches .venv/.installed) are newer than it."""
    manifest = Path(env.get("STATIC_ROOT") or ROOT / "staticfiles") / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = [p for p in (ROOT / "static").rglob("*") if p.is_file()]
    sources += [p for p in (Path(sys.prefix) / ".installed", ROOT / "pyproject.toml") if p.exists()]
    return any(p.stat().st_mtime > collected for p in sources)


def portal_children(port: int, env: dict[str, str]) -> list[Child]:
    celery = [sys.executable, "-m", "celery", "-A", "config", "--quiet"]
    quiet = ["--loglevel", "WARNING"]
    schedule = Path(env["RUN_DIR"]) / "celerybeat-schedule"
    web = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    # Workers, threads and timeout as in the image: config/gunicorn.conf.py.
    web += ["--config", str(ROOT / "config" / "gunicorn.conf.py"), "--log-level", "warning"]
    # One task at a time (a report lays out its parts in processes of its own).
    worker = ["worker", "--pool", "solo", "--without-gossip", "--without-mingle"]
    return [
        Child("web", web),
        Child("worker", [*celery, *worker, *quiet]),
        Child("beat", [*celery, "beat", "--schedule", str(schedule), *quiet]),
    ]


class Supervisor:
    """Starts the children, each in a process group of its own, and stops them all together."""

    def __init__(self, children: list[Child], *, env: dict[str, str] | None = None):
        self.children = children
        self.env = env
        self.stop_signal: int | None = None
        self.hurry = False

    def _on_signal(self, signum, _frame):
        if self.stop_signal is not None:
            self.hurry = True
        self.stop_signal = signum

    def start(self) -> None:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        for child in self.children:
            child.process = subprocess.Popen(  # noqa: S603 - our own commands
                child.argv, cwd=ROOT, env=self.env, start_new_session=True
            )
            say(f"started {child.name} (pid {child.process.pid})")

    def running(self) -> bool:
        return all(c.process is not None and c.process.poll() is None for c in self.children)

    def wait(self, until=None) -> int:
        """Until a signal comes or a child stops (or ``until()`` says so, for the banner):
        then stop the others. Returns the exit code for the supervisor."""
        while True:
            if self.stop_signal is not None:
                name = signal.Signals(self.stop_signal).name
                say(f"{name}: stopping {', '.join(c.name for c in self.children)}")
                self.stop()
                return 0
            for child in self.children:
                code = child.process.poll()
                if code is not None:
                    say(
                        f"{child.name} stopped (exit code {code}): stopping the others. "
                        f"Its messages above say why."
                    )
                    self.stop()
                    return code or 1
            if until is not None and until():
                return -1
            time.sleep(0.2)

    def stop(self) -> None:
        alive = [c for c in self.children if c.process and c.process.poll() is None]
        # The child itself: gunicorn and Celery stop their own workers gracefully.
        for child in alive:
            child.process.send_signal(signal.SIGTERM)
        # From now on a signal means: hurry.
        self.stop_signal = self.stop_signal or signal.SIGTERM
        deadline = time.monotonic() + STOP_SECONDS
        told = False
        while any(c.process.poll() is None for c in alive):
            if self.hurry or time.monotonic() > deadline:
                for child in alive:
                    if child.process.poll() is None:
                        say(f"{child.name} killed")
                        _signal_group(child.process, signal.SIGKILL)
                        child.process.wait()
                break
            if not told and time.monotonic() > deadline - STOP_SECONDS + 3:
                waiting = ", ".join(c.name for c in alive if c.process.poll() is None)
                say(f"waiting for {waiting} to finish (Ctrl-C again to kill)")
                told = True
            time.sleep(0.1)
        # Whatever a child started (report renderers) goes with it.
        for child in self.children:
            if child.process:
                _signal_group(child.process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def demo_password(env: dict[str, str]) -> str:
    """The password create_demo_users gave the demo users (plandata's demo_password())."""
    path = env.get("DEMO_PASSWORD_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    if env.get("DEMO_PASSWORD"):
        return env["DEMO_PASSWORD"]
    saved = ROOT / ".demo-password"
    return saved.read_text(encoding="utf-8").strip() if saved.exists() else "(see above)"


def banner(env: dict[str, str], port: int) -> None:
    url = env.get("SITE_URL") or f"http://127.0.0.1:{port}"
    email = env["EMAIL_URL"]
    mail = email.removeprefix("filemail://") if email.startswith("filemail://") else email
    mail = f"files in {mail}" if email.startswith("filemail://") else mail.split("@")[-1]
    lines = [
        "",
        f"The portal runs on {url}/ (web server, Celery worker and beat; Ctrl-C stops all).",
        f"Tasks wait in {Path(env['RUN_DIR']) / 'broker'} unless CELERY_BROKER_URL says otherwise."
        if not (env.get("CELERY_BROKER_URL") or env.get("REDIS_URL"))
        else f"Tasks go through {env.get('CELERY_BROKER_URL') or env.get('REDIS_URL')}.",
        f"E-mail goes to: {mail}",
        two_factor_note(env),
        f"Log in at {url}/ as {EXAMPLE_USER} (or another demo user listed above)",
        f"with the password: {demo_password(env)}",
    ]
    print("\n".join(lines), flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="Only supervise these commands (no preparation): for tests.",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command:
        children = []
        for item in args.command:
            name, _, command = item.partition("=")
            children.append(Child(name, shlex.split(command)))
        supervisor = Supervisor(children)
        supervisor.start()
        return supervisor.wait()

    env = local_environment(dict(os.environ), port=args.port)
    say(two_factor_note(env))
    try:
        prepare(env)
    except subprocess.CalledProcessError as exc:
        say(f"preparing the portal failed ({exc.cmd[2:]}, exit code {exc.returncode})")
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130
    if port_open(args.port):
        say(f"port {args.port} is in use already: stop what uses it or choose PORT=...")
        return 1
    supervisor = Supervisor(portal_children(args.port, env), env=env)
    supervisor.start()
    deadline = time.monotonic() + 60
    code = supervisor.wait(until=lambda: port_open(args.port) or time.monotonic() > deadline)
    if code != -1:
        return code
    banner(env, args.port)
    return supervisor.wait()


if __name__ == "__main__":
    sys.exit(main())
