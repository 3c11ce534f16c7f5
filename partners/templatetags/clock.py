"""``{% moment value %}``: a date and time in the reader's city time zone, the zone in words.

The reader is the request's user (the city they work in, ``partners.clock``); anonymous
readers and pages rendered without a request see the portal's time (Helsinki time) unless
the page names a city (``city=plan.partnership.first_city``); ``zone=`` overrides (the
history passes the reader's zone it already has; a programme is in its host city's time).
"""

from django import template

from core.moments import moment_html
from partners import clock

register = template.Library()


@register.simple_tag(takes_context=True)
def moment(context, value, fmt="DATETIME_FORMAT", zone=None, city=None):
    if value is None or value == "":
        return ""
    place = ""
    if zone is None:
        request = context.get("request")
        reader_city = clock.city_for(getattr(request, "user", None))
        if reader_city is None and city is not None:
            reader_city = city
        zone = clock.zone_of(reader_city)
        place = getattr(reader_city, "name", "") or ""
    return moment_html(value, zone, fmt, place)
