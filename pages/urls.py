"""The site's own pages, included at the root by hub.urls without a namespace.

The URL names are the ones the templates have always used ({% url 'methodology' %}).
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

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
        {"sitemaps": SITEMAPS, "template_name": "pages/sitemap.xml"},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("search/", views.search, name="search"),
    path("language/<str:language>/", views.switch_language, name="switch_language"),
]
