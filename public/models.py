"""A plan's public page: off until a coordinator switches it on, at an address they choose."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperation.models import ActionPlan

SLUG_MAX_LENGTH = 80


class PublicPage(models.Model):
    plan = models.OneToOneField(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="public_page",
    )
    enabled = models.BooleanField(_("public"), default=False)
    # The address /p/<slug>/: lower-case letters, digits and hyphens (public.services checks).
    slug = models.SlugField(_("address"), max_length=SLUG_MAX_LENGTH, unique=True)
    switched_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("switched on by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    switched_on_at = models.DateTimeField(_("switched on"), null=True, blank=True)
    switched_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("switched off by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    switched_off_at = models.DateTimeField(_("switched off"), null=True, blank=True)
    # Optimistic locking (a stale form is refused) and part of the cached page's key.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("public page")
        verbose_name_plural = _("public pages")

    def __str__(self):
        return f"/p/{self.slug}/"

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()
