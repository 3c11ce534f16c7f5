from django.urls import path

from . import views

urlpatterns = [
    path("events/", views.event_list, name="event-list"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/history/", views.event_history, name="event-history"),
    path(
        "events/<int:pk>/programme/",
        views.programme_item_create,
        name="programme-item-create",
    ),
    path(
        "events/programme/<int:pk>/delete/",
        views.programme_item_delete,
        name="programme-item-delete",
    ),
]
