from django.urls import path

from . import reminder_views, renewal_views, views

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
    # The plan's life: renewal and conclusion (reviews.decisions, cooperation.services.renewal).
    path("plans/<int:plan_id>/renew/", renewal_views.plan_renew, name="plan-renew"),
    path("plans/<int:plan_id>/conclude/", renewal_views.plan_conclude, name="plan-conclude"),
    path("plans/<int:plan_id>/renewal/", renewal_views.renewal_draft, name="renewal-draft"),
    path("plans/<int:plan_id>/approve/", renewal_views.renewal_approve, name="renewal-approve"),
    path(
        "plans/<int:plan_id>/move-activities/",
        renewal_views.plan_move_activities,
        name="plan-move-activities",
    ),
]
