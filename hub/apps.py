from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "TOT Insights Hub"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
