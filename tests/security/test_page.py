"""Who reads the security log: coordinators their side's records on the portal page, in their
language, filtered and a page at a time; administrators everything, read-only in /admin/;
nobody changes or deletes a record."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from security.log import record
from security.models import Kind, Outcome, SecurityEvent

PAGE = "/security-log/"


def test_the_page_has_the_documented_address():
    assert reverse("security-log") == PAGE


@pytest.fixture
def entries(world):
    """One record of each side (and none) by a name no one else has."""
    return {
        "helsinki": record(Kind.LOGIN, actor=world.hki_staff, subject=world.hki_staff),
        "beijing": record(Kind.LOGIN, actor=world.bj_staff, subject=world.bj_staff),
        "tallinn": record(Kind.LOGIN, actor=world.outsider, subject=world.outsider),
        "nobody": record(
            Kind.LOGIN_FAILED, actor=None, subject_name="ghost-user", outcome=Outcome.FAILED
        ),
        "moved": record(
            Kind.SIDE_CHANGED,
            actor=world.admin,
            subject=world.bj_coordinator,
            city=world.beijing,
            former_city=world.helsinki,
            detail={"from": "helsinki", "to": "beijing"},
        ),
    }


def shown_ids(response) -> set[int]:
    return {row.pk for row, _details in response.context["rows"]}


def test_a_coordinator_reads_their_own_side_only(world, client_for, entries):
    response = client_for(world.hki_coordinator).get(PAGE)
    assert response.status_code == 200
    shown = shown_ids(response)
    assert entries["helsinki"].pk in shown
    assert entries["moved"].pk in shown  # a person who left Helsinki's side
    assert entries["beijing"].pk not in shown
    assert entries["tallinn"].pk not in shown  # another partnership
    assert entries["nobody"].pk not in shown
    assert "ghost-user" not in response.content.decode()


def test_the_other_sides_coordinators_read_theirs(world, client_for, entries):
    beijing = shown_ids(client_for(world.bj_coordinator).get(PAGE))
    assert {entries["beijing"].pk, entries["moved"].pk} <= beijing
    assert entries["helsinki"].pk not in beijing
    outsider = shown_ids(client_for(world.outsider).get(PAGE))
    assert entries["tallinn"].pk in outsider
    assert not {entries["helsinki"].pk, entries["beijing"].pk} & outsider


def test_an_administrator_reads_everything(world, client_for, entries):
    shown = shown_ids(client_for(world.admin).get(PAGE))
    assert {entry.pk for entry in entries.values()} <= shown


@pytest.mark.parametrize("who", ["hki_staff", "bj_staff", "official"])
def test_staff_and_officials_are_refused(world, client_for, entries, who):
    response = client_for(getattr(world, who)).get(PAGE)
    assert response.status_code == 403
    assert "ghost-user" not in response.content.decode()
    assert "data stack security-log" not in response.content.decode()  # no table of records


def test_anonymous_is_sent_to_log_in(world, client_for):
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_coordinators_have_the_link(world, client_for):
    events = reverse("event-list")
    assert PAGE in client_for(world.hki_coordinator).get(events).content.decode()
    assert PAGE in client_for(world.admin).get(events).content.decode()
    assert PAGE not in client_for(world.hki_staff).get(events).content.decode()
    assert PAGE not in client_for(world.official).get(events).content.decode()


def test_the_filters_narrow_and_bad_ones_are_ignored(world, client_for, entries):
    client = client_for(world.hki_coordinator)
    record(Kind.LOGIN_FAILED, actor=None, subject=world.official, outcome=Outcome.FAILED)
    failed = client.get(PAGE, {"kind": "login_failed"})
    assert {row.kind for row, _d in failed.context["rows"]} == {Kind.LOGIN_FAILED}
    person = client.get(PAGE, {"person": "HKI_STAFF"})
    assert entries["helsinki"].pk in shown_ids(person)
    assert {row.subject_name for row, _d in person.context["rows"]} == {"hki_staff"}
    today = timezone.localdate()
    future = client.get(PAGE, {"since": str(today + datetime.timedelta(days=2))})
    assert not shown_ids(future)
    bad = client.get(
        PAGE, {"kind": "nonsense", "since": "0001-01-01", "page": "x", "person": "hki_staff"}
    )
    assert bad.status_code == 200
    assert shown_ids(bad) == shown_ids(person)  # the good filter still applies
    assert "Some filters were not understood" in bad.content.decode()


def test_the_page_speaks_the_readers_language(world, client_for, entries):
    client = client_for(world.bj_coordinator)
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_query_count_does_not_grow_with_the_records(
    world, client_for, django_assert_num_queries
):
    client = client_for(world.hki_coordinator)

    def count() -> int:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    for _n in range(3):
        record(Kind.LOGIN, actor=world.hki_staff, subject=world.hki_staff)
    few = count()
    for _n in range(40):
        record(Kind.LOGOUT, actor=world.hki_staff, subject=world.hki_staff)
    assert count() == few


def test_the_page_is_paginated(world, client_for):
    for _n in range(55):
        record(Kind.LOGIN, actor=world.hki_staff, subject=world.hki_staff)
    client = client_for(world.hki_coordinator)
    first, second = client.get(PAGE), client.get(PAGE, {"page": 2})
    total = first.context["page"].paginator.count
    assert total >= 56  # and the side's earlier records (roles given, the log-in)
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == total - 50
    assert not shown_ids(first) & shown_ids(second)


# --- /admin/ and /manage/: read-only ----------------------------------------------------------


def test_admin_reads_but_never_adds_changes_or_deletes(world, client_for, entries):
    admin = client_for(world.admin)
    entry = entries["helsinki"]
    assert admin.get("/admin/security/securityevent/").status_code == 200
    detail = admin.get(f"/admin/security/securityevent/{entry.pk}/change/")
    assert detail.status_code == 200
    assert 'name="kind"' not in detail.content.decode()  # shown, not a form field
    assert admin.get("/admin/security/securityevent/add/").status_code == 403
    assert admin.get(f"/admin/security/securityevent/{entry.pk}/delete/").status_code == 403
    admin.post(f"/admin/security/securityevent/{entry.pk}/change/", {"kind": "logout"})
    entry.refresh_from_db()
    assert entry.kind == Kind.LOGIN
    response = admin.post(
        "/admin/security/securityevent/",
        {"action": "delete_selected", "_selected_action": [entry.pk]},
    )
    assert response.status_code in (200, 302)
    assert SecurityEvent.objects.filter(pk=entry.pk).exists()


def test_plan_management_has_no_security_log(world, client_for):
    assert client_for(world.hki_coordinator).get("/manage/security/").status_code == 404


# --- append-only ------------------------------------------------------------------------------


def test_the_model_refuses_to_change_or_delete(world, entries):
    entry = entries["helsinki"]
    entry.outcome = Outcome.FAILED
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        SecurityEvent.objects.filter(pk=entry.pk).update(outcome=Outcome.FAILED)
    with pytest.raises(TypeError):
        SecurityEvent.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.outcome == Outcome.OK


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete(world, entries):
    entry = entries["helsinki"]
    for sql in (
        "UPDATE security_securityevent SET outcome = 'failed' WHERE id = %s",
        "DELETE FROM security_securityevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert SecurityEvent.objects.get(pk=entry.pk).outcome == Outcome.OK


def test_only_records_older_than_the_retention_are_pruned(world, entries, settings):
    from django.core.management import call_command

    settings.SECURITY_LOG_RETENTION_DAYS = 30
    old = SecurityEvent.objects.create(
        kind=Kind.LOGIN, at=timezone.now() - datetime.timedelta(days=31), door="page"
    )
    call_command("prune_security_log", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=entries["helsinki"].pk).exists()
