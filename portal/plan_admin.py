"""Plan management at /manage/: where coordinators run their plan, and staff edit their events.

This is a second Django admin site, scoped to the user's partnerships. It is not the IT
administrators' /admin/: every list shows only rows of the user's partnerships (the apps'
selectors), every permission question goes to ``partners.access``, and every save goes through
the apps' services (``core.admin``), exactly as the pages and the API do.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from cooperation import selectors
from cooperation.admin import CommitmentWrites, PlanWrites, ResponsibilityRows, ThemeWrites
from cooperation.models import ActionPlan, Commitment, Partnership, Theme, ThemeAgency
from cooperation.services.plans import TERM_FIELDS
from core.admin import (
    BoundedInlineMixin,
    SafeChoiceFieldsAdminMixin,
    ServiceAdminMixin,
    ServiceInlineMixin,
    form_values,
)
from events import selectors as event_selectors
from events.admin import DelegationRows, EventWrites, ProgrammeRows, SeriesWrites
from events.models import DelegationMember, Event, EventSeries, ProgrammeItem
from partners import access
from partners import selectors as partner_selectors
from partners import services as partner_services
from partners.access import Action
from partners.admin import AgencyWrites, PersonWrites
from partners.models import Agency, City, Profile
from reviews.admin import ReviewWrites
from reviews.models import Review

from .manage_site import NamedCellsMixin, PlanManagementSite
from .models import People

site = PlanManagementSite(name="manage")
# No autocomplete widgets here: they look up whatever ids a forged form carries while
# rendering it, and crash on impossible ones. Plain selects are short lists in one plan.


def _scoped_choices(user, model):
    """Choices of a relation field: only what belongs to the user's partnerships (or None)."""
    if model is ActionPlan:
        return selectors.visible_plans(user)
    if model is Theme:
        return selectors.visible_themes(user)
    if model is EventSeries:
        return event_selectors.series_visible_to(user)
    if model is Agency:
        # Agencies of the partnerships' sides and third parties, never another partnership's.
        return selectors.visible_agencies(user).select_related("city").order_by("name")
    if model is City:
        return selectors.visible_cities(user).order_by("code")
    if model is Partnership:
        return selectors.visible_partnerships(user)
    return None


class ScopedChoicesMixin:
    """Relation fields offer only what belongs to the user's partnerships."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = _scoped_choices(request.user, db_field.related_model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = _scoped_choices(request.user, db_field.related_model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedMixin(ServiceAdminMixin, ScopedChoicesMixin, SafeChoiceFieldsAdminMixin):
    """Rows of the user's partnerships only; permissions from partners.access.

    ``partnership_path`` leads from the model to its partnership. Coordinators manage; an
    admin with ``staff_may_change`` also lets agency staff change the rows access allows.
    """

    partnership_path = ""
    staff_may_change = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(access.partnership_q(request.user, self.partnership_path))

    def has_module_permission(self, request):
        user = request.user
        return access.is_coordinator(user) or (
            self.staff_may_change and access.is_agency_staff(user)
        )

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return self.has_module_permission(request) and access.can(request.user, Action.VIEW, obj)

    def has_add_permission(self, request, obj=None):
        return access.is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        action = Action.CHANGE if self.staff_may_change else Action.MANAGE
        return access.can(request.user, action, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return access.is_coordinator(request.user)
        return access.can(request.user, Action.MANAGE, obj)


class ScopedInlineMixin(
    NamedCellsMixin, ServiceInlineMixin, ScopedChoicesMixin, SafeChoiceFieldsAdminMixin
):
    """The rows of a tabular inline: changed by whom may change their parent."""

    def has_add_permission(self, request, obj=None):
        return obj is not None and self._may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self._may_change(request, obj)

    def has_view_permission(self, request, obj=None):
        return obj is None or access.can(request.user, Action.VIEW, obj)

    def _may_change(self, request, parent):
        action = Action.CHANGE if getattr(self, "staff_may_change", False) else Action.MANAGE
        return access.can(request.user, action, parent)


# --- the plan, its themes and commitments ---------------------------------------------------


@admin.register(ActionPlan, site=site)
class PlanAdmin(PlanWrites, ScopedMixin, TranslationAdmin):
    partnership_path = "partnership"
    list_display = ("title", "period_display", "signed_on", "status")
    fields = (
        "title",
        "status",
        "period_start_year",
        "period_end_year",
        "signed_on",
        "signed_place",
        "authentic_languages",
        *TERM_FIELDS,
    )

    def has_add_permission(self, request, obj=None):
        # New plans (and partnerships) are set up by administrators or the plan loader.
        return False

    def has_delete_permission(self, request, obj=None):
        return access.is_admin(request.user)

    @admin.display(description=_("Period"))
    def period_display(self, obj):
        return obj.period


class ThemeAgencyInline(ResponsibilityRows, ScopedInlineMixin, admin.TabularInline):
    model = ThemeAgency
    extra = 0


@admin.register(Theme, site=site)
class ThemeAdmin(ThemeWrites, ScopedMixin, TranslationAdmin):
    partnership_path = "plan__partnership"
    list_display = ("order", "name", "plan")
    list_display_links = ("name",)
    list_select_related = ("plan",)
    fields = ("plan", "order", "code", "name", "summary")
    inlines = [ThemeAgencyInline]


@admin.register(Commitment, site=site)
class CommitmentAdmin(CommitmentWrites, ScopedMixin, TranslationAdmin):
    partnership_path = "theme__plan__partnership"
    list_display = ("__str__", "theme", "target_count", "frequency")
    # RelatedOnly: a plain filter would list every theme, other partnerships' too.
    list_filter = (("theme", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("theme",)
    search_fields = ("text_en", "text_zh_hans")
    fields = (
        "theme",
        "order",
        "code",
        "text",
        "derived_from",
        "target_count",
        "frequency",
        "agencies",
    )
    filter_horizontal = ("agencies",)


# --- agencies -------------------------------------------------------------------------------


@admin.register(Agency, site=site)
class AgencyAdmin(AgencyWrites, ScopedChoicesMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    """Agencies of both sides are visible; coordinators change those of their own side."""

    list_display = ("name", "city", "kind", "parent")
    list_filter = (("city", admin.RelatedOnlyFieldListFilter), "kind")
    list_select_related = ("city", "parent")
    search_fields = ("code", "name_en", "name_zh_hans")
    fields = ("code", "name", "city", "kind", "parent", "website", "partnerships")
    filter_horizontal = ("partnerships",)

    def get_queryset(self, request):
        # The sides of the user's partnerships and the third parties they name, nothing else.
        qs = super().get_queryset(request)
        return qs.filter(pk__in=selectors.visible_agencies(request.user).values("pk"))

    def has_module_permission(self, request):
        return access.is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) or (
            obj is None and access.is_agency_staff(request.user)
        )

    def has_add_permission(self, request):
        return access.is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.is_coordinator(request.user)
        return access.can(request.user, Action.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and access.can(request.user, Action.DELETE, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "city":
            kwargs["queryset"] = partner_selectors.cities_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- events ---------------------------------------------------------------------------------


class EventSeriesAdmin(SeriesWrites, ScopedMixin, TranslationAdmin):
    partnership_path = "plan__partnership"
    list_display = ("name", "plan", "recurrence")
    fields = ("plan", "code", "name", "description", "recurrence")


site.register(EventSeries, EventSeriesAdmin)


class ProgrammeItemInline(ProgrammeRows, ScopedInlineMixin, TranslationTabularInline):
    model = ProgrammeItem
    extra = 0
    staff_may_change = True


class DelegationMemberInline(DelegationRows, ScopedInlineMixin, TranslationTabularInline):
    model = DelegationMember
    extra = 0
    staff_may_change = True


@admin.register(Event, site=site)
class EventAdmin(EventWrites, ScopedMixin, TranslationAdmin):
    partnership_path = "plan__partnership"
    staff_may_change = True
    list_display = ("title", "kind", "host_city", "start_date", "end_date", "year")
    list_filter = ("kind", ("host_city", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("host_city",)
    search_fields = ("title_en", "title_zh_hans")
    fields = (
        "plan",
        "series",
        "kind",
        "title",
        "description",
        "host_city",
        "venue",
        "year",
        "start_date",
        "end_date",
        "themes",
        "organisers",
    )
    filter_horizontal = ("themes", "organisers")
    inlines = [ProgrammeItemInline, DelegationMemberInline]

    def get_queryset(self, request):
        # Staff see here only the events their agency organises.
        return event_selectors.events_editable_by(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        if obj is None or access.can(request.user, Action.MANAGE, obj):
            return ()
        # Staff change an event's content, not which plan it belongs to or who organises it
        # (events.services.update_event refuses it too).
        return ("plan", "organisers")


# --- reviews --------------------------------------------------------------------------------


@admin.register(Review, site=site)
class ReviewAdmin(ReviewWrites, ScopedMixin, TranslationAdmin):
    """Titles and descriptions. The workflow, the schedule and new reviews are worked on the
    review pages, through reviews.services, where their rules and version checks live."""

    partnership_path = "plan__partnership"
    list_display = ("title", "kind", "due_date", "status")
    fields = ("plan", "kind", "title", "description", "due_date", "status")

    def has_add_permission(self, request, obj=None):
        return False


# --- people of a side -----------------------------------------------------------------------


class ProfileInline(BoundedInlineMixin, SafeChoiceFieldsAdminMixin, admin.StackedInline):
    """A person's side, role, agency and language: written with the person (PeopleAdmin)."""

    model = Profile
    can_delete = False
    min_num = 1
    max_num = 1
    max_new_rows = 1
    fields = ("city", "role", "agency", "preferred_language")

    def get_formset(self, request, obj=None, **kwargs):
        # min_num alone only shows a form: a forged post with none would save a person with
        # no side, whom no coordinator could see or deactivate.
        kwargs["validate_min"] = True
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Coordinators place people on their own side only (people.create_person checks).
        if db_field.name == "city":
            kwargs["queryset"] = partner_selectors.cities_managed_by(request.user)
            own = access.profile_of(request.user)
            if own is not None:
                kwargs["initial"] = own.city_id
        elif db_field.name == "agency":
            kwargs["queryset"] = partner_selectors.agencies_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return access.is_coordinator(request.user)

    has_add_permission = has_change_permission = has_view_permission


@admin.register(People, site=site)
class PeopleAdmin(PersonWrites, ServiceAdminMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "agency", "is_active")
    list_select_related = ("profile__agency",)
    list_filter = ("profile__role", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "is_active")}),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = [ProfileInline]

    @admin.display(description=_("role"))
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else ""

    @admin.display(description=_("agency"))
    def agency(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.agency if profile and profile.agency else ""

    def get_queryset(self, request):
        people = super().get_queryset(request)
        return partner_selectors.people_managed_by(request.user, people).select_related("profile")

    def has_module_permission(self, request):
        return access.is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_coordinator(request.user)

    def has_add_permission(self, request):
        return access.is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.is_coordinator(request.user)
        profile = getattr(obj, "profile", None)
        return profile is not None and access.can(request.user, Action.CHANGE, profile)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self.has_change_permission(request, obj)

    # A person and their profile are one write, made when both forms are read.

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        profile_formset = formsets[0]
        profile_form = profile_formset.forms[0]
        # What the admin's change message reads (the profile is written with the person).
        profile_formset.new_objects, profile_formset.deleted_objects = [], []
        profile_formset.changed_objects = (
            [(profile_form.instance, profile_form.changed_data)] if change else []
        )
        profile = form_values(
            profile_form,
            fields=None if change else list(profile_form.cleaned_data),
            exclude={"user"},
        )
        if change:
            person = form_values(form, exclude={"password"})
            partner_services.update_person(
                user=request.user, person=form.instance, **person, **profile
            )
            return
        usable = form.cleaned_data.get("usable_password", "true") != "false"
        created = partner_services.create_person(
            user=request.user,
            username=form.cleaned_data["username"],
            password=form.cleaned_data.get("password1") if usable else None,
            **profile,
        )
        form.instance.pk = created.pk
        form.instance._state.adding = False
