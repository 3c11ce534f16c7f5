"""The API's parsers: JSON with a depth limit, forms and multipart, every body bounded.

How large a body may be is decided before it is read (``api.middleware`` refuses a longer
``Content-Length`` with 413); the parsers read at most that much again, so a body that is
longer than it said is refused too, and a JSON body nested deeper than ``MAX_JSON_DEPTH``
is refused (400) before Python's parser would recurse into it.
"""

from __future__ import annotations

import codecs
import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status

# No body of this API nests more than a few levels (a translated field in an object in a
# list): 32 is far beyond it and far below Python's recursion limit.
MAX_JSON_DEPTH = 32

MIB = 1_048_576
# Room for the form around an uploaded file (its headers, the description).
FORM_BYTES = 65_536

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def max_body_bytes(parser_classes) -> int:
    """The largest body a view with these parsers accepts: an evidence file's own limit where
    files are uploaded (multipart), API_MAX_BODY_BYTES everywhere else."""
    if any(issubclass(parser, parsers.MultiPartParser) for parser in parser_classes):
        return settings.API_MAX_UPLOAD_BYTES or settings.MAX_UPLOAD_MB * MIB + FORM_BYTES
    return settings.API_MAX_BODY_BYTES


def too_large_message(limit: int) -> str:
    return _("The request body is larger than the %(limit)s accepted here.") % {
        "limit": filesizeformat(limit)
    }


def read_bounded(stream, limit: int) -> bytes:
    """At most ``limit`` bytes of the body; 413 if there is more."""
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise BodyTooLarge(too_large_message(limit))
    return data


def _limit(parser_context) -> int:
    view = (parser_context or {}).get("view")
    classes = getattr(view, "parser_classes", None) or [parsers.JSONParser]
    return max_body_bytes(classes)


def nested_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text opens more than ``limit`` arrays/objects inside each other
    (strings, which may hold brackets, are left out; stops at the first level too deep)."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser (strict: no NaN or Infinity), bounded in size and depth, with its
    errors in the user's language."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_bounded(stream, _limit(parser_context))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(
                _("The body is not text in %(encoding)s.") % {"encoding": encoding}
            ) from None
        if nested_too_deep(text):
            raise exceptions.ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.")
                % {"depth": MAX_JSON_DEPTH}
            )
        try:
            return json.loads(text, parse_constant=self._refuse_constant)
        except json.JSONDecodeError as error:
            raise exceptions.ParseError(
                _("The body is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except (ValueError, RecursionError):
            # NaN/Infinity (refused below), or a number too long to convert.
            raise exceptions.ParseError(_("The body holds a value JSON does not allow.")) from None

    @staticmethod
    def _refuse_constant(name):
        raise ValueError(name)


class BoundedFormParser(parsers.FormParser):
    """URL-encoded forms, bounded (DRF's own reads the whole body)."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_bounded(stream, _limit(parser_context))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        return QueryDict(raw, encoding=encoding)


class BoundedMultiPartParser(parsers.MultiPartParser):
    """Multipart, as DRF's: Django's parser streams files to disk and bounds the other fields
    (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS, …); the body as a whole is
    bounded by its Content-Length (api.middleware), which Django's stream never reads beyond.
    Django's refusals, which DRF would let through as errors, are 413 and 400 here."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig:
            raise BodyTooLarge(too_large_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)) from None
        except (TooManyFieldsSent, TooManyFilesSent):
            raise exceptions.ParseError(_("The form has too many fields or files.")) from None
