"""The root URLconf: every app's URLs, included here (the one module of hub/ that names them)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The site's own pages: home, methodology, privacy, search, sitemaps, robots.txt.
    path("", include("pages.urls")),
    # POST /i18n/setlang/ (language, next) sets the language cookie: no URL prefixes.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("entities.urls")),
    path("", include("evidence.urls")),
    path("", include("editorial.urls")),
    path("", include("downloads.urls")),
    path("staff/admin/", admin.site.urls),
]

handler400 = "hub.errors.bad_request"
handler404 = "hub.errors.page_not_found"
handler500 = "hub.errors.server_error"
