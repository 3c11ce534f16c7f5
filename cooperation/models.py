"""Partnerships, their action plans, themes, commitments and the joint activities under them."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from partners.models import Agency, City

from .withdrawal import Withdrawable


class Partnership(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    first_city = models.ForeignKey(
        City, verbose_name=_("first city"), on_delete=models.PROTECT, related_name="+"
    )
    second_city = models.ForeignKey(
        City, verbose_name=_("second city"), on_delete=models.PROTECT, related_name="+"
    )
    established = models.DateField(_("established"))
    agreement_title = models.CharField(_("agreement"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(first_city=F("second_city")),
                name="partnership_two_cities",
                violation_error_message=_("A partnership needs two different cities."),
            ),
            # Helsinki–Beijing and Beijing–Helsinki are the same partnership.
            models.UniqueConstraint(
                Least("first_city", "second_city"),
                Greatest("first_city", "second_city"),
                name="partnership_once",
                violation_error_message=_("These two cities already have a partnership."),
            ),
        ]

    def __str__(self):
        return f"{self.first_city} – {self.second_city}"

    @property
    def cities(self) -> tuple[City, City]:
        return (self.first_city, self.second_city)

    def access_cities(self) -> set[int]:
        return {self.first_city_id, self.second_city_id}

    def includes_city(self, city) -> bool:
        return city is not None and city.pk in self.access_cities()

    def includes_agency(self, agency) -> bool:
        """An agency of either side, or a third party (an organisation of no city) that the
        partnership names (partners.access: a third party belongs to those only)."""
        if agency.city_id is not None:
            return agency.city_id in self.access_cities()
        return agency.partnerships.filter(pk=self.pk).exists()

    def agencies(self):
        """The agencies the partnership may choose from: those of its two sides and the third
        parties it names."""
        named = Agency.partnerships.through.objects.filter(partnership_id=self.pk)
        return Agency.objects.filter(
            Q(city_id__in=self.access_cities())
            | Q(city__isnull=True, pk__in=named.values("agency_id"))
        )


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    UNDER_REVIEW = "under_review", _("Under review")
    CONCLUDED = "concluded", _("Concluded")
    RENEWED = "renewed", _("Renewed")


class ActionPlan(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=300)
    period_start_year = models.PositiveSmallIntegerField(_("first year"))
    period_end_year = models.PositiveSmallIntegerField(_("last year"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_place = models.CharField(_("signed in"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    authentic_languages = models.JSONField(_("authentic languages"), default=list, blank=True)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    coordinators = models.ManyToManyField(
        Agency, verbose_name=_("coordinating offices"), blank=True, related_name="coordinated_plans"
    )
    # The plan this one was drafted from by a renewal (one renewal per plan); the predecessor
    # link is set only when both sides have approved the draft.
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal",
    )
    # The terms of the plan as signed (Articles Two to Four), quoted: what the parties agreed
    # on funding, languages, review and renewal is part of the plan, not of its themes.
    additional_themes_clause = models.TextField(_("other themes"), blank=True)
    implementation_terms = models.TextField(_("implementation"), blank=True)
    funding_terms = models.TextField(_("funding"), blank=True)
    authenticity_clause = models.TextField(_("authentic texts"), blank=True)
    review_terms = models.TextField(_("updates and review"), blank=True)
    renewal_terms = models.TextField(_("evaluation and renewal"), blank=True)

    class Meta:
        ordering = ["-period_start_year"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end_year__gte=F("period_start_year")),
                name="plan_period_ends_after_start",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("id")), name="plan_not_own_predecessor"
            ),
        ]

    def __str__(self):
        return self.title

    TERM_FIELDS = (
        "additional_themes_clause",
        "implementation_terms",
        "funding_terms",
        "authenticity_clause",
        "review_terms",
        "renewal_terms",
    )

    def signed_terms(self) -> list[dict]:
        """The plan's terms that are recorded, each with its label and its text in both
        languages (both texts are authentic: pages show them side by side)."""
        terms = []
        for name in self.TERM_FIELDS:
            en, zh = getattr(self, f"{name}_en", ""), getattr(self, f"{name}_zh_hans", "")
            if en or zh:
                label = self._meta.get_field(name).verbose_name
                terms.append({"name": name, "label": label, "en": en, "zh_hans": zh})
        return terms

    @property
    def period(self) -> str:
        return f"{self.period_start_year}–{self.period_end_year}"

    def access_cities(self) -> set[int]:
        return self.partnership.access_cities()

    @property
    def is_renewal_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT and self.renewal_of_id is not None

    def access_coordinators_only(self) -> bool:
        """partners.access: a renewal draft is its coordinators' until both sides publish it."""
        return self.is_renewal_draft


class RenewalApproval(models.Model):
    """One side's approval of a renewal draft. The draft is published when both sides have
    approved the same content (``fingerprint``: an approval of content changed since no longer
    counts)."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    city = models.ForeignKey(City, verbose_name=_("side"), on_delete=models.PROTECT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), auto_now_add=True)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["plan", "approved_at", "id"]
        verbose_name = _("renewal approval")
        verbose_name_plural = _("renewal approvals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "city"], name="renewal_approval_once_per_side"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.city}"

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()


class Signatory(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="signatories")
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(fields=["plan", "city", "name"], name="signatory_once"),
        ]

    def __str__(self):
        return f"{self.name}, {self.position}"


def carried_over_field() -> models.ForeignKey:
    """What a renewal drafted a theme or commitment from (of the plan it renews)."""
    return models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
    )


class Theme(Withdrawable):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="themes"
    )
    code = models.SlugField(_("code"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    agencies = models.ManyToManyField(
        Agency,
        through="ThemeAgency",
        verbose_name=_("responsible agencies"),
        related_name="themes",
    )
    # The theme of the previous plan this one was drafted from by a renewal.
    carried_over_from = carried_over_field()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="theme_order_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "code"], name="theme_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(order__gte=1),
                name="theme_order_positive",
                violation_error_message=_("The order must be 1 or more."),
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"

    def access_cities(self) -> set[int]:
        return self.plan.partnership.access_cities()

    def access_coordinators_only(self) -> bool:
        return self.plan.is_renewal_draft


class ResponsibilityRole(models.TextChoices):
    # Responsible without a rank: what a plan says when it names a theme's agencies without
    # ranking them. A coordinator may rank them (lead, supporting).
    RESPONSIBLE = "responsible", _("Responsible")
    LEAD = "lead", _("Lead")
    SUPPORTING = "supporting", _("Supporting")


class ThemeAgency(models.Model):
    """An agency responsible for a theme on its city's side."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="responsibilities")
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ResponsibilityRole.choices,
        default=ResponsibilityRole.RESPONSIBLE,
    )

    class Meta:
        ordering = ["theme", "role", "agency__name"]
        verbose_name = _("responsible agency")
        verbose_name_plural = _("responsible agencies")
        constraints = [
            models.UniqueConstraint(fields=["theme", "agency"], name="theme_agency_once"),
        ]

    def __str__(self):
        if not self.is_ranked:
            return str(self.agency)
        return f"{self.agency} ({self.get_role_display()})"

    @property
    def is_ranked(self) -> bool:
        """Whether a rank (lead, supporting) was set; unranked responsibility shows no label."""
        return self.role != ResponsibilityRole.RESPONSIBLE


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    ANNUAL = "annual", _("Annual")
    ONGOING = "ongoing", _("Ongoing")


class Commitment(Withdrawable):
    """A concrete undertaking of a theme, quoted from the plan or derived from its sentence."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="commitments"
    )
    code = models.SlugField(_("code"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    # The signed sentence, verbatim, when ``text`` is one undertaking split from it (a compound
    # sentence listing several); blank when ``text`` itself is quoted.
    derived_from = models.TextField(_("derived from"), blank=True)
    target_count = models.PositiveSmallIntegerField(_("target count"), null=True, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, blank=True
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("agencies"), blank=True, related_name="commitments"
    )
    # The unmet commitment of the previous plan this one carries over (renewal).
    carried_over_from = carried_over_field()

    class Meta:
        ordering = ["theme", "order"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["theme", "order"], name="commitment_order_in_theme"),
            models.UniqueConstraint(fields=["theme", "code"], name="commitment_code_in_theme"),
        ]

    def __str__(self):
        return self.text[:80]

    def access_cities(self) -> set[int]:
        return self.theme.plan.partnership.access_cities()

    def access_coordinators_only(self) -> bool:
        return self.theme.plan.is_renewal_draft


class ActivityStatus(models.TextChoices):
    # IATI's activity status vocabulary, trimmed to what a city plan needs.
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED)


class Activity(models.Model):
    """A joint activity: what the agencies actually do under a theme."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="activities"
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    first_lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("lead agency (first city)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    second_lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("lead agency (second city)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    participants = models.ManyToManyField(
        Agency,
        verbose_name=_("other participating organisations"),
        blank=True,
        related_name="participations",
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
        db_index=True,
    )
    outcomes = models.TextField(_("outcomes"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Made-up example, not part of the plan.")
    )
    # Optimistic locking: every write bumps it; a write from a stale copy is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["theme__order", "planned_start", "id"]
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="activity_planned_end_after_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="activity_actual_end_after_start",
                violation_error_message=_("The actual end cannot be before the actual start."),
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(actual_end__isnull=False),
                name="activity_completed_has_actual_end",
                violation_error_message=_("A completed activity needs its actual end date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ActivityStatus]),
                name="activity_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def access_cities(self) -> set[int]:
        return self.theme.plan.partnership.access_cities()

    def access_agencies(self) -> set[int]:
        """Agencies whose staff may update this activity: the leads and the participants."""
        ids = {a for a in (self.first_lead_agency_id, self.second_lead_agency_id) if a}
        ids.update(a.pk for a in self.participants.all())
        return ids

    @property
    def year(self) -> int | None:
        start = self.actual_start or self.planned_start
        return start.year if start else None


class FundingSource(models.TextChoices):
    FIRST_CITY = "first_city", _("First city")
    SECOND_CITY = "second_city", _("Second city")
    THIRD_PARTY = "third_party", _("Third party")


class Funding(models.Model):
    """Money put into an activity by one source (Article Three).

    ``amount`` is the money committed (planned); ``spent`` the money actually spent, empty
    while nobody has reported it (not the same as nothing spent). Both in ``currency``.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    amount = models.DecimalField(_("committed"), max_digits=14, decimal_places=2)
    spent = models.DecimalField(
        _("spent"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty until the money actually spent is known."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        ordering = ["activity", "source", "id"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="funding_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(spent__isnull=True) | Q(spent__gte=0),
                name="funding_spent_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="funding_currency_iso",
                violation_error_message=_(
                    "Give the currency as a three-letter ISO 4217 code, such as EUR or CNY."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.amount} {self.currency}"


class StatusUpdate(models.Model):
    """One status change of an activity. Append-only: rows are never edited or deleted."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="status_updates")
    sequence = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, choices=ActivityStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ActivityStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["activity", "-sequence"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        constraints = [
            # Two people changing the same status at once cannot both be recorded as change N.
            models.UniqueConstraint(fields=["activity", "sequence"], name="status_update_once"),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="status_update_changes_status"
            ),
        ]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


def evidence_path(instance, filename: str) -> str:
    # A generated name: what the user called the file never reaches the file system.
    suffix = Path(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["activity", "-uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


# The amendments' models live in their own module; Django finds models through this one.
from .amendments.models import Amendment, AmendmentChange, PlanVersion  # noqa: E402, F401
