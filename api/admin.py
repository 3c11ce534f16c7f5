"""The IT administrators' view of API tokens and calendar addresses: who has which, when
used; revoke only (a secret cannot be read back or made here: its owner makes it)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import secrets
from .models import ApiToken, CalendarFeed


@admin.action(description=_("Revoke the selected"))
def revoke(modeladmin, request, queryset):
    for row in queryset.filter(revoked_at__isnull=True).select_related("user"):
        secrets.revoke_as_administrator(user=request.user, row=row)


class SecretAdmin(admin.ModelAdmin):
    list_select_related = ("user",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "prefix")
    actions = [revoke]
    readonly_fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # A revoked row is the record of who held which secret until when: revoke, never delete.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(SecretAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", *SecretAdmin.readonly_fields)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SecretAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
