from django.urls import path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Without a plan: the user's current plan (settings.LOGIN_REDIRECT_URL reverses this).
    path("dashboard/", views.home, name="dashboard"),
    path("plans/<int:plan_id>/", views.dashboard, name="dashboard"),
]
