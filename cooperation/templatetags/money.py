"""Money in templates: ``{{ amount|money:currency }}`` (grouped as the reader's language
groups it, two decimals, with its ISO 4217 code: "1,234,567.50 CNY", Finnish
"1 234 567,50 CNY") and ``{% money_table totals partnership %}`` (source × currency,
committed and spent, then one total per currency)."""

from __future__ import annotations

from django import template

from cooperation import money as selectors

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    return selectors.format_amount(amount, currency)


@register.inclusion_tag("cooperation/_money_table.html")
def money_table(totals, partnership, caption=""):
    return {
        "rows": selectors.named_lines(totals, partnership) if totals else [],
        "currencies": totals.by_currency() if totals else [],
        "caption": caption,
    }
