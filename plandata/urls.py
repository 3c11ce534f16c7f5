from django.urls import path

from plandata.drafting import views

urlpatterns = [
    path("plan-drafts/", views.draft_list, name="plan-draft-list"),
    # <str:pk>: any id reaches the view, which answers 404 for a malformed one.
    path("plan-drafts/<str:pk>/", views.draft_detail, name="plan-draft-detail"),
    path("plan-drafts/<str:pk>/publish/", views.draft_publish, name="plan-draft-publish"),
    path("plan-drafts/<str:pk>/draft.toml", views.draft_toml, name="plan-draft-toml"),
    path("plan-drafts/<str:pk>/delete/", views.draft_delete, name="plan-draft-delete"),
]
