from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("methodology/", views.methodology, name="methodology"),
    path("privacy/", views.privacy, name="privacy"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": "hub/sitemap.xml"},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("search/", views.search, name="search"),
    # POST /i18n/setlang/ (language, next) sets the language cookie: no URL prefixes.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("entities.urls")),
    path("", include("evidence.urls")),
    path("", include("editorial.urls")),
    path("", include("downloads.urls")),
    path("staff/admin/", admin.site.urls),
]

handler400 = "hub.views.bad_request"
handler404 = "hub.views.page_not_found"
handler500 = "hub.views.server_error"
