"""Settings of the benchmark's server: the project's own, plus the benchmark's hello-world
views (bench/urls.py) and what a loopback benchmark needs.

Only ``python -m bench`` uses this module (it sets DJANGO_SETTINGS_MODULE for itself and for
the gunicorn it starts); the portal never imports the bench package.
"""

import os
import warnings

# Before config.settings reads them: the benchmark sends thousands of API requests a run,
# which the production rates (1200/hour per user) would refuse with 429 halfway through.
os.environ.setdefault("API_THROTTLE_USER", "1000000/hour")
os.environ.setdefault("API_THROTTLE_ANON", "1000000/hour")
# Sign-in failures cannot happen here (sessions are made directly), but a lockout would
# silently turn every measured page into the login page.
os.environ.setdefault("AXES_ENABLED", "false")

from config.settings import *  # noqa: E402, F403
from config.settings import DEBUG, STORAGES  # noqa: E402

ROOT_URLCONF = "bench.urls"

# Plain http on loopback: no redirect to https, cookies sent without TLS.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False

# WhiteNoise serves static files straight from the apps' and project's static folders, so a
# run needs no collectstatic (the manifest storage of production needs one).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns that STATIC_ROOT is missing: it is, on purpose (no collectstatic here).
warnings.filterwarnings("ignore", message="No directory at")
# Every session the benchmark makes would log a sign-in line in the middle of its table.
LOGGING["loggers"]["portal.security"]["level"] = "WARNING"  # noqa: F405

if DEBUG:
    # The figures are for DEBUG=false; say so rather than measure something else.
    warnings.warn("bench.settings with DEBUG on: the figures are not comparable", stacklevel=1)
