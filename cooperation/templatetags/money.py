"""``{{ amount|money:currency }}``: an amount grouped as the reader's language groups it, two
decimals, with its ISO 4217 code ("1,234,567.50 CNY", Finnish "1 234 567,50 CNY")."""

from __future__ import annotations

from django import template

from cooperation import money as selectors

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    return selectors.format_amount(amount, currency)
