"""The first hour, in Chromium: `make run`'s portal (scripts/run_all.py on its embedded
defaults, tests/run/portal.py) from the login its last lines describe to a report made in the
background, a reminder in the mail folder, the portal's own 404 and one Ctrl-C; then the
fixes of issue 12 that only a browser shows (the error summary's focus and scrolling, times
in the reader's zone in words, a note in one language marked), against the live server."""

import re
import shutil

import pytest

from cooperation.models import Activity
from tests.e2e.conftest import CHROMIUM, load_demo_site, log_in
from tests.run.portal import REMINDER_TEXT, WORK_SECONDS, running_portal, until

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]

PASSWORD = "demo-pass-first-hour-1"

# An element is in view: its top inside the window and its middle not covered by another.
IN_VIEW = """(el) => { const box = el.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + 10);
    return box.top > -1 && box.top < window.innerHeight && el.contains(hit); }"""


def test_the_first_hour_of_make_run(tmp_path, browser_page):
    page = browser_page
    with running_portal(tmp_path, PASSWORD) as portal:
        base = portal.base
        # On embedded defaults: the broker in files under RUN_DIR, the mail folder beside it.
        started = portal.output.read_text()
        assert f"Tasks wait in {tmp_path / 'var' / 'broker'}" in started
        assert f"files in {portal.mail}" in started
        # The password the last line gives is the one that works.
        assert portal.password() == PASSWORD
        log_in(page, base, "helsinki-coordinator", portal.password())
        # Home: the plan, which says its period has ended.
        assert "period ended on" in page.inner_text("main")

        # The report is asked for on its page, and the request returns before it is made.
        page.goto(f"{base}/reports/")
        page.select_option("select[name=language]", "en")
        page.fill("input[name=as_of]", "2023-12-31")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/reports/\d+/$"))
        progress = page.inner_text("#progress-heading + p")
        assert "This page reloads itself" in progress, progress
        # The page reloads itself until the worker has made it.
        page.wait_for_selector(
            "text=The report is ready", timeout=WORK_SECONDS * 1000, state="attached"
        )
        assert "could not be made" not in page.inner_text("main")
        with page.expect_download() as download:
            page.click("text=Download the PDF")
        with open(download.value.path(), "rb") as fh:
            assert fh.read(5) == b"%PDF-"

        # A reminder due goes through the embedded broker to the worker and the mail folder,
        # its link on the port the portal runs on.
        portal.send_reminders()
        mail = until(lambda: portal.mail_saying(REMINDER_TEXT), WORK_SECONDS, "reminder mail")
        assert f"{base}/reviews/" in mail

        # DEBUG is off: the portal's own 404 page, not Django's debug page.
        response = page.goto(f"{base}/activities/999999/")
        assert response.status == 404
        assert page.locator("header.site-header").is_visible()
        text = page.inner_text("body")
        assert "Traceback" not in text and "URLconf" not in text
    # Leaving running_portal pressed Ctrl-C: the script exited 0 and its web server, worker
    # and beat process groups are gone.


def _change_status(base, page, note: str = "") -> Activity:
    """As the Helsinki coordinator, move a demo activity on to its next status with ``note``
    in English (none: the save fails)."""
    log_in(page, base, "helsinki-coordinator")
    for activity in Activity.objects.filter(status__in=["planned", "in_progress"]).order_by("pk"):
        page.goto(f"{base}/activities/{activity.pk}/")
        if page.locator("form.status-form").count():
            break
    else:
        raise AssertionError("no activity with a status form")
    target = page.locator("select[name=to_status] option:not([value=''])").first
    page.select_option("select[name=to_status]", target.get_attribute("value"))
    page.fill("textarea[name=note_en]", note)
    page.click("form.status-form button[type=submit]")
    return activity


@pytest.fixture
def demo(live_server, browser_page, settings):
    """The live server with the demo site, and the browser's page."""
    load_demo_site(settings)
    return live_server.url, browser_page


@pytest.mark.clock
@pytest.mark.django_db(transaction=True)
def test_after_a_failed_save_the_error_summary_is_focused_and_in_view(demo):
    base, page = demo
    page.set_viewport_size({"width": 1280, "height": 700})
    # A new status without a note in either language: refused.
    _change_status(base, page)
    page.wait_for_selector("[data-error-summary]")

    summary = page.locator("[data-error-summary]")
    # portal.js focuses it once the page has loaded (a deferred script): wait for that, a
    # failing test if it never happens.
    page.wait_for_function(
        "document.activeElement && document.activeElement.hasAttribute('data-error-summary')",
        timeout=15000,
    )
    assert "There is a problem" in summary.inner_text()
    # Scrolled to: at the top of the window (to the subpixel), and not under anything.
    assert summary.evaluate(IN_VIEW)

    # Its link takes the focus to the field in error, and shows it.
    summary.locator("a[href='#id_note_en']").click()
    assert page.evaluate("document.activeElement.id") == "id_note_en"
    assert page.locator("#id_note_en").evaluate(IN_VIEW)
    assert page.locator("#id_note_en").get_attribute("aria-invalid") == "true"


@pytest.mark.clock
@pytest.mark.django_db(transaction=True)
def test_a_beijing_reader_sees_beijing_time_and_a_note_marked_english(demo):
    base, page = demo
    # A note written in English only.
    note = "Kick-off held in Helsinki, notes in English only."
    activity = _change_status(base, page, note)
    page.wait_for_selector(f"ol.timeline >> text={note}")

    # The Beijing coordinator reads the page in Chinese.
    log_in(page, base, "beijing-coordinator")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page.goto(f"{base}/activities/{activity.pk}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # Every time of the timeline is Beijing time, said in words.
    zones = page.locator("ol.timeline .time-zone").all_inner_texts()
    assert zones and set(zones) == {"北京时间"}, zones
    stamps = page.locator("ol.timeline time").evaluate_all(
        "els => els.map((el) => el.getAttribute('datetime'))"
    )
    assert all(stamp.endswith("+08:00") for stamp in stamps), stamps
    assert "Asia/Shanghai" not in page.inner_text("body")

    # The English-only note is shown, tagged as English and marked so for a Chinese reader.
    shown = page.locator("ol.timeline p.note span[lang=en]", has_text=note)
    assert shown.is_visible()
    mark = shown.locator("xpath=following-sibling::span[@class='fallback']")
    assert mark.inner_text() == "English" and mark.is_visible()
