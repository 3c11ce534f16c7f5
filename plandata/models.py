"""A coordinator's working draft of a plan read from its signed text (``plandata.drafting``).

A draft is a working document, not plan content: the history records the plan it is published
as (through the loader and the services), not each correction of the draft.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanDraft(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="plan_drafts",
    )
    partnership = models.ForeignKey(
        "cooperation.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="plan_drafts",
    )
    source_name = models.CharField(_("file"), max_length=255)
    source_text = models.TextField(_("text"))
    source_name_zh = models.CharField(_("file (Chinese)"), max_length=255, blank=True)
    source_text_zh = models.TextField(_("text (Chinese)"), blank=True)
    parsed = models.JSONField(_("draft"), default=dict)
    published_plan = models.ForeignKey(
        "cooperation.ActionPlan",
        verbose_name=_("published as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("plan draft")
        verbose_name_plural = _("plan drafts")

    def __str__(self) -> str:
        return self.source_name

    def access_cities(self) -> set[int]:
        return self.partnership.access_cities()
