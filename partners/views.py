"""Pages of the partners app: signing in and out, and the user's profile.

The agencies page lives in cooperation: it shows the themes each agency is responsible for."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import access, services
from .forms import MonthlyDigestForm, PreferredLanguageForm

security_log = logging.getLogger("portal.security")


class LoginView(auth_views.LoginView):
    """Django's login (it passes ``request`` to authenticate, which django-axes needs)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        security_log.info("password changed: user=%s", self.request.user.get_username())
        return response


# --- profile --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's role, side and agency, and their preferred language."""
    membership = access.profile_of(request.user)
    form = digest_form = None
    if membership is not None:
        digest_form = MonthlyDigestForm(
            initial={"wants_monthly_digest": membership.wants_monthly_digest}
        )
        if request.method == "POST" and request.POST.get("form") == "digest":
            digest_form = MonthlyDigestForm(request.POST)
            if digest_form.is_valid():
                wanted = digest_form.cleaned_data["wants_monthly_digest"]
                services.set_monthly_digest(user=request.user, wanted=wanted)
                messages.success(request, _("Your choice of the monthly digest was saved."))
                return redirect("profile")
        form = PreferredLanguageForm(
            request.POST if request.method == "POST" and not request.POST.get("form") else None,
            instance=membership,
        )
        if request.method == "POST" and form.is_valid():
            language = form.cleaned_data["preferred_language"]
            services.set_preferred_language(user=request.user, language=language)
            response = redirect("profile")
            # Take effect now: the switcher's cookie would otherwise outrank the preference.
            if language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
            else:
                response.delete_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
            # Said in the language just chosen (messages are rendered to text right away).
            with translation.override(language or translation.get_language()):
                messages.success(request, _("Your preferred language was saved."))
            return response
    return render(
        request,
        "partners/profile.html",
        {"membership": membership, "form": form, "digest_form": digest_form},
    )
