"""What a browser posts back from a Django admin change page, for tests that change one field."""

from django import forms


def _add(data: dict, form) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        # A JSON field's shown value is already its JSON text (a browser posts it as it is).
        if not (isinstance(field, forms.JSONField) and isinstance(value, str)):
            value = field.prepare_value(value)
        if isinstance(field.widget, forms.MultiWidget):
            parts = field.widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{bound.html_name}_{i}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = ["" if v is None else v for v in value]
        else:
            data[bound.html_name] = "" if value is None else value


def admin_form_data(response, **changes) -> dict:
    """The change page's form and inline formsets as they were shown, then ``changes``."""
    data: dict = {}
    _add(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add(data, formset.management_form)
        for form in formset.forms:
            _add(data, form)
    data.update(changes)
    return data
