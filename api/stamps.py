"""The portal's change stamp: what moves on with every change an API answer can show, read
in one query without reading any row it shows (``api.etags`` makes ETags of it; the token
lookup reads it in the same query as the token).

Nothing here imports DRF: the authentication class imports this module while DRF's
settings are still being read.
"""

from __future__ import annotations

from django.db import connection

from cooperation.models import StatusUpdate
from core import prepared
from core.models import HistoryEntry

# How far back the count of an append-only table looks (see ``appended``).
WINDOW = 1000


def appended(model) -> list[str]:
    """SQL for an append-only table's stamp: its newest id, and how many of the ids in the
    last WINDOW exist. The count is for concurrent writers: ids are handed out when a row is
    written but seen when its transaction commits, so an older id may appear after a newer
    one and leave the newest id as it was; it still adds one to the count (unless that
    transaction stayed open while WINDOW newer rows were committed)."""
    # Names from the model's metadata, quoted; nothing from outside (hence the noqa). One
    # statement of several tables is what the ORM cannot say.
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    newest = f"(SELECT MAX({pk}) FROM {table})"  # noqa: S608
    recent = f"(SELECT COUNT(*) FROM {table} WHERE {pk} > COALESCE({newest}, 0) - {WINDOW})"  # noqa: S608
    return [newest, recent]


def table_stamp(model, *columns: str) -> list[str]:
    """SQL for a table whose rows change without a history entry: its count and the newest
    id and value of each of ``columns`` (times a row's changes set)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = [model._meta.pk.column, *(model._meta.get_field(c).column for c in columns)]
    count = f"(SELECT COUNT(*) FROM {table})"  # noqa: S608 (quoted model metadata)
    newest = [
        f"(SELECT MAX({connection.ops.quote_name(name)}) FROM {table})"  # noqa: S608
        for name in names
    ]
    return [count, *newest]


def change_stamp_sql(extra=()) -> list[str]:
    """The SQL expressions of ``change_stamp``, for a query that reads more than it."""
    return [*appended(HistoryEntry), *appended(StatusUpdate), *extra]


def stamp_of(values) -> str:
    return ":".join(str(value) for value in values)


def change_stamp(extra=()) -> str:
    """What moves on with every change a list can show, in one query.

    Every write of plan content, of people and their roles, of cities and agencies is a
    history entry (core.history); a status change is a status update instead (the activity's
    status is not in the history). ``extra``: SQL of what else a list shows (reports)."""
    return stamp_of(prepared.fetchone("SELECT " + ", ".join(change_stamp_sql(extra))))
