"""What the browser tests share: Debian's Chromium driven by Playwright (``browser_page``)."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, and the test's own ORM calls are plain and short.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


DEMO_PASSWORD = "demo-pass-e2e-1"


def load_demo_site(settings, *, with_data: bool = True) -> None:
    """The signed plan, the demo users (password ``DEMO_PASSWORD``) and, ``with_data``, the
    demo activities and events."""
    from django.core.management import call_command

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_action_plan", verbosity=0)
    call_command("create_demo_users", force=True, verbosity=0)
    if with_data:
        call_command("load_demo_data", verbosity=0)


def log_in(page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the portal's login page, with fresh cookies."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
