"""The edge of the API: bodies bounded before they are read, and every error as JSON.

- A write whose ``Content-Length`` is above what its view accepts (``api.parsers``:
  ``API_MAX_BODY_BYTES``, or ``API_MAX_UPLOAD_BYTES`` where evidence files are uploaded) is
  answered 413 before a byte of it is read; a body without a length (chunked) 411.
- An error Django answers itself under ``/api/`` — an address no route matches (an id that
  is not one), a bad Host, a body Django refuses, a server error — is JSON in the API's
  shape (``{"detail": …, "code": …}``, api.exceptions) instead of the portal's HTML page.
- A request to ``/api/v1/`` with ``Authorization: Bearer …`` skips the middleware that only
  serve a browser's session (``SESSION_ONLY``: sessions, CSRF cookies, the session's user
  and language, messages, its second factor, the login lock-out): the token alone says who
  asks (api.authentication), and every header of the answer stays as on the full path. The
  views' own hooks (``process_view``, ``process_exception``) still run for every middleware,
  as Django runs them inside the innermost handler (``ApiTailMiddleware``, last).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from rest_framework import exceptions, status

from .parsers import max_body_bytes, too_large_message

API_PREFIX = "/api/"
# Where a token's request takes the short way (the resources; not the schema's pages).
RESOURCES_PREFIX = "/api/v1/"
# Middleware that does nothing for a token's request but cost it time.
SESSION_ONLY = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "partners.middleware.PreferredLanguageMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "twofactor.middleware.TwoFactorMiddleware",
        "axes.middleware.AxesMiddleware",
    }
)
# Methods whose body a view reads.
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Django's own error answers, in DRF's words (DRF's catalogue translates them).
_DJANGO_ERRORS = {
    400: (exceptions.ParseError.default_detail, "bad_request"),
    403: (exceptions.PermissionDenied.default_detail, "permission_denied"),
    404: (exceptions.NotFound.default_detail, "not_found"),
    500: (exceptions.APIException.default_detail, "error"),
}


def _error(status_code: int, detail, code: str) -> JsonResponse:
    return JsonResponse({"detail": str(detail), "code": code}, status=status_code)


def _content_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class ApiTailMiddleware:
    """Last in MIDDLEWARE: it hands the innermost handler (URL, view hooks, the view) to the
    ApiEdgeMiddleware that Django builds next, for the token's short way."""

    latest = None  # Django builds a handler's middleware innermost first, in one thread

    def __init__(self, get_response):
        self.get_response = get_response
        ApiTailMiddleware.latest = self

    def __call__(self, request):
        return self.get_response(request)


def _token_chain(tail):
    """The middleware after ApiEdgeMiddleware without SESSION_ONLY, around ``tail``."""
    handler = tail.get_response
    names = list(settings.MIDDLEWARE)
    for name in reversed(names[names.index(f"{__name__}.ApiEdgeMiddleware") + 1 :]):
        if name in SESSION_ONLY or name == f"{__name__}.ApiTailMiddleware":
            continue
        handler = convert_exception_to_response(import_string(name)(handler))
    return handler


def _with_token(request) -> bool:
    return request.path_info.startswith(RESOURCES_PREFIX) and request.META.get(
        "HTTP_AUTHORIZATION", ""
    )[:7].lower() == ("bearer ")


class ApiEdgeMiddleware:
    """First in MIDDLEWARE: it sees every answer under /api/, whoever gave it."""

    def __init__(self, get_response):
        self.get_response = get_response
        tail, ApiTailMiddleware.latest = ApiTailMiddleware.latest, None
        # Only a tail built for this same handler (and list of middleware).
        ours = f"{__name__}.ApiTailMiddleware" in settings.MIDDLEWARE
        self.token_response = _token_chain(tail) if tail is not None and ours else None

    def __call__(self, request):
        if self.token_response is not None and _with_token(request):
            request.user = AnonymousUser()  # until the token's authentication says who
            response = self.token_response(request)
        else:
            response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            response = self.as_json(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """After routing (the view tells which limit applies), before any body is read."""
        if not request.path_info.startswith(API_PREFIX) or request.method not in WRITES:
            return None
        length = _content_length(request)
        if length is None or length < 0:
            return _error(400, _("The Content-Length header is not a number."), "bad_request")
        if not length and "HTTP_TRANSFER_ENCODING" in request.META:
            return _error(
                status.HTTP_411_LENGTH_REQUIRED,
                _("Send the body with a Content-Length: bodies of unknown length are refused."),
                "length_required",
            )
        view_class = getattr(view_func, "cls", None)
        parser_classes = (getattr(view_func, "initkwargs", None) or {}).get(
            "parser_classes", getattr(view_class, "parser_classes", ())
        )
        limit = max_body_bytes(parser_classes or ())
        if length > limit:
            return _error(
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, too_large_message(limit), "body_too_large"
            )
        return None

    @staticmethod
    def as_json(request, response: HttpResponse) -> HttpResponse:
        if response.status_code < 400 or "json" in response.get("Content-Type", ""):
            return response
        detail, code = _DJANGO_ERRORS.get(
            response.status_code, (exceptions.ParseError.default_detail, "bad_request")
        )
        if response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
            detail = str(exceptions.MethodNotAllowed.default_detail).format(method=request.method)
            code = "method_not_allowed"
        if response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE:
            detail, code = _("The request body is too large."), "body_too_large"
        replaced = _error(response.status_code, detail, code)
        for header in ("Allow", "Retry-After", "Vary"):
            if header in response:
                replaced[header] = response[header]
        return replaced
