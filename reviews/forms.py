"""Forms of the review page and of a new ad-hoc review.

Forms check types (a date, a number, one of the choices); the rules of each change live in
``reviews.services``, whose ValidationErrors the views put on the forms with
``core.forms.add_service_errors``. Choices such as the rating or the conclusion are
optional here so that the service's clearer message is the one shown when they are missing.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.forms import with_empty_choice
from core.merge import SAVED, YOURS

from . import merging, services
from .models import Conclusion, Rating, Review, ThemeAssessment, default_reminder_days

DATE_WIDGET_FORMAT = "%Y-%m-%d"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_WIDGET_FORMAT)


def _text_area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _mark_languages(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        if name.endswith("_zh_hans"):
            field.widget.attrs["lang"] = "zh-Hans"
        elif name.endswith("_en"):
            field.widget.attrs["lang"] = "en"


class ReminderDaysField(forms.CharField):
    """Lead times typed as "90, 30, 7", cleaned to a list of whole numbers of days."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reminders (days before the due date)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Whole numbers of days from 1 to 365, separated by commas, such as 90, 30, 7. "
                "While the review is overdue, reminders follow weekly."
            ),
        )
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def clean(self, value):
        return services.parse_reminder_days(super().clean(value))


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value in Rating.values:
        return str(Rating(value).label)
    if value in Conclusion.values:
        return str(Conclusion(value).label)
    return str(value)


DAMAGED = _("The form was damaged. Reload the page and try again.")


class MergingMixin:
    """A form that carries the values the user started from (signed, ``base``), so that a
    save after someone else's merges three ways (``reviews.merging``), and after a conflict
    the user's choice of each field both changed (``choices``)."""

    merge_fields: tuple[str, ...] = ()

    def _start_base(self, kind: str, review_id: int, obj) -> None:
        """``kind`` names the form (a base signed for one form is refused by another)."""
        self.merge_kind, self.review_id = kind, review_id
        self.fields["base"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            values = merging.values_of(obj, self.merge_fields)
            self.fields["base"].initial = merging.sign(self.merge_kind, review_id, values)

    def clean_base(self) -> dict | None:
        """The values the user started from; None for a post without them. An altered one is
        refused: nothing is saved."""
        try:
            return merging.unsign(self.cleaned_data.get("base"), self.merge_kind, self.review_id)
        except merging.Damaged:
            raise ValidationError(DAMAGED, code="base") from None

    def choices(self) -> dict[str, str]:
        wanted = {self.add_prefix(merging.CHOICE_PREFIX + n): n for n in self.merge_fields}
        return {
            wanted[key]: value
            for key, value in self.data.items()
            if key in wanted and value in {SAVED, YOURS}
        }

    def clash_rows(self, clash: merging.Clash, current) -> list[dict]:
        """The conflict table: each field both changed, the saved value and the user's."""
        return [
            {
                "label": self.fields[name].label,
                "choice": self.add_prefix(merging.CHOICE_PREFIX + name),
                "theirs": _shown(getattr(current, name) if current is not None else None),
                "yours": _shown(clash.yours[name]),
            }
            for name in clash.fields
        ]

    def rebase(self, clash: merging.Clash, current, **data) -> None:
        """After ``clash``: the saved values of the fields only the other person changed,
        the user's own elsewhere, and a base that asks again only the fields both changed."""
        new = self.data.copy()
        for name in clash.merge.keep_saved:
            value = getattr(current, name) if current is not None else ""
            value = self.fields[name].prepare_value(value)
            new[self.add_prefix(name)] = "" if value is None else str(value)
        new[self.add_prefix("base")] = merging.sign(
            self.merge_kind, self.review_id, merging.rebased(clash)
        )
        for name, value in data.items():
            new[self.add_prefix(name)] = value
        self.data = new


class VersionForm(forms.Form):
    """A button that acts on the review as the user saw it (start, reopen)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = review.version


class AssessmentForm(MergingMixin, forms.Form):
    """The rating and narrative of one theme. ``saved_at`` is when the assessment the user
    saw was saved (empty when there was none): the service refuses a stale one, unless the
    form carries its ``base`` (then it merges)."""

    merge_fields = merging.ASSESSMENT_FIELDS

    rating = forms.ChoiceField(label=_("Rating"), required=False)
    narrative_en = forms.CharField(
        label=_("Narrative in English"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=_text_area(),
    )
    narrative_zh_hans = forms.CharField(
        label=_("Narrative in Chinese"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=_text_area(),
    )
    saved_at = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, review: Review, assessment: ThemeAssessment | None, **kwargs):
        if assessment is not None and not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "rating": assessment.rating,
                    "narrative_en": assessment.narrative_en,
                    "narrative_zh_hans": assessment.narrative_zh_hans,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = with_empty_choice(Rating.choices)
        self.fields["saved_at"].initial = assessment.updated_at.isoformat() if assessment else ""
        self._start_base(self.prefix or "assessment", review.pk, assessment)
        _mark_languages(self)

    def clean_saved_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("saved_at") or ""
        if not value:
            return None
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                _("The form was damaged. Reload the page and try again."), code="saved_at"
            ) from None

    def bilingual_row(self):
        return (self["narrative_en"], self["narrative_zh_hans"])

    def set_saved_at(self, assessment: ThemeAssessment | None) -> None:
        """After a conflict: act on the assessment as it is now when submitted again."""
        data = self.data.copy()
        data[self.add_prefix("saved_at")] = assessment.updated_at.isoformat() if assessment else ""
        self.data = data


class CompletionForm(MergingMixin, forms.Form):
    merge_fields = merging.COMPLETION_FIELDS

    conclusion = forms.ChoiceField(label=_("Conclusion"), required=False)
    conclusions_text_en = forms.CharField(
        label=_("Conclusions in English"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=_text_area(6),
    )
    conclusions_text_zh_hans = forms.CharField(
        label=_("Conclusions in Chinese"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=_text_area(6),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, review: Review, **kwargs):
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "conclusion": review.conclusion,
                    "conclusions_text_en": review.conclusions_text_en,
                    "conclusions_text_zh_hans": review.conclusions_text_zh_hans,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["conclusion"].choices = with_empty_choice(Conclusion.choices)
        self.fields["version"].initial = review.version
        self._start_base("complete", review.pk, review)
        _mark_languages(self)

    def bilingual_row(self):
        return (self["conclusions_text_en"], self["conclusions_text_zh_hans"])


class ScheduleForm(MergingMixin, forms.Form):
    merge_fields = merging.SCHEDULE_FIELDS

    due_date = forms.DateField(label=_("Due date"), widget=_date_input())
    reminder_days = ReminderDaysField()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, review: Review, **kwargs):
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial", {"due_date": review.due_date, "reminder_days": review.reminder_days}
            )
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = review.version
        self._start_base("schedule", review.pk, review)


class ReviewCreateForm(forms.Form):
    """A new ad-hoc review."""

    title_en = forms.CharField(
        label=_("Title in English"), required=False, max_length=services.TITLE_MAX_LENGTH
    )
    title_zh_hans = forms.CharField(
        label=_("Title in Chinese"), required=False, max_length=services.TITLE_MAX_LENGTH
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=_text_area(),
    )
    description_zh_hans = forms.CharField(
        label=_("Description in Chinese"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=_text_area(),
    )
    due_date = forms.DateField(label=_("Due date"), widget=_date_input())
    reminder_days = ReminderDaysField(initial=default_reminder_days)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _mark_languages(self)

    def bilingual_rows(self):
        return [
            (self["title_en"], self["title_zh_hans"]),
            (self["description_en"], self["description_zh_hans"]),
        ]


class RenewalStartForm(forms.Form):
    """The new plan's period; the rules (it follows this one, a few years) are the service's."""

    period_start_year = forms.IntegerField(label=_("First year"), min_value=1, max_value=9999)
    period_end_year = forms.IntegerField(label=_("Last year"), min_value=1, max_value=9999)


class MoveActivitiesForm(forms.Form):
    """Which open activities to move (ids of the list shown); the service checks each."""

    activities = forms.TypedMultipleChoiceField(
        label=_("Open activities"), coerce=int, required=True
    )

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = [(a.pk, str(a)) for a in activities]
        # Ticked by default: usually every open activity moves on.
        self.fields["activities"].initial = [a.pk for a in activities]
        self.fields["activities"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["activities"].choices
        )
