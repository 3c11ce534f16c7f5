"""A generated hostile-input test over every writable API endpoint: each field of each write of
the access matrix (tests/api/test_permissions_matrix.py, which names every route: a new one is
covered here as soon as it has its row) gets hostile values in turn, sent by a role the matrix
lets write. Never a 500; a refusal changes nothing; what is accepted is within bounds."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.db import transaction

from tests import hostile
from tests.api.test_permissions_matrix import _call, _objects, _rows
from tests.helpers import EVERYONE as ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _pick(values: list, salt: int, count: int = 3) -> list:
    """``count`` of ``values``, a different turn for each field: every value is sent to some
    fields, and the test stays fast."""
    start = salt % len(values)
    return (values[start:] + values[:start])[:count]


def _variants(value, salt: int) -> list:
    """Hostile replacements of one field's valid ``value``, by its type."""
    if isinstance(value, bool):
        return ["yes", None, []]
    if isinstance(value, int):
        return _pick([-1, 2**70, 1.5, "abc", None, []], salt)
    if isinstance(value, str) and _DATE.fullmatch(value):
        return [*_pick(hostile.DATES, salt, 2), _pick([20211231, [], None], salt, 1)[0]]
    if isinstance(value, str):
        return [*_pick(hostile.TEXTS, salt), _pick([12, [], None], salt, 1)[0]]
    if isinstance(value, dict):
        # A text in both languages: hostile texts in either language, and a wrong shape.
        texts = _pick(hostile.TEXTS, salt, 4)
        shapes = [{"en": ["x"]}, {"xx": "a"}, "plain", [], {"en": 1}]
        return [
            {"en": texts[0]},
            {"en": texts[1]},
            {"zh-hans": texts[2]},
            {"zh-hans": texts[3]},
        ] + _pick(shapes, salt, 1)
    if isinstance(value, list):
        return _pick([[2**70], ["x"], [None], [{}], "x", [[]] * 3], salt)
    return [None, [], {}]


def _multipart_variants(value, salt: int) -> list:
    # No lone surrogate: a form cannot carry one (a browser sends bytes).
    texts = [t for t in hostile.TEXTS if t != "\ud800"]
    return _pick(texts, salt, 4) if isinstance(value, str) else []


def _send(client, row, data):
    if row.format == "multipart":
        return _call(client, row.method, row.path, data, row.format)
    # JSON as a program sends it: ASCII, a lone surrogate escaped ("\\ud800").
    body = json.dumps(data)
    return client.generic(row.method.upper(), row.path, body, content_type="application/json")


def _writes():
    """(row, acting role) for every write of the matrix that some role may make."""
    out = []
    for row in _rows(_AnyId()):
        if row.method not in ("post", "put", "patch") or not row.data:
            continue
        allowed = [i for i, status in enumerate(row.expected) if 200 <= status < 300]
        if allowed:
            out.append((row.name, row.method, ROLES[allowed[0]]))
    return out


class _AnyId(dict):
    """Every object name of the matrix (a new one too) as id 1: only the rows' shapes are read
    at collection, before there is a database."""

    def __missing__(self, key):
        return 1


WRITES = sorted(set(_writes()))


@pytest.mark.parametrize(("name", "method", "role"), WRITES)
def test_hostile_values_in_every_field_of_every_write(world, api_for, name, method, role):
    rows = [r for r in _rows(_objects(world)) if (r.name, r.method) == (name, method) and r.data]
    client = api_for(getattr(world, role))
    problems_before = hostile.stored_problems()
    sent = 0
    for row in rows:
        variants = _multipart_variants if row.format == "multipart" else _variants
        for salt, (key, valid) in enumerate(row.data.items()):
            for value in variants(valid, salt):
                cache.clear()  # request counts: this is not about throttling
                with transaction.atomic():
                    before = hostile.fingerprint()
                    response = _send(client, row, {**row.data, key: value})
                    where = (row.method, row.path, key, repr(value)[:40])
                    hostile.check_outcome(response.status_code, before, problems_before, where)
                    transaction.set_rollback(True)
                sent += 1
    assert sent
