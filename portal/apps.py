from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The site itself: home, dashboard and error pages. Depends on all four domain apps."""

    name = "portal"
    verbose_name = _("Portal")
