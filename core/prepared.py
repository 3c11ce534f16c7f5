"""A hot query planned once per database connection: PostgreSQL's prepared statements.

Django sends every query as text with its values inlined, which PostgreSQL plans anew each
time, and leaves psycopg's prepared statements off (for connection poolers). The API asks
one query on every request, the token with the change stamp (api.authentication): it spent
longer in the planner (0.3 ms) than running. Such a query goes through :func:`fetchone`: on
PostgreSQL with ``DATABASE_PREPARED_STATEMENTS`` on (the default; settings set psycopg's
``prepare_threshold`` to 0), its values are bound by the server and its plan is kept by the
connection. The ORM's own cursors bind on the client and are never prepared. Off (for a
pooler in transaction mode), or on SQLite, it is sent as any other query.
"""

from __future__ import annotations

import time

from django.db import connection


def fetchone(sql: str, params=()) -> tuple | None:
    """The first row of ``sql`` (with ``%s`` placeholders), logged as Django logs queries."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    import psycopg  # only PostgreSQL needs it

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = psycopg.Cursor(connection.connection)  # binds on the server: can be prepared
    started = time.monotonic()
    try:
        # Django's wrapper: its error translation and execute_wrappers. Its debug wrapper
        # cannot render a server-bound query, hence the log entry of our own below.
        with connection.make_cursor(raw) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        if connection.queries_logged:
            connection.queries_log.append(
                {"sql": f"{sql} -- {list(params)!r}", "time": f"{time.monotonic() - started:.3f}"}
            )
