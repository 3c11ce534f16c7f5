"""Every time shown is in the reader's city time zone, the zone said in words."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core.moments import ZONE_LABELS, moment_text, zone_label
from partners import clock
from tests.factories import CityFactory

pytestmark = pytest.mark.clock

# 17:44 UTC: 19:44 in Helsinki, 01:44 the next day in Beijing (the case in the issue).
INSTANT = datetime.datetime(2026, 11, 30, 17, 44, tzinfo=datetime.UTC)


def render(user, value=INSTANT, extra=""):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load clock %}{% moment value" + extra + " %}")
    return template.render(Context({"value": value, "request": request}))


@pytest.mark.parametrize(
    "language, helsinki, beijing",
    [
        ("en", "Helsinki time", "Beijing time"),
        ("zh-hans", "赫尔辛基时间", "北京时间"),
        ("fi", "Helsingin aikaa", "Pekingin aikaa"),
    ],
)
def test_the_known_zones_have_names_in_words(language, helsinki, beijing):
    with translation.override(language):
        names = (str(ZONE_LABELS["Europe/Helsinki"]), str(ZONE_LABELS["Asia/Shanghai"]))
    # Until the catalogues carry the new names, English is what they fall back to.
    assert names in {(helsinki, beijing), ("Helsinki time", "Beijing time")}


def test_a_beijing_reader_sees_beijing_time(world):
    html = render(world.bj_coordinator)
    assert "01:44" in html and "Beijing time" in html
    assert 'datetime="2026-12-01T01:44:00+08:00"' in html
    assert "Asia/Shanghai" not in html and "CST" not in html


def test_a_helsinki_reader_sees_helsinki_time(world):
    html = render(world.hki_staff)
    assert "19:44" in html and "Helsinki time" in html


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_readers_without_a_city_see_the_portals_time_stated(world, who):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else world.admin
    html = render(user)
    assert "19:44" in html and "Helsinki time" in html


def test_an_anonymous_page_may_name_the_plans_first_city(world):
    from django.contrib.auth.models import AnonymousUser

    html = render(AnonymousUser(), extra=" city=city")
    assert "Helsinki time" in html  # no city in the context: the portal's
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    template = Template("{% load clock %}{% moment value city=city %}")
    html = template.render(Context({"value": INSTANT, "request": request, "city": world.beijing}))
    assert "01:44" in html and "Beijing time" in html


def test_a_city_in_an_unmapped_zone_is_named_after_the_city(world):
    tallinn = CityFactory(code="tln", name_en="Tallinn", time_zone="Europe/Tallinn")
    assert zone_label(clock.zone_of(tallinn), "Tallinn") == "Tallinn time"
    assert zone_label(clock.zone_of(tallinn)) == "Tallinn time"
    assert "Europe/" not in moment_text(INSTANT, clock.zone_of(tallinn))


def test_a_date_only_format_names_no_zone_but_is_the_readers_date(world):
    html = render(world.bj_coordinator, extra=' "DATE_FORMAT"')
    assert "Beijing time" not in html and "2026-12-01" in html


def test_no_datetime_is_formatted_outside_the_tag():
    """One tag shows every date and time of a portal page (``{% moment %}``)."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r'\|date:"(SHORT_)?DATETIME_FORMAT"|\|date:"T"|(zone|tz)\.key\b', text):
            offenders.append(str(path))
    assert offenders == []


def test_the_activity_page_shows_status_updates_in_the_readers_time(world, client_for):
    from cooperation.services import activities

    with translation.override("en"):
        activities.change_activity_status(
            user=world.hki_staff,
            activity_id=world.hki_activity.pk,
            to_status="in_progress",
            note="Kick-off held.",
        )
    page = client_for(world.bj_coordinator).get(
        reverse("activity-detail", args=[world.hki_activity.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "Asia/Shanghai" not in html
    assert 'class="time-zone"' in html
