"""Who may open a staff page: active staff holding the page's permission.

Anonymous visitors go to the staff login; a signed-in user without the
permission gets a 403 page in the site's style that names the role the
page needs and, for staff, who holds it. Staff pages are never cached.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control


def roles_holding(permission):
    """Names of the groups (roles) that grant `permission` ("app.codename"), fewest powers first."""
    app_label, codename = permission.split(".", 1)
    groups = Group.objects.filter(
        permissions__codename=codename, permissions__content_type__app_label=app_label
    )
    return sorted(groups.values_list("name", flat=True), key=lambda name: (name != "editor", name))


def holders(roles):
    """Usernames of the active staff who hold one of `roles`."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name__in=roles)
    return sorted(set(users.values_list(get_user_model().USERNAME_FIELD, flat=True)))


def forbidden(request, permission):
    """The 403 page: which role `permission` needs and, to staff, who holds it."""
    roles = roles_holding(permission)
    context = {
        "roles": roles,
        "holders": holders(roles) if request.user.is_staff else [],
        "is_staff": request.user.is_staff,
    }
    return render(request, "editorial/staff_403.html", context, status=403)


def staff_required(permission, *, post=None):
    """Let through active staff users holding `permission` (and `post` for a POST)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                response = redirect_to_login(request.get_full_path(), reverse("admin:login"))
            else:
                needed = [permission, post] if post and request.method == "POST" else [permission]
                missing = [perm for perm in needed if not user.has_perm(perm)]
                if not (user.is_active and user.is_staff) or missing:
                    response = forbidden(request, missing[0] if missing else permission)
                else:
                    response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response

        return wrapper

    return decorator
