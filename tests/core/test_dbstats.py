"""core.dbstats: (VACUUM) ANALYZE after bulk loads on PostgreSQL, nothing on SQLite; the loaders
call it."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.dbstats import refresh_planner_statistics

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite no-op")


@postgresql_only
def test_analyze_runs_on_postgresql():
    with CaptureQueriesContext(connection) as queries:
        assert refresh_planner_statistics() is True
    assert [q["sql"] for q in queries] == ["ANALYZE"]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_vacuums_too():
    with CaptureQueriesContext(connection) as queries:
        assert refresh_planner_statistics() is True
    assert [q["sql"] for q in queries] == ["VACUUM (ANALYZE)"]


@postgresql_only
def test_analyze_records_fresh_statistics():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables "
            "WHERE relname = 'cooperation_activity' AND last_analyze IS NOT NULL"
        )
        before = cursor.fetchone()[0]
        refresh_planner_statistics()
        # The statistics collector's snapshot of this transaction is taken once: clear it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables "
            "WHERE relname = 'cooperation_activity' AND last_analyze IS NOT NULL"
        )
        assert cursor.fetchone()[0] == 1 >= before


@sqlite_only
def test_nothing_happens_on_sqlite():
    with CaptureQueriesContext(connection) as queries:
        assert refresh_planner_statistics() is False
    assert len(queries) == 0


def _calls(monkeypatch, module) -> list:
    calls = []
    monkeypatch.setattr(module, "refresh_planner_statistics", lambda: calls.append(1))
    return calls


def test_the_plan_loader_refreshes_after_loading_only(monkeypatch):
    from plandata.management.commands import load_action_plan

    calls = _calls(monkeypatch, load_action_plan)
    call_command("load_action_plan", "--dry-run", stdout=io.StringIO())
    assert calls == []
    call_command("load_action_plan", stdout=io.StringIO())
    assert calls == [1]
    call_command("load_action_plan", stdout=io.StringIO())  # nothing new: nothing to refresh
    assert calls == [1]


def test_the_demo_loader_refreshes_after_loading_only(monkeypatch, settings):
    settings.DEMO_PASSWORD = "Demo-passw0rd-for-tests"  # no generated .demo-password file
    from plandata.management.commands import load_demo_data

    calls = _calls(monkeypatch, load_demo_data)
    call_command("load_action_plan", stdout=io.StringIO())
    call_command("create_demo_users", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())
    assert calls == [1]
    call_command("load_demo_data", stdout=io.StringIO())  # already there
    assert calls == [1]
