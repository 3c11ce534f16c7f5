"""Forms that only parse: how a page hands what they parsed to the services."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.models import construct_instance
from modeltranslation.fields import TranslationField


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


class ParsingModelForm(forms.ModelForm):
    """A model form that only parses: it turns the input into field values on its instance
    and checks their types; the rules (the model's constraints among them) are the service's,
    whose ValidationError the page puts on the form."""

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
