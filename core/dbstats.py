"""The database planner's statistics, refreshed after a bulk load.

PostgreSQL plans each query from statistics that autovacuum refreshes only after enough rows
have changed, some time later. Right after thousands of rows were added in one go the planner
still believes the tables are nearly empty and picks nested loops over sequential scans: the
activity list's main query took 232 ms instead of 27 ms until ``ANALYZE`` ran (issue 11). So
every bulk loader ends with :func:`refresh_planner_statistics`.

Outside a transaction it also vacuums (``VACUUM (ANALYZE)``), which marks the new rows
visible to all in the visibility map: index-only scans then read no table rows, as the API's
change stamp does on every request (it counted its last 1,000 ids from the table, 1,000 heap
fetches, until autovacuum came by).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def refresh_planner_statistics(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Run ``VACUUM (ANALYZE)`` on PostgreSQL (all tables of the database), or ``ANALYZE``
    alone inside a transaction (where VACUUM cannot run); a no-op elsewhere.

    True when it ran. Neither takes a lock that blocks reads or writes, so both are safe on
    a live site.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        # SQLite plans without gathered statistics unless asked; nothing goes stale there.
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return True
