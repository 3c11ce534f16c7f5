"""A person's second factor is reset by another coordinator of their side (or an
administrator): not by themselves, not by the other city's, not by staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.models import Role
from tests.conftest import _user
from tests.twofactor.helpers import enrolled
from twofactor import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(world):
    """A second coordinator of Helsinki's side."""
    return _user("hki_coordinator_2", city=world.helsinki, role=Role.COORDINATOR)


# (who resets, whose): whether allowed.
MATRIX = [
    ("colleague", "hki_coordinator", True),
    ("hki_coordinator", "hki_staff", True),
    ("hki_coordinator", "official", True),
    ("admin", "hki_coordinator", True),
    ("hki_coordinator", "hki_coordinator", False),  # not themselves
    ("admin", "admin", False),
    ("bj_coordinator", "hki_coordinator", False),  # the other city of the partnership
    ("outsider", "hki_coordinator", False),  # another partnership
    ("hki_staff", "hki_coordinator", False),
    ("official", "hki_staff", False),
    ("hki_coordinator", "admin", False),  # administrators: by administrators only
]


@pytest.mark.parametrize(("by", "whose", "allowed"), MATRIX)
def test_the_reset_matrix(world, colleague, client_for, sent, by, whose, allowed):
    people = {"colleague": colleague}
    by_user = people.get(by) or getattr(world, by)
    person = people.get(whose) or getattr(world, whose)
    enrolled(person)
    assert services.may_reset(by_user, person) is allowed
    response = client_for(by_user).post(reverse("twofactor-reset", args=[person.pk]))
    if allowed:
        assert response.status_code == 302
        assert not services.is_enrolled(person) and services.recovery_codes_left(person) == 0
        name, kwargs = sent[-1]
        assert name == "reset" and kwargs["user"] == person and kwargs["by"] == by_user
    else:
        assert response.status_code == 403
        assert services.is_enrolled(person) and services.recovery_codes_left(person) == 10
        assert not sent


def test_the_people_page_lists_only_the_own_side(world, colleague, client_for):
    enrolled(colleague)
    page = client_for(world.hki_coordinator).get(reverse("twofactor-people"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "hki_coordinator_2" in html and "hki_staff" in html and "bj_staff" not in html
    assert reverse("twofactor-reset", args=[colleague.pk]) in html
    # Never their own reset button.
    enrolled(world.hki_coordinator)
    html = client_for(world.hki_coordinator).get(reverse("twofactor-people")).content.decode()
    assert reverse("twofactor-reset", args=[world.hki_coordinator.pk]) not in html
    assert client_for(world.hki_staff).get(reverse("twofactor-people")).status_code == 403


def test_the_people_page_query_count_does_not_grow_with_the_people(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.hki_coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("twofactor-people")).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        person = _user(
            f"hki_person_{n}", city=world.helsinki, role=Role.AGENCY_STAFF, agency=world.hki_agency
        )
        if n % 2:
            enrolled(person)
    assert count() == few


def test_resetting_nobody_is_a_404(world, client_for):
    client = client_for(world.hki_coordinator)
    assert client.post("/two-factor/people/999999/reset/").status_code == 404
    assert client.post(f"/two-factor/people/{2**70}/reset/").status_code == 404
    assert client.get(reverse("twofactor-reset", args=[world.hki_staff.pk])).status_code == 405


def test_the_reset_person_sets_it_up_again_at_the_next_login(world, colleague, client, required):
    from tests.twofactor.helpers import password_step

    enrolled(world.hki_coordinator)
    services.reset(by=colleague, person=world.hki_coordinator, request=None)
    password_step(client, world.hki_coordinator)
    assert client.get("/profile/")["Location"].startswith(reverse("twofactor-enrol"))


def test_administrators_reset_in_admin_through_the_service(world, client_for, sent):
    device, _codes = enrolled(world.hki_coordinator)
    own, _ = enrolled(world.admin)
    client = client_for(world.admin)
    url = "/admin/otp_totp/totpdevice/"
    assert client.get(url).status_code == 200
    data = {"action": "reset_two_factor", "_selected_action": [device.pk, own.pk]}
    assert client.post(url, data).status_code == 302
    assert not services.is_enrolled(world.hki_coordinator)
    assert services.is_enrolled(world.admin)  # not their own
    assert [name for name, _kw in sent] == ["reset"]
    assert client.get(f"{url}add/").status_code == 403


def _people(world, count: int, start: int = 0) -> list:
    people = []
    for n in range(start, start + count):
        person = _user(
            f"hki_person_{n:03d}",
            city=world.helsinki,
            role=Role.AGENCY_STAFF,
            agency=world.hki_agency,
        )
        if n % 3 == 0:
            enrolled(person)
        people.append(person)
    return people


def _names_on(page) -> list[str]:
    import re

    return re.findall(r"hki_person_\d{3}", page.content.decode())


def test_the_people_page_shows_fifty_a_page_with_page_links(world, client_for):
    from twofactor.views import PEOPLE_PER_PAGE

    assert PEOPLE_PER_PAGE == 50
    _people(world, 120)
    client = client_for(world.hki_coordinator)
    first = client.get(reverse("twofactor-people"))
    # The side's own people (the coordinator and staff sort before "hki_person_").
    persons = set(_names_on(first))
    html = first.content.decode()
    assert first.status_code == 200 and len(persons) <= 50
    assert 'rel="next"' in html and "Page 1 of 3" in html and 'rel="prev"' not in html
    second = client.get(reverse("twofactor-people"), {"page": 2})
    assert set(_names_on(second)).isdisjoint(persons)
    assert len(set(_names_on(second))) == 50
    third = client.get(reverse("twofactor-people"), {"page": 3})
    assert "Page 3 of 3" in third.content.decode() and 'rel="next"' not in third.content.decode()
    seen = persons | set(_names_on(second)) | set(_names_on(third))
    assert len(seen) == 120


@pytest.mark.parametrize("value", ["", "x", "0", "-1", "1.5", "\x00", "9" * 40, "2" * 5000])
def test_a_bad_page_number_is_never_a_500(world, client_for, value):
    _people(world, 60)
    response = client_for(world.hki_coordinator).get(reverse("twofactor-people"), {"page": value})
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert _names_on(response), "the first or the last page"


def test_the_people_page_query_count_is_the_same_at_two_sizes_and_on_any_page(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.hki_coordinator)

    def count(page=1) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("twofactor-people"), {"page": page})
            assert response.status_code == 200
        return len(queries)

    _people(world, 10)
    small = count()
    _people(world, 110, start=10)
    assert count() == small
    assert count(page=3) == small
