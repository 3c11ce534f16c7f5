"""The /manage/ admin site itself: the portal's look around Django's admin pages.

portal.plan_admin registers the models on it. Its pages extend manage/base_site.html (through
templates/admin/base_site.html, which reads ``manage_base_template``): the portal's header,
menu, language switcher, stylesheet, favicon and footer. /admin/ keeps Django's own look.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from partners import access, clock

# Strings of Django's admin templates that its Chinese and Finnish catalogues leave in English
# (the index's table headers, the person form's hint): written here, makemessages puts them
# in the portal's catalogues, which translate them on /manage/ (and /admin/).
ADMIN_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)


class PlanManagementSite(admin.AdminSite):
    site_header = _("Plan management")
    site_title = _("Plan management")
    index_title = _("Plan management")
    site_url = "/"

    def each_context(self, request):
        # The portal's look (templates/admin/base_site.html reads this name); /admin/ has none.
        return {**super().each_context(request), "manage_base_template": "manage/base_site.html"}

    def has_permission(self, request):
        return access.may_enter_management(request.user)

    def history_zone(self, request):
        """History times in the reader's city (core.admin.ServiceAdminMixin.history_view)."""
        return clock.zone_for(request.user)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in but not a coordinator or agency staff: a refusal, not a login loop.
            access.log.warning(
                "permission refused: user=%s action=manage object=site", request.user.username
            )
            raise PermissionDenied
        # One login page for the whole portal.
        return redirect_to_login(request.GET.get("next") or reverse("manage:index"))


class NamedCellsMixin:
    """A tabular inline's fields named by their column (the table's header is no <label>)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            name = capfirst(formfield.label or db_field.verbose_name)
            for widget in getattr(formfield.widget, "widgets", [formfield.widget]):
                widget.attrs.setdefault("aria-label", name)
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Named(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    # The column's own header (Django's catalogue translates it).
                    form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete?")

        Named.__name__ = formset.__name__
        return Named
