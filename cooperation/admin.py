from django import forms
from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from partners.fields import SafeChoiceFieldsAdminMixin

from .models import (
    ActionPlan,
    Activity,
    Commitment,
    Evidence,
    Funding,
    Partnership,
    Signatory,
    StatusUpdate,
    Theme,
    ThemeAgency,
)


@admin.register(Partnership)
class PartnershipAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("__str__", "established")


class SignatoryInline(SafeChoiceFieldsAdminMixin, TranslationTabularInline):
    model = Signatory
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("title", "partnership", "period", "signed_on", "status")
    list_filter = ("status", "partnership")
    inlines = [SignatoryInline]
    filter_horizontal = ("coordinators",)


class ThemeAgencyInline(SafeChoiceFieldsAdminMixin, admin.TabularInline):
    model = ThemeAgency
    extra = 0


@admin.register(Theme)
class ThemeAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("order", "name", "plan")
    list_display_links = ("name",)
    list_filter = ("plan",)
    search_fields = ("name_en", "name_zh_hans")
    inlines = [ThemeAgencyInline]


@admin.register(Commitment)
class CommitmentAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("__str__", "theme", "order", "target_count", "frequency")
    list_filter = ("theme__plan", "theme")
    list_select_related = ("theme",)
    search_fields = ("text_en", "text_zh_hans")
    filter_horizontal = ("agencies",)


class FundingInline(SafeChoiceFieldsAdminMixin, admin.TabularInline):
    model = Funding
    extra = 0


class StatusUpdateInline(SafeChoiceFieldsAdminMixin, admin.TabularInline):
    """The history is append-only: shown, never edited here."""

    model = StatusUpdate
    extra = 0
    can_delete = False
    fields = ("sequence", "created_at", "author", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(SafeChoiceFieldsAdminMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # Uploads go through the portal, which checks size and type by content.
        return False


class ActivityAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        theme, saved = cleaned.get("theme"), self.instance
        if theme is not None and saved.pk and theme.plan_id != saved.theme.plan_id:
            self.add_error("theme", _("An activity cannot move to another plan."))
        return cleaned


@admin.register(Activity)
class ActivityAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    form = ActivityAdminForm
    list_display = ("title", "theme", "status", "planned_start", "updated_at", "is_demo")
    list_filter = ("status", "is_demo", "theme__plan", "theme")
    list_select_related = ("theme",)
    search_fields = ("title_en", "title_zh_hans")
    # Status changes only through the status form, so that each one is recorded.
    readonly_fields = ("status", "version", "created_by", "updated_by", "created_at", "updated_at")
    inlines = [FundingInline, EvidenceInline, StatusUpdateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            # An admin edit makes copies open in the portal stale, as any other edit does.
            Activity.objects.filter(pk=obj.pk).update(version=F("version") + 1)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SafeChoiceFieldsAdminMixin, admin.ModelAdmin):
    list_display = ("activity", "sequence", "from_status", "to_status", "author", "created_at")
    list_select_related = ("activity", "author")
    readonly_fields = [f.name for f in StatusUpdate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
