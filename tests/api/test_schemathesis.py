"""Schemathesis against the API's own OpenAPI schema, in-process (WSGI), as CI runs it.

Every operation gets generated requests — valid ones and, in negative mode, invalid ones —
sent with a coordinator's token and with an agency staff member's token, on the real objects
of the test world (ids pinned) and on generated ids, with every check Schemathesis has
(``--checks all``: no server error, status codes, content types, headers and bodies as
documented, schema-violating requests refused, schema-valid requests accepted, auth not
ignored, …).

"A schema-valid request is accepted" (``positive_data_acceptance``) holds because the schema
says every bound the services enforce (lengths and allowed characters from ``core.inputs``,
the one date range, currency codes, amounts, web addresses, unique lists, filter ranges:
``tests/api/test_schema_bounds.py``). What a schema cannot predict has a documented answer
that the check expects (``EXPECTED``): 404 for an id that names nothing of yours, 409 for a
conflict, 412 for an ``If-Match`` the generator cannot know. The 400s that remain are rules
OpenAPI cannot say — an id in the body or a filter that names nothing you can see, a rule
between two fields (an end before its start, a commitment of another partnership, a text
needed in both languages), a workflow step the object's state does not allow. The custom
check ``refusals_name_only_what_openapi_cannot_say`` accepts such a 400 only when every
message in its body is one of those rules (``UNSAYABLE``), and fails on any other.

Bounded and deterministic: a few examples per operation and mode (SCHEMATHESIS_EXAMPLES,
5 by default; run with 50 to search harder), derandomized, no example database, and a
generous deadline per example (a hang fails, a busy CI machine does not).

(schemathesis.pytest.from_fixture does not work with pytest 9 yet: the operations are
listed from the schema generator and driven with Hypothesis here.)
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.failures import Failure
from schemathesis.generation.modes import GenerationMode

from api.models import ApiToken
from reports.models import ProgressReport
from tests.cooperation.amendment_helpers import draft
from tests.factories import EvidenceFactory, FundingFactory, ProgrammeItemFactory

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
METHODS = ("get", "post", "put", "patch", "delete")
# Not generated: the multipart evidence upload (Hypothesis cannot build a file the upload
# rules accept); tests/api/test_funding_evidence.py drives it with real files.
SKIPPED = {("POST", "/api/v1/activities/{id}/evidence/")}


def _operations() -> list[tuple[str, str]]:
    spec = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, item in sorted(spec["paths"].items())
        for method in METHODS
        if method in item and (method.upper(), path) not in SKIPPED
    ]


OPERATIONS = _operations()
# A schema-valid request's documented answers besides success: 401/403 (not yours to see or
# change), 404 (an id naming nothing of yours), 409 (a conflict), 412 (an If-Match the
# generator cannot know), 429, and 400 when ``refusals_name_only_what_openapi_cannot_say``
# finds that it names only a rule OpenAPI cannot say.
EXPECTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "429"]

#: The refusals of a schema-valid request that no OpenAPI schema can predict, by message (the
#: test runs in English). Anything else in a positive case's 400 is a bound the schema misses.
UNSAYABLE = [
    # An id in the body, or a filter value, that names nothing the user can see.
    re.compile(r'^Invalid pk ".*" - object does not exist\.$'),
    re.compile(r"^Select a valid choice\. That choice is not one of the available choices\.$"),
    # A rule between fields, languages or states: an end before its start, a commitment of
    # another partnership, a text needed in both languages, a step the state does not allow.
    re.compile(r"^Give it in English and in Chinese\.$"),
    re.compile(r"^Give the date the activity was completed\.$"),
    re.compile(r"^The end of the range cannot be before its start\.$"),
    re.compile(r"^The planned end cannot be before the start\.$"),
    re.compile(r"^The activity cannot end before it started .*\.$"),
    re.compile(r"^Name the partnerships this third party works in\.$"),  # no city: a third party
    re.compile(r"^Change \d+: Fill in: .+\.$"),  # what a change needs depends on its kind
    re.compile(r"^The activity already has this status\.$"),
    # A bound that moves with today's date.
    re.compile(r"^The date cannot be in the future\.$"),
    re.compile(r"^An approved amendment cannot be withdrawn\.$"),
    re.compile(r"^Only a draft or returned amendment can be submitted\.$"),
    re.compile(r"^An amendment cannot take effect before the plan or its latest version .*\.$"),
    # A value another object holds already (a unique code).
    re.compile(r"^.+ with this .+ already exists\.$"),
]
# The request as a whole (a workflow step, a rule between objects) is non_field_errors.
WHOLE_REQUEST = "non_field_errors"


class SayableRefusal(Failure):
    """A schema-valid request refused for a reason the schema could have said."""

    def __init__(self, *, operation: str, message: str) -> None:
        super().__init__(
            operation=operation,
            title="A bound the schema does not say",
            message=message,
        )

    @property
    def _unique_key(self) -> str:
        return self.message


def refusals_name_only_what_openapi_cannot_say(ctx, response, case) -> None:
    """A schema-valid request answered 400 passes only when every message of its body is
    about the request as a whole or one of ``UNSAYABLE``."""
    meta = case.meta
    if response.status_code != 400 or meta is None or not meta.generation.mode.is_positive:
        return
    try:
        errors = json.loads(response.content)["errors"]
    except (ValueError, KeyError, TypeError):
        errors = {"body": [response.text[:200]]}
    sayable = {
        name: message
        for name, messages in errors.items()
        if name != WHOLE_REQUEST
        for message in messages
        if not any(rule.match(message) for rule in UNSAYABLE)
    }
    if sayable:
        raise SayableRefusal(operation=case.operation.label, message=json.dumps(sayable))


DEADLINE = datetime.timedelta(seconds=30)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the WSGI app itself, whose request signals would close the
    database connection (and the test's transaction with it) on PostgreSQL. Django's test
    client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    return [
        ApiToken.issue(user=getattr(world, role), name="schemathesis")[1]
        for role in ("hki_coordinator", "hki_staff")
    ]


def _real_ids(world, path: str) -> dict:
    """Path parameters naming objects that exist (the Helsinki-led activity, the event…)."""
    resource = path.split("/")[3]
    objects = {
        "partnerships": world.partnership,
        "plans": world.plan,
        "themes": world.themes[0],
        "commitments": world.commitment,
        "agencies": world.hki_agency,
        "activities": world.hki_activity,
        "events": world.event,
        "reviews": world.review,
        "reports": world.plan,  # replaced below: a report of the plan
        "evidence": world.hki_activity,  # replaced below: a file of the activity
    }
    if resource == "reports":
        objects["reports"] = ProgressReport.objects.create(
            plan=world.plan, language="en", as_of=datetime.date(2021, 12, 31)
        )
    if resource == "evidence":
        objects["evidence"] = EvidenceFactory(activity=world.hki_activity)
    if resource == "amendments":
        objects["amendments"] = draft(world)
    params = {}
    if "{id}" in path:
        params["id"] = objects[resource].pk
    if "{item_id}" in path:
        params["item_id"] = ProgrammeItemFactory(event=world.event).pk
    if "{funding_id}" in path:
        params["funding_id"] = FundingFactory(activity=world.hki_activity).pk
    return params


@functools.cache
def _schema():
    """The schema as the app serves it (loaded once: it depends on no data)."""
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    schema.config.checks.positive_data_acceptance.expected_statuses = EXPECTED
    return schema


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error_and_every_answer_as_documented(world, tokens, method, path):
    operation = _schema()[path][method]
    headers = [{"Authorization": f"Bearer {key}"} for key in tokens]

    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    real = _real_ids(world, path)
    if real:
        strategies.append(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=real)
        )

    for strategy in strategies:

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=DEADLINE,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            for header in headers:
                case.call_and_validate(
                    headers=header,
                    additional_checks=[refusals_name_only_what_openapi_cannot_say],
                )

        run()


def _answer(status: int, errors: dict, *, positive: bool = True):
    from types import SimpleNamespace

    mode = GenerationMode.POSITIVE if positive else GenerationMode.NEGATIVE
    case = SimpleNamespace(
        meta=SimpleNamespace(generation=SimpleNamespace(mode=mode)),
        operation=SimpleNamespace(label="POST /api/v1/x/"),
    )
    body = json.dumps({"errors": errors}).encode()
    response = SimpleNamespace(status_code=status, content=body, text=body.decode())
    return None, response, case


@pytest.mark.parametrize(
    "errors",
    [
        {"plan": ['Invalid pk "300" - object does not exist.']},
        {"theme": ["Select a valid choice. That choice is not one of the available choices."]},
        {"non_field_errors": ["Only a completed review can be reopened."]},
        {"title.en": ["Give it in English and in Chinese."]},
    ],
)
def test_the_check_accepts_a_refusal_openapi_cannot_say(errors):
    refusals_name_only_what_openapi_cannot_say(*_answer(400, errors))


@pytest.mark.parametrize(
    "errors",
    [
        {"title.en": ["Ensure this field has no more than 300 characters."]},
        {"until": ["Enter a date between the years 1950 and 2100."]},
        {"plan": ['Invalid pk "300" - object does not exist.'], "year": ["Too big."]},
    ],
)
def test_the_check_fails_a_refusal_the_schema_could_say(errors):
    with pytest.raises(SayableRefusal):
        refusals_name_only_what_openapi_cannot_say(*_answer(400, errors))
    # Negative cases and other answers are other checks' business.
    refusals_name_only_what_openapi_cannot_say(*_answer(400, errors, positive=False))
    refusals_name_only_what_openapi_cannot_say(*_answer(201, errors))
