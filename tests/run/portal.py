"""What the `make run` tests share: scripts/run_all.py started as `make run` starts it, on a
free port with its own SQLite database and run folder and on the embedded defaults (the
broker, the mail folder and the secret key under RUN_DIR, whatever CI's environment says),
stopped with one Ctrl-C; and a reminder sent through it to the mail folder."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.run.test_run_settings import REMOVED

ROOT = Path(settings.BASE_DIR)
# Preparing (migrations, the plan, demo data, static files the first time) on a busy machine.
START_SECONDS = 300
WORK_SECONDS = 60
# A day a reminder is due in the demo plan: 30 days before its evaluation's due date (the
# mid-term review is completed; the sweep at start sends the evaluation's "overdue" one).
REMINDER_DAY = "2022-12-01"
REMINDER_TEXT = "is due on 31 December 2022, in 30 days"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def until(condition, seconds: float, what: str, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert process is None or process.poll() is None, f"run_all.py stopped before {what}"
        time.sleep(0.5)
    raise AssertionError(f"no {what} within {seconds} s")


@dataclass
class Portal:
    port: int
    env: dict[str, str]
    tmp_path: Path
    output: Path
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mail(self) -> Path:
        return self.tmp_path / "var" / "mail"

    def password(self) -> str:
        """The password the script's last line says to log in with."""
        last = self.output.read_text().splitlines()[-1]
        return re.search(r"with the password: (\S+)", last).group(1)

    def children(self) -> dict[str, int]:
        """The web server, worker and beat, each the leader of its own process group."""
        found = re.findall(r"started (\w+) \(pid (\d+)\)", self.output.read_text())
        return {name: int(pid) for name, pid in found}

    def send_reminders(self, today: str = REMINDER_DAY) -> None:
        """Run `manage.py send_reminders` against the portal's database and broker: the
        reminders go through the broker to its worker."""
        subprocess.run(
            [sys.executable, "manage.py", "send_reminders", "--today", today],
            cwd=ROOT,
            env={**self.env, "DEBUG": "false", "SECRET_KEY": "x" * 60, "PORT": str(self.port)},
            check=True,
            capture_output=True,
        )

    def mail_saying(self, text: str) -> str:
        """The first mail file that says ``text``, or ""."""
        mails = (p.read_text() for p in sorted(self.mail.glob("*.log")))
        return next((mail for mail in mails if text in mail), "")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def running_portal(tmp_path: Path, password: str):
    """scripts/run_all.py until it says how to log in; on leaving, one Ctrl-C must stop it
    (exit code 0) and every process group it started."""
    port = free_port()
    # The embedded defaults: none of the servers CI may name (Redis, PostgreSQL, a broker).
    env = {k: v for k, v in os.environ.items() if k not in REMOVED | {"DATABASE_URL"}}
    # The portal runs on the real clock even when the suite runs under faketime: gunicorn
    # times its workers out by comparing the clock with a file's real change time, and a
    # faked clock hours ahead made it kill them as they started.
    for name in [k for k in env if k.startswith("FAKETIME") or k == "DONT_FAKE_MONOTONIC"]:
        del env[name]
    preload = [p for p in env.pop("LD_PRELOAD", "").split() if "faketime" not in p]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        RUN_DIR=str(tmp_path / "var"),
        DEMO_PASSWORD=password,
        MEDIA_ROOT=str(tmp_path / "media"),
        REPORT_RENDER_PROCESSES="1",
    )
    output = tmp_path / "run.log"
    log = output.open("w")
    process = subprocess.Popen(
        [sys.executable, "scripts/run_all.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    portal = Portal(port, env, tmp_path, output, process)
    try:
        until(lambda: "with the password" in output.read_text(), START_SECONDS, "start", process)
        # gunicorn's workers load the portal on their first request: on a loaded machine that
        # took longer than a browser's page load is given. Warm both before the test begins.
        until(lambda: _answers(f"{portal.base}/accounts/login/"), START_SECONDS, "login page")
        until(lambda: _answers(f"{portal.base}/accounts/login/"), START_SECONDS, "login page")
        yield portal
        children = portal.children()
        assert set(children) == {"web", "worker", "beat"}, children
        # One Ctrl-C stops the web server, the worker and beat, and nothing is left running.
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0, output.read_text()[-2000:]
        assert "SIGINT: stopping web, worker, beat" in output.read_text()
        until(
            lambda: not any(group_alive(pid) for pid in children.values()),
            10,
            "end of every child process",
        )
    finally:
        # A test that failed halfway leaves nothing running either.
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=60)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        for pid in portal.children().values():
            if group_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
        log.close()
