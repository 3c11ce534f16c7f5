"""Reading a TOML data file and checking its values, collecting every problem with where it is.

Plan files (``planfile.py``) and demo data files (``demofile.py``) are read and checked with
it, so that both explain a mistake the same way: each check sets the cleaned value in ``out``
when it is valid and otherwise records a problem naming the entry and the key, and
``raise_if_problems`` lists every problem in one error before anything is written.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import tomllib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_slug
from django.db import models
from modeltranslation.utils import build_localized_fieldname

#: Content languages: every translated text in a data file has exactly these keys.
CONTENT_LANGUAGES: tuple[str, ...] = tuple(settings.MODELTRANSLATION_LANGUAGES)


def read_toml(path: Path, error: type[CommandError], noun: str) -> dict:
    """The parsed file; ``error`` names the file as ``noun`` ("plan file") when it cannot be
    read or is not valid TOML."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{noun.capitalize()} not found: {path}") from None
    except OSError as exc:
        raise error(f"Cannot read {noun} {path}: {exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = f"{path}: not valid TOML: {exc}"
        found = re.search(r"at line (\d+)", str(exc))
        lines = text.splitlines()
        if found and 0 < int(found.group(1)) <= len(lines):
            message += f"\n  line {found.group(1)}: {lines[int(found.group(1)) - 1].strip()}"
            message += "\n  (dates are written 2019-10-11 and must exist; text is quoted)"
        raise error(message) from None


def translated_fields(name: str, text: dict[str, str] | None) -> dict[str, str]:
    """A checked translated text as model field values: ``{"title_en": …, "title_zh_hans": …}``."""
    if text is None:
        return {}
    return {build_localized_fieldname(name, lang): text[lang] for lang in CONTENT_LANGUAGES}


def max_length(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


class DataChecker:
    """Checks the raw TOML data and builds a cleaned copy; collects every problem found."""

    def __init__(self, path: Path, error: type[CommandError] = CommandError):
        self.path = path
        self.error = error
        self.problems: list[str] = []
        self._languages = [code for code, _name in settings.LANGUAGES]

    # -- reporting ------------------------------------------------------------------------

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def raise_if_problems(self) -> None:
        if not self.problems:
            return
        count = len(self.problems)
        shown = self.problems[:50]
        more = [f"  … and {count - len(shown)} more"] if count > len(shown) else []
        noun = "problem" if count == 1 else "problems"
        raise self.error(
            "\n".join(
                [f"{self.path}: {count} {noun}; nothing was loaded:"]
                + [f"  - {p}" for p in shown]
                + more
            )
        )

    # -- structure ------------------------------------------------------------------------

    @staticmethod
    def where(section: str, index: int, item) -> str:
        label = f"{section} #{index + 1}"
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            label += f" ({item['code']!r})"
        return label

    def array(self, data: dict, key: str, where: str) -> list[dict]:
        """An array of tables (``[[key]]``); missing means empty."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(where, f"'{key}' must be a list of tables ([[{key}]])")
            return []
        return value

    def keys(self, item: dict, where: str, required: Iterable[str], optional: Iterable[str] = ()):
        required, optional = list(required), list(optional)
        for key in required:
            if key not in item:
                self.problem(where, f"missing key '{key}'")
        unknown = sorted(set(item) - set(required) - set(optional))
        for key in unknown:
            allowed = ", ".join(sorted(required + optional))
            self.problem(where, f"unknown key '{key}' (allowed: {allowed})")

    # -- values: each sets out[key] when the key is present and valid ----------------------

    def string(self, src, out, key, where, *, model=None, name=None, choices=None):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"'{key}' must be a non-empty string")
            return
        value = value.strip()
        if choices is not None and value not in choices:
            self.problem(
                where, f"'{key}' is {value!r}; expected one of: {', '.join(map(str, choices))}"
            )
            return
        limit = max_length(model, name or key) if model else None
        if limit and len(value) > limit:
            self.problem(where, f"'{key}' is longer than {limit} characters")
            return
        out[key] = value

    def code(self, src, out, key, where, *, model=None):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, str) or not value:
            self.problem(where, f"'{key}' must be a non-empty code")
            return
        try:
            validate_slug(value)
        except ValidationError:
            self.problem(
                where, f"'{key}' {value!r} is not a valid code (letters, digits, '-' and '_')"
            )
            return
        limit = max_length(model, "code") if model is not None and key == "code" else None
        if limit and len(value) > limit:
            self.problem(where, f"'{key}' is longer than {limit} characters")
            return
        out[key] = value

    def codes(self, src, out, key, where):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(where, f"'{key}' must be a list of codes")
            return
        duplicates = sorted({v for v in value if value.count(v) > 1})
        if duplicates:
            self.problem(where, f"'{key}' lists {', '.join(duplicates)} more than once")
            return
        out[key] = list(value)

    def text(self, src, out, key, where, *, model, name=None):
        """A translated text: a table with exactly the content languages, none empty."""
        if key not in src:
            return
        value = src[key]
        wanted = " and ".join(f"'{lang}'" for lang in CONTENT_LANGUAGES)
        if not isinstance(value, dict):
            self.problem(where, f"'{key}' must be a table with {wanted} texts")
            return
        ok = True
        for lang in CONTENT_LANGUAGES:
            text = value.get(lang)
            if lang not in value:
                self.problem(where, f"'{key}' has no '{lang}' translation")
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.problem(where, f"'{key}' has an empty '{lang}' translation")
                ok = False
        for lang in sorted(set(value) - set(CONTENT_LANGUAGES)):
            self.problem(
                where,
                f"'{key}' has an unknown language {lang!r} (content languages: "
                f"{', '.join(CONTENT_LANGUAGES)})",
            )
            ok = False
        if not ok:
            return
        cleaned = {lang: value[lang].strip() for lang in CONTENT_LANGUAGES}
        limit = max_length(model, name or key)
        for lang, text in cleaned.items():
            if limit and len(text) > limit:
                self.problem(where, f"'{key}' ({lang}) is longer than {limit} characters")
                ok = False
        if ok:
            out[key] = cleaned

    def date(self, src, out, key, where):
        if key not in src:
            return
        value = src[key]
        if isinstance(value, datetime.datetime):
            self.problem(where, f"'{key}' must be a date (YYYY-MM-DD), not a date and time")
            return
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                self.problem(where, f"'{key}' is not a valid date (YYYY-MM-DD): {src[key]!r}")
                return
        if not isinstance(value, datetime.date):
            self.problem(where, f"'{key}' must be a date (YYYY-MM-DD)")
            return
        out[key] = value

    def integer(self, src, out, key, where, *, minimum=0, maximum=32767):
        if key not in src:
            return
        value = src[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"'{key}' must be a whole number")
            return
        if not minimum <= value <= maximum:
            self.problem(where, f"'{key}' must be between {minimum} and {maximum}, not {value}")
            return
        out[key] = value

    def time(self, src, out, key, where):
        """A time of day, written "09:30" (TOML's own 09:30:00 works too)."""
        if key not in src:
            return
        value = src[key]
        if isinstance(value, str):
            try:
                value = datetime.time.fromisoformat(value.strip())
            except ValueError:
                self.problem(where, f"'{key}' is not a valid time of day (HH:MM): {src[key]!r}")
                return
        if not isinstance(value, datetime.time):
            self.problem(where, f"'{key}' must be a time of day (HH:MM)")
            return
        out[key] = value

    def boolean(self, src, out, key, where):
        if key not in src:
            return
        if not isinstance(src[key], bool):
            self.problem(where, f"'{key}' must be true or false")
            return
        out[key] = src[key]

    def amount(self, src, out, key, where, *, model, name=None):
        """A sum of money (not negative) that fits the model's decimal field."""
        if key not in src:
            return
        value = src[key]
        number = None
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            with contextlib.suppress(InvalidOperation):
                number = Decimal(str(value).strip())
        if number is None or not number.is_finite() or number < 0:
            self.problem(where, f"'{key}' must be an amount of money, such as 1500 or 1500.50")
            return
        field = model._meta.get_field(name or key)
        if -number.as_tuple().exponent > field.decimal_places:
            self.problem(where, f"'{key}' has more than {field.decimal_places} decimals")
            return
        if number >= 10 ** (field.max_digits - field.decimal_places):
            self.problem(where, f"'{key}' is too large")
            return
        out[key] = number

    def language_list(self, src, out, key, where):
        if key not in src:
            return
        value = src[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, f"'{key}' must be a list of language codes")
            return
        unknown = [v for v in value if v not in self._languages]
        if unknown:
            self.problem(
                where,
                f"'{key}' has unknown language codes {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(self._languages)})",
            )
            return
        out[key] = list(value)


def unique(checker: DataChecker, items, key_of, what: str) -> None:
    seen: dict = {}
    for where, item in items:
        key = key_of(item)
        if key is None:
            continue
        if key in seen:
            checker.problem(where, f"{what} already used by {seen[key]}")
        else:
            seen[key] = where
