from django.urls import path

from . import views

urlpatterns = [
    path("security-log/", views.security_log, name="security-log"),
]
