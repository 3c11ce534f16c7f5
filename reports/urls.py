from django.urls import path

from . import consolidated, views

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path(
        "plans/<int:plan_id>/consolidated.pdf",
        consolidated.consolidated_plan_pdf,
        name="consolidated-plan-pdf",
    ),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
]
