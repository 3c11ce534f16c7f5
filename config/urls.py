from django.contrib import admin
from django.urls import include, path

from portal import plan_admin

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("partners.urls")),
    path("", include("cooperation.urls")),
    path("", include("events.urls")),
    path("", include("reviews.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manage/", plan_admin.site.urls),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
