"""What themes and commitments carry when an amendment withdraws them.

A withdrawn theme or commitment is not deleted: its activities, reviews and history stay with
it, and pages say "withdrawn by amendment 2, 1 March 2022". Kept apart from ``models`` so that
both models share one definition (the amendment is named by string: it is defined later).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Withdrawable(models.Model):
    withdrawn_by = models.ForeignKey(
        "cooperation.Amendment",
        verbose_name=_("withdrawn by amendment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Only an approved amendment sets them (services.themes/commitments.withdraw_*).
        editable=False,
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_by_id is not None
