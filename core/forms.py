"""Forms that only parse: how a page hands what they parsed to the services, how a service's
refusal lands on a form, and choice fields that refuse ids no database key can hold."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.models import construct_instance
from django.utils.translation import pgettext_lazy
from modeltranslation.fields import TranslationField

from . import inputs
from .ids import parse_id


class RowsRefused(Exception):
    """A service refused one or more rows of a formset; each error is on its row's form.
    Raised inside the page's transaction, so that nothing of the save is kept."""


def changed_values(form, *, fields=None) -> dict:
    """What a validated model form parsed: every model field, or those the user changed."""
    names = form.changed_data if fields is None else fields
    model = form._meta.model._meta
    writable = {f.name for f in [*model.concrete_fields, *model.many_to_many]} - {model.pk.name}
    fk = getattr(getattr(form, "_formset_fk", None), "name", None)
    return {
        name: form.cleaned_data[name]
        for name in names
        if name in writable and name in form.cleaned_data and name != fk
    }


def save_rows(
    formset,
    *,
    create: Callable[[dict], object],
    update: Callable[[object, dict], object],
    delete: Callable[[object], None],
) -> None:
    """Write each changed row of a validated model formset through its service.

    New rows go to ``create(values)``, changed ones to ``update(obj, changes)``, rows marked
    for deletion to ``delete(obj)``. Refusals land on their rows and raise RowsRefused.
    """
    fk = getattr(formset, "fk", None)
    refused = False
    for form in formset.forms:
        form._formset_fk = fk
        try:
            if form in formset.deleted_forms:
                if form.instance.pk is not None:
                    delete(form.instance)
            elif form.instance.pk is None:
                if form.has_changed():
                    create(changed_values(form, fields=list(form.cleaned_data)))
            elif form.has_changed():
                update(form.instance, changed_values(form))
        except ValidationError as error:
            refused = True
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
    if refused:
        raise RowsRefused


#: The empty choice of every select (nothing chosen), the same on every form.
EMPTY_CHOICE = pgettext_lazy("empty choice", "—")
_DJANGO_DASH = BLANK_CHOICE_DASH[0][1]


def with_empty_choice(choices) -> list:
    """``choices`` after the one empty choice."""
    return [("", EMPTY_CHOICE), *choices]


def use_empty_choice(form: forms.BaseForm) -> None:
    """Replace Django's "---------" in the form's selects by ``EMPTY_CHOICE``."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == _DJANGO_DASH:
                field.empty_label = EMPTY_CHOICE
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0] == ("", _DJANGO_DASH):
                field.choices = with_empty_choice(choices[1:])


def show_text_limits(form: forms.ModelForm) -> None:
    """A browser's ``maxlength`` on the form's long texts, from ``core.inputs.LIMITS`` (one-line
    texts have their model's already); the service is the rule, this only tells the typist."""
    model = form._meta.model
    for name, field in form.fields.items():
        model_field = _model_field(model, name)
        if isinstance(model_field, models.TextField) and isinstance(field, forms.CharField):
            field.widget.attrs.setdefault("maxlength", str(inputs.limit_of(model, model_field)))


class ParsingModelForm(forms.ModelForm):
    """A model form that only parses: it turns the input into field values on its instance
    and checks their types; the rules (the model's constraints among them) are the service's,
    whose ValidationError the page puts on the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_empty_choice(self)
        show_text_limits(self)

    def _post_clean(self):
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as error:
            self._update_errors(error)
        # modeltranslation keeps the old text when a form empties the active language's field
        # (for forms that do not know it); ours know it: an emptied text is emptied.
        for name, value in self.cleaned_data.items():
            field = _model_field(self.instance, name)
            if isinstance(field, TranslationField):
                field.save_form_data(self.instance, value, check=False)


def _model_field(instance, name: str):
    try:
        return instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def add_service_errors(form: forms.BaseForm, error: ValidationError, default_field=None) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has
    that field, else on ``default_field`` (or at the top of the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field, error)


# SQLite raises OverflowError for an integer beyond 64 bits in an ``IN (…)`` or ``=`` lookup;
# Django's choice fields only catch ValueError and TypeError, so a forged form value would
# answer 500. These fields turn such a value into the usual "not one of the choices" error.


def _is_valid_id(value) -> bool:
    return parse_id(str(value).strip()) is not None


class SafeModelChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, empty_label=EMPTY_CHOICE, **kwargs):
        super().__init__(*args, empty_label=empty_label, **kwargs)

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
