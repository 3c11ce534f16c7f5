"""Cities, the agencies on each city's side, and the people who work the plan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    country = models.CharField(_("country"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    default_language = models.CharField(
        _("default language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self):
        return self.name


class AgencyKind(models.TextChoices):
    COORDINATING_OFFICE = "coordinating_office", _("Coordinating office")
    DIVISION = "division", _("City division")
    COMMISSION = "commission", _("Municipal commission")
    BUREAU = "bureau", _("Bureau")
    CENTRE = "centre", _("Centre")
    COMMITTEE = "committee", _("Committee")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    LIBRARY = "library", _("Library")
    FEDERATION = "federation", _("Federation")
    OTHER = "other", _("Other organisation")


class Agency(models.Model):
    """An organisation on one city's side, or a third party when it has no city."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    city = models.ForeignKey(
        City,
        verbose_name=_("side"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        help_text=_("Leave empty for a third party such as an enterprise or a federation."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    # A third party belongs to the partnerships that name it (partners.access): their members
    # see it, their coordinators change it. Named by string: this app imports no higher one.
    partnerships = models.ManyToManyField(
        "cooperation.Partnership",
        verbose_name=_("partnerships"),
        blank=True,
        related_name="third_parties",
        help_text=_("The partnerships that name this third party: only their members see it."),
    )

    class Meta:
        ordering = ["city__code", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_third_party(self) -> bool:
        return self.city_id is None

    # partners.access: an agency of a side is managed by the coordinators of that side; a third
    # party is part of the partnerships that name it, like everything else of them.
    @property
    def access_side_only(self) -> bool:
        return self.city_id is not None

    def access_cities(self) -> set[int]:
        if self.city_id is not None:
            return {self.city_id}
        if self.pk is None:
            return set()
        # The cities of the partnerships naming it (none: administrators' only).
        pairs = self.partnerships.values_list("first_city_id", "second_city_id")
        return {city for pair in pairs for city in pair}


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    AGENCY_STAFF = "agency_staff", _("Agency staff")
    OFFICIAL = "official", _("Official")


class Profile(models.Model):
    """A user's place in the plan: their city's side, their agency and their role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    city = models.ForeignKey(
        City, verbose_name=_("side"), on_delete=models.PROTECT, related_name="members"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow the browser."),
    )
    wants_monthly_digest = models.BooleanField(
        _("monthly digest"),
        default=True,
        help_text=_("A monthly e-mail listing your agency’s open activities not updated lately."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="agency_staff") | Q(agency__isnull=False),
                name="profile_staff_has_agency",
                violation_error_message=_("Agency staff must belong to an agency."),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.city})"

    # partners.access: people are managed by the coordinators of their own side.
    access_side_only = True

    def access_cities(self) -> set[int]:
        return {self.city_id}
