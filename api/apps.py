from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API (/api/v1/), personal API tokens and private calendar feeds.

    The top layer, beside ``portal``: it reads through the apps' selectors, asks
    ``partners.access`` and writes through the apps' services, never around them.
    """

    name = "api"
    verbose_name = _("API and calendar feeds")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
