from django.urls import path

from . import agencies, amendment_views, history_views, views

urlpatterns = [
    path("agencies/", agencies.agency_list, name="agency-list"),
    path(
        "agencies/<int:agency_id>/history/",
        history_views.agency_history,
        name="agency-history",
    ),
    path("plans/<int:plan_id>/history/", history_views.plan_history, name="plan-history"),
    path("plans/<int:plan_id>/amendments/", amendment_views.amendment_list, name="amendment-list"),
    path(
        "plans/<int:plan_id>/amendments/new/",
        amendment_views.amendment_create,
        name="amendment-create",
    ),
    path(
        "amendments/<int:amendment_id>/", amendment_views.amendment_detail, name="amendment-detail"
    ),
    path(
        "amendments/<int:amendment_id>/edit/",
        amendment_views.amendment_edit,
        name="amendment-edit",
    ),
    path(
        "amendments/<int:amendment_id>/return/",
        amendment_views.amendment_return,
        name="amendment-return",
    ),
    path(
        "amendments/<int:amendment_id>/<slug:action>/",
        amendment_views.amendment_action,
        name="amendment-action",
    ),
    path("plans/<int:plan_id>/versions/", amendment_views.version_list, name="plan-version-list"),
    path(
        "plans/<int:plan_id>/versions/compare/",
        amendment_views.version_compare,
        name="plan-version-compare",
    ),
    path(
        "plans/<int:plan_id>/versions/<int:number>/",
        amendment_views.version_detail,
        name="plan-version",
    ),
    path("themes/<int:theme_id>/history/", history_views.theme_history, name="theme-history"),
    path("themes/<int:theme_id>/", views.theme_detail, name="theme-detail"),
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/export.csv", views.activity_export, name="activity-export"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity-edit"),
    path(
        "activities/<int:activity_id>/history/",
        history_views.activity_history,
        name="activity-history",
    ),
    path("activities/<int:activity_id>/status/", views.activity_status, name="activity-status"),
    path("activities/<int:activity_id>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence-delete"),
]
