"""Two-factor events land in the security log once each: set-up, the login's second step
(a wrong code once, not also as a failed password), a recovery code, new codes, and a reset
by another coordinator of the same side."""

import pytest

from partners.models import Role
from security.models import Kind, Outcome, SecurityEvent
from tests.conftest import _user
from tests.twofactor.helpers import code, enrolled, password_step, second_step
from twofactor import services, signals

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _after(first_id):
    return list(SecurityEvent.objects.filter(id__gt=first_id).order_by("id"))


def _last_id():
    return SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_second_step_wrong_code_then_right_one(world, client, required):
    person = world.hki_coordinator
    device, _ = enrolled(person)
    first = _last_id()
    password_step(client, person)
    second_step(client, "000000" if code(device) != "000000" else "111111")
    second_step(client, code(device, steps=1))

    kinds = [(r.kind, r.outcome, r.subject_id) for r in _after(first)]
    assert kinds == [
        (Kind.TWO_FACTOR_FAILED, Outcome.FAILED, person.pk),
        (Kind.LOGIN, Outcome.OK, person.pk),
    ]


def test_recovery_code_and_new_codes_are_recorded(world, client, required):
    person = world.hki_coordinator
    _, codes = enrolled(person)
    first = _last_id()
    password_step(client, person)
    second_step(client, codes[0], recovery=True)
    # New codes through the page (after a recent second factor) are tested in tests/twofactor.
    signals.codes_regenerated.send(sender=services.regenerate_codes, user=person, request=None)

    kinds = [r.kind for r in _after(first)]
    assert kinds == [Kind.RECOVERY_CODE_USED, Kind.LOGIN, Kind.RECOVERY_CODES_REPLACED]
    assert not any(c in str(r.detail) for r in _after(first) for c in codes)


def test_enrolment_and_reset_name_who_did_it(world):
    person = world.hki_coordinator
    colleague = _user("hki_coordinator_2", city=world.helsinki, role=Role.COORDINATOR)
    first = _last_id()
    enrolled(person)
    # Set-up through the service (which sends `enrolled`) is tested in tests/twofactor.
    signals.enrolled.send(sender=services.enrol, user=person, request=None)
    services.reset(by=colleague, person=person, request=None)

    rows = _after(first)
    assert [(r.kind, r.actor_id, r.subject_id) for r in rows] == [
        (Kind.TWO_FACTOR_ENROLLED, person.pk, person.pk),
        (Kind.TWO_FACTOR_RESET, colleague.pk, person.pk),
        # The reset ends their sessions (none here) and revokes their tokens (none).
        (Kind.SESSIONS_ENDED, colleague.pk, person.pk),
    ]
    assert rows[1].city_id == world.helsinki.pk
    assert rows[2].detail == {"sessions": 0, "because": "two_factor_reset"}
