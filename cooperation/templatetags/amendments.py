"""Amendments on pages: the plan's current version, and the withdrawn marker."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.dates import long_date
from core.templatetags.content import content_language

from ..amendments.models import PlanVersion
from ..models import ResponsibilityRole

register = template.Library()


@register.simple_tag
def plan_version(plan):
    """The plan's latest version (None before any amendment was approved)."""
    return (
        PlanVersion.objects.filter(plan=plan)
        .order_by("-number")
        .only("number", "effective_on")
        .first()
    )


@register.simple_tag
def withdrawn_marker(obj):
    """ "Withdrawn by amendment 2, 1 March 2022" for a withdrawn theme or commitment (its
    ``withdrawn_by`` selected with it), nothing otherwise."""
    if obj is None or getattr(obj, "withdrawn_by_id", None) is None:
        return ""
    return format_html(
        '<span class="badge withdrawn">{}</span>',
        _("Withdrawn by amendment %(number)s, %(date)s")
        % {"number": obj.withdrawn_by.number, "date": long_date(obj.withdrawn_on)},
    )


@register.simple_tag
def snapshot_marker(item):
    """The same marker for a theme or commitment of a frozen version (a dict)."""
    withdrawn = (item or {}).get("withdrawn")
    if not withdrawn:
        return ""
    return format_html(
        '<span class="badge withdrawn">{}</span>',
        _("Withdrawn by amendment %(number)s, %(date)s")
        % {
            "number": withdrawn["amendment"],
            "date": long_date(datetime.date.fromisoformat(withdrawn["on"])),
        },
    )


@register.simple_tag
def both(item, name, lang):
    """A frozen text in one language (``lang``: en or zh_hans)."""
    return ((item or {}).get(name) or {}).get(lang, "")


@register.simple_tag
def in_reader_language(item, name):
    """A frozen text in the reader's language, the other when that one is empty."""
    texts = (item or {}).get(name) or {}
    lang = content_language().replace("-", "_")
    return texts.get(lang) or texts.get("en") or texts.get("zh_hans") or ""


@register.filter
def role_label(value):
    """A responsible agency's rank (lead, supporting) in the reader's language; nothing for
    responsibility without a rank."""
    if value == ResponsibilityRole.RESPONSIBLE:
        return ""
    try:
        return ResponsibilityRole(value).label
    except ValueError:
        return value
