"""The project's error pages (handler400/404/500 in hub.urls); the site's own pages are in pages/."""

from django.core.exceptions import BadRequest
from django.shortcuts import render


def page_not_found(request, exception):
    return render(request, "hub/404.html", status=404)


def bad_request(request, exception):
    # The hub's own BadRequest messages say what to fix (a page number, a filter);
    # other client errors (a bad Host header) keep their reasons to the logs.
    reason = str(exception) if type(exception) is BadRequest else ""
    return render(request, "hub/400.html", {"reason": reason}, status=400)


def server_error(request):
    return render(request, "hub/500.html", status=500)
