from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """A plan's public page (/p/<slug>/): what the cities agreed and how it goes, without login.

    The top layer, beside ``api`` and ``plandata``: it reads the apps' models through its own
    selectors and writes only its own model, through ``public.services``; nothing imports it.
    """

    name = "public"
    verbose_name = _("Public pages")

    def ready(self):
        from . import history  # noqa: F401  (what the history records)
