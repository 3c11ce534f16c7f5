"""The IT administrators' view of API tokens and calendar addresses: who has which, when
used; revoke only (a secret cannot be read back or made here: its owner makes it)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from . import secrets
from .models import ApiToken, CalendarFeed


@admin.action(description=_("Revoke the selected"))
def revoke(modeladmin, request, queryset):
    for row in queryset.filter(revoked_at__isnull=True).select_related("user"):
        secrets.revoke_as_administrator(user=request.user, row=row)


class SecretAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_select_related = ("user",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "prefix")
    # A revoked row is the record of who held which secret until when: revoke, never delete.
    actions = [revoke]
    readonly_fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(SecretAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", *SecretAdmin.readonly_fields)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SecretAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
