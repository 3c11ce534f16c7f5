"""Chinese formats: Django's own, plus digit grouping, which Django leaves out for Chinese but
Chinese official documents use for amounts (1,234,567.50)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
