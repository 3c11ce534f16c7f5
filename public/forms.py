"""The coordinators' form for the public page: parses; public.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PublicPageForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label=_("Public page"),
        choices=[("on", _("On: anyone may read it")), ("off", pgettext_lazy("public page", "Off"))],
        coerce=lambda value: value == "on",
        widget=forms.RadioSelect,
    )
    # Longer than any address may be, so that the service's message explains the limit.
    slug = forms.CharField(
        label=_("Address"),
        max_length=200,
        help_text=_(
            "Lower-case letters a–z, digits and hyphens, such as helsinki-beijing-2019-2023."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I have checked that the plan may be published or withdrawn now."),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, current_enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_enabled = current_enabled

    def clean(self):
        data = super().clean()
        # Switching on publishes the plan to everyone; switching off withdraws it: asked twice.
        switching = "enabled" in data and data["enabled"] != self.current_enabled
        if switching and not data.get("confirm"):
            self.add_error(
                "confirm", _("Confirm that you want to switch the public page on or off.")
            )
        return data
