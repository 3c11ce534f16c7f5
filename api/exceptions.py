"""Errors of the API, always as JSON and never as a 500 for anything a client can send.

- 400: ``{"errors": {"field": ["message", …]}}``; nested fields are named with dots
  (``"title.zh-hans"``), errors about the request as a whole are under ``"non_field_errors"``
  and an unreadable body under ``"body"``.
- 401, 403, 404, 405, 406, 409, 412, 415, 429: ``{"detail": "message", "code": "…"}`` (a
  report not ready to download, 409, also gives its ``"state"``).

Rules broken inside a service arrive as Django's ValidationError naming model fields
(``title_en``); they are reported under the API's names (``title.en``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = "non_field_errors"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, detail=None, *, current_etag: str | None = None, changed=None):
        super().__init__(
            detail
            or _(
                "The object was changed since you read it (your If-Match no longer matches). "
                "Nothing was saved: read it again and retry."
            )
        )
        self.current_etag = current_etag
        self.changed = changed or []


class NotModified(exceptions.APIException):
    """The client's copy of a list is current (If-None-Match): 304, no body."""

    status_code = status.HTTP_304_NOT_MODIFIED

    def __init__(self, etag: str):
        super().__init__()
        self.etag = etag


class FromCache(exceptions.APIException):
    """The list or detail as asked is in the cache, rendered, under the current change stamp:
    200 with it (and its ETag)."""

    status_code = status.HTTP_200_OK

    def __init__(self, content: bytes, content_type: str, etag: str | None = None):
        super().__init__()
        self.content, self.content_type, self.etag = content, content_type, etag


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ReportNotReady(Conflict):
    default_code = "report_not_ready"

    def __init__(self, report_status: str):
        super().__init__(
            _("The report cannot be downloaded: its status is “%(status)s”.")
            % {"status": report_status}
        )
        self.report_status = report_status


def model_field_to_api(name: str) -> str:
    """``title_zh_hans`` → ``title.zh-hans``; ``__all__`` → ``non_field_errors``."""
    if name in ("__all__", None):
        return NON_FIELD
    for suffix, language in (("_zh_hans", "zh-hans"), ("_en", "en")):
        if name.endswith(suffix):
            return f"{name[: -len(suffix)]}.{language}"
    return name


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"a.b": ["message"]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key in (NON_FIELD, "__all__") and not prefix else str(key)
            for sub, messages in _flatten(value, f"{prefix}{name}.").items():
                out.setdefault(sub, []).extend(messages)
    elif (
        isinstance(detail, list) and detail and all(not isinstance(d, dict | list) for d in detail)
    ):
        out[prefix.rstrip(".") or NON_FIELD] = [str(d) for d in detail]
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if value:
                for sub, messages in _flatten(value, f"{prefix}{index}.").items():
                    out.setdefault(sub, []).extend(messages)
    elif detail not in (None, ""):
        out[prefix.rstrip(".") or NON_FIELD] = [str(detail)]
    return out


def django_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            model_field_to_api(name): [m for e in errors for m in e.messages]
            for name, errors in error.error_dict.items()
        }
    return {NON_FIELD: list(error.messages)}


_SURROGATES = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    # A message may quote the input, and JSON input may carry a lone surrogate ("\\ud800"),
    # which no UTF-8 response can hold: quoted as U+FFFD instead.
    return _SURROGATES.sub("\ufffd", text)


def bad_request(errors: dict[str, list[str]]) -> Response:
    errors = {
        _encodable(name): [_encodable(m) for m in messages] for name, messages in errors.items()
    }
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    if isinstance(exc, NotModified):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
        response["ETag"] = exc.etag
        return response
    if isinstance(exc, FromCache):
        response = HttpResponse(exc.content, content_type=exc.content_type)
        if exc.etag:
            response["ETag"] = exc.etag
        return response
    # Django's own exceptions first, as DRF would not know them.
    if isinstance(exc, DjangoValidationError):
        return bad_request(django_errors(exc))
    if isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(_("Other records still refer to this one: it cannot be deleted."))
    elif isinstance(exc, IntegrityError):
        # A uniqueness race lost between validation and saving: nothing was written.
        exc = Conflict(_("This conflicts with a record saved at the same time. Try again."))
    elif isinstance(exc, DataError | OverflowError):
        # A value the database cannot hold (an id beyond 64 bits, …).
        return bad_request({NON_FIELD: [_("A value is out of range.")]})
    elif isinstance(exc, ObjectDoesNotExist):
        exc = Http404()

    if isinstance(exc, exceptions.ValidationError):
        return bad_request(_flatten(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return bad_request({"body": [str(exc.detail)]})

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data if isinstance(response.data, dict) else {"detail": response.data}
    detail = data.get("detail")
    body = {"detail": str(detail) if detail is not None else ""}
    code = getattr(detail, "code", None) or getattr(exc, "default_code", None)
    if code:
        body["code"] = str(code)
    if isinstance(exc, ReportNotReady):
        body["state"] = exc.report_status
    if isinstance(exc, PreconditionFailed):
        if exc.current_etag:
            body["current_etag"] = exc.current_etag
        body["changed_fields"] = exc.changed
    response.data = body
    return response
