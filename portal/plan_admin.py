"""Plan management at /manage/: where coordinators run their plan, and staff edit their events.

This is a second Django admin site, scoped to the user's partnerships. It is not the IT
administrators' /admin/: every list shows only rows of the user's partnerships, and every
permission question goes to ``partners.access``, exactly as the pages do.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from cooperation import selectors
from cooperation.models import ActionPlan, Commitment, Theme, ThemeAgency
from events.admin import HostCityTimeMixin
from events.models import DelegationMember, Event, EventSeries, ProgrammeItem
from partners import access
from partners.access import Action
from partners.fields import SafeChoiceFieldsAdminMixin
from partners.models import Agency, City, Profile, Role
from reviews.models import Review

from .models import People


class PlanManagementSite(admin.AdminSite):
    site_header = _("Plan management")
    site_title = _("Plan management")
    index_title = _("Plan management")
    site_url = "/"

    def has_permission(self, request):
        return access.may_enter_management(request.user)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in but not a coordinator or agency staff: a refusal, not a login loop.
            access.log.warning(
                "permission refused: user=%s action=manage object=site", request.user.username
            )
            raise PermissionDenied
        # One login page for the whole portal.
        return redirect_to_login(request.GET.get("next") or reverse("manage:index"))


site = PlanManagementSite(name="manage")
# No autocomplete widgets here: they look up whatever ids a forged form carries while
# rendering it, and crash on impossible ones. Plain selects are short lists in one plan.


def _visible_plans(user):
    return ActionPlan.objects.filter(access.partnership_q(user, "partnership"))


def _scoped_choices(user, model):
    """Choices of a relation field: only what belongs to the user's partnerships (or None)."""
    if model is ActionPlan:
        return _visible_plans(user)
    if model is Theme:
        return Theme.objects.filter(access.partnership_q(user, "plan__partnership")).select_related(
            "plan"
        )
    if model is EventSeries:
        return EventSeries.objects.filter(access.partnership_q(user, "plan__partnership"))
    if model is Agency:
        # Agencies of the partnerships' sides and third parties, never another partnership's.
        return selectors.visible_agencies(user).select_related("city").order_by("name")
    if model is City:
        return selectors.visible_cities(user).order_by("code")
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


class ScopedMixin(ScopedChoicesMixin, SafeChoiceFieldsAdminMixin):
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
        if access.is_coordinator(request.user):
            return True
        return self.staff_may_change and access.role_of(request.user) == Role.AGENCY_STAFF

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

    def save_model(self, request, obj, form, change):
        # The form's choices already keep to the user's plans; this refuses a forged POST.
        access.require(request.user, Action.CHANGE if self.staff_may_change else Action.MANAGE, obj)
        super().save_model(request, obj, form, change)


class ScopedInlineMixin(ScopedChoicesMixin, SafeChoiceFieldsAdminMixin):
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


@admin.register(ActionPlan, site=site)
class PlanAdmin(ScopedMixin, TranslationAdmin):
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
    )

    def has_add_permission(self, request, obj=None):
        # New plans (and partnerships) are set up by administrators or the loader.
        return False

    @admin.display(description=_("Period"))
    def period_display(self, obj):
        return obj.period


class ThemeAgencyInline(ScopedInlineMixin, admin.TabularInline):
    model = ThemeAgency
    extra = 0


@admin.register(Theme, site=site)
class ThemeAdmin(ScopedMixin, TranslationAdmin):
    partnership_path = "plan__partnership"
    list_display = ("order", "name", "plan")
    list_display_links = ("name",)
    list_select_related = ("plan",)
    fields = ("plan", "order", "code", "name", "summary")
    inlines = [ThemeAgencyInline]

    def get_readonly_fields(self, request, obj=None):
        # A theme stays in its plan: its activities would silently move plans with it.
        return ("plan",) if obj is not None else ()


@admin.register(Commitment, site=site)
class CommitmentAdmin(ScopedMixin, TranslationAdmin):
    partnership_path = "theme__plan__partnership"
    list_display = ("__str__", "theme", "target_count", "frequency")
    # RelatedOnly: a plain filter would list every theme, other partnerships' too.
    list_filter = (("theme", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("theme",)
    search_fields = ("text_en", "text_zh_hans")
    fields = ("theme", "order", "code", "text", "target_count", "frequency", "agencies")
    filter_horizontal = ("agencies",)

    def get_readonly_fields(self, request, obj=None):
        # A commitment stays in its theme: the activities working towards it are under it.
        return ("theme",) if obj is not None else ()


@admin.register(Agency, site=site)
class AgencyAdmin(ScopedChoicesMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    """Agencies of both sides are visible; coordinators change those of their own side."""

    list_display = ("name", "city", "kind", "parent")
    list_filter = (("city", admin.RelatedOnlyFieldListFilter), "kind")
    list_select_related = ("city", "parent")
    search_fields = ("code", "name_en", "name_zh_hans")
    fields = ("code", "name", "city", "kind", "parent", "website")

    def get_queryset(self, request):
        # The sides of the user's partnerships and third parties, not every city's agencies.
        qs = super().get_queryset(request)
        return qs.filter(pk__in=selectors.visible_agencies(request.user).values("pk"))

    def has_module_permission(self, request):
        return access.is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) or (
            obj is None and access.role_of(request.user) == Role.AGENCY_STAFF
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
        if db_field.name == "city" and not access.is_admin(request.user):
            profile = access.profile_of(request.user)
            kwargs["queryset"] = City.objects.filter(pk=profile.city_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        access.require(request.user, Action.CHANGE, obj)
        super().save_model(request, obj, form, change)


class EventSeriesAdmin(ScopedMixin, TranslationAdmin):
    partnership_path = "plan__partnership"
    list_display = ("name", "plan", "recurrence")
    fields = ("plan", "code", "name", "description", "recurrence")


site.register(EventSeries, EventSeriesAdmin)


class ProgrammeItemInline(ScopedInlineMixin, TranslationTabularInline):
    model = ProgrammeItem
    extra = 0
    staff_may_change = True


class DelegationMemberInline(ScopedInlineMixin, TranslationTabularInline):
    model = DelegationMember
    extra = 0
    staff_may_change = True


@admin.register(Event, site=site)
class EventAdmin(HostCityTimeMixin, ScopedMixin, TranslationAdmin):
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
        qs = super().get_queryset(request)
        agencies = access.editable_agency_ids(request.user)
        if agencies is not None:
            # Staff see here only the events their agency organises.
            qs = qs.filter(organisers__in=agencies).distinct()
        return qs

    def get_readonly_fields(self, request, obj=None):
        if access.is_coordinator(request.user):
            return ()
        # Staff change an event's content, not which plan it belongs to or who organises it.
        return ("plan", "organisers")


@admin.register(Review, site=site)
class ReviewAdmin(ScopedMixin, TranslationAdmin):
    """Titles and descriptions. The workflow, the schedule and new reviews are worked on the
    review pages, through reviews.services, where their rules and version checks live."""

    partnership_path = "plan__partnership"
    list_display = ("title", "kind", "due_date", "status")
    fields = ("plan", "kind", "title", "description", "due_date", "status")
    readonly_fields = ("plan", "kind", "due_date", "status")

    def has_add_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # An edit here makes copies open on the review page stale, as any other edit does.
        type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)


class ProfileInline(SafeChoiceFieldsAdminMixin, admin.StackedInline):
    model = Profile
    can_delete = False
    min_num = 1
    max_num = 1
    fields = ("city", "role", "agency", "preferred_language")

    def get_formset(self, request, obj=None, **kwargs):
        # min_num alone only shows a form: a forged post with none would save a person with
        # no side, whom no coordinator could see or deactivate.
        kwargs["validate_min"] = True
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not access.is_admin(request.user):
            # Coordinators manage the people of their own side only.
            own = access.profile_of(request.user)
            if db_field.name == "city":
                kwargs["queryset"] = City.objects.filter(pk=own.city_id)
                kwargs["initial"] = own.city_id
            elif db_field.name == "agency":
                kwargs["queryset"] = Agency.objects.filter(city_id=own.city_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return access.is_coordinator(request.user)

    has_add_permission = has_change_permission = has_view_permission


@admin.register(People, site=site)
class PeopleAdmin(UserAdmin):
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
        # Administrators are managed in /admin/, never by coordinators.
        qs = super().get_queryset(request).filter(is_superuser=False, is_staff=False)
        if access.is_admin(request.user):
            return qs
        own = access.profile_of(request.user)
        return qs.filter(profile__city_id=own.city_id) if own else qs.none()

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
