"""Security middleware: a header Django lacks, session timeouts, the staff OTP gate."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.urls import reverse

from . import audit, errors

LOGIN_AT = "hub_login_at"
SEEN_AT = "hub_seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


class CrossOriginResourcePolicyMiddleware:
    """Cross-Origin-Resource-Policy on every response (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "HUB_CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")
        if policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response


class OversizedQueryMiddleware:
    """A query string with too many parameters, or too long, is the hub's own 400, at once.

    Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters only
    when something first reads request.GET, by raising an error; in debug
    mode its error page then reads the same query string again and fails
    with a 500. So this runs first, counts the parameters without parsing
    them (as Django's parser splits them, on "&"), and answers with the
    hub's 400 page itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        too_many = limit is not None and query and query.count("&") + 1 > limit
        if too_many or len(query) > settings.HUB_MAX_QUERY_STRING:
            return errors.bad_request(
                request, BadRequest("The address has too many or too long parameters.")
            )
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string is never meant: 400 at once.

    PostgreSQL cannot store or compare text holding NUL, so such input would
    otherwise reach the database as an error (a 500) wherever a view passes a
    parameter on without a form to validate it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL byte in the request.")
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """End a logged-in session after HUB_SESSION_IDLE_SECONDS without a request,
    or HUB_SESSION_ABSOLUTE_SECONDS after the login, whichever comes first.

    The session is flushed on the server (logout), not merely forgotten by the
    browser; the request goes on as an anonymous one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        session = request.session
        now = time.time()
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if not isinstance(login_at, (int, float)) or not isinstance(seen_at, (int, float)):
            # A login made without the hub's login view (force_login, a test):
            # its clock starts now.
            session[LOGIN_AT] = session[SEEN_AT] = now
            return
        idle = now - seen_at > settings.HUB_SESSION_IDLE_SECONDS
        too_long = now - login_at > settings.HUB_SESSION_ABSOLUTE_SECONDS
        if idle or too_long:
            audit.log(
                "session.expired",
                actor=request.user,
                request=request,
                reason="idle" if idle else "absolute",
            )
            logout(request)
            return
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now


def start_session_clock(request):
    """Called by the login view once the password is right."""
    request.session[LOGIN_AT] = request.session[SEEN_AT] = time.time()


class StaffOTPMiddleware:
    """Every page under /staff/ needs a user verified by a one-time password.

    A user who has given the right password but no code yet is sent back to
    the login page, which asks for the code. Anonymous visitors are left to
    the pages themselves (they redirect to the login).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/staff/") and not self.exempt(request):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and not user.is_verified():
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)

    @staticmethod
    def exempt(request):
        return request.path_info in (reverse("admin:login"), reverse("admin:logout"))
