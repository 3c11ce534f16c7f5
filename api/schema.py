"""The OpenAPI schema: what the viewsets share in it, and the view that serves it.

The description at the top (``describe``, a drf-spectacular post-processing hook), the
serializers that only document the error shapes of ``api.exceptions``, the documented
answers of a resource's standard operations (``resource_schema``), and ``SchemaView``.
"""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions, serializers

from reports.models import ReportStatus

from .serializers_base import StrictMixin

DESCRIPTION = """\
Everything a person does in the portal's pages, a program can do here, with the same
permissions: those of the user whose session or token makes the request.

**Signing in.** A personal API token, created and revoked by its owner on the profile page
(`/profile/tokens/`), sent as `Authorization: Bearer <key>`; or the browser's session (then
writes need the CSRF token). Without either: 401.

**What you see.** Only objects of your own partnerships: anything else is 404. What you see
but may not change answers 403. Permissions are those of the pages: coordinators run their
partnership; agency staff record activities of their agency and change those it leads or
takes part in (and the events it organises); officials read.

**Content in two languages.** Translated fields are objects: `"title": {"en": "…",
"zh-hans": "…"}`. PATCH may send one language (the other stays); PUT and POST empty a
language left out.

**Lists.** Paginated (`page` from 1, `page_size` from 1 to 200, default 50: anything else is
400, a page past the last 404) over a stable order that ends with the id; `ordering` (e.g.
`-updated_at`), `search` (either language) and the filters of each list (dates as ranges:
`planned_start_after`, `planned_start_before`; `updated_since` in ISO 8601). A filter value
that is not of its type, or names nothing you can see, is 400 naming the parameter.

**Concurrency.** Details carry an `ETag`. Send it back as `If-Match` on PUT, PATCH, DELETE
and the workflow POSTs: if the object changed since, the answer is 412 and nothing is saved.
`If-Match` may be left out; activities and reviews still refuse a write based on a version
that changed meanwhile (412). The body is read and checked first: a bad body is 400 whatever
`If-Match` says.

**Reading again cheaply.** Every list and detail carries an `ETag`; send it back as
`If-None-Match` and, while nothing it shows has changed, the answer is 304 with no body (the
ETag again), answered before any row is read or serialized. Comparison is weak (`W/"…"`
matches `"…"`); several tags may be sent; `*` always matches. A list's ETag is that list
as you asked for it: it differs for another user (rights shape the rows), language, query,
page or host, and it moves on with every change of what the list shows, related names and
roles included. Polling a list with `If-None-Match` is the way to watch for changes.

**Errors.** 400 with `{"errors": {"field": ["message"]}}` (nested fields with dots, e.g.
`title.zh-hans`; the request as a whole under `non_field_errors`, an unreadable body under
`body`); other errors `{"detail": "…", "code": "…"}`; 409 when other records still refer to
an object being deleted. Messages follow `Accept-Language`. Every answer under `/api/` is
JSON, an address that names nothing (404) included.

**Bodies.** JSON (UTF-8), nested at most 32 levels, at most `API_MAX_BODY_BYTES` (1 MiB
unless the portal sets it otherwise); evidence uploads (multipart) at most
`API_MAX_UPLOAD_BYTES` (the upload limit plus 64 KiB). A longer `Content-Length` is refused
with 413 before anything is read, a body without a `Content-Length` (chunked) with 411.

**Rates.** Requests are counted per user (and per address when not signed in, bad tokens
included); beyond the configured rates (`API_THROTTLE_USER`, `API_THROTTLE_ANON`) the answer
is 429 with `Retry-After`.

**Not here yet.** Progress reports (PDF) are not part of this version of the API.
"""


def describe(result, generator, request, public):
    result.setdefault("info", {})["description"] = DESCRIPTION
    return result


def _json(ref: str, description: str) -> dict:
    schema = {"$ref": f"#/components/schemas/{ref}"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def _decimal_needs_a_digit(field: dict) -> None:
    """drf-spectacular's pattern for a decimal (``^-?\\d{0,12}(?:\\.\\d{0,2})?$``) also
    matches "", "-" and ".", which are not numbers: one that needs a digit."""
    match = _DECIMAL.match(field.get("pattern", "")) if field.get("format") == "decimal" else None
    if match:
        whole, places = match.groups()
        field["pattern"] = rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


def shared_answers(result, generator, request, public):
    """Answers every operation of a kind may give, documented once (a post-processing hook):
    a list's 400 (a bad page, page_size or filter) and 404 (past the last page); a body's
    400 (unreadable: not JSON, nested too deep) and 413 (longer than the API accepts,
    api.middleware)."""
    schemas = result.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        for field in schema.get("properties", {}).values():
            _decimal_needs_a_digit(field)
    for (name, kind), component in generator.registry._components.items():
        strict = component.object
        strict = strict if isinstance(strict, type) else type(strict)
        if kind == "schemas" and name in schemas and issubclass(strict, StrictMixin):
            # Unknown keys are refused (serializers_base.StrictMixin).
            schemas[name]["additionalProperties"] = False
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            responses.setdefault(
                "406", _json("Detail", "The Accept header asks for a type the API cannot give.")
            )
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "page" in names:
                responses.setdefault("400", _json("ValidationError", "Invalid input."))
                responses.setdefault("404", _json("Detail", "No such page (past the last)."))
            if "requestBody" in operation:
                responses.setdefault("400", _json("ValidationError", "Invalid input."))
                responses.setdefault(
                    "413",
                    _json(
                        "Detail",
                        "The body is longer than the API accepts (API_MAX_BODY_BYTES; "
                        "evidence uploads API_MAX_UPLOAD_BYTES): nothing was read or saved.",
                    ),
                )
    return result


# --- errors (their shapes, for the schema only) ---------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "description": "Messages per field (nested fields with dots, e.g. title.zh-hans); "
        "errors about the whole request under non_field_errors, an unreadable body under body.",
    }
)
class _ErrorMap(serializers.DictField):
    pass


class ValidationErrorSerializer(serializers.Serializer):
    errors = _ErrorMap()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class PreconditionFailedSerializer(DetailSerializer):
    current_etag = serializers.CharField(required=False)
    changed_fields = serializers.ListField(child=serializers.CharField())


class ReportNotReadySerializer(DetailSerializer):
    state = serializers.ChoiceField(choices=ReportStatus.choices)


# --- documented answers ---------------------------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag read. When it no longer matches, nothing changes and the answer "
    "is 412. May be left out.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag of your copy (several, comma-separated, or *): 304 while it is current.",
)
NOT_MODIFIED = OpenApiResponse(description="Your copy is current (If-None-Match): no body.")
ERRORS = {
    400: OpenApiResponse(ValidationErrorSerializer, description="Invalid input."),
    403: OpenApiResponse(DetailSerializer, description="Seen, but not yours to change."),
    404: OpenApiResponse(DetailSerializer, description="No such object of your partnerships."),
}
READ_ERRORS = {404: ERRORS[404]}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(DetailSerializer, description="Other records refer to it."),
    412: OpenApiResponse(
        PreconditionFailedSerializer, description="Changed since read: nothing was saved."
    ),
}
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")
# Downloads of stored files: streamed (200), or where the portal keeps files in object storage
# with signed downloads, a redirect to a signed address valid for a short time.
SIGNED_REDIRECT = {
    302: OpenApiResponse(
        description="Only where the portal is set up for signed downloads: the file is at "
        "the address in Location, valid for a short time; fetch it without credentials."
    )
}

ALL_WRITES = ("create", "update", "partial_update", "destroy")


def resource_schema(name: str, serializer, *, writes: str = "", methods=()) -> dict:
    """The documented answers of a resource's standard operations."""
    described = {
        "list": extend_schema(
            summary=f"List {name}",
            parameters=[IF_NONE_MATCH],
            responses={200: serializer(many=True), 304: NOT_MODIFIED, 400: ERRORS[400]},
        ),
        "retrieve": extend_schema(
            summary=f"One of the {name}",
            parameters=[IF_NONE_MATCH],
            responses={200: serializer, 304: NOT_MODIFIED, **READ_ERRORS},
        ),
    }
    writes_of = {
        "create": extend_schema(description=writes, responses={201: serializer, **ERRORS}),
        "update": extend_schema(
            description=writes, parameters=[IF_MATCH], responses={200: serializer, **WRITE_ERRORS}
        ),
        "partial_update": extend_schema(
            description=writes, parameters=[IF_MATCH], responses={200: serializer, **WRITE_ERRORS}
        ),
        "destroy": extend_schema(
            description=writes, parameters=[IF_MATCH], responses={204: None, **WRITE_ERRORS}
        ),
    }
    described.update({name: schema for name, schema in writes_of.items() if name in methods})
    return described


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML, or JSON with ?format=json). Public, like the docs."""

    permission_classes = [permissions.AllowAny]
