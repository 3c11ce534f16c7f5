"""partners.clock: whose "today" it is, at the midnights of both cities."""

import datetime

import pytest
import time_machine

from partners import clock
from tests import factories as f

UTC = datetime.UTC
# Helsinki is UTC+2 and Beijing UTC+8 in winter; UTC+3 and UTC+8 in summer.
INSTANTS = [
    # Beijing's midnight: Beijing is on 1 December, Helsinki still on 30 November.
    (datetime.datetime(2026, 11, 30, 16, 0, 0, tzinfo=UTC), (30, 11), (1, 12)),
    (datetime.datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC), (30, 11), (30, 11)),
    # Helsinki's midnight: both on 1 December.
    (datetime.datetime(2026, 11, 30, 22, 0, 0, tzinfo=UTC), (1, 12), (1, 12)),
    (datetime.datetime(2026, 11, 30, 21, 59, 59, tzinfo=UTC), (30, 11), (1, 12)),
    # Summer time: Helsinki's midnight is 21:00 UTC.
    (datetime.datetime(2026, 6, 15, 21, 30, 0, tzinfo=UTC), (16, 6), (16, 6)),
    (datetime.datetime(2026, 6, 15, 20, 59, 59, tzinfo=UTC), (15, 6), (16, 6)),
]


def _date(instant, day_month):
    day, month = day_month
    return datetime.date(instant.year, month, day)


@pytest.mark.parametrize(("instant", "helsinki", "beijing"), INSTANTS)
def test_today_is_the_date_in_the_city_the_person_works_in(world, instant, helsinki, beijing):
    with time_machine.travel(instant, tick=False):
        assert clock.today_for(world.hki_coordinator) == _date(instant, helsinki)
        assert clock.today_for(world.hki_staff) == _date(instant, helsinki)
        assert clock.today_for(world.bj_coordinator) == _date(instant, beijing)
        assert clock.today_for(world.bj_staff) == _date(instant, beijing)
        assert clock.today_in(world.beijing) == _date(instant, beijing)


@pytest.mark.parametrize(("instant", "helsinki", "beijing"), INSTANTS)
def test_without_a_city_it_is_the_portals_today(world, instant, helsinki, beijing):
    # Administrators, anonymous callers and the reminder sweep: settings.TIME_ZONE (Helsinki).
    with time_machine.travel(instant, tick=False):
        assert clock.today_for(world.admin) == _date(instant, helsinki)
        assert clock.today_for(None) == _date(instant, helsinki)
        assert clock.today_in(None) == _date(instant, helsinki)


def test_a_misspelt_time_zone_falls_back_to_the_portals(db):
    city = f.CityFactory(time_zone="Mars/Olympus_Mons")
    assert clock.zone_of(city).key == "Europe/Helsinki"
    assert clock.zone_of(None).key == "Europe/Helsinki"
