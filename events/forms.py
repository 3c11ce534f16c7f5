"""Forms of the event pages: the list's filters and a programme item."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation import selectors as cooperation_selectors
from core.forms import EMPTY_CHOICE, SafeModelChoiceField
from core.templatetags.content import tr_text

from . import selectors
from .models import EventKind


class TranslatedChoiceField(SafeModelChoiceField):
    """Options labelled in the page's language (``name`` or ``title``)."""

    def __init__(self, *args, text_field: str = "name", **kwargs):
        self.text_field = text_field
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return tr_text(obj, self.text_field) or str(obj)


class EventFilterForm(forms.Form):
    """GET filters of the event list. An invalid value is reported and ignored, never a 500."""

    plan = TranslatedChoiceField(
        label=_("Action plan"),
        queryset=None,
        required=False,
        empty_label=_("All plans"),
        text_field="title",
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    host_city = TranslatedChoiceField(
        label=_("Host city"), queryset=None, required=False, empty_label=_("All cities")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = cooperation_selectors.visible_plans(user)
        self.fields["host_city"].queryset = cooperation_selectors.visible_cities(user).order_by(
            "code"
        )
        self.fields["kind"].choices = [("", _("All kinds")), *EventKind.choices]

    def filters(self) -> dict:
        """The valid filters only: a junk value drops its own filter, not the others."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields if name in data}


class ProgrammeItemForm(forms.Form):
    """A programme item. Times are read in the host city's time zone (the view activates it)."""

    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    title_zh_hans = forms.CharField(label=_("Title (Chinese)"), max_length=300, required=False)
    venue_en = forms.CharField(label=_("Venue (English)"), max_length=300, required=False)
    venue_zh_hans = forms.CharField(label=_("Venue (Chinese)"), max_length=300, required=False)
    organiser = TranslatedChoiceField(
        label=_("Organiser"), queryset=None, required=False, empty_label=EMPTY_CHOICE
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = selectors.organiser_choices(event)
