"""`make run` end to end: scripts/run_all.py on a free port with its own SQLite database and
run folder; a report asked for on the page returns at once and the worker makes it; a
reminder goes through the embedded broker to the mail folder; Ctrl-C stops everything
(tests/run/portal.py; tests/e2e/test_first_hour.py does the same in Chromium)."""

import re

import pytest

from tests.run.portal import REMINDER_TEXT, WORK_SECONDS, running_portal, until

pytestmark = pytest.mark.e2e

PASSWORD = "demo-pass-make-run-1"


@pytest.fixture
def portal(tmp_path):
    with running_portal(tmp_path, PASSWORD) as portal:
        yield portal


def test_make_run_serves_reports_and_reminders_in_the_background(portal):
    requests = pytest.importorskip("requests")
    base = portal.base
    started = portal.output.read_text()
    assert f"with the password: {PASSWORD}" in started.splitlines()[-1]
    assert f"files in {portal.mail}" in started

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

    until(done, WORK_SECONDS, "finished report")

    # A reminder goes through the broker to the worker, and out to the mail folder.
    portal.send_reminders()

    mail = until(lambda: portal.mail_saying(REMINDER_TEXT), WORK_SECONDS, "reminder in the mail")
    assert f"http://127.0.0.1:{portal.port}/reviews/" in mail
