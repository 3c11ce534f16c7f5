"""switch_public_page: who may switch a plan's public page, its address, and two at once."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.models import HistoryEntry
from partners.access import SYSTEM
from public.models import PublicPage
from public.services import default_slug, switch_public_page
from tests.helpers import USERS, error_fields

# Coordinators of either side and administrators switch; everyone else is refused.
MAY_SWITCH = {"hki_coordinator", "bj_coordinator", "admin"}


def _state():
    return list(PublicPage.objects.values_list("plan_id", "enabled", "slug", "version"))


@pytest.mark.parametrize("role", USERS)
def test_only_coordinators_of_either_side_and_admins_switch_it_on(world, role):
    user = getattr(world, role)
    if role in MAY_SWITCH:
        page = switch_public_page(user=user, plan=world.plan, enabled=True)
        assert page.enabled
        assert page.slug == "helsinki-beijing-2019-2023"
        assert page.switched_on_by == user
        assert page.switched_on_at is not None
    else:
        before = _state()
        with pytest.raises(PermissionDenied):
            switch_public_page(user=user, plan=world.plan, enabled=True)
        assert _state() == before


@pytest.mark.parametrize("role", USERS)
def test_only_they_switch_it_off_or_rename_it(world, role):
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    user = getattr(world, role)
    if role in MAY_SWITCH:
        page = switch_public_page(user=user, plan=world.plan, enabled=False, slug="hki-bj")
        assert (page.enabled, page.slug, page.version) == (False, "hki-bj", 2)
        assert page.switched_off_by == user
    else:
        before = _state()
        with pytest.raises(PermissionDenied):
            switch_public_page(user=user, plan=world.plan, enabled=False, slug="hki-bj")
        assert _state() == before


def test_the_system_may_switch_and_is_recorded_as_nobody(world):
    page = switch_public_page(user=SYSTEM, plan=world.plan, enabled=True)
    assert page.enabled and page.switched_on_by is None


def test_the_outsider_coordinator_switches_their_own_plan(world):
    page = switch_public_page(user=world.outsider, plan=world.other_plan, enabled=True)
    assert page.enabled


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "ab",
        "x" * 81,
        "Helsinki Beijing",
        "helsinki_beijing",
        "-helsinki",
        "helsinki--beijing",
        "../etc",
        "赫尔辛基",
        "helsinki-beijing-",
    ],
)
def test_malformed_addresses_are_refused_and_change_nothing(world, slug):
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=False, slug=slug)
    assert error_fields(excinfo) == {"slug"}
    assert _state() == before


def test_an_address_is_lower_cased_and_trimmed(world):
    page = switch_public_page(
        user=world.bj_coordinator, plan=world.plan, enabled=True, slug="  Helsinki-Beijing  "
    )
    assert page.slug == "helsinki-beijing"


def test_another_plans_address_is_refused(world):
    switch_public_page(user=world.admin, plan=world.other_plan, enabled=True, slug="taken")
    with pytest.raises(ValidationError) as excinfo:
        switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True, slug="taken")
    assert "Another plan" in str(excinfo.value)
    assert not PublicPage.objects.filter(plan=world.plan).exists()


def test_a_derived_address_taken_by_another_plan_is_numbered(world):
    switch_public_page(
        user=world.admin, plan=world.other_plan, enabled=True, slug="helsinki-beijing-2019-2023"
    )
    assert default_slug(world.plan) == "helsinki-beijing-2019-2023-2"


def test_a_stale_form_is_refused(world):
    switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    # The Beijing coordinator opened the form before that (version 0: no page yet).
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        switch_public_page(
            user=world.bj_coordinator, plan=world.plan, enabled=False, expected_version=0
        )
    assert error_fields(excinfo) == {"__all__"}
    assert _state() == before


def test_switching_to_what_it_is_writes_nothing(world):
    page = switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    again = switch_public_page(
        user=world.bj_coordinator, plan=world.plan, enabled=True, slug=page.slug
    )
    assert again.version == page.version
    assert again.switched_on_by == world.hki_coordinator


def test_switching_is_in_the_plans_history(world):
    page = switch_public_page(user=world.hki_coordinator, plan=world.plan, enabled=True)
    switch_public_page(user=world.bj_coordinator, plan=world.plan, enabled=False)
    entries = HistoryEntry.objects.filter(object_id=page.pk, content_type__model="publicpage")
    assert entries.count() == 2
    changed = entries.order_by("id").last().changes_dict
    assert set(changed) == {"enabled"}
    assert entries.filter(parent_id=world.plan.pk).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_switching_at_once_do_not_overwrite_each_other(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent connections")
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(user, enabled):
        try:
            barrier.wait(timeout=10)
            # Both opened the form when the plan had no public page yet (version 0).
            switch_public_page(user=user, plan=world.plan, enabled=enabled, expected_version=0)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(world.hki_coordinator, True)),
        threading.Thread(target=worker, args=(world.bj_coordinator, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("ok") == 1, outcomes
    assert len(outcomes) == 2
    assert PublicPage.objects.filter(plan=world.plan).count() == 1
    assert PublicPage.objects.get(plan=world.plan).version == 1
