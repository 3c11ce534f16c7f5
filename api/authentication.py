"""Personal API tokens: ``Authorization: Bearer <key>``.

The key is looked up by its SHA-256 hash (the only thing stored). A revoked token, or the
token of a deactivated user, is refused with 401. The request then runs as the token's
user: a token carries exactly that user's permissions, no more and no less.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from partners import access

from .models import ApiToken

log = logging.getLogger("portal.security")

KEYWORD = "Bearer"
MAX_KEY_LENGTH = 200


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may still authenticate the request
        if len(header) != 2 or len(header[1]) > MAX_KEY_LENGTH:
            raise exceptions.AuthenticationFailed(_("Send the token as “Bearer <key>”."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        try:
            token = ApiToken.objects.by_secret(key)
        except ApiToken.DoesNotExist:
            log.warning("API token refused: prefix=%s", key[:12])
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token.touch()
        user = token.user
        try:
            profile = user.profile
        except ObjectDoesNotExist:  # an administrator's account
            profile = None
        access.remember_profile(user, profile)
        return user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created on the profile page (/profile/tokens/).",
        }
