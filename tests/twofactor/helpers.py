"""Shared by the two-factor tests: a set-up authenticator, its codes, and logging in."""

from __future__ import annotations

import time

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from twofactor import services


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """``user`` with a confirmed authenticator and ten recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, services._new_codes(user)


def code(device: TOTPDevice, steps: int = 0) -> str:
    """The app's code now, or ``steps`` time steps on (each code is accepted only once, and
    only a later one after it: ``steps`` gives a fresh one within the allowed drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def password_step(client, user, next_url: str = ""):
    data = {"username": user.get_username(), "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def second_step(client, value: str, *, recovery: bool = False):
    page = "twofactor-recovery" if recovery else "twofactor-verify"
    return client.post(reverse(page), {"code": value})
