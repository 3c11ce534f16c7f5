"""Serializers of the API: the shape of each resource, and the validation of input *types*.

Rules of a change (who may, what is consistent) stay in the services and in
``partners.access``; these only turn JSON into values and back. Translated content is one
object per field: ``"title": {"en": "…", "zh-hans": "…"}``. Relations are ids; their
choices are limited to what the user can see (anything else is "does not exist").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cooperation import selectors as cooperation_selectors
from cooperation.models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    Evidence,
    Funding,
    FundingSource,
    Partnership,
    StatusUpdate,
    Theme,
    ThemeAgency,
)
from events.models import Event, EventSeries, ProgrammeItem
from partners import access
from partners.models import Agency, City
from reviews.models import (
    Conclusion,
    ProgressReport,
    Rating,
    ReportLanguage,
    ReportStatus,
    Review,
    ReviewKind,
    ThemeAssessment,
)

from .fields import SafePrimaryKeyRelatedField, TranslatedField


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def visible_agencies(user):
    """Agencies of the cities of the user's partnerships, and third parties."""
    partnerships = Partnership.objects.filter(access.partnership_q(user))
    return Agency.objects.filter(
        Q(city__isnull=True)
        | Q(city__in=partnerships.values("first_city"))
        | Q(city__in=partnerships.values("second_city"))
    )


def visible_cities(user):
    return cooperation_selectors.visible_cities(user).order_by("code")


class StrictMixin:
    """Refuses keys it does not know (a typo must not be silently ignored).

    Read-only keys are accepted and ignored, so that a client can send back what it read.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {key[:50]: [_("Unknown field.")] for key in unknown[:20]}
                )
        return super().to_internal_value(data)


class StrictSerializer(StrictMixin, serializers.ModelSerializer):
    serializer_related_field = SafePrimaryKeyRelatedField

    def limit(self, name: str, queryset) -> None:
        """Limit a relation's choices (a list relation's too) to ``queryset``."""
        field = self.fields.get(name)
        if field is None or field.read_only:
            return
        target = getattr(field, "child_relation", field)
        target.queryset = queryset


def _ids(**kwargs):
    return SafePrimaryKeyRelatedField(many=True, **kwargs)


# --- partners -------------------------------------------------------------------------------


class CitySerializer(serializers.ModelSerializer):
    name = TranslatedField("name", read_only=True)
    country = TranslatedField("country", read_only=True)

    class Meta:
        model = City
        fields = ["id", "code", "name", "country", "time_zone", "default_language"]


@extend_schema_field(
    {"type": "string", "maxLength": 200, "description": "A web address (http or https), or empty."}
)
class OptionalURLField(serializers.CharField):
    """A URL or nothing (DRF's URLField would document "" as an invalid URI)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                URLValidator()(value)
            except DjangoValidationError:
                raise serializers.ValidationError(_("Enter a valid URL.")) from None
        return value


class AgencySerializer(StrictSerializer):
    name = TranslatedField("name", max_length=200)
    website = OptionalURLField(max_length=200, allow_blank=True, required=False)
    city = SafePrimaryKeyRelatedField(
        queryset=City.objects.none(),
        allow_null=True,
        required=False,
        help_text="The city whose side the agency is on; null for a third party.",
    )
    parent = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )

    class Meta:
        model = Agency
        fields = ["id", "code", "city", "kind", "name", "parent", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.limit("city", visible_cities(user))
        self.limit("parent", visible_agencies(user))


# --- cooperation ----------------------------------------------------------------------------


class PartnershipSerializer(serializers.ModelSerializer):
    first_city = CitySerializer(read_only=True)
    second_city = CitySerializer(read_only=True)
    agreement_title = TranslatedField("agreement_title", read_only=True)

    class Meta:
        model = Partnership
        fields = ["id", "code", "first_city", "second_city", "established", "agreement_title"]


class PlanSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=300)
    signed_place = TranslatedField("signed_place", max_length=100, required=False)
    authentic_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=["en", "zh-hans", "fi"]),
        max_length=5,
        required=False,
    )

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "code",
            "partnership",
            "title",
            "period_start_year",
            "period_end_year",
            "signed_on",
            "signed_place",
            "status",
            "authentic_languages",
            "predecessor",
        ]
        read_only_fields = ["code", "partnership", "predecessor"]

    def validate(self, attrs):
        start = attrs.get("period_start_year", getattr(self.instance, "period_start_year", None))
        end = attrs.get("period_end_year", getattr(self.instance, "period_end_year", None))
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError(
                {"period_end_year": [_("The last year cannot be before the first year.")]}
            )
        return attrs


class ResponsibilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = ThemeAgency
        fields = ["agency", "role"]


class ThemeSerializer(StrictSerializer):
    name = TranslatedField("name", max_length=200)
    summary = TranslatedField("summary", required=False)
    responsible_agencies = ResponsibilitySerializer(
        source="responsibilities", many=True, read_only=True
    )

    class Meta:
        model = Theme
        fields = ["id", "plan", "code", "order", "name", "summary", "responsible_agencies"]
        # Themes are unique per plan by order and code: checked on save, answered with 400.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("plan", cooperation_selectors.visible_plans(_user(self)))


class CommitmentSerializer(StrictSerializer):
    text = TranslatedField("text")
    agencies = _ids(queryset=Agency.objects.none(), required=False)

    class Meta:
        model = Commitment
        fields = ["id", "theme", "code", "order", "text", "target_count", "frequency", "agencies"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.limit("theme", cooperation_selectors.visible_themes(user))
        self.limit("agencies", visible_agencies(user))


class FundingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Funding
        fields = ["id", "source", "funder", "amount", "currency"]


class FundingWriteSerializer(StrictMixin, serializers.Serializer):
    """One source's money. The currency (ISO 4217) and amount (not negative) rules are
    cooperation.funding's: broken, they answer 400 naming the field."""

    id = serializers.IntegerField(read_only=True)
    source = serializers.ChoiceField(choices=FundingSource.choices)
    funder = serializers.CharField(max_length=200, allow_blank=True, required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField(
        max_length=3, required=False, help_text="Three-letter ISO 4217 code; EUR when left out."
    )


def _absolute(serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "activity",
            "name",
            "content_type",
            "size",
            "description",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return _absolute(self, reverse("api:evidence-download", args=[obj.pk]))


class EvidenceUploadSerializer(StrictMixin, serializers.Serializer):
    file = serializers.FileField(help_text="Size and type rules as on the activity's page.")
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)


class StatusUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = StatusUpdate
        fields = ["id", "sequence", "from_status", "to_status", "note", "author", "created_at"]


class StatusChangeSerializer(StrictMixin, serializers.Serializer):
    """``POST /api/v1/activities/{id}/status-updates/``: the change, with a note."""

    to_status = serializers.ChoiceField(choices=ActivityStatus.choices)
    note = serializers.CharField(max_length=4000)
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When the activity started (in_progress) or was completed (needed to "
        "complete it). Not in the future.",
    )


class ActivitySerializer(StrictSerializer):
    """A joint activity. ``status`` is read-only: it changes through status-updates."""

    plan = serializers.IntegerField(source="theme.plan_id", read_only=True)
    title = TranslatedField("title", max_length=300, require_one=True)
    description = TranslatedField("description", required=False)
    outcomes = TranslatedField("outcomes", required=False)
    participants = _ids(queryset=Agency.objects.none(), required=False)
    commitment = SafePrimaryKeyRelatedField(
        queryset=Commitment.objects.none(), allow_null=True, required=False
    )
    first_lead_agency = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )
    second_lead_agency = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )
    status = serializers.ChoiceField(
        choices=ActivityStatus.choices,
        read_only=True,
        help_text="Changed only with POST /api/v1/activities/{id}/status-updates/.",
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    updated_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    status_history = StatusUpdateSerializer(source="status_updates", many=True, read_only=True)
    fundings = FundingSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan",
            "theme",
            "commitment",
            "title",
            "description",
            "outcomes",
            "first_lead_agency",
            "second_lead_agency",
            "participants",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "version",
            "is_demo",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
            "status_history",
            "fundings",
        ]
        read_only_fields = ["version", "is_demo", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.limit("theme", cooperation_selectors.visible_themes(user))
        self.limit(
            "commitment",
            Commitment.objects.filter(access.partnership_q(user, "theme__plan__partnership")),
        )
        agencies = visible_agencies(user)
        for name in ("first_lead_agency", "second_lead_agency", "participants"):
            self.limit(name, agencies)

    def to_internal_value(self, data):
        if isinstance(data, dict) and "status" in data:
            current = self.instance.status if self.instance is not None else ActivityStatus.PLANNED
            if data["status"] != current:
                raise serializers.ValidationError(
                    {
                        "status": [
                            _(
                                "The status cannot be changed here: post the change with a "
                                "note to /api/v1/activities/{id}/status-updates/."
                            )
                        ]
                    }
                )
        return super().to_internal_value(data)

    def validate(self, attrs):
        errors = {}
        for start, end, message in (
            ("planned_start", "planned_end", _("The planned end cannot be before the start.")),
            ("actual_start", "actual_end", _("The actual end cannot be before the start.")),
        ):
            first = attrs.get(start, getattr(self.instance, start, None))
            last = attrs.get(end, getattr(self.instance, end, None))
            if first and last and last < first:
                errors[end] = [message]
        if (
            self.instance is not None
            and self.instance.status == ActivityStatus.COMPLETED
            and "actual_end" in attrs
            and not attrs["actual_end"]
        ):
            errors["actual_end"] = [_("A completed activity keeps the date it was completed.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- events ---------------------------------------------------------------------------------


class ProgrammeItemSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=300, require_one=True)
    venue = TranslatedField("venue", max_length=300, required=False)
    organiser = SafePrimaryKeyRelatedField(
        queryset=Agency.objects.none(), allow_null=True, required=False
    )

    class Meta:
        model = ProgrammeItem
        fields = ["id", "starts_at", "ends_at", "title", "venue", "organiser"]
        extra_kwargs = {
            "starts_at": {"help_text": "A time without an offset is the host city's local time."},
            "ends_at": {"help_text": "A time without an offset is the host city's local time."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("organiser", visible_agencies(_user(self)))


class EventSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=300, require_one=True)
    description = TranslatedField("description", required=False)
    venue = TranslatedField("venue", max_length=300, required=False)
    themes = _ids(queryset=Theme.objects.none(), required=False)
    activities = _ids(queryset=Activity.objects.none(), required=False)
    organisers = _ids(
        queryset=Agency.objects.none(),
        required=False,
        help_text="Coordinators only: agency staff cannot change who organises an event.",
    )
    series = SafePrimaryKeyRelatedField(
        queryset=EventSeries.objects.none(), allow_null=True, required=False
    )
    host_city = SafePrimaryKeyRelatedField(
        queryset=City.objects.none(), allow_null=True, required=False
    )
    programme = ProgrammeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "plan",
            "code",
            "series",
            "kind",
            "title",
            "description",
            "host_city",
            "venue",
            "year",
            "start_date",
            "end_date",
            "themes",
            "activities",
            "organisers",
            "is_demo",
            "updated_at",
            "programme",
        ]
        read_only_fields = ["is_demo", "updated_at"]
        extra_kwargs = {
            "plan": {"help_text": "Coordinators only: staff cannot move an event to another plan."},
            "year": {"min_value": 1900, "max_value": 2200},
        }
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.limit("plan", cooperation_selectors.visible_plans(user))
        self.limit(
            "series", EventSeries.objects.filter(access.partnership_q(user, "plan__partnership"))
        )
        self.limit("host_city", visible_cities(user))
        self.limit("themes", cooperation_selectors.visible_themes(user))
        self.limit("activities", cooperation_selectors.visible_activities(user))
        self.limit("organisers", visible_agencies(user))

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The event cannot end before it starts.")]}
            )
        return attrs


# --- reviews --------------------------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    narrative = TranslatedField("narrative", read_only=True)
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ThemeAssessment
        fields = ["id", "theme", "rating", "narrative", "assessed_by", "updated_at"]


class AssessmentWriteSerializer(StrictMixin, serializers.Serializer):
    """``POST /api/v1/reviews/{id}/assessments/``: the assessment of one theme (created or
    replaced)."""

    theme = SafePrimaryKeyRelatedField(queryset=Theme.objects.none())
    rating = serializers.ChoiceField(choices=Rating.choices)
    narrative = TranslatedField("narrative", max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = cooperation_selectors.visible_themes(_user(self))


class ReviewSerializer(StrictSerializer):
    title = TranslatedField("title", max_length=200, require_one=True)
    description = TranslatedField("description", required=False)
    conclusions_text = TranslatedField("conclusions_text", read_only=True)
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365),
        max_length=50,
        required=False,
        help_text="Days before the due date on which reminders go out.",
    )
    kind = serializers.ChoiceField(choices=ReviewKind.choices, default=ReviewKind.AD_HOC)
    conclusion = serializers.ChoiceField(
        choices=Conclusion.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until the review is completed.",
    )
    assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "plan",
            "code",
            "kind",
            "title",
            "description",
            "due_date",
            "status",
            "conclusion",
            "conclusions_text",
            "completed_at",
            "reminder_days",
            "version",
            "assessments",
        ]
        read_only_fields = ["code", "status", "completed_at", "version"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit("plan", cooperation_selectors.visible_plans(_user(self)))


class ReviewScheduleSerializer(StrictMixin, serializers.Serializer):
    """``PATCH /api/v1/reviews/{id}/``: the schedule (the rest changes through the workflow)."""

    due_date = serializers.DateField(required=False)
    reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365), max_length=50, required=False
    )


class ReviewCompletionSerializer(StrictMixin, serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    conclusions_text = TranslatedField("conclusions_text", max_length=20000, required=False)


# --- progress reports -----------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    checksum = serializers.CharField(
        source="sha256", read_only=True, help_text="SHA-256 of the PDF (hex), once done."
    )
    pages = serializers.IntegerField(source="page_count", read_only=True, allow_null=True)
    state = serializers.ChoiceField(
        source="status",
        choices=ReportStatus.choices,
        read_only=True,
        help_text="queued, rendering, done (download_url is set) or failed (error says why).",
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "plan",
            "theme",
            "language",
            "as_of",
            "state",
            "error",
            "checksum",
            "size",
            "pages",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        if obj.status != ReportStatus.DONE:
            return None
        return _absolute(self, reverse("api:report-download", args=[obj.pk]))


class ReportRequestSerializer(StrictMixin, serializers.Serializer):
    plan = SafePrimaryKeyRelatedField(queryset=ActionPlan.objects.none())
    theme = SafePrimaryKeyRelatedField(
        queryset=Theme.objects.none(), required=False, allow_null=True
    )
    language = serializers.ChoiceField(choices=ReportLanguage.choices)
    as_of = serializers.DateField(
        required=False, help_text="The day the report shows the plan as of; today when left out."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.fields["plan"].queryset = cooperation_selectors.visible_plans(user)
        self.fields["theme"].queryset = cooperation_selectors.visible_themes(user)


# --- errors (for the schema) ----------------------------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "description": "Messages per field (nested fields with dots, e.g. title.zh-hans); "
        "errors about the whole request under non_field_errors, an unreadable body under body.",
    }
)
class _ErrorMap(serializers.DictField):
    pass


class ValidationErrorSerializer(serializers.Serializer):
    errors = _ErrorMap()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class PreconditionFailedSerializer(DetailSerializer):
    current_etag = serializers.CharField(required=False)
    changed_fields = serializers.ListField(child=serializers.CharField())


class ReportNotReadySerializer(DetailSerializer):
    state = serializers.ChoiceField(choices=ReportStatus.choices)
