"""Reviews of a plan (Article Four) and the per-theme assessments made in them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import ActionPlan, Theme


class ReviewKind(models.TextChoices):
    MID_TERM = "mid_term", _("Mid-term review")
    EVALUATION = "evaluation", _("Evaluation")
    AD_HOC = "ad_hoc", _("Ad-hoc review")


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PREPARATION = "in_preparation", _("In preparation")
    COMPLETED = "completed", _("Completed")


class Conclusion(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    REVISE = "revise", _("Revise the plan")
    RENEW = "renew", _("Renew the plan")
    CONCLUDE = "conclude", _("Conclude the plan")


def default_reminder_days() -> list[int]:
    return [90, 30, 7]


class Review(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    code = models.SlugField(_("code"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=20, choices=Conclusion.choices, blank=True
    )
    conclusions_text = models.TextField(_("conclusions"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Days before the due date on which reminders go out; weekly reminders follow while overdue.
    reminder_days = models.JSONField(
        _("reminder days before the due date"), default=default_reminder_days, blank=True
    )
    # Optimistic locking for the review page's forms, as for activities.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan", "due_date", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            # The plan has one formal mid-term review and one evaluation; ad-hoc ones are free.
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=Q(kind__in=["mid_term", "evaluation"]),
                name="review_formal_once_per_plan",
            ),
            models.UniqueConstraint(
                fields=["plan", "code"], condition=~Q(code=""), name="review_code_in_plan"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="review_completed_has_time",
                violation_error_message=_("A completed review needs its completion time."),
            ),
        ]

    def __str__(self):
        return self.title

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()


class Rating(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NOT_STARTED = "not_started", _("Not started")


class ThemeAssessment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assessments")
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="assessments"
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    narrative = models.TextField(_("narrative"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["review", "theme__order"]
        verbose_name = _("theme assessment")
        verbose_name_plural = _("theme assessments")
        constraints = [
            models.UniqueConstraint(fields=["review", "theme"], name="assessment_once_per_theme"),
        ]

    def __str__(self):
        return f"{self.theme}: {self.get_rating_display()}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")


class Delivery(models.Model):
    """What an e-mail sent exactly once records: claimed (the row inserted) before sending,
    sent by one conditional UPDATE (``reminders.delivery``), retried after failures."""

    status = models.CharField(
        _("status"), max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    # What the e-mail was about, kept as sent: the activities the recipient should update.
    activity_ids = models.JSONField(default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True


class Reminder(Delivery):
    """One reminder e-mail: sent once per (review, recipient, lead time), whatever happens.

    ``lead_days`` is how many days before the due date it is for; negative values are the
    weekly reminders while the review is overdue (-1 the day after, -8 a week later, …).
    The row is claimed (inserted) before anything is sent, so a second sweep cannot send again.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="review_reminders",
    )
    lead_days = models.IntegerField(_("days before the due date"))

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "recipient", "lead_days"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.review} → {self.recipient} ({self.lead_days})"


class Digest(Delivery):
    """One monthly digest e-mail: sent once per (recipient, month), whatever happens.

    Claimed, like a ``Reminder``, by inserting the row before anything is sent: a second run
    of the month's sweep (or a second worker) cannot send it again.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    # The first day of the month the digest is for.
    month = models.DateField(_("month"))

    class Meta:
        ordering = ["-month", "id"]
        verbose_name = _("monthly digest")
        verbose_name_plural = _("monthly digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "month"], name="digest_once_a_month"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="digest_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} → {self.recipient}"
