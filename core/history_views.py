"""An object's history as a page or a CSV file: pages, /manage/ and /admin/ alike.

The caller has found the object for the user (404 for anyone who may not read it) and says
in which time zone the reader lives. Filters: the person (among those who changed it) and a
date range; a bad filter is answered with its error and an unfiltered page.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import history, history_rows, moments, spreadsheets
from .dates import EARLIEST_YEAR, LATEST_YEAR

PAGE_SIZE = 25


class HistoryFilter(forms.Form):
    actor = forms.ChoiceField(label=pgettext_lazy("history", "Person"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [
            ("", _("Everyone")),
            *((name, name) for name in actors),
        ]

    def clean(self):
        cleaned = super().clean()
        for name, message in range_errors(cleaned.get("since"), cleaned.get("until")).items():
            self.add_error(name, message)
        return cleaned


def range_errors(since, until) -> dict[str, str]:
    """What is wrong with a history date range (the page's filter and the API's alike)."""
    errors = {}
    for name, day in (("since", since), ("until", until)):
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            errors[name] = _("Enter a date between the years %(first)s and %(last)s.") % {
                "first": EARLIEST_YEAR,
                "last": LATEST_YEAR,
            }
    if since and until and until < since and "until" not in errors:
        errors["until"] = _("The end of the range cannot be before its start.")
    return errors


def filter_values(form: HistoryFilter) -> dict:
    """The filters of a valid form, for ``history.filtered``."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {key: form.cleaned_data.get(key) for key in ("actor", "since", "until")}


def actors_of(entries) -> list[str]:
    """The people (user names) who changed what ``entries`` are about."""
    names = entries.exclude(actor_name="").order_by("actor_name")
    return list(names.values_list("actor_name", flat=True).distinct())


def history_response(
    request,
    obj,
    *,
    zone: datetime.tzinfo,
    title: str,
    back_url: str = "",
    template: str = "core/history.html",
    context: dict | None = None,
    parts: bool = True,
):
    """The history of ``obj`` (with its parts): an HTML page, or CSV with ``?format=csv``."""
    everything = history.for_object(obj, parts=parts)
    data = {key: request.GET[key] for key in ("actor", "since", "until") if key in request.GET}
    form = HistoryFilter(data or None, actors=actors_of(everything))
    entries = history.filtered(everything, zone=zone, **filter_values(form))
    if request.GET.get("format") == "csv":
        if form.is_bound and not form.is_valid():
            query = request.GET.copy()
            query.pop("format")
            return redirect(f"{request.path}?{query.urlencode()}")
        shown = history_rows.rows(entries, zone=zone)
        return spreadsheets.csv_response(
            f"history-{obj._meta.model_name}-{obj.pk}.csv",
            history_rows.csv_header(),
            history_rows.csv_rows(shown, zone),
        )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    csv_query = request.GET.copy()
    csv_query.pop("page", None)
    csv_query["format"] = "csv"
    with timezone.override(zone):  # the template's dates in the reader's time zone
        return render(
            request,
            template,
            {
                "title": title,
                "object": obj,
                "back_url": back_url,
                "form": form,
                "page": page,
                "rows": history_rows.rows(page.object_list, zone=zone),
                "zone": zone,
                "zone_label": moments.zone_label(zone),
                "csv_url": f"{request.path}?{csv_query.urlencode()}",
                **(context or {}),
            },
        )
