"""Dates, numbers and currency follow the page's language."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from tests.factories import FundingFactory

pytestmark = pytest.mark.django_db


def _page(client, path, language):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path).content.decode()


def test_chinese_pages_write_dates_the_chinese_way(world, client_for):
    activity = world.hki_activity
    activity.planned_start = datetime.date(2021, 12, 31)
    activity.planned_end = datetime.date(2022, 6, 30)
    activity.save(update_fields=["planned_start", "planned_end"])
    client = client_for(world.bj_coordinator)
    assert "2021年12月31日" in _page(client, f"/activities/{activity.pk}/", "zh-hans")
    english = _page(client, f"/activities/{activity.pk}/", "en")
    assert "2021年12月31日" not in english and "2021" in english


def test_amounts_are_grouped_as_the_language_does(world, client_for):
    FundingFactory(activity=world.hki_activity, amount=Decimal("1234567.5"), currency="CNY")
    client = client_for(world.hki_coordinator)
    path = f"/activities/{world.hki_activity.pk}/"
    assert "1,234,567.50" in _page(client, path, "en")
    assert "1,234,567.50" in _page(client, path, "zh-hans")
    # Finnish groups with a (non-breaking) space and uses a decimal comma.
    finnish = _page(client, path, "fi")
    assert "1\xa0234\xa0567,50" in finnish or "1 234 567,50" in finnish
    assert "CNY" in finnish
