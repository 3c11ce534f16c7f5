"""Events of a plan: the Helsinki and Beijing Weeks, visits, festivals, forums."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import ActionPlan, Activity, Theme
from core.dates import in_range
from partners.models import Agency, City


class Recurrence(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    ONCE = "once", _("Once")
    IRREGULAR = "irregular", _("Irregular")


class EventSeries(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="series"
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    recurrence = models.CharField(
        _("recurrence"), max_length=20, choices=Recurrence.choices, default=Recurrence.IRREGULAR
    )

    class Meta:
        ordering = ["plan", "name"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="series_code_in_plan"),
        ]

    def __str__(self):
        return self.name

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()


class EventKind(models.TextChoices):
    WEEK = "week", _("City week")
    HIGH_LEVEL_VISIT = "high_level_visit", _("High-level visit")
    DELEGATION = "delegation", _("Delegation")
    FESTIVAL = "festival", _("Festival")
    FORUM = "forum", _("Forum")
    PROGRAMME = "programme", _("Programme")
    OTHER = "other", _("Other")


class Event(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="events"
    )
    code = models.SlugField(_("code"), max_length=80, blank=True)
    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    host_city = models.ForeignKey(
        City,
        verbose_name=_("host city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes served"), blank=True, related_name="events"
    )
    activities = models.ManyToManyField(
        Activity, verbose_name=_("linked activities"), blank=True, related_name="events"
    )
    organisers = models.ManyToManyField(
        Agency, verbose_name=_("organising agencies"), blank=True, related_name="organised_events"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["start_date", "year", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="event_ends_after_start",
                violation_error_message=_("The event cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["plan", "code"], condition=~Q(code=""), name="event_code_in_plan"
            ),
        ]

    def __str__(self):
        return self.title

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()

    def access_agencies(self) -> set[int]:
        """Agencies whose staff may edit this event: its organisers."""
        return {a.pk for a in self.organisers.all()}


# Programme times outside the portal's dates are typing errors, and near year 1 or 9999 no
# datetime can hold them once converted to UTC.
def time_in_range(value) -> bool:
    return value is None or in_range(value)


def invalid_time_error():
    return forms.DateTimeField.default_error_messages["invalid"]


class ProgrammeItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    organiser = models.ForeignKey(
        Agency,
        verbose_name=_("organiser"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["event", "starts_at", "id"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="programme_item_ends_after_start",
                violation_error_message=_("The item must end after it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {
            name: invalid_time_error()
            for name in ("starts_at", "ends_at")
            if not time_in_range(getattr(self, name))
        }
        if errors:
            raise ValidationError(errors)


class DelegationMember(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegation")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, null=True, blank=True
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_head = models.BooleanField(_("head of delegation"), default=False)

    class Meta:
        ordering = ["event", "-is_head", "name"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")

    def __str__(self):
        return self.name
