"""Free texts written in either language or both (a status note, a funder).

A plain string (an older API client, a loader, a caller that does not say) is the text in the
active language: ``in_language("note", values)`` moves ``values["note"]`` to ``note_en`` or
``note_zh_hans``. Showing such a text is ``{% tr obj "note" %}`` (core/templatetags/content.py),
which marks the language shown when it is not the reader's.
"""

from __future__ import annotations

from .templatetags.content import CONTENT_LANGUAGES, content_language


def field_of(name: str, language: str) -> str:
    return f"{name}_{language.replace('-', '_')}"


def fields_of(name: str) -> tuple[str, ...]:
    return tuple(field_of(name, language) for language in CONTENT_LANGUAGES)


def in_language(name: str, values: dict) -> dict:
    """``values`` with a plain ``name`` moved to the active language's field (stripped)."""
    values = dict(values)
    if name in values:
        plain = values.pop(name)
        if plain is not None:
            values[field_of(name, content_language())] = plain
    for field in fields_of(name):
        if field in values:
            values[field] = (values[field] or "").strip()
    return values
