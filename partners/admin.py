"""Cities, agencies and people's profiles in the IT administrators' /admin/, written through
``partners.services`` (``AgencyWrites`` is shared with /manage/)."""

from django.contrib import admin
from django.db.models import Q
from modeltranslation.admin import TranslationAdmin

from core.admin import SafeChoiceFieldsAdminMixin, ServiceAdminMixin

from . import access, services
from .models import Agency, City, Profile


def sealed_agencies(user):
    """The agencies /admin/ shows a user who is not a superuser: those of a side, and the third
    parties of their partnerships only (partners.access)."""
    return Agency.objects.filter(Q(city__isnull=False) | access.third_parties_q(user))


class ThirdPartiesSealedMixin:
    """/admin/ relation fields: a user who is not a superuser chooses among the third parties
    and partnerships of their own partnerships only."""

    def _sealed(self, request, db_field, kwargs) -> dict:
        if "queryset" in kwargs or access.is_admin(request.user):
            return kwargs
        model = db_field.related_model
        if model is Agency:
            kwargs["queryset"] = sealed_agencies(request.user)
        elif model is Agency._meta.get_field("partnerships").related_model:
            kwargs["queryset"] = model.objects.filter(access.partnership_q(request.user))
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._sealed(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._sealed(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AgencyWrites(ServiceAdminMixin):
    def create(self, request, values):
        return services.create_agency(user=request.user, **values)

    def update(self, request, obj, changes):
        return services.update_agency(user=request.user, agency=obj, **changes)

    def delete(self, request, obj):
        services.delete_agency(user=request.user, agency=obj)


@admin.register(City)
class CityAdmin(ServiceAdminMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("name", "country", "time_zone", "default_language")
    search_fields = ("code", "name_en", "name_zh_hans")

    def create(self, request, values):
        return services.create_city(user=request.user, **values)

    def update(self, request, obj, changes):
        return services.update_city(user=request.user, city=obj, **changes)

    def delete(self, request, obj):
        services.delete_city(user=request.user, city=obj)


@admin.register(Agency)
class AgencyAdmin(
    AgencyWrites, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin
):
    list_display = ("name", "city", "kind", "parent")
    list_filter = ("city", "kind")
    search_fields = ("code", "name_en", "name_zh_hans")
    list_select_related = ("city", "parent")
    filter_horizontal = ("partnerships",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if access.is_admin(request.user):
            return qs
        return qs.filter(pk__in=sealed_agencies(request.user).values("pk"))


@admin.register(Profile)
class ProfileAdmin(ServiceAdminMixin, SafeChoiceFieldsAdminMixin, admin.ModelAdmin):
    """A user's side, role and agency: given to an existing account (one made in the auth
    section), changed as the coordinators change them in /manage/."""

    list_display = ("user", "city", "agency", "role", "preferred_language")
    list_filter = ("city", "role")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user", "city", "agency")

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def create(self, request, values):
        person = values.pop("user")
        return services.create_profile(user=request.user, person=person, **values)

    def update(self, request, obj, changes):
        services.update_person(user=request.user, person=obj.user, **changes)
        return obj

    def delete(self, request, obj):
        services.delete_profile(user=request.user, profile=obj)
