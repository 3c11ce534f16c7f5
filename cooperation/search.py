"""The activity search's count, and the activity list's filter options, cached.

A text search (``?text=``, ``selectors.text_q``) is a LIKE on four columns; the list runs it
twice, once for its page and once for the number of matches. The number is cached under the
query's SQL (filters and visibility included) and a change stamp, so paging through the results
or coming back to a search counts once, and any write makes the next count fresh. The
list's selects of themes, sides and agencies are cached the same way (``cached_options``).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import get_language

from core.models import HistoryEntry

from .models import Activity

# An upper bound on staleness should a write bypass both stamps (a raw SQL update).
COUNT_TIMEOUT = 300


def change_stamp() -> tuple:
    """Changes whenever an activity is created, changed or deleted: the latest history entry
    (every write through the services, deletions and access changes included), the newest
    activity and the latest update (writes that bypass the history). One query, three index
    lookups."""
    history = connection.ops.quote_name(HistoryEntry._meta.db_table)
    activities = connection.ops.quote_name(Activity._meta.db_table)
    # Raw SQL: three scalar subqueries in one round trip, which the ORM cannot write. Only
    # the models' own table names go in, quoted.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {history}), (SELECT MAX(id) FROM {activities}), "  # noqa: S608
            f"(SELECT MAX(updated_at) FROM {activities})"
        )
        return tuple(str(value) for value in cursor.fetchone())


def cache_key(kind: str, *parts) -> str:
    """A cache key for ``kind`` of value made of ``parts`` (a change stamp among them), with
    the database's name: two databases (test workers, sites) may share one Redis."""
    key = repr((connection.settings_dict["NAME"], *parts))
    return f"{kind}:" + hashlib.sha256(key.encode()).hexdigest()


def cached_count(queryset: QuerySet, stamp=None) -> int:
    """``queryset.count()``, from the cache while nothing has changed: under the query's SQL
    and ``stamp`` (by default this module's ``change_stamp``; the API passes the stamp its
    list's ETag is made of)."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        # A query Django knows matches nothing (``pk__in=[]``) has no SQL: nothing to count.
        return 0
    if stamp is None:
        stamp = change_stamp()
    key = cache_key("count", sql, params, stamp)
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_TIMEOUT)
    return count


def cached_options(kind: str, viewer: tuple, stamp, read) -> dict:
    """``read()`` (the options of a form's selects), from the cache while nothing has
    changed: under ``kind``, ``viewer`` (what decides which rows the user sees) and the
    language of the labels."""
    key = cache_key(kind, get_language(), viewer, stamp)
    options = cache.get(key)
    if options is None:
        options = read()
        cache.set(key, options, COUNT_TIMEOUT)
    return options
