"""core.prepared: the API's per-request query is a prepared statement on PostgreSQL (planned
once per connection), logged like any query; the setting turns it off for a pooler."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import prepared

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SQL = "SELECT CAST(%s AS integer) + 1, 'prepared-test'"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if "prepared-test" in row[0]]


def test_the_row_comes_back_and_the_query_is_counted():
    with CaptureQueriesContext(connection) as queries:
        assert prepared.fetchone(SQL, [41]) == (42, "prepared-test")
        assert prepared.fetchone(SQL, [1]) == (2, "prepared-test")
    assert len(queries) == 2
    assert "prepared-test" in queries[0]["sql"]


@postgresql_only
def test_on_postgresql_it_is_planned_once_per_connection():
    assert prepared.fetchone(SQL, [1]) == (2, "prepared-test")
    assert prepared.fetchone(SQL, [2]) == (3, "prepared-test")
    assert len(_prepared_here()) == 1


@postgresql_only
def test_the_orms_own_queries_are_never_prepared():
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT 'orm-prepared-test'")
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        assert not [row for row in cursor.fetchall() if "orm-prepared-test" in row[0]]


@postgresql_only
def test_turned_off_it_is_sent_as_any_other_query(monkeypatch):
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    assert prepared.fetchone(SQL, [5]) == (6, "prepared-test")
    assert _prepared_here() == []


@pytest.mark.parametrize(("value", "expected"), [("", "0"), ("false", "None"), ("true", "0")])
def test_the_setting_sets_psycopgs_threshold_on_postgresql(value, expected):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_PREPARED_STATEMENTS"}}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/anything"
    if value:
        env["DATABASE_PREPARED_STATEMENTS"] = value
    code = (
        "import config.settings as s; print(s.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
