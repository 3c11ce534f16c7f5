"""/admin/: who has set up two-factor login; a reset through the service, nothing else (an
authenticator's key is made by its owner's set-up only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin import ReadOnlyAdminMixin

from . import services

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.action(description=_("Reset the two-factor login of the selected people"))
def reset_two_factor(modeladmin, request, queryset):
    done = 0
    for device in queryset.select_related("user"):
        try:
            services.reset(by=request.user, person=device.user, request=request)
        except PermissionDenied:
            modeladmin.message_user(
                request,
                _("You may not reset the two-factor login of %(name)s.")
                % {"name": device.user.get_username()},
                messages.ERROR,
            )
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("Two-factor login reset: %(count)d.") % {"count": done})


@admin.register(TOTPDevice)
class AuthenticatorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("user", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields
    actions = [reset_two_factor]
