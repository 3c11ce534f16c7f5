"""Pages of the partners app: signing in and out, the agencies by side, the user's profile."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import access
from .forms import PreferredLanguageForm
from .models import Agency, AgencyKind, City
from .templatetags.content import tr_text

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


# --- agencies -------------------------------------------------------------------------------


@dataclass
class AgencyRow:
    agency: Agency
    # ThemeAgency rows: the themes the agency is responsible for (lead or supporting).
    responsibilities: list = field(default_factory=list)


@dataclass
class Side:
    """One city's agencies within a partnership."""

    city: City
    rows: list[AgencyRow] = field(default_factory=list)


@dataclass
class PartnershipAgencies:
    partnership: object
    sides: list[Side]


def _partnership_model():
    # partners sits below cooperation and never imports it; the model is looked up by name.
    return apps.get_model("cooperation", "Partnership")


def _theme_agency_model():
    return Agency._meta.get_field("responsibilities").related_model


def _agency_sort_key(agency: Agency):
    # Coordinating offices first, then by name in the page's language.
    return (agency.kind != AgencyKind.COORDINATING_OFFICE, tr_text(agency, "name").casefold())


def agencies_by_side(user) -> tuple[list[PartnershipAgencies], list[AgencyRow]]:
    """The agencies of each of the user's partnerships, by side, and then the third parties.

    Each row lists the themes the agency is responsible for in that partnership (for third
    parties: in any of the user's partnerships). Three queries whatever the number of rows.
    """
    partnerships = list(
        _partnership_model()
        .objects.filter(access.partnership_q(user))
        .select_related("first_city", "second_city")
        .order_by("code")
    )
    city_ids = {c for p in partnerships for c in (p.first_city_id, p.second_city_id)}
    responsibilities = (
        _theme_agency_model()
        .objects.filter(theme__plan__partnership__in=[p.pk for p in partnerships])
        .select_related("theme__plan")
        .order_by("theme__plan__period_start_year", "theme__order", "role")
    )
    agencies = list(
        Agency.objects.filter(Q(city_id__in=city_ids) | Q(city__isnull=True))
        .select_related("city", "parent")
        .prefetch_related(
            Prefetch("responsibilities", queryset=responsibilities, to_attr="theme_roles")
        )
    )
    agencies.sort(key=_agency_sort_key)

    by_city: dict[int, list[Agency]] = {}
    third_parties = []
    for agency in agencies:
        if agency.city_id is None:
            third_parties.append(AgencyRow(agency, agency.theme_roles))
        else:
            by_city.setdefault(agency.city_id, []).append(agency)

    groups = []
    for partnership in partnerships:
        sides = [
            Side(
                city=city,
                rows=[
                    AgencyRow(
                        agency,
                        [
                            r
                            for r in agency.theme_roles
                            if r.theme.plan.partnership_id == partnership.pk
                        ],
                    )
                    for agency in by_city.get(city.pk, [])
                ],
            )
            for city in partnership.cities
        ]
        groups.append(PartnershipAgencies(partnership=partnership, sides=sides))
    return groups, third_parties


@login_required
def agency_list(request):
    groups, third_parties = agencies_by_side(request.user)
    return render(
        request,
        "partners/agency_list.html",
        {"groups": groups, "third_parties": third_parties},
    )


# --- profile --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's role, side and agency, and their preferred language."""
    membership = access.profile_of(request.user)
    form = None
    if membership is not None:
        form = PreferredLanguageForm(request.POST or None, instance=membership)
        if request.method == "POST" and form.is_valid():
            language = form.cleaned_data["preferred_language"]
            membership.preferred_language = language
            membership.save(update_fields=["preferred_language"])
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
    return render(request, "partners/profile.html", {"membership": membership, "form": form})
