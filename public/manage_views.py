"""The coordinators' page of a plan's public page: on or off, and its address.

Linked from the plan page by its URL name (as the profile page links to the API's token
page): the portal's templates name this page, no Python of a lower layer imports this app.
Every member of the partnership may see whether the plan is public and where; only those the
service lets switch (coordinators of either side, administrators) get the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cooperation import selectors as cooperation_selectors
from core.forms import add_service_errors
from core.views import get_or_404
from partners import access
from partners.access import Action

from . import rendering, services
from .forms import PublicPageForm
from .models import PublicPage


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_public_page(request, plan_id: int):
    user = request.user
    plan = get_or_404(lambda: cooperation_selectors.visible_plans(user).get(pk=plan_id))
    page = PublicPage.objects.filter(plan=plan).first()
    may_switch = access.can(user, Action.MANAGE, plan)
    current = {
        "enabled": "on" if page and page.enabled else "off",
        "slug": page.slug if page else services.default_slug(plan),
        "version": page.version if page else 0,
    }
    form = None
    status = 200
    if may_switch:
        enabled_now = bool(page and page.enabled)
        if request.method == "POST":
            form = PublicPageForm(request.POST, current_enabled=enabled_now)
            if form.is_valid():
                try:
                    page = services.switch_public_page(
                        user=user,
                        plan=plan,
                        enabled=form.cleaned_data["enabled"],
                        slug=form.cleaned_data["slug"],
                        expected_version=form.cleaned_data["version"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    on, off = _("The public page is on."), _("The public page is off.")
                    messages.success(request, on if page.enabled else off)
                    return redirect("public-page-manage", plan_id=plan.pk)
            status = 400
        else:
            form = PublicPageForm(initial=current, current_enabled=enabled_now)
    elif request.method == "POST":
        raise PermissionDenied
    urls = {}
    if page is not None:
        urls = {
            lang.replace("-", "_"): request.build_absolute_uri(rendering.page_url(page, lang))
            for lang in rendering.LANGUAGES
        }
        urls["pdf"] = request.build_absolute_uri(reverse("public-page-pdf", args=[page.slug]))
    context = {
        "plan": plan,
        "partnership": plan.partnership,
        "page": page,
        "form": form,
        "may_switch": may_switch,
        "urls": urls,
    }
    return render(request, "public/manage.html", context, status=status)
