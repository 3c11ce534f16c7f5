"""`make run` end to end: scripts/run_all.py on a free port with its own SQLite database and
run folder; a report asked for on the page returns at once and the worker makes it; a
reminder goes through the embedded broker to the mail folder; Ctrl-C stops everything."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.run.test_run_settings import REMOVED

pytestmark = pytest.mark.e2e

ROOT = Path(settings.BASE_DIR)
PASSWORD = "demo-pass-make-run-1"
# Preparing (migrations, the plan, demo data, static files the first time) on a busy machine.
START_SECONDS = 300
WORK_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _until(condition, seconds: float, what: str, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert process is None or process.poll() is None, f"run_all.py stopped before {what}"
        time.sleep(0.5)
    raise AssertionError(f"no {what} within {seconds} s")


@pytest.fixture
def portal(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in REMOVED | {"DATABASE_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        RUN_DIR=str(tmp_path / "var"),
        DEMO_PASSWORD=PASSWORD,
        MEDIA_ROOT=str(tmp_path / "media"),
        REPORT_RENDER_PROCESSES="1",
    )
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "scripts/run_all.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    output = tmp_path / "run.log"
    try:
        _until(lambda: "with the password" in output.read_text(), START_SECONDS, "start", process)
        yield port, env, tmp_path, output
        # One Ctrl-C stops the web server, the worker and beat, and nothing is left running.
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert "SIGINT: stopping web, worker, beat" in output.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        log.close()


def test_make_run_serves_reports_and_reminders_in_the_background(portal):
    requests = pytest.importorskip("requests")
    port, env, tmp_path, output = portal
    base = f"http://127.0.0.1:{port}"
    started = output.read_text()
    assert f"with the password: {PASSWORD}" in started.splitlines()[-1]
    assert f"files in {tmp_path / 'var' / 'mail'}" in started

    session = requests.Session()
    session.get(f"{base}/accounts/login/").raise_for_status()
    login = session.post(
        f"{base}/accounts/login/",
        data={
            "username": "helsinki-coordinator",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
    )
    assert "/accounts/login/" not in login.url, "login failed"

    # DEBUG is off: the portal's own 404, and static files through whitenoise.
    missing = session.get(f"{base}/activities/9999/")
    assert missing.status_code == 404 and 'class="site-header"' in missing.text
    assert "Traceback" not in missing.text
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', missing.text)
    assert session.get(base + stylesheet.group(1)).status_code == 200

    form = session.get(f"{base}/reports/").text
    plan = re.search(r'<option value="(\d+)"[^>]*selected', form).group(1)
    asked = session.post(
        f"{base}/reports/",
        data={
            "plan": plan,
            "theme": "",
            "language": "en",
            "as_of": "2023-12-31",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
    )
    assert re.search(r"/reports/\d+/$", asked.url), asked.text[:2000]
    # The request returned before the report was made: the worker makes it.
    assert "This page reloads itself" in asked.text

    def done():
        page = session.get(asked.url).text
        assert "could not be made" not in page, page
        return "The report is ready" in page

    _until(done, WORK_SECONDS, "finished report")

    # A reminder goes through the broker to the worker, and out to the mail folder.
    subprocess.run(
        # 90 days before the evaluation's due date (31 December 2022; the demo's mid-term
        # review is completed, so it has no reminders).
        [sys.executable, "manage.py", "send_reminders", "--today", "2022-10-02"],
        cwd=ROOT,
        env={**env, "DEBUG": "false", "SECRET_KEY": "x" * 60, "PORT": str(port)},
        check=True,
        capture_output=True,
    )
    mail = tmp_path / "var" / "mail"

    def reminder():
        return any("Evaluation" in p.read_text() for p in mail.glob("*.log"))

    _until(reminder, WORK_SECONDS, "reminder in the mail folder")
    assert f"http://127.0.0.1:{port}/" in "".join(p.read_text() for p in mail.glob("*.log"))
