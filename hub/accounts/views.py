"""Staff login in two steps (password, then a one-time code) and logout.

The password step goes through django-axes (five failures lock the pair
username + address); a right password logs the user in with a new session
key but *unverified*: no staff page opens (hub.middleware.StaffOTPMiddleware,
HubAdminSite.has_permission) until a code from one of the user's confirmed
TOTP devices is accepted. A code is accepted once (django-otp refuses a time
step it has already seen), and the session key is rotated again.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from hub import audit
from hub.middleware import start_session_clock

from .forms import TokenForm


def _next_url(request):
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("editorial:staff_dashboard")


def _login_url(next_url):
    return reverse("admin:login") + "?" + urlencode({REDIRECT_FIELD_NAME: next_url})


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    next_url = _next_url(request)
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if user.is_authenticated:
            audit.log("logout", actor=user, request=request, reason="cancelled")
        auth_logout(request)
        return redirect(_login_url(next_url))
    if user.is_authenticated and user.is_verified() and user.is_active and user.is_staff:
        return redirect(next_url)
    if user.is_authenticated and not user.is_verified() and user.is_staff:
        return _token_step(request, user, next_url)
    return _password_step(request, next_url)


def _password_step(request, next_url):
    form = AdminAuthenticationForm(request, data=request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            auth_login(request, user)  # a new session key
            start_session_clock(request)
            audit.log("login.password_ok", actor=user, request=request)
            return redirect(_login_url(next_url))
        username = request.POST.get("username", "")[:150]
        if getattr(request, "axes_locked_out", False):
            audit.log("login.locked_out", actor=username, request=request)
        else:
            audit.log("login.failed", actor=username, request=request, step="password")
        status = 400
    return render(
        request,
        "hub/otp_login.html",
        {"form": form, "step": "password", "next": next_url},
        status=status,
    )


def _token_step(request, user, next_url):
    form = TokenForm(user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            from django_otp import login as otp_login

            otp_login(request, form.device)
            request.session.cycle_key()
            audit.log("login", actor=user, request=request, device=form.device.persistent_id)
            return redirect(next_url)
        audit.log("login.failed", actor=user, request=request, step="code")
        status = 400
    has_device = _has_confirmed_device(user)
    return render(
        request,
        "hub/otp_login.html",
        {"form": form, "step": "token", "next": next_url, "has_device": has_device},
        status=status,
    )


def _has_confirmed_device(user):
    from django_otp import devices_for_user

    return any(True for _device in devices_for_user(user, confirmed=True))


@require_POST
@csrf_protect
@never_cache
def logout(request):
    """End the session on the server (the row is deleted), then back to the login."""
    user = request.user
    if user.is_authenticated:
        audit.log("logout", actor=user, request=request)
    auth_logout(request)
    return redirect(reverse("admin:login"))
