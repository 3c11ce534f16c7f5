"""The API's edge (issue 13): bodies bounded before they are read, JSON nested too deep
refused, pages and page sizes checked, and every answer under /api/ JSON."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from api.parsers import MAX_JSON_DEPTH, nested_too_deep
from cooperation.models import Activity

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000


def _is_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.mark.parametrize("path", ["/api/v1/activities/", "/api/v1/reports/"])
def test_json_nested_5000_deep_is_a_400_naming_the_body(world, token_for, path):
    client = token_for(world.hki_coordinator)
    response = client.post(path, DEEP, content_type="application/json")
    body = _is_json_error(response, 400)
    assert "nested more than 32 levels" in body["errors"]["body"][0]
    # A string full of brackets is not nesting.
    assert not nested_too_deep('{"a": "' + "[" * 100 + '"}')
    assert nested_too_deep("[" * (MAX_JSON_DEPTH + 1))


def test_unreadable_json_is_a_400_in_the_users_language(world, token_for):
    client = token_for(world.hki_coordinator)
    response = client.post("/api/v1/activities/", '{"title": ', content_type="application/json")
    assert "line 1" in _is_json_error(response, 400)["errors"]["body"][0]
    response = client.post("/api/v1/activities/", '{"x": NaN}', content_type="application/json")
    assert _is_json_error(response, 400)["errors"]["body"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(world, token_for, settings):
    settings.API_MAX_BODY_BYTES = 2048
    client = token_for(world.hki_coordinator)
    before = Activity.objects.count()
    text = '{"title": {"en": "' + "x" * 4000 + '"}, "theme": ' + str(world.themes[0].pk) + "}"

    response = client.post("/api/v1/activities/", text, content_type="application/json")

    body = _is_json_error(response, 413)
    assert body["code"] == "body_too_large"
    assert "2.0\xa0KB" in body["detail"]
    assert Activity.objects.count() == before


def test_a_body_longer_than_its_content_length_says_is_not_read_beyond(world, settings):
    """The parsers read at most the limit too (a server that passes a longer stream)."""
    from api.parsers import BodyTooLarge, read_bounded

    with pytest.raises(BodyTooLarge):
        read_bounded(io.BytesIO(b"x" * 3000), 2048)
    assert read_bounded(io.BytesIO(b"x" * 2048), 2048) == b"x" * 2048


def test_a_body_of_unknown_length_is_refused(world, token_for):
    client = token_for(world.hki_coordinator)
    response = client.generic(
        "POST",
        "/api/v1/activities/",
        b"",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert _is_json_error(response, 411)["code"] == "length_required"


def test_evidence_uploads_have_their_own_limit(world, api_for, settings):
    settings.API_MAX_BODY_BYTES = 2048
    settings.API_MAX_UPLOAD_BYTES = 8192
    client = api_for(world.hki_staff)
    url = f"/api/v1/activities/{world.hki_activity.pk}/evidence/"
    from django.core.files.uploadedfile import SimpleUploadedFile

    small = SimpleUploadedFile("a.txt", b"minutes " * 500, content_type="text/plain")
    assert client.post(url, {"file": small}, format="multipart").status_code == 201
    big = SimpleUploadedFile("b.txt", b"minutes " * 2000, content_type="text/plain")
    response = client.post(url, {"file": big}, format="multipart")
    assert _is_json_error(response, 413)["code"] == "body_too_large"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/activities/1.2/",
        "/api/v1/activities/1/nothing/",
        "/api/v1/nothing/",
        "/api/nothing",
    ],
)
def test_an_address_that_names_nothing_is_a_json_404(world, token_for, path):
    body = _is_json_error(token_for(world.hki_coordinator).get(path), 404)
    assert body["code"] == "not_found"


def test_a_method_not_allowed_is_a_json_405(world, token_for):
    response = token_for(world.hki_coordinator).put("/api/v1/activities/", {}, format="json")
    assert _is_json_error(response, 405)["code"] == "method_not_allowed"


def test_a_bad_host_under_the_api_is_a_json_400(world):
    response = Client().get("/api/v1/activities/", HTTP_HOST="evil.example")
    assert _is_json_error(response, 400)["code"] == "bad_request"


def test_pages_and_page_sizes_are_checked(world, token_for):
    client = token_for(world.hki_coordinator)
    for query in ("page_size=0", "page_size=201", "page_size=x", "page=0", "page=x"):
        body = _is_json_error(client.get(f"/api/v1/activities/?{query}"), 400)
        assert set(body["errors"]) == {query.split("=")[0]}, query
    assert client.get("/api/v1/activities/?page_size=200").status_code == 200
    assert client.get("/api/v1/activities/?page=1&page_size=1").json()["results"]
    _is_json_error(client.get("/api/v1/activities/?page=999"), 404)


def test_a_filter_given_empty_is_a_400_unless_it_is_text(world, token_for):
    client = token_for(world.hki_coordinator)
    for query in ("planned_start_after=", "status=", "year=", "updated_since="):
        body = _is_json_error(client.get(f"/api/v1/activities/?{query}"), 400)
        assert set(body["errors"]) == {query.rstrip("=")}, query
    assert client.get("/api/v1/activities/?text=").status_code == 200
    body = _is_json_error(client.get("/api/v1/agencies/?third_party=-69"), 400)
    assert set(body["errors"]) == {"third_party"}
    assert client.get("/api/v1/agencies/?third_party=false").status_code == 200
    plan = world.plan.pk
    _is_json_error(client.get(f"/api/v1/plans/{plan}/funding-summary/?by="), 400)
    _is_json_error(client.get(f"/api/v1/plans/{plan}/history/?until="), 400)
    assert client.get(f"/api/v1/plans/{plan}/history/?actor=").status_code == 200
    # Checked before a 304 could answer: the request is refused anyway (RFC 9110 13.2.1).
    response = client.get("/api/v1/activities/?page_size=x", HTTP_IF_NONE_MATCH="*")
    _is_json_error(response, 400)


def test_the_schema_documents_the_bounds(client):
    spec = client.get("/api/schema/?format=json").json()
    operation = spec["paths"]["/api/v1/activities/"]["get"]
    page_size = next(p for p in operation["parameters"] if p["name"] == "page_size")
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 200)
    assert {"400", "404"} <= set(operation["responses"])
    assert "413" in spec["paths"]["/api/v1/activities/"]["post"]["responses"]
    assert "API_MAX_BODY_BYTES" in spec["info"]["description"]
