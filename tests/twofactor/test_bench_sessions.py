"""The benchmark runs with DEBUG off (two-factor login required): its sessions are made as
after the second step, so that it measures the pages and not the redirect to that step."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from bench import seed
from bench.cli import credentials
from partners.models import Role
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_benchmarks_sessions_are_not_held(world, required):
    coordinator = UserFactory(username=seed.COORDINATOR)
    ProfileFactory(user=coordinator, city=world.helsinki, role=Role.COORDINATOR)
    superuser = UserFactory(username=seed.SUPERUSER, is_superuser=True, is_staff=True)
    headers = credentials({seed.COORDINATOR: coordinator, seed.SUPERUSER: superuser})
    for username, url in ((seed.COORDINATOR, "/profile/"), (seed.SUPERUSER, "/admin/")):
        client = Client()
        cookie = headers[username]["Cookie"].split("=", 1)[1]
        client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
        assert client.get(url).status_code == 200, username
    assert headers["api"]["Authorization"].startswith("Bearer ")
