"""Forms of the partners pages."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import Profile


class PreferredLanguageForm(forms.ModelForm):
    """The one thing people set on their own profile: the language the portal speaks to them."""

    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        # Each language by its own name (English, 简体中文, suomi), as in the switcher.
        choices=[
            ("", _("Follow my browser")),
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
        ],
        help_text=_("The interface and the content are shown in this language."),
    )

    class Meta:
        model = Profile
        fields = ["preferred_language"]


class MonthlyDigestForm(forms.Form):
    wants_monthly_digest = forms.BooleanField(
        label=_("Send me the monthly digest"),
        required=False,
        help_text=_(
            "Once a month, the open activities of your agency that have had no update for 90 "
            "days, if there are any."
        ),
    )
