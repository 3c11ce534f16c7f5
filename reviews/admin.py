from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyInlineMixin,
    SafeChoiceFieldsAdminMixin,
    ServiceAdminMixin,
)

from . import services
from .models import Digest, Reminder, Review, ThemeAssessment
from .reminders import delivery, schedule


class ReviewWrites(ServiceAdminMixin):
    """Reviews through ``reviews.services``: new ones, and their titles and descriptions. The
    workflow (assessments, completion, the schedule) is worked on the review pages, where its
    rules and version checks live: here it is shown, read-only. Shared with /manage/."""

    workflow_fields = (
        "code",
        "due_date",
        "reminder_days",
        "status",
        "conclusion",
        "conclusions_text_en",
        "conclusions_text_zh_hans",
        "completed_at",
        "version",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.workflow_fields if obj is None else ("plan", "kind", *self.workflow_fields)

    def create(self, request, values):
        return services.create_review(user=request.user, **values)

    def update(self, request, obj, changes):
        return services.update_review_details(user=request.user, review=obj, **changes)

    def delete(self, request, obj):
        services.delete_review(user=request.user, review=obj)


class ThemeAssessmentInline(
    ReadOnlyInlineMixin, SafeChoiceFieldsAdminMixin, TranslationStackedInline
):
    """Assessments are made on the review page (``services.save_assessment``)."""

    model = ThemeAssessment
    readonly_fields = ("theme", "rating", "narrative_en", "narrative_zh_hans", "assessed_by")


@admin.register(Review)
class ReviewAdmin(ReviewWrites, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("title", "plan", "kind", "due_date", "status")
    list_filter = ("kind", "status", "plan")
    inlines = [ThemeAssessmentInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            # A new review is scheduled with its due date; the rest follows the workflow.
            return tuple(f for f in self.workflow_fields if f not in ("due_date", "reminder_days"))
        return super().get_readonly_fields(request, obj)


# --- reminders ------------------------------------------------------------------------------


class HasErrorFilter(admin.SimpleListFilter):
    title = _("last error")
    parameter_name = "has_error"

    def lookups(self, request, model_admin):
        return [("yes", _("With an error")), ("no", _("Without an error"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(last_error="")
        if self.value() == "no":
            return queryset.filter(last_error="")
        return queryset


class NextAttemptFilter(admin.SimpleListFilter):
    title = _("next attempt")
    parameter_name = "next_attempt"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Due now")),
            ("later", _("Later")),
            ("none", _("None scheduled")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "due":
            return queryset.filter(next_attempt_at__lte=now)
        if self.value() == "later":
            return queryset.filter(next_attempt_at__gt=now)
        if self.value() == "none":
            return queryset.filter(next_attempt_at__isnull=True)
        return queryset


# What every e-mail sent exactly once records (reviews.models.Delivery).
DELIVERY_FIELDS = (
    "status",
    "language",
    "activity_ids",
    "created_at",
    "attempts",
    "next_attempt_at",
    "claimed_until",
    "sent_at",
    "last_error",
)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Reminders as they were claimed and sent: read-only, except "retry now"."""

    list_display = (
        "review",
        "recipient",
        "stage",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "attempts", HasErrorFilter, NextAttemptFilter, "review")
    list_select_related = ("review", "recipient")
    search_fields = ("recipient__username", "recipient__email", "review__title")
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = ("review", "recipient", "lead_days", "stage", *DELIVERY_FIELDS)
    fields = readonly_fields

    @admin.display(description=_("reminder"), ordering="lead_days")
    def stage(self, obj):
        return schedule.stage_label(obj.lead_days, obj.review.due_date)

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return Truncator(obj.last_error).chars(80)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A deleted row would let the next sweep send the same reminder again.
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        result = delivery.retry_now(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            gettext("Reminders sent: %(sent)d; failed again: %(failed)d; skipped: %(skipped)d.")
            % {"sent": result.sent, "failed": result.failed, "skipped": result.skipped},
            messages.WARNING if result.failed else messages.SUCCESS,
        )


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Monthly digests as they were claimed and sent: read-only (a deleted row would let the
    next sweep send the month's digest again)."""

    list_display = ("month", "recipient", "status", "attempts", "sent_at", "short_error")
    list_filter = ("status", HasErrorFilter, "month")
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "recipient__email")
    readonly_fields = ("recipient", "month", *DELIVERY_FIELDS)
    fields = readonly_fields
    short_error = ReminderAdmin.short_error
