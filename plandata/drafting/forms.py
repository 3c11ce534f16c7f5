"""Forms of the drafting pages: they only parse (the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeModelChoiceField, with_empty_choice
from plandata.drafting.parser import MAX_COMMITMENTS, MAX_THEMES
from plandata.drafting.readers import MAX_FILE_BYTES, DraftInputError, read_plan_text


class UploadForm(forms.Form):
    partnership = SafeModelChoiceField(queryset=None, label=_("Partnership"))
    text = forms.FileField(
        label=_("Signed text"),
        help_text=_("A .txt, .md, .docx or .pdf file of up to 5 MB."),
    )
    text_zh = forms.FileField(
        label=_("Text in the other language (optional)"),
        required=False,
        help_text=_("The same plan in Chinese: its items are paired with the first text's."),
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        if partnerships.count() == 1:
            self.fields["partnership"].initial = partnerships.first()

    def _read(self, name: str) -> tuple[str, str] | None:
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return upload.name, read_plan_text(upload.name, upload.read())
        except DraftInputError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_text(self):
        self.cleaned_data["source"] = self._read("text")
        return self.cleaned_data["text"]

    def clean_text_zh(self):
        self.cleaned_data["source_zh"] = self._read("text_zh")
        return self.cleaned_data["text_zh"]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class ThemeForm(forms.Form):
    order = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_THEMES
    )
    name = forms.CharField(label=_("Theme"), max_length=200)


class CommitmentForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=12)
    theme = forms.TypedChoiceField(label=_("Theme"), coerce=int, choices=(), empty_value=None)
    text = forms.CharField(
        label=_("Commitment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, theme_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # An empty first choice: an extra row left alone is unchanged, not an error.
        self.fields["theme"].choices = with_empty_choice(theme_choices)


ThemeFormSet = forms.formset_factory(
    ThemeForm, extra=1, can_delete=True, max_num=MAX_THEMES, absolute_max=MAX_THEMES,
    validate_max=True,
)  # fmt: skip
CommitmentFormSet = forms.formset_factory(
    CommitmentForm, extra=2, can_delete=True, max_num=MAX_COMMITMENTS,
    absolute_max=MAX_COMMITMENTS, validate_max=True,
)  # fmt: skip


def rows(formset) -> list[dict]:
    """The filled rows of a valid formset (empty extra rows dropped), with "delete"."""
    out = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or (not form.has_changed() and not data.get("key") and not data.get("order")):
            continue
        out.append({**data, "delete": bool(data.get("DELETE"))})
    return out
