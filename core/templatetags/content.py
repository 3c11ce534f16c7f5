"""Showing translated content: the active language's text, or the other one visibly marked."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

CONTENT_LANGUAGES = ("en", "zh-hans")
LANGUAGE_NAMES = {"en": "English", "zh-hans": "中文"}


def _field(lang: str, name: str) -> str:
    return f"{name}_{lang.replace('-', '_')}"


def content_language() -> str:
    lang = (get_language() or "en").lower()
    return lang if lang in CONTENT_LANGUAGES else "en"


@register.simple_tag
def tr(obj, name: str, empty: str = "—"):
    """``{% tr activity "title" %}``: the text in the page's language.

    A missing translation falls back to the other language, marked as such and tagged with
    its ``lang`` so that screen readers and fonts treat it right; never an empty cell.
    """
    if obj is None:
        return empty
    lang = content_language()
    value = getattr(obj, _field(lang, name), None)
    if value:
        return value
    for other in CONTENT_LANGUAGES:
        if other == lang:
            continue
        value = getattr(obj, _field(other, name), None)
        if value:
            return format_html(
                '<span lang="{}">{}</span> <span class="fallback" title="{}">{}</span>',
                other,
                value,
                _("Not yet translated"),
                LANGUAGE_NAMES[other],
            )
    return empty


@register.simple_tag
def tr_text(obj, name: str) -> str:
    """Plain text in the page's language with fallback and no marking (titles, attributes)."""
    if obj is None:
        return ""
    lang = content_language()
    for candidate in (lang, *[c for c in CONTENT_LANGUAGES if c != lang]):
        value = getattr(obj, _field(candidate, name), None)
        if value:
            return value
    return ""


@register.filter
def field_lang(bound_field) -> str:
    """The language a translated form field is for (``title_zh_hans`` -> ``zh-hans``)."""
    name = bound_field.name
    if name.endswith("_zh_hans"):
        return "zh-hans"
    if name.endswith("_en"):
        return "en"
    return ""
