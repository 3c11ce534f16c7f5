"""``{% load dates %}``: ``{{ day|long_date }}`` spells a date out in the active language, as
e-mails and reports do (31 December 2021, 2021年12月31日, 31. joulukuuta 2021)."""

from django import template

from core.dates import long_date as _long_date

register = template.Library()


@register.filter
def long_date(value):
    return _long_date(value)
