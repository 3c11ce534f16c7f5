"""Request rates per client (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], set from the environment).

DRF's own classes copy the rates when they are imported; these read them on every request,
so that a test (or a settings override) can lower them.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _CurrentRates:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_CurrentRates, AnonRateThrottle):
    """Anonymous requests, and requests with a refused token, by client address."""


class UserThrottle(_CurrentRates, UserRateThrottle):
    """Signed-in requests (session or token), by user."""
