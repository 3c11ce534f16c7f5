"""Forms of the partners pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Profile


class PreferredLanguageForm(forms.ModelForm):
    """The one thing people set on their own profile: the language the portal speaks to them."""

    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
        help_text=_("The interface and the content are shown in this language."),
    )

    class Meta:
        model = Profile
        fields = ["preferred_language"]
