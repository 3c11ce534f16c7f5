"""Showing translated content: the active language's text, or the other one visibly marked."""

import re

from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
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


# A closing bracket group at the end of a title: "…行动计划（2019—2023年）", "… (2019–2023)".
_LAST_BRACKETS = re.compile(r"[（(][^（）()]*[）)]\s*$")


@register.filter
def keep_brackets(text) -> str:
    """The text (escaped), its last bracketed group kept on one line (``<span
    class="nowrap">``): a title never breaks before "年）"."""
    text = str(text or "")
    match = _LAST_BRACKETS.search(text)
    if not match:
        return format_html("{}", text)
    return format_html('{}<span class="nowrap">{}</span>', text[: match.start()], match.group(0))


# The glue between words, in the reader's language: Chinese takes full-width punctuation
# (“（北京）”, “计划中：4”, “2019年10月11日，赫尔辛基”), never ASCII next to Chinese.


def _glue(pattern: str, **parts) -> str:
    return mark_safe(escape(pattern) % {k: conditional_escape(v) for k, v in parts.items()})  # noqa: S308


def in_brackets(text) -> str:
    """Plain text in brackets, for labels built in code (choice labels)."""
    return pgettext("in brackets", "(%(text)s)") % {"text": text}


@register.simple_tag
def bracketed(text) -> str:
    """``text`` in brackets: "(Beijing)", “（北京）”."""
    return _glue(pgettext("in brackets", "(%(text)s)"), text=text)


@register.simple_tag
def labelled(label, value) -> str:
    """A label and its value: "Planned: 4", “计划中：4”."""
    return _glue(pgettext("label and value", "%(label)s: %(value)s"), label=label, value=value)


@register.simple_tag
def comma() -> str:
    """The comma between two parts of a phrase: ", ", “，”."""
    return pgettext("comma between parts", ", ")
