"""Pages of the profile for programs: personal API tokens, the private calendar address, and
that calendar feed itself.

A secret (token or calendar address) is shown once, in the answer to the request that made
it, and never again: only its hash is stored. The feed needs no login (calendar programs
cannot log in): its address is the secret, and it answers 404 once revoked.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from core.templatetags.content import tr_text
from events import ical
from events import selectors as event_selectors
from partners import access
from reviews import selectors as review_selectors
from twofactor import services as twofactor

from . import secrets
from .models import ApiToken, CalendarFeed


class TokenForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("token", "Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “agency reporting script”."),
    )


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's tokens; POST makes one and shows its key, this once."""
    user = request.user
    form = TokenForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            name = form.cleaned_data["name"]
            try:
                _token, new_key = secrets.issue_token(user=user, name=name, request=request)
            except twofactor.ReverifyNeeded:
                # A second factor first (set up, or given again), then back here.
                messages.info(request, _("Making a token needs your second factor first."))
                page = "twofactor-verify" if twofactor.is_enrolled(user) else "twofactor-enrol"
                return redirect_to_login(reverse("api-tokens"), reverse(page))
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                form = TokenForm()
        else:
            status = 400
    tokens = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
        status=status,
    )
    return _no_store(response)


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if secrets.revoke_token(user=request.user, token=token):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api-tokens")


# --- the calendar ---------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The private calendar address; POST makes a new one (the old one stops working)."""
    user = request.user
    new_url = None
    if request.method == "POST":
        try:
            _feed, secret = secrets.replace_calendar(user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("calendar-settings")
        new_url = ical.absolute(reverse("calendar-feed", args=[secret]))
    feed = CalendarFeed.objects.active().filter(user=user).first()
    response = render(request, "api/calendar.html", {"feed": feed, "new_url": new_url})
    return _no_store(response)


@login_required
@require_POST
def calendar_revoke(request):
    if secrets.turn_off_calendar(user=request.user):
        messages.success(request, _("Your calendar address was turned off."))
    return redirect("calendar-settings")


def _feed_language(user) -> str:
    profile = access.profile_of(user)
    return (profile.preferred_language if profile else "") or "en"


def review_deadlines(user):
    """The due dates of the user's reviews, as calendar deadlines."""
    reviews = (
        review_selectors.reviews_visible_to(user).select_related("plan").order_by("due_date", "id")
    )
    for review in reviews:
        yield ical.Deadline(
            uid=f"review-{review.pk}-due@{ical.uid_domain()}",
            date=review.due_date,
            summary=_("Review due: %(title)s") % {"title": tr_text(review, "title")},
            description=tr_text(review.plan, "title"),
            url=ical.absolute(reverse("review-detail", args=[review.pk])),
        )


@never_cache
@require_GET
def calendar_feed(request, token: str):
    """The events of the user's plans and their review deadlines (no login: the address is
    the secret). In the user's preferred language, else English."""
    if len(token) > 100:
        raise Http404
    try:
        feed = CalendarFeed.objects.by_secret(token)
    except CalendarFeed.DoesNotExist:
        raise Http404 from None
    feed.touch()
    user = feed.user
    with translation.override(_feed_language(user)):
        events = (
            event_selectors.events_visible_to(user)
            .filter(start_date__isnull=False)
            .select_related("host_city")
            .order_by("start_date", "id")
        )
        calendar = ical.calendar_of(
            _("Sister-city cooperation"),
            events,
            event_url=lambda e: ical.absolute(reverse("event-detail", args=[e.pk])),
            deadlines=review_deadlines(user),
        )
        return ical.ics_response(calendar, "calendar.ics", download=False)
