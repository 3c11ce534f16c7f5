"""Forms of the amendment pages: they only parse; the service decides.

The changes are a plain formset (not a model formset): the service replaces an amendment's
changes as a whole, and a blank row is simply not a change.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import EARLIEST_YEAR, LATEST_YEAR
from core.forms import SafeModelChoiceField, with_empty_choice
from partners.models import Agency

from .amendments.models import ChangeKind
from .amendments.rules import CHANGE_FIELDS, MAX_CHANGES, USES
from .forms import _date_input
from .models import Commitment, ResponsibilityRole, Theme

AMENDMENT_FIELDS = ("title_en", "title_zh_hans", "reason_en", "reason_zh_hans", "effective_on")


class AmendmentForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_zh_hans = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    reason_en = forms.CharField(
        label=_("Reason (English)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason_zh_hans = forms.CharField(
        label=_("Reason (Chinese)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_on = forms.DateField(label=_("Effective date"), widget=_date_input())
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31
    )

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in AMENDMENT_FIELDS}


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Change"), choices=with_empty_choice(ChangeKind.choices), required=False
    )
    theme = SafeModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    commitment = SafeModelChoiceField(
        label=_("Commitment"), queryset=Commitment.objects.none(), required=False
    )
    agency = SafeModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=with_empty_choice(ResponsibilityRole.choices), required=False
    )
    text_en = forms.CharField(
        label=_("New name or text (English)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text_zh_hans = forms.CharField(
        label=_("New name or text (Chinese)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary_en = forms.CharField(
        label=_("New summary of a theme (English)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary_zh_hans = forms.CharField(
        label=_("New summary of a theme (Chinese)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    start_year = forms.IntegerField(
        label=_("First year"), required=False, min_value=EARLIEST_YEAR, max_value=LATEST_YEAR
    )
    end_year = forms.IntegerField(
        label=_("Last year"), required=False, min_value=EARLIEST_YEAR, max_value=LATEST_YEAR
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["theme"].queryset = Theme.objects.filter(plan=plan).order_by("order")
            self.fields["commitment"].queryset = (
                Commitment.objects.filter(theme__plan=plan)
                .select_related("theme")
                .order_by("theme__order", "order")
            )
            self.fields["agency"].queryset = plan.partnership.agencies().order_by("name")
            self.fields["commitment"].label_from_instance = lambda c: (
                f"{c.theme.order}.{c.order} {c}"
            )

    def _with_kinds(self, names) -> list[tuple]:
        """(bound field, the kinds of change that use it): portal.js shows only the fields of
        the kind chosen; without script every field shows."""
        return [
            (self[name], " ".join(kind for kind, used in USES.items() if name in used))
            for name in names
        ]

    def targets(self) -> list[tuple]:
        return self._with_kinds(("theme", "commitment", "agency", "role", "start_year", "end_year"))

    def texts(self) -> list[tuple]:
        return self._with_kinds(("text_en", "text_zh_hans", "summary_en", "summary_zh_hans"))

    def row(self) -> dict | None:
        """The change this row asks for; None for a row left blank."""
        if not self.cleaned_data.get("kind"):
            return None
        return {name: self.cleaned_data.get(name) for name in CHANGE_FIELDS}


BaseChangeFormSet = forms.formset_factory(
    ChangeForm,
    extra=2,
    max_num=MAX_CHANGES,
    validate_max=True,
    # A forged TOTAL_FORMS never builds more forms than an amendment may hold.
    absolute_max=MAX_CHANGES,
)


class ChangeFormSet(BaseChangeFormSet):
    def __init__(self, *args, plan=None, **kwargs):
        kwargs.setdefault("form_kwargs", {})["plan"] = plan
        kwargs.setdefault("prefix", "changes")
        super().__init__(*args, **kwargs)

    def rows(self) -> list[dict]:
        return [row for form in self.forms if (row := form.row()) is not None]


def initial_rows(amendment) -> list[dict]:
    return [
        {name: getattr(change, name) for name in CHANGE_FIELDS}
        for change in amendment.changes.all()
    ]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Why is it returned?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)


class DecisionForm(forms.Form):
    """Submit, withdraw, approve: a button with the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Version"), min_value=1, max_value=32767)
    b = forms.IntegerField(label=_("with version"), min_value=1, max_value=32767)
