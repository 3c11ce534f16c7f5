"""Cities, agencies, people's profiles, accounts and groups in the IT administrators'
/admin/, written through ``partners.services`` (``AgencyWrites`` and ``password_form_for`` are
shared with /manage/). The account and group forms only parse: who may give which rights, and
that nobody takes their own away, is the service's."""

import copy

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.db.models import Q
from modeltranslation.admin import TranslationAdmin

from core.admin import SafeChoiceFieldsAdminMixin, ServiceAdminMixin, form_values

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


def password_form_for(acting_user):
    """The admin's password form, set through the people service as ``acting_user``."""

    class PasswordForm(AdminPasswordChangeForm):
        def set_password_and_save(self, user, commit=True, **kwargs):
            usable = self.cleaned_data["set_usable_password"]
            services.set_person_password(
                user=acting_user,
                person=user,
                password=self.cleaned_data["password1"] if usable else None,
            )
            return user

    return PasswordForm


class PersonWrites:
    """What /admin/'s accounts and /manage/'s people share: a person deleted, and a password
    set, through the people service as the acting user."""

    def delete(self, request, obj):
        services.delete_person(user=request.user, person=obj)

    def user_change_password(self, request, id, form_url=""):
        # Django's view, with a form that writes through the service as this user.
        per_request = copy.copy(self)
        per_request.change_password_form = password_form_for(request.user)
        return UserAdmin.user_change_password(per_request, request, id, form_url)


User = get_user_model()
# Django registers its own account and group admins, which save around the services.
for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

# Given and taken by administrators only (partners.services.ACCOUNT_FIELDS and _RELATIONS).
ADMINISTRATORS_ONLY = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class AccountAdmin(PersonWrites, ServiceAdminMixin, UserAdmin):
    """Accounts: made, changed and deleted through ``services.create_account``,
    ``update_account`` and ``delete_person`` (the same checks as /manage/'s people)."""

    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not access.is_admin(request.user):
            fields = (*fields, *ADMINISTRATORS_ONLY)
        return fields

    def has_add_permission(self, request):
        return access.is_admin(request.user) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        if change:
            changes = form_values(form, exclude={"password", "last_login", "date_joined"})
            services.update_account(user=request.user, person=obj, **changes)
            return
        usable = form.cleaned_data.get("usable_password", "true") != "false"
        created = services.create_account(
            user=request.user,
            username=form.cleaned_data["username"],
            password=form.cleaned_data.get("password1") if usable else None,
        )
        # The admin carries on with the form's instance (log entry, redirect).
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(Group)
class PermissionGroupAdmin(ServiceAdminMixin, GroupAdmin):
    """Groups of permissions: administrators' (``services.create_group`` and the rest)."""

    def has_add_permission(self, request):
        return access.is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def create(self, request, values):
        return services.create_group(user=request.user, **values)

    def update(self, request, obj, changes):
        return services.update_group(user=request.user, group=obj, **changes)

    def delete(self, request, obj):
        services.delete_group(user=request.user, group=obj)
