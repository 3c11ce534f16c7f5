"""Event pages: the list, one event with its programme and delegation, programme edits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.history_views import history_response
from core.moments import zone_label
from core.templatetags.content import tr_text
from core.views import get_or_404
from partners import access, clock
from partners.access import Action

from . import selectors, services
from .forms import EventFilterForm, ProgrammeItemForm
from .models import Event

EVENTS_PER_PAGE = 50


@login_required
@require_GET
def event_list(request):
    form = EventFilterForm(request.GET, user=request.user)
    events = selectors.event_list(request.user, **form.filters())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {"form": form, "page": page, "events": page.object_list},
    )


def _detail(request, event: Event, *, form: ProgrammeItemForm | None = None, status: int = 200):
    can_edit = access.can(request.user, Action.CHANGE, event)
    event_tz = selectors.event_time_zone(event)
    if can_edit and form is None:
        form = ProgrammeItemForm(event=event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "event_tz": event_tz,
            "event_zone_label": zone_label(
                event_tz, tr_text(event.host_city, "name") if event.host_city_id else ""
            ),
            "can_edit": can_edit,
            "form": form if can_edit else None,
        },
        status=status,
    )


@login_required
@require_GET
def event_detail(request, pk: int):
    event = get_object_or_404(selectors.event_detail_queryset(request.user), pk=pk)
    return _detail(request, event)


@login_required
@require_GET
def event_history(request, pk: int):
    """The event's history with its programme and delegation (core.history_views)."""
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    return history_response(
        request,
        event,
        zone=clock.zone_for(request.user),
        title=tr_text(event, "title") or event.get_kind_display(),
        back_url=reverse("event-detail", args=[event.pk]),
    )


def _programme_url(event: Event) -> str:
    return reverse("event-detail", args=[event.pk]) + "#programme"


@login_required
@require_POST
def programme_item_create(request, pk: int):
    event = get_object_or_404(selectors.event_detail_queryset(request.user), pk=pk)
    access.require(request.user, Action.CHANGE, event)
    # The times typed are the host city's local times.
    with timezone.override(selectors.event_time_zone(event)):
        form = ProgrammeItemForm(request.POST, event=event)
        if form.is_valid():
            try:
                services.add_programme_item(user=request.user, event=event, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The programme item was added."))
                return redirect(_programme_url(event))
    return _detail(request, event, form=form, status=400)


@login_required
@require_POST
def programme_item_delete(request, pk: int):
    item = get_or_404(selectors.programme_item_visible_to, request.user, pk)
    services.delete_programme_item(user=request.user, item=item)
    messages.success(request, _("The programme item was removed."))
    return redirect(_programme_url(item.event))
