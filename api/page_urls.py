"""Pages outside /api/: the profile's token and calendar pages, and the calendar feed."""

from django.urls import path

from . import pages

urlpatterns = [
    path("profile/tokens/", pages.api_tokens, name="api-tokens"),
    path("profile/tokens/<int:pk>/revoke/", pages.api_token_revoke, name="api-token-revoke"),
    path("profile/calendar/", pages.calendar_settings, name="calendar-settings"),
    path("profile/calendar/revoke/", pages.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", pages.calendar_feed, name="calendar-feed"),
]
