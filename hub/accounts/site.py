"""The admin site: staff with a verified one-time password only, the hub's login."""

from django.contrib.admin import AdminSite


class HubAdminSite(AdminSite):
    site_header = "TOT Insights Hub staff"
    site_title = "TOT Insights Hub staff"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and user.is_verified()

    def login(self, request, extra_context=None):
        from .views import login

        return login(request)

    def logout(self, request, extra_context=None):
        from .views import logout

        return logout(request)
