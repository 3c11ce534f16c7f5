"""Progress reports: the requested and rendered PDF reports of a plan (or one of its themes)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import ActionPlan, Theme


class ReportLanguage(models.TextChoices):
    # Each language by its own name, as language pickers do.
    ENGLISH = "en", "English"
    CHINESE = "zh-hans", "中文"
    BILINGUAL = "bilingual", _("Bilingual (English and 中文 side by side)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def report_path(instance, filename: str) -> str:
    # A generated name: a new render never overwrites a file another request may be reading.
    return f"reports/{uuid.uuid4().hex}.pdf"


class ProgressReport(models.Model):
    """A PDF progress report of a plan (or one theme of it) as of a date, rendered in the
    background by ``reports.services.render_report``."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    # Empty: the whole plan.
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_reports",
    )
    language = models.CharField(_("language"), max_length=10, choices=ReportLanguage.choices)
    as_of = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=report_path, max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        # The table the reviews app created: the model moved to this app, its rows stayed.
        db_table = "reviews_progressreport"
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[c.value for c in ReportLanguage]),
                name="progress_report_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ReportStatus]),
                name="progress_report_status_valid",
            ),
            # A finished report has its file, checksum, size and page count.
            models.CheckConstraint(
                condition=~Q(status="done")
                | (
                    ~Q(file="")
                    & Q(sha256__regex=r"^[0-9a-f]{64}$")
                    & Q(size__isnull=False)
                    & Q(page_count__isnull=False)
                    & Q(finished_at__isnull=False)
                ),
                name="progress_report_done_has_file",
            ),
            # A failed report says why.
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""),
                name="progress_report_failed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="progress_report_sha256_hex",
            ),
        ]
        indexes = [models.Index(fields=["plan", "-created_at"])]

    def __str__(self):
        return f"{self.plan} ({self.as_of}, {self.language})"

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RENDERING)
