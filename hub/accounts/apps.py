from django.contrib.admin.apps import AdminConfig


class HubAdminConfig(AdminConfig):
    """Django's admin, on the hub's admin site (two-factor login)."""

    default_site = "hub.accounts.site.HubAdminSite"
