"""Pages of two-factor login: the login's second step, set-up, recovery codes, and the
reset of a person's second factor by a coordinator of their side."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.forms import add_service_errors
from core.ids import MAX_ID
from partners import access
from partners.models import Profile
from partners.views import LoginView as PasswordLoginView

from . import services
from .forms import CodeForm


class LoginView(PasswordLoginView):
    """The password step; who has a second factor is asked for it before being logged in."""

    def form_valid(self, form):
        user = form.get_user()
        if not services.is_enrolled(user):
            return super().form_valid(form)
        services.start_second_step(
            self.request, user, backend=user.backend, next_url=self.get_success_url()
        )
        return redirect("twofactor-verify")


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _next_url(request, default: str | None = None) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else resolve_url(default or settings.LOGIN_REDIRECT_URL)


# --- the second step ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    return _second_step(request, recovery=False)


@never_cache
@require_http_methods(["GET", "POST"])
def recovery(request):
    return _second_step(request, recovery=True)


def _second_step(request, *, recovery: bool):
    """After the password (``pending``), or a logged-in person's re-check."""
    data = None
    if request.user.is_authenticated:
        person = request.user
    else:
        data = services.pending(request)
        person = data and get_user_model().objects.filter(pk=data["user"], is_active=True).first()
        if not person:
            return redirect("login")
    if not services.is_enrolled(person):
        # Nothing to check against: set one up (who is logged in), else log in again.
        if data is None:
            return redirect_to_login(_next_url(request), reverse("twofactor-enrol"))
        request.session.pop(services.PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST or None, recovery=recovery)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            check = services.use_recovery_code if recovery else services.verify
            outcome = check(user=person, code=form.cleaned_data["code"], request=request)
            if outcome is services.Outcome.LOCKED_OUT:
                # django-axes answers with its lock-out page (AxesMiddleware).
                request.session.pop(services.PENDING, None)
                if data is None:
                    auth.logout(request)
                return redirect("login")
            if outcome is services.Outcome.VERIFIED:
                return _verified(request, person, data, recovery=recovery)
            form.add_error("code", _("That code is not right."))
    context = {
        "form": form,
        "recovery": recovery,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "pending": data is not None,
    }
    return _no_store(render(request, "twofactor/verify.html", context, status=status))


def _verified(request, person, data, *, recovery: bool):
    if data is not None:
        request.session.pop(services.PENDING, None)
        auth.login(request, person, backend=data["backend"])
        services.mark_verified(request)
        next_url = data["next"]
    else:
        next_url = _next_url(request)
    if recovery:
        left = services.recovery_codes_left(person)
        messages.warning(
            request,
            ngettext(
                "You logged in with a recovery code; %(count)d is left. "
                "Make new ones on the two-factor login page.",
                "You logged in with a recovery code; %(count)d are left. "
                "Make new ones on the two-factor login page.",
                left,
            )
            % {"count": left},
        )
    return redirect(next_url)


# --- set-up and recovery codes --------------------------------------------------------------


def _qr_code(device) -> str:
    """The set-up address as a QR code, drawn here (an SVG data URI: nothing is fetched)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    user = request.user
    if services.is_enrolled(user):
        return redirect("twofactor-settings")
    device = services.start_enrolment(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = services.enrol(user=user, code=form.cleaned_data["code"], request=request)
            except ValidationError as error:
                add_service_errors(form, error, default_field="code")
            else:
                return _show_codes(request, codes, next_url=_next_url(request))
    context = {
        "form": form,
        "qr_code": _qr_code(device),
        "secret": services.secret_text(device),
        "required": services.is_required(user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return _no_store(render(request, "twofactor/enrol.html", context, status=status))


def _show_codes(request, codes: list[str], *, next_url: str):
    context = {"codes": codes, "next_url": next_url}
    return _no_store(render(request, "twofactor/codes.html", context))


@never_cache
@login_required
def overview(request):
    """The person's own two-factor login: set up or not, recovery codes left."""
    user = request.user
    enrolled = services.is_enrolled(user)
    context = {
        "enrolled": enrolled,
        "required": services.is_required(user),
        "codes_left": services.recovery_codes_left(user) if enrolled else 0,
        "may_reset_others": access.is_coordinator(user),
    }
    return render(request, "twofactor/overview.html", context)


@login_required
@require_POST
def regenerate_codes(request):
    try:
        codes = services.regenerate_codes(user=request.user, request=request)
    except services.ReverifyNeeded:
        messages.info(request, _("Enter a code of your authenticator app to go on."))
        return redirect_to_login(reverse("twofactor-settings"), reverse("twofactor-verify"))
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("twofactor-settings")
    return _show_codes(request, codes, next_url=reverse("twofactor-settings"))


# --- coordinators: the people of their side -------------------------------------------------

PEOPLE_PER_PAGE = 50


@never_cache
@login_required
def people(request):
    """The people of the coordinator's side (everyone's, for administrators), whether each
    has set up two-factor login, and a reset for those the coordinator may reset; 50 a page
    (a page number that is not one gives the first page, one past the end the last)."""
    user = request.user
    if not access.is_coordinator(user):
        raise PermissionDenied
    profiles = Profile.objects.select_related("user", "agency", "city").order_by("user__username")
    if not access.is_admin(user):
        profiles = profiles.filter(city_id=access.profile_of(user).city_id)
    profiles = profiles.annotate(
        enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True))
    )
    page = Paginator(profiles, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for profile in page:
        # may_reset reads the person's profile: it is this row (no query per person).
        access.remember_profile(profile.user, profile)
        rows.append((profile, services.may_reset(user, profile.user)))
    return render(request, "twofactor/people.html", {"rows": rows, "page": page})


@login_required
@require_POST
def reset(request, pk: int):
    if pk > MAX_ID:  # beyond any id (SQLite would fail on it)
        raise Http404
    person = get_object_or_404(get_user_model(), pk=pk)
    services.reset(by=request.user, person=person, request=request)
    messages.success(
        request,
        _("The two-factor login of %(name)s was reset: they set it up again at their next login.")
        % {"name": person.get_full_name() or person.get_username()},
    )
    return redirect("twofactor-people")


def admin_login(request):
    """/admin/'s login is the portal's (with its second step and its lock-out)."""
    next_url = _next_url(request, "admin:index")
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied
        return redirect(next_url)
    return redirect_to_login(next_url)
