"""The database planner's statistics, refreshed after a bulk load.

PostgreSQL plans each query from statistics that autovacuum refreshes only after enough rows
have changed, some time later. Right after thousands of rows were added in one go the planner
still believes the tables are nearly empty and picks nested loops over sequential scans: the
activity list's main query took 232 ms instead of 27 ms until ``ANALYZE`` ran (issue 11). So
every bulk loader ends with :func:`refresh_planner_statistics`.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def refresh_planner_statistics(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Run ``ANALYZE`` on PostgreSQL (all tables of the database); a no-op elsewhere.

    True when it ran. ``ANALYZE`` only reads a sample of each table and takes no lock that
    blocks reads or writes, so it is safe on a live site.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        # SQLite plans without gathered statistics unless asked; nothing goes stale there.
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
