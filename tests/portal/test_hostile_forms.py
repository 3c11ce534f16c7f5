"""A generated hostile-input test over every form: the forms are read from the pages themselves
(every page of the URL matrix a coordinator opens, and the add and change pages of every model
on /manage/ and /admin/), so a new form is covered as soon as a page shows it. Each form is
posted back as the page filled it in with every text, date and number field spoiled, in three
rounds of hostile values: never a 500; a refusal changes nothing; what is accepted is within
bounds (tests/hostile.py)."""

from __future__ import annotations

import string
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from portal.plan_admin import site as manage_site
from tests import hostile
from tests.portal.test_url_matrix import ROWS, makers_of

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

COORDINATOR = 1  # hki_coordinator's column in the URL matrix
# A form cannot carry a lone surrogate (a browser sends bytes).
FORM_TEXTS = [t for t in hostile.TEXTS if t != "\ud800"]
TYPED = {"date": hostile.DATES, "datetime-local": hostile.DATES, "number": hostile.NUMBERS}
TEXT_INPUTS = {"text", "search", "email", "url", "tel", "password", *TYPED}
# Forms whose post ends the session or only removes: no input to be hostile with.
SKIPPED_ACTIONS = ("/logout/", "/delete/", "/revoke/")


def _pages(world) -> list[str]:
    makers = makers_of(world)
    paths = []
    for row in ROWS:
        if row.method == "get" and row.expected[COORDINATOR] == 200 and "{feed}" not in row.path:
            named = {n for _t, n, _s, _c in string.Formatter().parse(row.path) if n}
            paths.append(row.path.format(**{n: makers[n]() for n in named}))
    for site in (manage_site, admin.site):
        for model, _model_admin in site._registry.items():
            if site is admin.site and model._meta.app_label == "auth":
                # Django's own user and group admin on /admin/ writes without the services
                # (an administrator's tool, left as it is; /manage/'s people go through them).
                continue
            url = f"{site.name}:{model._meta.app_label}_{model._meta.model_name}"
            try:
                paths.append(reverse(f"{url}_add"))
                first = model._default_manager.order_by("pk").first()
                if first is not None:
                    paths.append(reverse(f"{url}_change", args=[first.pk]))
            except NoReverseMatch:
                continue
    return sorted(set(paths))


def _forms(page: str, html: bytes):
    """(action, fields as the page filled them in, [(name, kind)] of fields to spoil)."""
    document = lxml.html.fromstring(html)
    for form in document.forms:
        if (form.method or "").lower() != "post":
            continue
        action = urlsplit(urljoin(page, form.get("action") or page))
        target = action.path + (f"?{action.query}" if action.query else "")
        if any(skipped in target for skipped in SKIPPED_ACTIONS):
            continue
        values: dict[str, list[str]] = {}
        for name, value in form.form_values():
            values.setdefault(name, []).append(value)
        spoilable = []
        for element in form.inputs:
            name = element.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            kind = "textarea" if element.tag == "textarea" else (element.get("type") or "text")
            if element.tag in ("input", "textarea") and kind in (TEXT_INPUTS | {"textarea"}):
                spoilable.append((name, kind))
        yield target, values, spoilable


ROUNDS = 3


def _hostile(kind: str, turn: int) -> str:
    values = TYPED.get(kind, FORM_TEXTS)
    return values[turn % len(values)]


def _spoiled(values: dict, spoilable: list, round_: int) -> dict:
    """The form with every field spoiled at once, each with another value in each round (a
    request per field would take minutes; the API's test spoils one field at a time, through
    the same services)."""
    spoiled = dict(values)
    for index, (name, kind) in enumerate(spoilable):
        spoiled[name] = _hostile(kind, index + round_ * 3)
    return spoiled


def test_hostile_values_in_every_field_of_every_form(world, client_for):
    client = client_for(world.admin)
    coordinator = client_for(world.hki_coordinator)
    problems_before = hostile.stored_problems()
    seen, sent = set(), 0
    for page in _pages(world):
        # The portal's pages as a coordinator sees them; the admin sites as the administrator.
        acting = client if page.startswith("/admin/") else coordinator
        response = acting.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for target, values, spoilable in _forms(page, response.content):
            key = (target, tuple(sorted(values)), tuple(spoilable))
            if key in seen:
                continue
            seen.add(key)
            for round_ in range(ROUNDS if spoilable else 0):
                cache.clear()  # request counts: this is not about throttling
                with transaction.atomic():
                    before = hostile.fingerprint()
                    answer = acting.post(target, _spoiled(values, spoilable, round_))
                    where = (page, target, round_)
                    hostile.check_outcome(answer.status_code, before, problems_before, where)
                    transaction.set_rollback(True)
                sent += 1
    # Every kind of page was reached: the portal's forms and both admin sites'.
    assert sent > 50
    assert any(t.startswith("/manage/") for t, *_ in seen)
    assert any(t.startswith("/admin/") for t, *_ in seen)
    assert any(t.startswith("/activities/") for t, *_ in seen)
