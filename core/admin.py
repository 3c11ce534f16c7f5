"""Admin sites (/admin/ and /manage/) that write through the services, never around them.

A ModelAdmin with ``ServiceAdminMixin`` saves nothing itself: its ``create``, ``update`` and
``delete`` call the model's service with what the form parsed (on a change, only the fields
the user changed), and its inlines do the same per row with ``create_row``, ``update_row``
and ``delete_row``. When a service refuses (ValidationError), the whole save is rolled back
and the form is shown again with everything the user typed and the service's messages on the
fields they name; a refused deletion says why on the page it came from. With
``SafeChoiceFieldsAdminMixin`` their relation fields refuse ids no database key can hold.
"""

from __future__ import annotations

from auditlog.mixins import LogEntryAdminMixin
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from . import history_views
from .forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from .models import HistoryEntry

_REFUSAL = "_service_refusal"


def form_values(form, *, fields=None, exclude=()) -> dict:
    """The model fields of a validated model form: all of them, or only ``fields``."""
    opts = form._meta.model._meta
    model_fields = {f.name for f in [*opts.concrete_fields, *opts.many_to_many]} - {opts.pk.name}
    names = form.changed_data if fields is None else fields
    return {
        name: form.cleaned_data[name]
        for name in names
        if name in model_fields and name in form.cleaned_data and name not in exclude
    }


def _messages(error: ValidationError, labels: dict[str, str]) -> list[tuple[str | None, str]]:
    if hasattr(error, "error_dict"):
        return [
            (name if name in labels else None, message)
            for name, errors in error.error_dict.items()
            for e in errors
            for message in e.messages
        ]
    return [(None, message) for message in error.messages]


def _show_refusal(form, refusal) -> None:
    error, row_label = refusal
    for name, message in _messages(error, form.fields if row_label is None else {}):
        if row_label is not None:
            message = f"{row_label}: {message}"
        form.add_error(name, message)


class _RowRefused(ValidationError):
    """A service refused one inline row: ``label`` says which ("Programme items, row 2")."""

    def __init__(self, error: ValidationError, label: str):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.messages)
        self.label = label


class ServiceAdminMixin:
    """Saves, changes and deletes through services (see the module docstring)."""

    def create(self, request, values: dict) -> models.Model:
        raise NotImplementedError

    def update(self, request, obj, changes: dict) -> models.Model:
        raise NotImplementedError

    def delete(self, request, obj) -> None:
        raise NotImplementedError

    # -- saving ----------------------------------------------------------------------------

    def save_form(self, request, form, change):
        # The form only parses: nothing is written until the service says so.
        return form.instance

    def save_model(self, request, obj, form, change):
        if change:
            self.update(request, obj, form_values(form))
            return
        created = self.create(request, form_values(form, fields=list(form.cleaned_data)))
        # The admin carries on with the form's instance (inlines, log entry, redirect).
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields went to the service with the others; inlines go row by row.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "service_inline", None)
        if inline is not None:
            inline.save_rows(request, form.instance, formset)
        elif formset.has_changed() or formset.deleted_forms:
            raise TypeError(f"{type(formset).__name__} has no service: use ServiceInlineMixin")
        else:  # a read-only inline (the status history): nothing to write
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        self.delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all of them or none
            for obj in queryset:
                self.delete(request, obj)

    # -- refusals --------------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # Raised inside the view's transaction: nothing was saved. Show the form again.
            if request.method != "POST" or hasattr(request, _REFUSAL):
                raise
            setattr(request, _REFUSAL, (error, getattr(error, "label", None)))
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, _REFUSAL, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                _show_refusal(self, refusal)
                return cleaned

        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_action(self, request, queryset):
        try:
            return super().response_action(request, queryset)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # -- history ---------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """The object's history (core.history), not Django's own log of admin actions: every
        change through every door, with each field's old and new value."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        # A site may say whose time zone its readers live in (/manage/: the reader's city).
        zone_for = getattr(self.admin_site, "history_zone", None)
        zone = (zone_for(request) if zone_for else None) or timezone.get_default_timezone()
        return history_views.history_response(
            request,
            obj,
            zone=zone,
            title=str(obj),
            template="core/admin_history.html",
            context={
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("History: %(object)s") % {"object": obj},
                **(extra_context or {}),
            },
        )


class BoundedInlineMixin:
    """An inline that builds at most the rows it has plus ``max_new_rows``, whatever
    TOTAL_FORMS a forged post claims (Django's own bound is a thousand forms)."""

    max_new_rows = 50

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        existing = 0
        if obj is not None and obj.pk is not None:
            existing = self.model._default_manager.filter(**{formset_class.fk.name: obj}).count()
        formset_class.absolute_max = existing + self.max_new_rows
        return formset_class


class ServiceInlineMixin(BoundedInlineMixin):
    """An inline whose rows are written by services: ``create_row``, ``update_row``,
    ``delete_row``."""

    def create_row(self, request, parent, values: dict):
        raise NotImplementedError

    def update_row(self, request, obj, changes: dict):
        raise NotImplementedError

    def delete_row(self, request, obj) -> None:
        raise NotImplementedError

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)
        formset_class.service_inline = self
        return formset_class

    def save_rows(self, request, parent, formset) -> None:
        exclude = {formset.fk.name}
        # What the admin's change message (its history) reads from a saved formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for number, form in enumerate(formset.forms, start=1):
            label = _("%(rows)s, row %(number)d") % {
                "rows": self.model._meta.verbose_name_plural,
                "number": number,
            }
            try:
                if form in formset.deleted_forms:
                    if form.instance.pk is not None:
                        self.delete_row(request, form.instance)
                        formset.deleted_objects.append(form.instance)
                elif form.instance.pk is None:
                    if form.has_changed():
                        values = form_values(form, fields=list(form.cleaned_data), exclude=exclude)
                        formset.new_objects.append(self.create_row(request, parent, values))
                elif form.has_changed():
                    self.update_row(request, form.instance, form_values(form, exclude=exclude))
                    formset.changed_objects.append((form.instance, form.changed_data))
            except ValidationError as error:
                raise _RowRefused(error, label) from None


class SafeChoiceFieldsAdminMixin:
    """For ModelAdmins and inlines: their relation fields refuse impossible ids too."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.ForeignKey) and "form_class" not in kwargs:
            kwargs["form_class"] = SafeModelChoiceField
        elif isinstance(db_field, models.ManyToManyField) and "form_class" not in kwargs:
            kwargs["form_class"] = SafeModelMultipleChoiceField
        elif isinstance(db_field, models.URLField):
            # A web address typed without a scheme is an https one (Django 6's default too).
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Rows read in /admin/, never added, changed or deleted there, not even by a superuser
    (append-only records: the history, the security log, a status history, a frozen version,
    what a task sent). Every read-only admin uses it; one that has an action of its own (a
    revocation, a reset through a service) names it in ``actions``."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryEntryAdmin(ReadOnlyAdminMixin, LogEntryAdminMixin, admin.ModelAdmin):
    """The history as administrators read it: every entry, filtered and searched; nobody
    adds, changes or deletes one, not even a superuser (append-only)."""

    date_hierarchy = "timestamp"
    list_select_related = ["content_type", "actor"]
    list_display = ["created", "resource_url", "action", "msg_short", "actor_name", "door"]
    list_filter = ["action", "door", "content_type"]
    search_fields = ["object_repr", "actor_name"]
    fields = ["created", "actor_name", "door", "resource_url", "action", "msg"]
    readonly_fields = fields

    def get_queryset(self, request):
        self.request = request  # LogEntryAdminMixin builds links from it
        return super().get_queryset(request)


class ReadOnlyInlineMixin(BoundedInlineMixin):
    """An inline of rows shown with their parent, never added, changed or deleted there
    (``ReadOnlyAdminMixin`` for inlines)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-auditlog registers its own admin for the entry model; ours is read-only throughout.
if admin.site.is_registered(HistoryEntry):
    admin.site.unregister(HistoryEntry)
admin.site.register(HistoryEntry, HistoryEntryAdmin)
