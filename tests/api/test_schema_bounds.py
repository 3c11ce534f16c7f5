"""The OpenAPI schema carries every bound the services enforce, from the same definitions
(``core.inputs`` for texts, ``core.dates`` for dates, the funding service for money), so that
a request the schema allows is one the API accepts (tests/api/test_schemathesis.py runs
Schemathesis' positive-data acceptance on it)."""

from __future__ import annotations

import functools
import re

import pytest

from api.openapi import DATE_PATTERN, URL_PATTERN, amount_pattern, not_blank
from cooperation.models import ActionPlan, Activity
from cooperation.services.funding import MAX_AMOUNT
from core import inputs
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from core.ids import MAX_ID
from partners.models import Agency

pytestmark = pytest.mark.django_db


@functools.cache
def _schema_of(client) -> dict:
    return client.get("/api/schema/?format=json").json()


@pytest.fixture
def schema(client):
    return _schema_of(client)


def _property(schema, component: str, name: str) -> dict:
    return schema["components"]["schemas"][component]["properties"][name]


def _parameter(schema, path: str, name: str) -> dict:
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name)["schema"]


def _limit(model, name: str) -> int:
    return inputs.limit_of(model, model._meta.get_field(name))


def test_json_pattern_is_the_services_rule():
    line, text = (re.compile(inputs.json_pattern(kind)) for kind in ("line", "text"))
    for value in ("Helsinki", "北京", "a - b", "\u200e"):
        assert line.match(value) and inputs.line_error(value) is None
    for value in ("a\nb", "a\tb", "\x00", "\x85", "\u2028", "\u202e"):
        assert not line.match(value) and inputs.line_error(value) is not None
    assert text.match("a\nb\tc\r\n") and inputs.text_error("a\nb\tc\r\n") is None
    for value in ("\x00", "\x0b", "\x9f", "\u2066"):
        assert not text.match(value) and inputs.text_error(value) is not None
    blank = re.compile(not_blank(inputs.json_pattern("line")))
    assert blank.match(" a ") and not blank.match("   ") and not blank.match("")


def test_translated_texts_carry_the_service_limit_and_characters(schema):
    title = _property(schema, "ActivityRequest", "title")
    for language in ("en", "zh-hans"):
        assert title["properties"][language]["maxLength"] == _limit(Activity, "title_en")
        assert title["properties"][language]["pattern"] == inputs.json_pattern("line")
    # A title needs one language (a POST, a PUT); a PATCH may leave it out.
    assert "anyOf" in title
    assert "anyOf" not in _property(schema, "PatchedActivityRequest", "title")
    description = _property(schema, "ActivityRequest", "description")["properties"]["en"]
    assert description["maxLength"] == inputs.LIMITS["text"]
    assert description["pattern"] == inputs.json_pattern("text")
    plan_title = _property(schema, "PlanRequest", "title")["properties"]["en"]
    assert plan_title["maxLength"] == _limit(ActionPlan, "title_en")
    # An agency's name cannot be blank: the English one is needed.
    name = _property(schema, "AgencyRequest", "name")
    assert name["required"] == ["en"]
    assert name["properties"]["en"]["maxLength"] == _limit(Agency, "name_en")


def test_a_plain_or_translated_text_is_bounded_both_ways(schema):
    funder = _property(schema, "FundingWriteRequest", "funder")["oneOf"]
    translated, plain = funder
    assert plain["maxLength"] == translated["properties"]["en"]["maxLength"] == 200
    assert plain["pattern"] == inputs.json_pattern("line")


def test_dates_lie_in_the_one_range(schema):
    planned = _property(schema, "ActivityRequest", "planned_start")
    assert planned["format"] == "date" and planned["pattern"] == DATE_PATTERN
    pattern = re.compile(DATE_PATTERN)
    for day in ("1950-01-01", "2024-02-29", "2100-12-31"):
        assert pattern.match(day)
    for day in ("1949-12-31", "2101-01-01", "0001-01-01", "9999-12-31", "2024-13-01"):
        assert not pattern.match(day)
    starts = _property(schema, "ProgrammeItemRequest", "starts_at")
    assert starts["format"] == "date-time" and starts["pattern"].startswith(DATE_PATTERN[:-1])
    since = _parameter(schema, "/api/v1/events/{id}/history/", "since")
    assert since["pattern"] == DATE_PATTERN


def test_years_of_plans_and_of_the_events_filter(schema):
    for name in ("period_start_year", "period_end_year"):
        year = _property(schema, "PlanRequest", name)
        assert (year["minimum"], year["maximum"]) == (EARLIEST_YEAR, LATEST_YEAR)
    year = _parameter(schema, "/api/v1/events/", "year")
    assert (year["minimum"], year["maximum"]) == (EARLIEST_YEAR, LATEST_YEAR)


def test_money_currency_and_amounts(schema):
    currency = _property(schema, "FundingWriteRequest", "currency")
    assert currency["pattern"] == "^[A-Za-z]{3}$" and currency["maxLength"] == 3
    amount = _property(schema, "FundingWriteRequest", "amount")
    assert (amount["minimum"], amount["maximum"]) == (0.0, float(MAX_AMOUNT))
    pattern = re.compile(amount["pattern"])
    for value in ("0", "12.5", ".5", "9999999999.99", "10000000000", "10000000000.00"):
        assert pattern.match(value)
    for value in ("-1", "10000000000.01", "10000000001", "1.234", "", ".", "-"):
        assert not pattern.match(value)
    assert amount["pattern"] == amount_pattern(
        type("Field", (), {"decimal_places": 2, "schema_range": (0, MAX_AMOUNT)})
    )


def test_website_is_a_uri_of_the_service_length_or_empty(schema):
    website = _property(schema, "AgencyRequest", "website")
    empty, address = website["anyOf"]
    assert empty == {"maxLength": 0}
    assert address["format"] == "uri" and address["pattern"] == URL_PATTERN
    assert address["maxLength"] == _limit(Agency, "website")
    pattern = re.compile(URL_PATTERN)
    assert pattern.match("https://www.hel.fi/en?x=1#top")
    for value in ("ftp://a.fi", "https://localhost", "https://a.fi/\u00e9", "javascript:x"):
        assert not pattern.match(value)


def test_lists_refusing_duplicates_say_unique_items(schema):
    languages = _property(schema, "PlanRequest", "authentic_languages")
    assert languages["uniqueItems"] is True and languages["maxItems"] == 5


def test_paging_bounds(schema):
    page = _parameter(schema, "/api/v1/plans/", "page")
    assert (page["minimum"], page["maximum"]) == (1, MAX_ID)
    size = _parameter(schema, "/api/v1/plans/", "page_size")
    assert (size["minimum"], size["maximum"]) == (1, 200)
    history = _parameter(schema, "/api/v1/plans/{id}/history/", "page_size")
    assert (history["minimum"], history["maximum"]) == (1, 200)


def test_duplicate_authentic_languages_are_refused(client, world):
    from api.models import ApiToken

    key = ApiToken.issue(user=world.hki_coordinator, name="t")[1]
    response = client.patch(
        f"/api/v1/plans/{world.plan.pk}/",
        {"authentic_languages": ["en", "en"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400
    assert "authentic_languages" in response.json()["errors"]


def test_filters_say_their_bounds(schema):
    year = _parameter(schema, "/api/v1/activities/", "year")
    assert year["type"] == "integer"
    assert (year["minimum"], year["maximum"]) == (EARLIEST_YEAR, LATEST_YEAR)
    assert (
        _parameter(schema, "/api/v1/activities/", "text")["maxLength"] == (inputs.LIMITS["search"])
    )
    assert _parameter(schema, "/api/v1/activities/", "currency")["maxLength"] == 3
    assert _parameter(schema, "/api/v1/activities/", "text")["pattern"] == r"^[^\u0000]*$"


def test_an_amendment_makes_one_change_at_least(schema):
    changes = _property(schema, "PatchedAmendmentRequest", "changes")
    assert changes["minItems"] == 1 and changes["maxItems"] == 50
