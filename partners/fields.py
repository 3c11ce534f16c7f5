"""Model choice fields that refuse ids no database key can hold, instead of crashing on them.

SQLite raises OverflowError for an integer beyond 64 bits in an ``IN (…)`` or ``=`` lookup;
Django's choice fields only catch ValueError and TypeError, so a forged form value would answer
500. These fields turn such a value into the usual "not one of the choices" error.
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


def _is_valid_id(value) -> bool:
    text = str(value).strip()
    return text.isdigit() and text.isascii() and 0 < int(text) <= MAX_ID


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if (self.to_field_name in (None, "pk", "id")) and not _is_valid_id(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if self.to_field_name in (None, "pk", "id"):
            try:
                values = frozenset(value)
            except TypeError:
                values = frozenset()
            for item in values:
                if not _is_valid_id(item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super()._check_values(value)


class SafeChoiceFieldsAdminMixin:
    """For ModelAdmins and inlines: their relation fields refuse impossible ids too."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        from django.db import models

        if isinstance(db_field, models.ForeignKey) and "form_class" not in kwargs:
            kwargs["form_class"] = SafeModelChoiceField
        elif isinstance(db_field, models.ManyToManyField) and "form_class" not in kwargs:
            kwargs["form_class"] = SafeModelMultipleChoiceField
        return super().formfield_for_dbfield(db_field, request, **kwargs)
