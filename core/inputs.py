"""What any text or date written to the portal may be: the one table of limits and the check
every service runs before it saves (``core.writes.validate`` runs it; services that save
without it call ``check``).

- Dates lie between ``core.dates.EARLIEST_DATE`` and ``LATEST_DATE`` (1950–2100).
- A one-line text (a ``CharField``: titles, names, codes, places, labels) has no control
  character at all: no line break, tab or NUL, no other C0 or C1 control, no Unicode line or
  paragraph separator.
- A longer text (a ``TextField``: descriptions, notes, terms) may hold line breaks and tabs,
  but no other control character (PostgreSQL refuses NUL in text).
- Neither holds a bidirectional override, embedding or isolate (U+202A–U+202E,
  U+2066–U+2069): the portal's languages never need them, and one left open reverses the rest
  of a line on a page, in a PDF or in a file name ("Trojan source"). Nor a lone surrogate,
  which no database encoding can store. The invisible marks U+200E/U+200F stay allowed.
- Every text has a length a person never reaches (``LIMITS``); a model's own ``max_length``,
  when smaller, is the limit.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .dates import EARLIEST_DATE, LATEST_DATE, in_range, long_date

#: The one table of limits, in characters.
LIMITS = {
    # A title, a name, a place, a label, a code, a file's name (a model's max_length may be less).
    "line": 500,
    # A description, a note, a clause of a plan's terms, an assessment.
    "text": 20_000,
    # A whole signed text pasted to draft a plan from it.
    "document": 500_000,
    # A web address.
    "url": 2_000,
    # A search typed into a list's filter (``?text=``, ``?q=``).
    "search": 200,
}

#: Longer texts than ``LIMITS["text"]``, by "app_label.Model.field" (both languages).
DOCUMENT_FIELDS = frozenset({"plandata.PlanDraft.source_text", "plandata.PlanDraft.source_text_zh"})

_BIDI_AND_SURROGATES = "\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# One line: every C0 and C1 control, DEL, the line and paragraph separators.
_NOT_IN_A_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_AND_SURROGATES}]")
# Several lines: the same, but tab, line feed and carriage return are fine.
_NOT_IN_A_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_AND_SURROGATES}]")


def json_pattern(kind: str = "line") -> str:
    """The characters a text of ``kind`` ("line" or "text") may hold, as an OpenAPI (ECMA-262)
    pattern: the complement of what ``line_error`` / ``text_error`` refuse, from the same
    ranges. Lone surrogates are left out: a JSON text of characters holds none (a generator
    of strings from patterns cannot read the range)."""
    refused = (_NOT_IN_A_LINE if kind == "line" else _NOT_IN_A_TEXT).pattern[1:-1]
    refused = refused.replace("\ud800-\udfff", "")
    escaped = "".join(ch if 0x20 < ord(ch) < 0x7F else f"\\u{ord(ch):04x}" for ch in refused)
    return f"^[^{escaped}]*$"


def kind_of(field: models.Field) -> str:
    """ "line" for a one-line text (a ``CharField``), "text" for one of several lines."""
    return "text" if isinstance(field, models.TextField) else "line"


def _control_error(pattern: re.Pattern, value: str, message: str) -> ValidationError | None:
    found = pattern.search(value)
    if found is None:
        return None
    character = f"U+{ord(found.group()):04X}"
    return ValidationError(message, code="control_character", params={"character": character})


def line_error(value: str) -> ValidationError | None:
    """Why ``value`` cannot be a one-line text, or None."""
    message = _("Keep this to one line, without control characters (%(character)s).")
    return _control_error(_NOT_IN_A_LINE, value, message)


def text_error(value: str) -> ValidationError | None:
    """Why ``value`` cannot be a text of several lines, or None."""
    message = _("Remove the control character %(character)s from this text.")
    return _control_error(_NOT_IN_A_TEXT, value, message)


def date_error(field: models.Field, value) -> ValidationError | None:
    """Why ``value`` cannot be the date of ``field``, or None."""
    if in_range(value):
        return None
    return ValidationError(
        _("%(field)s must be between %(first)s and %(last)s."),
        code="date_out_of_range",
        params={
            "field": capfirst(field.verbose_name),
            "first": long_date(EARLIEST_DATE),
            "last": long_date(LATEST_DATE),
        },
    )


def limit_of(model: type[models.Model], field: models.Field) -> int:
    """The longest text ``field`` of ``model`` takes."""
    if isinstance(field, models.URLField):
        kind = "url"
    elif isinstance(field, models.TextField):
        base = getattr(field, "translated_field", field).name
        kind = "document" if f"{model._meta.label}.{base}" in DOCUMENT_FIELDS else "text"
    else:
        kind = "line"
    return min(filter(None, (LIMITS[kind], field.max_length)))


def length_error(limit: int, value: str) -> ValidationError | None:
    """Django's own "at most N characters" (translated in every language), or None."""
    try:
        MaxLengthValidator(limit)(value)
    except ValidationError as error:
        return error
    return None


def _checked_fields(model: type[models.Model]):
    # A translated field's original column (``title`` beside ``title_en``) mirrors one of its
    # languages: checking the languages is enough.
    mirrored = {
        f.translated_field.name
        for f in model._meta.concrete_fields
        if getattr(f, "translated_field", None) is not None
    }
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in mirrored or field.choices:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if isinstance(field, models.CharField | models.TextField | models.DateField):
            yield field


def field_error(model: type[models.Model], field: models.Field, value) -> ValidationError | None:
    """Why ``value`` cannot be stored in ``field`` of ``model``, or None."""
    if value is None:
        return None
    if isinstance(field, models.DateField):  # DateTimeField too
        return date_error(field, value) if hasattr(value, "year") else None
    if not isinstance(value, str):
        return None
    refused = text_error(value) if isinstance(field, models.TextField) else line_error(value)
    return refused or length_error(limit_of(model, field), value)


def problems(obj: models.Model, *, exclude=()) -> dict[str, list[ValidationError]]:
    """Every text and date of ``obj`` that is out of bounds, by field name."""
    model = type(obj)
    errors = {}
    for field in _checked_fields(model):
        if field.name in exclude:
            continue
        error = field_error(model, field, getattr(obj, field.attname))
        if error is not None:
            errors[field.name] = [error]
    return errors


def check(obj: models.Model, *, exclude=()) -> None:
    """Refuse ``obj`` (ValidationError naming the fields) if a text or a date is out of bounds."""
    errors = problems(obj, exclude=exclude)
    if errors:
        raise ValidationError(errors)


def check_value(model: type[models.Model], name: str, value) -> None:
    """Refuse one value meant for ``model.name`` (a service holding it before a row exists)."""
    error = field_error(model, model._meta.get_field(name), value)
    if error is not None:
        raise ValidationError({name: [error]})


def file_name(name: str | None, *, limit: int = 255) -> str:
    """An uploaded file's name as shown and offered for download: without control and invisible
    formatting characters (a right-to-left override can make "x.txt" read as "x.pdf"), cut to
    ``limit`` characters, "file" when nothing is left. A browser sends whatever name it has."""
    cleaned = "".join(ch for ch in (name or "") if unicodedata.category(ch) not in {"Cc", "Cf"})
    return cleaned.strip()[:limit] or "file"
