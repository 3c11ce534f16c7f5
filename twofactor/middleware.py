"""Who must have a second factor and has not given it in this session sees only the pages that
give it (set-up, second step), logging out and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import services

OPEN_URL_NAMES = {
    "login",
    "logout",
    "set_language",
    "healthz",
    "twofactor-enrol",
    "twofactor-verify",
    "twofactor-recovery",
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Nothing to read for a session that gave its second factor (or when not enforced).
        if (
            settings.TWO_FACTOR_REQUIRED
            and request.user.is_authenticated
            and not services.session_verified(request.session)
            and services.is_required(request.user)
        ):
            held = self._hold(request)
            if held is not None:
                return held
        return self.get_response(request)

    def _hold(self, request):
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            name = None
        if name in OPEN_URL_NAMES:
            return None
        if request.path_info.startswith("/api/"):
            message = _("Give your second factor on the login page first.")
            return JsonResponse({"detail": message}, status=403)
        page = "twofactor-verify" if services.is_enrolled(request.user) else "twofactor-enrol"
        return redirect_to_login(request.get_full_path(), reverse(page))
