"""The cooperation app in the IT administrators' /admin/, writing through its services.

The ``…Writes`` and ``…Rows`` classes connect an admin (or inline) to the services of its
model; /manage/ (``portal.plan_admin``) uses the same ones, so both admin sites keep the same
rules as the pages and the API. The status history and the evidence files are shown, never
edited here: statuses change on the activity page (each change recorded), files are checked
by content when uploaded there.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    SafeChoiceFieldsAdminMixin,
    ServiceAdminMixin,
    ServiceInlineMixin,
)
from partners.admin import ThirdPartiesSealedMixin

from .models import (
    ActionPlan,
    Activity,
    Amendment,
    AmendmentChange,
    Commitment,
    Evidence,
    Funding,
    Partnership,
    PlanVersion,
    Signatory,
    StatusUpdate,
    Theme,
    ThemeAgency,
)
from .services import activities, commitments, evidence, funding, plans, themes

# --- the service connections, shared with /manage/ ------------------------------------------


class PlanWrites(ServiceAdminMixin):
    def create(self, request, values):
        return plans.create_plan(user=request.user, **values)

    def update(self, request, obj, changes):
        return plans.update_plan(user=request.user, plan=obj, **changes)

    def delete(self, request, obj):
        plans.delete_plan(user=request.user, plan=obj)


class ThemeWrites(ServiceAdminMixin):
    def get_readonly_fields(self, request, obj=None):
        # A theme stays in its plan (themes.update_theme refuses a move too).
        return ("plan",) if obj is not None else ()

    def create(self, request, values):
        return themes.create_theme(user=request.user, **values)

    def update(self, request, obj, changes):
        return themes.update_theme(user=request.user, theme=obj, **changes)

    def delete(self, request, obj):
        themes.delete_theme(user=request.user, theme=obj)


class ResponsibilityRows(ServiceInlineMixin):
    def create_row(self, request, parent, values):
        return themes.add_responsibility(user=request.user, theme=parent, **values)

    def update_row(self, request, obj, changes):
        return themes.update_responsibility(user=request.user, responsibility=obj, **changes)

    def delete_row(self, request, obj):
        themes.remove_responsibility(user=request.user, responsibility=obj)


class CommitmentWrites(ServiceAdminMixin):
    def get_readonly_fields(self, request, obj=None):
        # A commitment stays in its theme (commitments.update_commitment refuses it too).
        return ("theme",) if obj is not None else ()

    def create(self, request, values):
        return commitments.create_commitment(user=request.user, **values)

    def update(self, request, obj, changes):
        return commitments.update_commitment(user=request.user, commitment=obj, **changes)

    def delete(self, request, obj):
        commitments.delete_commitment(user=request.user, commitment=obj)


# --- /admin/ --------------------------------------------------------------------------------


@admin.register(Partnership)
class PartnershipAdmin(ServiceAdminMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("__str__", "established")

    def create(self, request, values):
        return plans.create_partnership(user=request.user, **values)

    def update(self, request, obj, changes):
        return plans.update_partnership(user=request.user, partnership=obj, **changes)

    def delete(self, request, obj):
        plans.delete_partnership(user=request.user, partnership=obj)


class SignatoryInline(ServiceInlineMixin, SafeChoiceFieldsAdminMixin, TranslationTabularInline):
    model = Signatory
    extra = 0

    def create_row(self, request, parent, values):
        return plans.add_signatory(user=request.user, plan=parent, **values)

    def update_row(self, request, obj, changes):
        return plans.update_signatory(user=request.user, signatory=obj, **changes)

    def delete_row(self, request, obj):
        plans.remove_signatory(user=request.user, signatory=obj)


@admin.register(ActionPlan)
class ActionPlanAdmin(
    PlanWrites, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin
):
    list_display = ("title", "partnership", "period", "signed_on", "status")
    list_filter = ("status", "partnership")
    inlines = [SignatoryInline]
    filter_horizontal = ("coordinators",)

    def get_readonly_fields(self, request, obj=None):
        # A plan stays in its partnership (plans.update_plan refuses a move too).
        return ("partnership",) if obj is not None else ()


class ThemeAgencyInline(
    ResponsibilityRows, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, admin.TabularInline
):
    model = ThemeAgency
    extra = 0


@admin.register(Theme)
class ThemeAdmin(ThemeWrites, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("order", "name", "plan")
    list_display_links = ("name",)
    list_filter = ("plan",)
    search_fields = ("name_en", "name_zh_hans")
    inlines = [ThemeAgencyInline]
    # Set by an approved amendment only.
    readonly_fields = ("withdrawn_by", "withdrawn_on")


@admin.register(Commitment)
class CommitmentAdmin(
    CommitmentWrites, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin
):
    list_display = ("__str__", "theme", "order", "target_count", "frequency")
    list_filter = ("theme__plan", "theme")
    list_select_related = ("theme",)
    search_fields = ("text_en", "text_zh_hans")
    filter_horizontal = ("agencies",)
    readonly_fields = ("withdrawn_by", "withdrawn_on")


class FundingInline(ServiceInlineMixin, SafeChoiceFieldsAdminMixin, admin.TabularInline):
    model = Funding
    extra = 0
    fields = ("source", "funder_en", "funder_zh_hans", "amount", "spent", "currency")

    def create_row(self, request, parent, values):
        return funding.add_funding(user=request.user, activity=parent, **values)

    def update_row(self, request, obj, changes):
        return funding.update_funding(user=request.user, funding=obj, **changes)

    def delete_row(self, request, obj):
        funding.delete_funding(user=request.user, funding=obj)


class StatusUpdateInline(ReadOnlyInlineMixin, SafeChoiceFieldsAdminMixin, admin.TabularInline):
    """The history is append-only: shown, never edited here."""

    model = StatusUpdate
    fields = (
        "sequence",
        "created_at",
        "author",
        "from_status",
        "to_status",
        "note_en",
        "note_zh_hans",
    )
    readonly_fields = fields


class EvidenceInline(ServiceInlineMixin, SafeChoiceFieldsAdminMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # Uploads go through the portal, which checks size and type by content.
        return False

    def delete_row(self, request, obj):
        evidence.delete_evidence(user=request.user, evidence=obj)


class ActivityAdminForm(forms.ModelForm):
    # The version the administrator saw: a save over someone else's change is refused.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].required = True
            self.fields["seen_version"].initial = self.instance.version


@admin.register(Activity)
class ActivityAdmin(
    ServiceAdminMixin, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin
):
    form = ActivityAdminForm
    list_display = ("title", "theme", "status", "planned_start", "updated_at", "is_demo")
    list_filter = ("status", "is_demo", "theme__plan", "theme")
    list_select_related = ("theme",)
    search_fields = ("title_en", "title_zh_hans")
    # Status changes only through the status form, so that each one is recorded.
    readonly_fields = ("status", "version", "created_by", "updated_by", "created_at", "updated_at")
    inlines = [FundingInline, EvidenceInline, StatusUpdateInline]

    def create(self, request, values):
        participants = values.pop("participants", [])
        return activities.create_activity(
            user=request.user,
            activity=Activity(**values),
            participant_ids=[a.pk for a in participants],
        )

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # The administrator's values, emptied texts too (the form's instance may keep them).
        changed = [n for n in form.changed_data if n not in ("participants", "seen_version")]
        for name in changed:
            setattr(obj, name, form.cleaned_data[name])
        participants = form.cleaned_data.get("participants")
        try:
            activities.update_activity(
                user=request.user,
                activity=obj,
                expected_version=form.cleaned_data["seen_version"],
                fields=changed,
                participant_ids=None if participants is None else [a.pk for a in participants],
            )
        except activities.ActivityConflict as conflict:
            who = conflict.current.updated_by
            raise ValidationError(
                _(
                    "Someone (%(who)s) changed this activity after you opened it. Nothing was "
                    "saved: open it again to see their change."
                )
                % {"who": who.get_username() if who else "—"}
            ) from None

    def delete(self, request, obj):
        activities.delete_activity(user=request.user, activity=obj)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdminMixin, SafeChoiceFieldsAdminMixin, admin.ModelAdmin):
    list_display = ("activity", "sequence", "from_status", "to_status", "author", "created_at")
    list_select_related = ("activity", "author")
    readonly_fields = [f.name for f in StatusUpdate._meta.fields]


# --- amendments and versions: shown, never edited here ------------------------------------------


class AmendmentChangeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = AmendmentChange
    fields = ("order", "kind", "theme", "commitment", "agency", "role", "text_en", "text_zh_hans")
    readonly_fields = fields


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Both sides sign an amendment on its pages (or through the API); a version is frozen
    when one is approved. Here they are read."""


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "plan", "status", "effective_on", "side")
    list_filter = ("status", "plan")
    list_select_related = ("plan", "side")
    search_fields = ("title_en", "title_zh_hans")
    inlines = [AmendmentChangeInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "plan", "effective_on", "amendment")
    list_filter = ("plan",)
    list_select_related = ("plan", "amendment")
