"""End to end in headless Chromium: a coordinator must set up two-factor login after the
password (the key read from the page, the code computed here as an authenticator app would),
saves the recovery codes, logs out, and logs in again with password and code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import shutil
import struct
import time

import pytest

from tests.e2e.conftest import CHROMIUM
from tests.factories import PASSWORD, ProfileFactory, UserFactory

# Real clock on purpose: the server checks the code against its own time, as an app's is.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


def totp(secret_text: str, at: float) -> str:
    """RFC 6238 with the usual parameters (SHA-1, 30 s, six digits)."""
    text = secret_text.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def log_in_with_password(page, base: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", "hki-coordinator-2fa")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_set_up_then_log_in_with_the_code(live_server, browser_page, settings):
    settings.TWO_FACTOR_REQUIRED = True
    user = UserFactory(username="hki-coordinator-2fa")
    ProfileFactory(user=user)
    page = browser_page
    base = live_server.url

    log_in_with_password(page, base, "/profile/")
    page.wait_for_url(re.compile(r"/profile/two-factor/set-up/"))
    assert page.locator("img.qr-code").get_attribute("src").startswith("data:image/svg+xml")
    secret = page.locator("#twofactor-secret").inner_text()
    page.fill("input[name=code]", totp(secret, time.time()))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.click("text=I have saved them: continue")
    page.wait_for_url(re.compile(r"/profile/$"))
    assert "Your profile" in page.locator("h1").inner_text()

    page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_url(re.compile(r"/accounts/login/"))

    log_in_with_password(page, base, "/profile/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/$"))
    # A code is taken once: the next time step's (within the allowed drift) is a fresh one.
    page.fill("input[name=code]", totp(secret, time.time() + 30))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/profile/$"))
    assert "Your profile" in page.locator("h1").inner_text()
