"""An amendment of a plan, its changes, and the plan's numbered versions.

An amendment is drafted by a coordinator of one side and approved or returned by a coordinator
of the other: both cities signed the plan, both sign its changes. It gets its number when it is
approved, so that "amendment 2" is the second change both sides signed, the plan's version 3,
and drafts that were withdrawn leave no gaps in the numbering.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Agency, City


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The author's side may still edit these.
EDITABLE_STATUSES = (AmendmentStatus.DRAFT, AmendmentStatus.RETURNED)


class Amendment(models.Model):
    plan = models.ForeignKey(
        "cooperation.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    reason = models.TextField(_("reason"), max_length=5000)
    effective_on = models.DateField(_("effective date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.DRAFT,
        editable=False,
    )
    side = models.ForeignKey(
        City,
        verbose_name=_("drafted by the side of"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    return_comment = models.TextField(_("comment"), max_length=5000, blank=True, editable=False)
    # Optimistic locking: every write bumps it; a write or decision on a stale copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["plan", "-created_at", "-id"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                condition=Q(number__isnull=False),
                name="amendment_number_once_in_plan",
            ),
        ]

    def __str__(self):
        if self.number:
            return _("Amendment %(number)d: %(title)s") % {
                "number": self.number,
                "title": self.title,
            }
        return self.title

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ChangeKind(models.TextChoices):
    ADD_THEME = "add_theme", _("Add a theme")
    CHANGE_THEME = "change_theme", _("Change a theme")
    WITHDRAW_THEME = "withdraw_theme", _("Withdraw a theme")
    ADD_COMMITMENT = "add_commitment", _("Add a commitment")
    CHANGE_COMMITMENT = "change_commitment", _("Change a commitment")
    WITHDRAW_COMMITMENT = "withdraw_commitment", _("Withdraw a commitment")
    ADD_AGENCY = "add_agency", _("Add a responsible agency")
    REMOVE_AGENCY = "remove_agency", _("Remove a responsible agency")
    CHANGE_PERIOD = "change_period", _("Change the period")


class AmendmentChange(models.Model):
    """One change an amendment makes: what it targets and the new values, in both languages.

    ``theme`` is the theme changed or withdrawn, the theme a commitment is added to, or the
    theme whose responsible agencies change; ``commitment`` the commitment changed or withdrawn.
    """

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="changes")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("change"), max_length=30, choices=ChangeKind.choices)
    theme = models.ForeignKey(
        "cooperation.Theme",
        verbose_name=_("theme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment = models.ForeignKey(
        "cooperation.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    text_en = models.TextField(_("new text (English)"), max_length=5000, blank=True)
    text_zh_hans = models.TextField(_("new text (Chinese)"), max_length=5000, blank=True)
    summary_en = models.TextField(_("new summary (English)"), max_length=5000, blank=True)
    summary_zh_hans = models.TextField(_("new summary (Chinese)"), max_length=5000, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)

    class Meta:
        ordering = ["amendment", "order"]
        verbose_name = _("change of an amendment")
        verbose_name_plural = _("changes of an amendment")
        constraints = [
            models.UniqueConstraint(fields=["amendment", "order"], name="amendment_change_order"),
        ]

    def __str__(self):
        return self.get_kind_display()


class PlanVersion(models.Model):
    """The plan as it stood: version 1 as signed, then one per approved amendment, frozen."""

    plan = models.ForeignKey(
        "cooperation.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    effective_on = models.DateField(_("in force from"))
    amendment = models.OneToOneField(
        Amendment,
        verbose_name=_("amendment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_version",
    )
    snapshot = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once"),
        ]

    def __str__(self):
        return _("Version %(number)d") % {"number": self.number}

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()
