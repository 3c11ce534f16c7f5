"""Serializer fields of the API: translated content in one object, ids that cannot overflow,
web addresses that may be left empty."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.ids import parse_id
from core.templatetags.content import content_language

# Content languages (modeltranslation's): the JSON key and the model field suffix.
LANGUAGES = {"en": "en", "zh-hans": "zh_hans"}

TRANSLATED_DESCRIPTION = (
    "The text in each content language; a language left out is kept as it is on PATCH and "
    "emptied on PUT and POST."
)
TRANSLATED_SCHEMA = {
    "type": "object",
    "description": TRANSLATED_DESCRIPTION,
    "properties": {lang: {"type": "string"} for lang in LANGUAGES},
    "additionalProperties": False,
}


@extend_schema_field(TRANSLATED_SCHEMA)
class TranslatedField(serializers.Field):
    """``"title": {"en": "…", "zh-hans": "…"}`` for the fields ``title_en``, ``title_zh_hans``.

    Read: both languages ("" when missing). Write: any of the languages; unknown keys and
    non-strings are refused; lengths are the model's.
    """

    SCHEMA_DESCRIPTION = TRANSLATED_DESCRIPTION
    default_error_messages = {
        "not_a_dict": _("Give an object with the keys “en” and “zh-hans”."),
        "unknown_language": _("Unknown language “%(name)s”: use “en” or “zh-hans”."),
        "not_a_string": _("Give the text in %(language)s as a string."),
        "too_long": _("At most %(max)s characters in %(language)s."),
        "required": _("Give the text in English or in Chinese."),
    }

    def __init__(self, name: str, *, max_length: int | None = None, require_one=False, **kwargs):
        self.name = name
        self.max_length = max_length
        self.require_one = require_one
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def fail(self, key, **kwargs):
        # The messages are gettext's "%(name)s" (DRF's own fail() formats "{name}").
        raise serializers.ValidationError(self.error_messages[key] % kwargs, code=key)

    def model_field(self, language: str) -> str:
        return f"{self.name}_{LANGUAGES[language]}"

    def to_representation(self, obj):
        return {lang: getattr(obj, self.model_field(lang), None) or "" for lang in LANGUAGES}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict")
        out = {}
        for key, value in data.items():
            if key not in LANGUAGES:
                self.fail("unknown_language", name=str(key)[:20])
            if value is None:
                value = ""
            if not isinstance(value, str):
                self.fail("not_a_string", language=key)
            # Control characters (NUL among them) are the service's to refuse (core.inputs).
            value = value.strip()
            if self.max_length and len(value) > self.max_length:
                self.fail("too_long", max=self.max_length, language=key)
            out[self.model_field(key)] = value
        partial = getattr(self.root, "partial", False)
        if not partial:
            for lang in LANGUAGES:
                out.setdefault(self.model_field(lang), "")
        if self.require_one and not partial and not any(out.values()):
            self.fail("required")
        return out


@extend_schema_field(
    {
        "oneOf": [
            TRANSLATED_SCHEMA,
            {
                "type": "string",
                "description": "The text in the request's language (Accept-Language), as "
                "before the text could be given in both.",
            },
        ]
    }
)
class TranslatedOrPlainField(TranslatedField):
    """A ``TranslatedField`` that also takes a plain string: the text in the request's
    language (a status note and a funder were one string before issue 12)."""

    PLAIN_DESCRIPTION = (
        "The text in the request's language (Accept-Language), as before the text could be "
        "given in both."
    )

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = {content_language(): data}
        return super().to_internal_value(data)


class SafePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id; anything a database key cannot hold is "not found", never an overflow."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        text = str(data).strip()
        pk = parse_id(text)
        if pk is None:
            self.fail("does_not_exist", pk_value=text[:30])
        return super().to_internal_value(pk)


@extend_schema_field(
    {"type": "string", "maxLength": 200, "description": "A web address (http or https), or empty."}
)
class OptionalURLField(serializers.CharField):
    """A URL or nothing (DRF's URLField would document "" as an invalid URI)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                URLValidator()(value)
            except DjangoValidationError:
                raise serializers.ValidationError(_("Enter a valid URL.")) from None
        return value


class UniqueListField(serializers.ListField):
    """A list whose items may each be given once (``uniqueItems`` in the schema)."""

    default_error_messages = {"duplicate": _("Give each item once.")}

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(set(map(repr, values))) != len(values):
            self.fail("duplicate")
        return values


class BlankableSlugField(serializers.SlugField):
    """A code that may be empty (a model's ``SlugField(blank=True)``): drf-spectacular would
    document the slug pattern alone, which "" does not match."""


class BlankableSlugSchema(OpenApiSerializerFieldExtension):
    target_class = BlankableSlugField

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$"}
        if self.target.max_length:
            schema["maxLength"] = self.target.max_length
        return schema
