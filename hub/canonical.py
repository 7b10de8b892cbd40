"""One URL per page: query parameters a page does not read are redirected away.

A public page is cached per URL (hub/cache.py). A parameter the page ignores
(a tracking tag, a cache-busting number, a crawler's guess) would otherwise
make a new URL for the same page, and every new URL is rendered afresh: a
client asking `?x=1`, `?x=2`, ... could make every request an uncached render.
A page that declares the parameters it reads answers any other with a
permanent redirect to the same URL without them, which costs no rendering and
lands on the cached page.

Parameters are kept in the order they came, and values are not checked here:
a declared parameter with a bad value is the page's to refuse (400).
"""

import functools
from urllib.parse import urlencode

from django.http import HttpResponsePermanentRedirect

# What every page may carry: the page number of a paginated view.
ALWAYS_KNOWN = frozenset({"page"})


def unknown_params(request, known):
    return [name for name in request.GET if name not in known]


def canonical_url(request, known):
    """The request's path and its query string with only the `known` parameters."""
    kept = [
        (name, value) for name, values in request.GET.lists() if name in known for value in values
    ]
    return request.path + (f"?{urlencode(kept)}" if kept else "")


def query_params(*names, spec=None):
    """Decorate a view that reads only the query parameters `names` (and `page`).

    With `spec` (a hub.listing.ListSpec), the list's filters are known as well;
    they are read from its filterset when a request comes, so a filter added to
    the list is known without touching the view.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            known = ALWAYS_KNOWN | set(names)
            if spec is not None:
                known |= set(spec.filterset_class.base_filters)
            if request.method in ("GET", "HEAD") and unknown_params(request, known):
                return HttpResponsePermanentRedirect(canonical_url(request, known))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def cache_query(request):
    """The query string as a cache key: the same parameters in any order give one key."""
    return urlencode(
        sorted((name, value) for name, values in request.GET.lists() for value in values)
    )
