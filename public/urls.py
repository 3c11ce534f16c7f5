from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import manage_views, seo, views

urlpatterns = [
    # <str:slug>: any address reaches the view, which answers 404 for a malformed one.
    path("p/<str:slug>/", views.public_page, name="public-page"),
    path("p/<str:slug>/zh-hans/", views.public_page_zh_hans, name="public-page-zh-hans"),
    path("p/<str:slug>/plan.pdf", views.public_page_pdf, name="public-page-pdf"),
    path(
        "plans/<int:plan_id>/public-page/",
        manage_views.manage_public_page,
        name="public-page-manage",
    ),
    path("robots.txt", seo.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": seo.SITEMAPS}, name="sitemap"),
]
