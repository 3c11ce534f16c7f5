from django.urls import path

from . import reminder_views, views

urlpatterns = [
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/new/", views.review_create, name="review-create"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/history/", views.review_history, name="review-history"),
    path("reminders/", reminder_views.my_reminders, name="my-reminders"),
    path("reviews/<int:pk>/start/", views.review_start, name="review-start"),
    path(
        "reviews/<int:pk>/themes/<int:theme_id>/assessment/",
        views.review_assessment,
        name="review-assessment",
    ),
    path("reviews/<int:pk>/complete/", views.review_complete, name="review-complete"),
    path("reviews/<int:pk>/reopen/", views.review_reopen, name="review-reopen"),
    path("reviews/<int:pk>/schedule/", views.review_schedule, name="review-schedule"),
]
