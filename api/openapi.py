"""The bounds the services enforce, said in the OpenAPI schema (``BoundedAutoSchema``, the
API's schema class): every text the API takes has the service's maximum length
(``core.inputs.limit_of``) and allowed characters (``core.inputs.json_pattern``), every date
the one range of ``core.dates`` (1950–2100), a web address its form. ``tests/api/
test_schema_bounds.py`` holds them to the services' numbers; Schemathesis' "a schema-valid
request is accepted" (tests/api/test_schemathesis.py) to the behaviour."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from core import inputs
from core.dates import EARLIEST_DATE, LATEST_DATE

from .fields import (
    LANGUAGES,
    OptionalURLField,
    TranslatedField,
    TranslatedOrPlainField,
    UniqueListField,
)

#: A day between core.dates.EARLIEST_DATE and LATEST_DATE (1950-01-01 to 2100-12-31): JSON
#: Schema has no minimum for a date, a pattern says the years.
DATE_PATTERN = r"^(?:19[5-9]\d|20\d\d|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"
DATE_RANGE = f"Between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
#: A text of a filter: anything but NUL (Django's forms.CharField refuses it).
NO_NUL = r"^[^\u0000]*$"
#: A web address the API takes: http or https, a host name with a dot, printable ASCII (an
#: international domain in its xn-- form). Django's URLValidator checks it as well.
URL_PATTERN = (
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    r"(?::\d{1,5})?(?:[/?#][!-~]*)?$"
)


def amount_pattern(field) -> str:
    """A decimal from 0 to the whole number ``field.schema_range[1]`` with at most
    ``decimal_places``: what JSON Schema's minimum and maximum say of a number, for the
    string the API takes."""
    places, top = field.decimal_places, str(int(field.schema_range[1]))
    below = len(top) - 1  # every number with fewer digits than the maximum is below it
    return (
        rf"^(?:\d{{1,{below}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}}"
        rf"|{top}(?:\.0{{0,{places}}})?)$"
    )


def model_field(field):
    """The model field a serializer field writes (None for a computed one)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not isinstance(getattr(field, "source", None), str):
        return None, None
    name = field.source
    if isinstance(field, TranslatedField):
        name = field.model_field("en")
    try:
        return model, model._meta.get_field(name)
    except FieldDoesNotExist:  # a property, a computed value
        return None, None


def text_bounds(field) -> dict:
    """``maxLength`` and ``pattern`` of a text the API takes: the service's limit
    (``core.inputs.limit_of``) and allowed characters (``core.inputs.json_pattern``), the
    serializer's ``max_length`` when smaller."""
    model, column = model_field(field)
    if column is not None and isinstance(column, models.CharField | models.TextField):
        limit, kind = inputs.limit_of(model, column), inputs.kind_of(column)
    else:
        limit, kind = inputs.LIMITS["line"], "line"
    own = getattr(field, "max_length", None)
    return {"maxLength": min(filter(None, (limit, own))), "pattern": inputs.json_pattern(kind)}


def not_blank(pattern: str) -> str:
    """``json_pattern``'s ``^[^X]*$`` with one character at least that is not a space."""
    refused = pattern[len("^[^") : -len("]*$")]
    return rf"^[^{refused}]*[^\s{refused}][^{refused}]*$"


def translated_schema(field, partial: bool) -> dict:
    bounds = text_bounds(field)
    text = {"type": "string", **bounds}
    _model, column = model_field(field)
    base = getattr(column, "translated_field", None)
    schema = {
        "type": "object",
        "description": TranslatedField.SCHEMA_DESCRIPTION,
        "properties": dict.fromkeys(LANGUAGES, text),
        "additionalProperties": False,
    }
    if field.require_one and not partial:
        # One language at least, not blank (the text is stripped): the serializer checks it
        # before the model would want its first language.
        schema["anyOf"] = [
            {"required": [lang], "properties": {lang: {"pattern": not_blank(bounds["pattern"])}}}
            for lang in LANGUAGES
        ]
        schema["description"] += " One language at least is not blank."
    elif base is not None and not base.blank:
        # The model's text may not be blank: its first (default) language, English, is needed
        # (a PATCH may leave it out, not empty it).
        schema["properties"] = {
            **schema["properties"],
            "en": {**text, "pattern": not_blank(bounds["pattern"])},
        }
        if not partial:
            schema["required"] = ["en"]
        schema["description"] += " The English text is needed."
    if isinstance(field, TranslatedOrPlainField):
        plain = {**text, "description": TranslatedOrPlainField.PLAIN_DESCRIPTION}
        if field.require_one and not partial:
            plain["pattern"] = not_blank(bounds["pattern"])
        return {"oneOf": [schema, plain]}
    return schema


class BoundedAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the bounds the services enforce on what is written:
    text lengths and characters, the one date range, web addresses."""

    def _get_filter_parameters(self):
        """A filter's own bounds (the events' ``?year=``: ``min_value``, ``max_value``)."""
        parameters = super()._get_filter_parameters()
        filterset = getattr(self.view, "filterset_class", None)
        filters = getattr(filterset, "base_filters", {})
        for parameter in parameters:
            found = filters.get(parameter.get("name"))
            extra, schema = getattr(found, "extra", {}), parameter.setdefault("schema", {})
            if getattr(found, "field_class", None) is forms.IntegerField:
                schema["type"] = "integer"  # a year: a whole number
            for key, bound in (("min_value", "minimum"), ("max_value", "maximum")):
                if extra.get(key) is not None:
                    schema[bound] = extra[key]
            if extra.get("max_length") is not None and schema.get("type") == "string":
                schema["maxLength"] = extra["max_length"]  # a search, a currency
            field_class = getattr(found, "field_class", None)
            if isinstance(field_class, type) and issubclass(field_class, forms.CharField):
                schema["pattern"] = NO_NUL  # Django's forms refuse NUL in any text
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or field.read_only:
            return schema
        if isinstance(field, TranslatedField):
            return translated_schema(field, partial=self.method == "PATCH")
        schema = copy.deepcopy(schema)
        if isinstance(field, UniqueListField):
            schema["uniqueItems"] = True
        if isinstance(field, serializers.ListSerializer):
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
            if getattr(field, "schema_min_items", None):
                schema["minItems"] = field.schema_min_items
        if isinstance(field, OptionalURLField):
            limit = text_bounds(field)["maxLength"]
            return {
                "type": "string",
                "description": schema.get("description", ""),
                "anyOf": [
                    {"maxLength": 0},
                    {"format": "uri", "pattern": URL_PATTERN, "maxLength": limit},
                ],
            }
        if isinstance(field, serializers.DecimalField) and hasattr(field, "schema_range"):
            schema["pattern"] = amount_pattern(field)
            schema["minimum"], schema["maximum"] = (float(n) for n in field.schema_range)
        elif isinstance(field, serializers.DateTimeField) and schema.get("format") == "date-time":
            schema["pattern"] = DATE_PATTERN[:-1] + "T"
            schema["description"] = " ".join(filter(None, (schema.get("description"), DATE_RANGE)))
        elif isinstance(field, serializers.DateField) and schema.get("format") == "date":
            schema["pattern"] = DATE_PATTERN
            schema["description"] = " ".join(filter(None, (schema.get("description"), DATE_RANGE)))
        elif (
            isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "enum" not in schema
            and "format" not in schema
        ):
            bounds = text_bounds(field)
            schema["maxLength"] = min(
                schema.get("maxLength", bounds["maxLength"]), bounds["maxLength"]
            )
            if not isinstance(field, serializers.SlugField | serializers.RegexField):
                schema["pattern"] = getattr(field, "schema_pattern", bounds["pattern"])
        return schema
