"""Security log: every login, logout and failed login goes to the ``portal.security`` logger.

Only the username and the client's address are logged, never a password. Permission
refusals are logged where they are decided (``partners.access.require``).
"""

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("portal.security")


def _clean(value) -> str:
    """A username as typed: shortened, and unable to forge log lines."""
    text = str(value or "-")[:150]
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _ip(request) -> str:
    if request is None:
        return "-"
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or "-"


@receiver(user_logged_in, dispatch_uid="portal_security_login")
def log_login(sender, request, user, **kwargs):
    log.info("login: user=%s ip=%s", _clean(user.get_username()), _ip(request))


@receiver(user_logged_out, dispatch_uid="portal_security_logout")
def log_logout(sender, request, user, **kwargs):
    username = user.get_username() if user is not None else "anonymous"
    log.info("logout: user=%s ip=%s", _clean(username), _ip(request))


@receiver(user_login_failed, dispatch_uid="portal_security_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` has the password masked by Django already; take only the username.
    username = (credentials or {}).get("username")
    log.warning("login failed: user=%s ip=%s", _clean(username), _ip(request))


@receiver(user_locked_out, dispatch_uid="portal_security_locked_out")
def log_locked_out(sender, request, username, ip_address, **kwargs):
    log.warning("login locked out: user=%s ip=%s", _clean(username), ip_address or "-")
