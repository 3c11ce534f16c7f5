from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# The login page is twofactor's (the password step of views.LoginView, then the second step).
urlpatterns = [
    # Django's LogoutView answers only POST (a link or a prefetch cannot log anyone out).
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("profile/", views.profile, name="profile"),
]
