"""Forms of the cooperation pages: the activity filters, the activity form with its funding
rows, the status update form and the evidence upload form.

Forms validate input (types, choices, dates in order); the rules of a change live in
``cooperation.services`` and the view turns their ValidationErrors into form errors with
``core.forms.add_service_errors``.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core import inputs
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from core.forms import (
    EMPTY_CHOICE,
    ParsingModelForm,
    SafeModelChoiceField,
    SafeModelMultipleChoiceField,
    with_empty_choice,
)
from core.merge import SAVED, YOURS
from core.templatetags.content import in_brackets, tr_text
from partners import access
from partners.models import Agency

from . import money, search, selectors
from .models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    Funding,
    FundingSource,
    Theme,
)
from .services import activities as services
from .uploads import ALLOWED_ENDINGS, max_upload_bytes

DATE_WIDGET_FORMAT = "%Y-%m-%d"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_WIDGET_FORMAT)


# --- choice fields with readable labels -------------------------------------------------------


class AgencyChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AgencyWithSideChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj):
        side = obj.city.name if obj.city_id else _("third party")
        return f"{obj.name} {in_brackets(side)}"


class CommitmentChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        text = obj.text if len(obj.text) <= 90 else f"{obj.text[:89]}…"
        return f"{obj.theme.order}.{obj.order} {text}"


# --- activity list filters ------------------------------------------------------------------


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _visible_themes(request):
    return selectors.visible_themes(request.user).order_by("plan_id", "order")


def _visible_cities(request):
    return selectors.visible_cities(request.user)


def _visible_agencies(request):
    return (
        selectors.visible_agencies(request.user)
        .select_related("city")
        .order_by("city__code", "name")
    )


class AgencyFilterField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        side = obj.city.name if obj.city_id else _("third party")
        return f"{obj.name} {in_brackets(side)}"


class AgencyFilter(django_filters.ModelChoiceFilter):
    field_class = AgencyFilterField


class SafeModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SafeModelChoiceField


# The commitment filter's value for activities without a commitment (the theme page's link).
NO_COMMITMENT = "none"


def _visible_commitments(request):
    return selectors.visible_commitments(request.user).select_related("theme")


class CommitmentFilterField(SafeModelChoiceField):
    """A visible commitment's id, or NO_COMMITMENT. A hidden field: the theme page links to
    it, and the list shows the chosen commitment as text (no select of every commitment)."""

    widget = forms.HiddenInput

    def to_python(self, value):
        if value == NO_COMMITMENT:
            return NO_COMMITMENT
        return super().to_python(value)


class CommitmentFilter(django_filters.ModelChoiceFilter):
    field_class = CommitmentFilterField


def _theme_options(field) -> list:
    """The theme select's options; under their plan's title and period when the user sees
    the themes of more than one plan (a renewal repeats its predecessor's themes)."""
    plans: dict[int, tuple] = {}
    for theme in field.queryset:
        _plan, options = plans.setdefault(theme.plan_id, (theme.plan, []))
        options.append((str(theme.pk), str(field.label_from_instance(theme))))
    if len(plans) < 2:
        return [option for _plan, options in plans.values() for option in options]
    return [
        (f"{tr_text(plan, 'title')} {in_brackets(plan.period)}", options)
        for plan, options in plans.values()
    ]


class ActivityFilter(django_filters.FilterSet):
    """The activity list's filters. Invalid values are reported and left out, never a 500."""

    theme = SafeModelChoiceFilter(
        label=_("Theme"), queryset=_visible_themes, empty_label=_("All themes")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ActivityStatus.choices, empty_label=_("All statuses")
    )
    commitment = CommitmentFilter(
        label=_("Commitment"), queryset=_visible_commitments, method="filter_commitment"
    )
    side = SafeModelChoiceFilter(
        label=_("Side"),
        queryset=_visible_cities,
        method="filter_side",
        empty_label=_("Both sides"),
        help_text=_("The city of a lead agency."),
    )
    agency = AgencyFilter(
        label=_("Agency"),
        queryset=_visible_agencies,
        method="filter_agency",
        empty_label=_("All agencies"),
        help_text=_("Leading or taking part."),
    )
    year = YearFilter(
        label=_("Year"),
        method="filter_year",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
        help_text=_("Planned or actual start."),
    )
    text = django_filters.CharFilter(
        label=_("Text"), method="filter_text", max_length=inputs.LIMITS["search"], strip=True
    )
    # The three funding filters make one condition on one funding row: see filter_queryset.
    funding = django_filters.ChoiceFilter(
        label=_("Funding"),
        choices=[("yes", _("Has funding")), ("no", _("No funding"))],
        empty_label=_("With or without funding"),
        method="filter_nothing",
    )
    funding_source = django_filters.ChoiceFilter(
        label=_("Funded by"),
        choices=FundingSource.choices,
        empty_label=_("Any source"),
        method="filter_nothing",
    )
    currency = django_filters.CharFilter(
        label=_("Currency"),
        method="filter_nothing",
        max_length=3,
        strip=True,
        help_text=_("Three-letter ISO 4217 code, such as EUR or CNY."),
    )

    class Meta:
        model = Activity
        fields = []

    #: The selects whose options are rows: read once per change and kind of viewer
    #: (``use_cached_options``), not on every page (a sixth of the list page's time).
    ROW_SELECTS = ("theme", "side", "agency")

    def use_cached_options(self, stamp) -> None:
        """Give the form's row selects their options from the cache (``search``), under
        ``stamp`` (``search.change_stamp``); the fields still validate against their
        querysets. For a page that shows the form."""
        viewer = access.visibility_key(self.request.user)
        fields = {name: self.form.fields[name] for name in self.ROW_SELECTS}

        def read():
            options = {
                name: [(str(value), str(label)) for value, label in field.choices if value != ""]
                for name, field in fields.items()
                if name != "theme"
            }
            options["theme"] = _theme_options(fields["theme"])
            return options

        options = search.cached_options("activity-filter", viewer, stamp, read)
        for name, field in fields.items():
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            field.widget.choices = [*empty, *options[name]]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        has = {"yes": True, "no": False}.get(data.get("funding") or "")
        source = data.get("funding_source") or ""
        currency = (data.get("currency") or "").upper()
        if has is None and not (source or currency):
            return queryset
        return money.funded(queryset, has=has, source=source, currency=currency)

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_commitment(self, queryset, name, value):
        if value == NO_COMMITMENT:
            return queryset.filter(commitment__isnull=True)
        return queryset.filter(commitment=value)

    def filter_side(self, queryset, name, value):
        return queryset.filter(selectors.side_q(value.pk))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(selectors.agency_q(value.pk))

    def filter_year(self, queryset, name, value):
        return queryset.filter(selectors.year_q(value))

    def filter_text(self, queryset, name, value):
        return queryset.filter(selectors.text_q(value)) if value else queryset


# --- the activity form ----------------------------------------------------------------------

BILINGUAL_FIELDS = [
    ("title_en", "title_zh_hans"),
    ("description_en", "description_zh_hans"),
    ("outcomes_en", "outcomes_zh_hans"),
]


class ActivityForm(ParsingModelForm):
    """Create or edit an activity. The status is not on this form: it has its own history.

    ``plan`` limits the themes, commitments and lead agencies; ``user`` limits the themes to
    those they may create activities under. ``editing`` adds the hidden ``version`` the
    service checks to detect a concurrent save.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # What the user started from (signed): a save after someone else's is merged over it.
    base = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = [
            "theme",
            "commitment",
            "title_en",
            "title_zh_hans",
            "description_en",
            "description_zh_hans",
            "first_lead_agency",
            "second_lead_agency",
            "participants",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "outcomes_en",
            "outcomes_zh_hans",
        ]
        field_classes = {
            "theme": SafeModelChoiceField,
            "commitment": CommitmentChoiceField,
            "first_lead_agency": AgencyChoiceField,
            "second_lead_agency": AgencyChoiceField,
            "participants": AgencyWithSideChoiceField,
        }
        labels = {
            "title_en": _("Title in English"),
            "title_zh_hans": _("Title in Chinese"),
            "description_en": _("Description in English"),
            "description_zh_hans": _("Description in Chinese"),
            "outcomes_en": _("Outcomes in English"),
            "outcomes_zh_hans": _("Outcomes in Chinese"),
        }
        help_texts = {
            "participants": _("Other organisations taking part. Select several with Ctrl or ⌘."),
            "commitment": _("The commitment of the plan this activity works towards, if any."),
        }
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "description_zh_hans": forms.Textarea(attrs={"rows": 5}),
            "outcomes_en": forms.Textarea(attrs={"rows": 3}),
            "outcomes_zh_hans": forms.Textarea(attrs={"rows": 3}),
            "planned_start": _date_input(),
            "planned_end": _date_input(),
            "actual_start": _date_input(),
            "actual_end": _date_input(),
        }

    def __init__(self, *args, user, plan: ActionPlan, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.editing = editing
        partnership = plan.partnership

        theme_ids = {t.pk for t in services.themes_for_new_activity(user, plan)}
        if editing and self.instance.theme_id:
            theme_ids.add(self.instance.theme_id)
        self.fields["theme"].queryset = Theme.objects.filter(pk__in=theme_ids).order_by("order")
        self.fields["theme"].empty_label = None if len(theme_ids) == 1 else EMPTY_CHOICE
        commitments = self.fields["commitment"]
        commitments.queryset = (
            Commitment.objects.filter(theme__plan=plan)
            .select_related("theme")
            .order_by("theme__order", "order")
        )
        # Grouped by theme for reading; validation still goes through the queryset.
        groups: dict[int, tuple[str, list]] = {}
        for commitment in commitments.queryset:
            theme = commitment.theme
            label = f"{theme.order}. {theme.name}"
            groups.setdefault(theme.pk, (label, []))[1].append(
                (commitment.pk, commitments.label_from_instance(commitment))
            )
        commitments.choices = with_empty_choice(groups.values())

        first, second = partnership.first_city, partnership.second_city
        self.fields["first_lead_agency"].queryset = Agency.objects.filter(city=first)
        self.fields["first_lead_agency"].label = _("Lead agency in %(city)s") % {"city": first.name}
        self.fields["second_lead_agency"].queryset = Agency.objects.filter(city=second)
        self.fields["second_lead_agency"].label = _("Lead agency in %(city)s") % {
            "city": second.name
        }
        # The partnership's two sides and the third parties it names: never another's.
        self.fields["participants"].queryset = (
            partnership.agencies().select_related("city").order_by("city__code", "name")
        )
        self.fields["participants"].widget.attrs["size"] = 10
        # A title in either language is enough; the service says so when both are empty.
        self.fields["title_en"].required = False
        self.fields["title_zh_hans"].required = False
        for name, field in self.fields.items():
            if name.endswith("_zh_hans"):
                field.widget.attrs["lang"] = "zh-Hans"
            elif name.endswith("_en"):
                field.widget.attrs["lang"] = "en"
        if editing:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
            if not self.is_bound:
                values = services.edit_values(self.instance, self.model_field_names)
                self.fields["base"].initial = sign_base(self.instance, values)
        else:
            del self.fields["version"]
            del self.fields["base"]

    def bilingual_rows(self):
        return [(self[en], self[zh]) for en, zh in BILINGUAL_FIELDS]

    @property
    def model_field_names(self) -> list[str]:
        return [name for name in self._meta.fields if name != "participants"]

    def labels(self) -> dict[str, str]:
        return {name: str(field.label) for name, field in self.fields.items()}

    def clean_base(self):
        """The signed base, or None (missing, altered, another activity's): then a stale
        version is a conflict as before, and nothing is merged."""
        try:
            data = signing.loads(self.cleaned_data.get("base") or "", salt=BASE_SALT)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or data.get("activity") != self.instance.pk:
            return None
        return data.get("values")

    def choices(self) -> dict[str, str]:
        """After a conflict: which value the user keeps of each field both changed."""
        names = [*self.model_field_names, "participants"]
        wanted = {CHOICE_PREFIX + name: name for name in names}
        return {
            wanted[key]: value
            for key, value in self.data.items()
            if key in wanted and value in {SAVED, YOURS}
        }


BASE_SALT = "cooperation.activity-base"
# The conflict page's choice of a field both changed: keep-<field> = saved | yours.
CHOICE_PREFIX = "keep-"


def sign_base(activity: Activity, values: dict) -> str:
    return signing.dumps({"activity": activity.pk, "values": values}, salt=BASE_SALT, compress=True)


class FundingForm(ParsingModelForm):
    class Meta:
        model = Funding
        fields = ["source", "funder_en", "funder_zh_hans", "amount", "spent", "currency"]
        widgets = {"currency": forms.TextInput(attrs={"size": 4, "maxlength": 3})}
        labels = {
            "funder_en": _("Funder in English"),
            "funder_zh_hans": _("Funder in Chinese"),
        }

    def __init__(self, *args, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("amount", "spent"):
            self.fields[name].widget.attrs["min"] = 0
        if partnership is not None:
            self.fields["source"].choices = money.source_choices(partnership, blank=True)


FundingFormSet = forms.inlineformset_factory(
    Activity,
    Funding,
    form=FundingForm,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
    # A forged TOTAL_FORMS never builds more forms than a person could fill in.
    absolute_max=30,
)


# --- status update --------------------------------------------------------------------------


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    # In either language or both (the service asks for one).
    note_en = forms.CharField(
        label=_("Note in English"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened: it is kept in the history. In English, Chinese or both."),
    )
    note_zh_hans = forms.CharField(
        label=_("Note in Chinese"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=_date_input(),
        help_text=_(
            "When the activity started (in progress) or was completed. Needed to complete it."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = with_empty_choice(
            (value, label) for value, label in ActivityStatus.choices if value != activity.status
        )
        self.fields["version"].initial = activity.version


# --- evidence -------------------------------------------------------------------------------


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"), max_length=255)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(limit)s. Accepted: %(endings)s.") % {
            "limit": filesizeformat(max_upload_bytes()),
            "endings": ", ".join(ALLOWED_ENDINGS),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED_ENDINGS)
