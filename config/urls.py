from django.contrib import admin
from django.urls import include, path

from cooperation import exports as cooperation_exports
from events import feeds as event_feeds
from portal import plan_admin

urlpatterns = [
    # First: the API is asked most often by far, and resolving tries patterns in order.
    path("api/", include("api.urls")),
    path("", include("portal.urls")),
    # The login (password, then the second factor) and two-factor pages; also /admin/login/.
    path("", include("twofactor.urls")),
    path("", include("partners.urls")),
    path("", include("security.urls")),
    path("", include("cooperation.urls")),
    path("", include("events.urls")),
    path("", include("reviews.urls")),
    path("", include("reports.urls")),
    # Spreadsheets and calendar files (issue 5).
    path(
        "activities/export.xlsx",
        cooperation_exports.activity_export_xlsx,
        name="activity-export-xlsx",
    ),
    path("events/export.csv", event_feeds.event_export_csv, name="event-export-csv"),
    path("events/export.xlsx", event_feeds.event_export_xlsx, name="event-export-xlsx"),
    path("events/<int:pk>/event.ics", event_feeds.event_ics, name="event-ics"),
    # API tokens and the private calendar feed (profile pages).
    path("", include("api.page_urls")),
    # Public pages of plans (no login), robots.txt and the sitemap.
    path("", include("public.urls")),
    # Drafting a plan from its signed text (coordinators).
    path("", include("plandata.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manage/", plan_admin.site.urls),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
