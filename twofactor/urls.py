from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/two-factor/", views.verify, name="twofactor-verify"),
    path("accounts/two-factor/recovery/", views.recovery, name="twofactor-recovery"),
    path("profile/two-factor/", views.overview, name="twofactor-settings"),
    path("profile/two-factor/set-up/", views.enrol, name="twofactor-enrol"),
    path("profile/two-factor/codes/", views.regenerate_codes, name="twofactor-codes"),
    path("two-factor/people/", views.people, name="twofactor-people"),
    path("two-factor/people/<int:pk>/reset/", views.reset, name="twofactor-reset"),
    path("admin/login/", views.admin_login, name="twofactor-admin-login"),
]
