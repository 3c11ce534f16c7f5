from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code of the authenticator app, or (``recovery``) one of the recovery codes."""

    code = forms.CharField(max_length=40, strip=True)

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if recovery:
            field.label = _("Recovery code")
            field.help_text = _("One of the codes you saved when you set up two-factor login.")
            field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        else:
            field.label = _("Code")
            field.help_text = _("The six digits your authenticator app shows now.")
            field.widget.attrs.update(
                {"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
            )
