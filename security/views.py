"""The security log page: the records of the coordinator's side, filtered, a page at a time.

A bad filter is answered with its error and the records unfiltered by it (never a 500); the
query count does not grow with the number of records shown (names are kept on the record).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from core.history_views import range_errors
from core.moments import zone_label
from partners import clock
from partners.models import Role

from . import selectors
from .models import Kind, Outcome

PAGE_SIZE = 50
FILTERS = ("kind", "outcome", "person", "since", "until")


class SecurityLogFilter(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("security log", "Event"),
        required=False,
        choices=[("", gettext_lazy("All events")), *Kind.choices],
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("All outcomes")), *Outcome.choices],
    )
    person = forms.CharField(
        label=pgettext_lazy("security log", "User name"), required=False, max_length=150
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        for name, message in range_errors(cleaned.get("since"), cleaned.get("until")).items():
            self.add_error(name, message)
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a bad one is dropped, the others still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in FILTERS
            if name not in self.errors and self.cleaned_data.get(name) not in (None, "")
        }


def _role(code) -> str:
    if code is None:
        return _("no role")
    return str(Role(code).label) if code in Role.values else str(code)


def describe(record) -> str:
    """The record's detail in words (codes as the plan names them; nothing secret is kept)."""
    detail = record.detail or {}
    if record.kind == Kind.ROLE_CHANGED and ("is_superuser" in detail or "is_staff" in detail):
        given = [name for name, (_old, new) in detail.items() if new]
        return _("administrator rights given") if given else _("administrator rights taken")
    if record.kind == Kind.ROLE_CHANGED:
        return f"{_role(detail.get('from'))} → {_role(detail.get('to'))}"
    if record.kind == Kind.SIDE_CHANGED:
        return f"{detail.get('from') or '—'} → {detail.get('to') or '—'}"
    if record.kind in (Kind.TOKEN_CREATED, Kind.TOKEN_REVOKED) and detail.get("name"):
        return _("token “%(name)s”") % {"name": detail["name"]}
    if record.kind == Kind.LOCKED_OUT and "failures" in detail:
        return _("after %(count)s failed attempts") % {"count": detail["failures"]}
    if detail.get("locked_out"):
        return _("refused during a lock-out")
    return ""


@login_required
@require_GET
def security_log(request):
    user = request.user
    if not selectors.may_read(user):
        raise PermissionDenied
    zone = clock.zone_for(user)
    data = {key: request.GET[key] for key in FILTERS if key in request.GET}
    form = SecurityLogFilter(data or None)
    records = selectors.filtered(selectors.visible_to(user), zone=zone, **form.filters())
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record, describe(record)) for record in page.object_list]
    city = clock.city_for(user)
    with timezone.override(zone):
        return render(
            request,
            "security/log.html",
            {
                "form": form,
                "page": page,
                "rows": rows,
                "zone": zone,
                "zone_label": zone_label(zone, getattr(city, "name", "") or ""),
                "side": city,
            },
        )
