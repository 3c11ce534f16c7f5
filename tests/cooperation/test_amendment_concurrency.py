"""Two coordinators of the other side approve the same amendment at the same moment, in two
real transactions: exactly one approval, one number, one new version.

Needs row locks (select_for_update), which SQLite does not have: runs on PostgreSQL
(``DATABASE_URL=postgres://…``); the stale-version case is tested everywhere in
test_amendment_services.py.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cooperation.amendments.models import Amendment, AmendmentStatus, PlanVersion
from cooperation.services import amendments as service
from partners.models import Role
from tests.cooperation.amendment_helpers import submitted
from tests.factories import ProfileFactory, UserFactory

pytestmark = [
    pytest.mark.clock,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_approvals_at_once_give_exactly_one(world):
    other = UserFactory(username="bj_coordinator_2")
    ProfileFactory(user=other, city=world.beijing, role=Role.COORDINATOR)
    amendment = submitted(world)
    seen = amendment.version
    barrier = threading.Barrier(2)
    results = []

    def approve(user):
        try:
            barrier.wait(timeout=10)
            service.approve_amendment(user=user, amendment=amendment, expected_version=seen)
            results.append("approved")
        except ValidationError as error:
            results.append(sorted(error.message_dict))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (world.bj_coordinator, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, results)) == ["['version']", "approved"]
    stored = Amendment.objects.get(pk=amendment.pk)
    assert (stored.status, stored.number) == (AmendmentStatus.APPROVED, 1)
    assert PlanVersion.objects.filter(plan=world.plan).count() == 2
