from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The site's own pages (no models); their templates are in templates/pages/."""

    name = "pages"
    verbose_name = "Site pages"
