"""Public pages and counts cached per published update.

The public data only change when an update is published, so a public page
is the same for every anonymous reader, in one language, until the next
update. Every count's key includes the latest update's number, and every
stored page carries it: a publish moves every server sharing the cache
(Redis, HUB_CACHE_URL) to new counts at once, and makes every stored page
stale, to be rendered again when next asked for.

The latest update number is itself one cached value (`site_state`), so a
cached page is served without touching the database. It is refreshed
- when it is missing (one tiny query on a table of a few hundred rows),
- after every POST (or other unsafe request) on any server: publishing
  from the staff pages is a POST, so it moves every server at once,
- by `update_published()`, which code publishing outside a request calls
  (generate_synthetic does; scripts and shells should),
- and it expires after HUB_SITE_STATE_SECONDS as a backstop.

What is never cached: requests with a session cookie (staff, anyone with a
pending message), anything but GET, streaming responses (the exports),
responses setting cookies or marked private, and /staff/. Pages with forms
that POST are cached with their CSRF token taken out and a fresh one put
back for each reader (the CSRF middleware then sets that reader's cookie),
so the language switcher and the correction form work from a cached page.
"""

import hashlib
import re
import secrets
import threading
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from .canonical import cache_query

STATE_KEY = "hub:site-state"
PAGE_PREFIX = "hub:page"
COUNT_PREFIX = "hub:count"
CACHE_HEADER = "X-Hub-Cache"
TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
TOKEN_PLACEHOLDER = b"__HUB_CSRF_TOKEN__"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Headers a stored page keeps; cookies and per-request headers are never stored.
STORED_HEADERS = {"content-type", "content-language", "vary", "x-robots-tag", "link"}


def update_published():
    """Read the latest update number and the synthetic updates afresh, and share them."""
    # The model of published updates is named by the settings (HUB_UPDATE_MODEL),
    # not imported: the kernel imports no app above it (tests/hub/test_layering.py).
    updates = apps.get_model(settings.HUB_UPDATE_MODEL).objects
    rows = list(updates.order_by().values_list("number", "is_synthetic"))
    state = {
        "update": max((number for number, _ in rows), default=0),
        "synthetic": sorted(number for number, synthetic in rows if synthetic),
        # New every time the state is written (after a POST, a publish, or the
        # shared cache emptied): the copies each process keeps of pages it
        # served (RecentPages) are good only under the epoch they were read in.
        "epoch": secrets.token_hex(8),
    }
    cache.set(STATE_KEY, state, timeout=settings.HUB_SITE_STATE_SECONDS)
    return state


def site_state():
    """{"update": latest update number, "synthetic": [numbers of synthetic updates], "epoch": …}."""
    state = cache.get(STATE_KEY)
    return state if state is not None else update_published()


def current_update():
    return site_state()["update"]


def site_context(request):
    """Context processor: the synthetic updates, for the banner on every page."""
    return {"synthetic_updates": site_state()["synthetic"]}


# -- counts --------------------------------------------------------------------


def _digest(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def generation(state=None):
    """What a cached page or count depends on: the published update, and today's date.

    The date because some of what pages say follows from it: a reply deadline
    passes (evidence.reply), a designation's end date arrives (sanctions in force).
    """
    update = (state or site_state())["update"]
    return f"{update}:{timezone.now().date().isoformat()}"


def cached_count(name, params, compute):
    """`compute()` once per published update for this `name` and these `params`.

    Used by the list pages for their result counts and facet counts: the
    first request for a combination of filters counts, the others read.
    """
    if not settings.HUB_COUNT_CACHE:
        return compute()
    key = f"{COUNT_PREFIX}:{generation()}:{_digest(name, params)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.HUB_PAGE_CACHE_SECONDS)
    return value


# -- pages ---------------------------------------------------------------------


def _cacheable_request(request):
    return (
        settings.HUB_PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.path.startswith(UNCACHED_PREFIXES)
        and not request.path.startswith(f"/{settings.STATIC_URL.strip('/')}/")
    )


# Pages that change between updates: staff pages, and the corrections log and
# trackers (a submission or a moderation decision changes them at once).
UNCACHED_PREFIXES = ("/staff/", "/corrections/")


def _cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def page_key(request):
    """One key per page and language; the update it shows is in the stored value."""
    # The query's parameters in a fixed order: `?a=1&b=2` and `?b=2&a=1` are one page.
    path = f"{request.path}?{cache_query(request)}"
    return f"{PAGE_PREFIX}:{get_language()}:{_digest(request.scheme, request.get_host(), path)}"


class RecentPages:
    """This process's own copies of the pages it served last, up to `limit` bytes.

    A stored page otherwise travels from the shared cache on every hit, and for a
    large profile (some 190 KB) that transfer costs more than the rest of the hit.
    A copy is served only while the shared site state is still the one it was
    read under (its `epoch`), so a publish or an emptied cache on any server
    retires every process's copies as it does the shared entries; the state is
    still read from the shared cache on every request.
    """

    def __init__(self, limit):
        self.limit = limit
        self.pages = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def __contains__(self, key):
        return key in self.pages

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0

    def get(self, key, epoch):
        if epoch is None:  # a state written before epochs were
            return None
        with self.lock:
            held = self.pages.get(key)
            if held is None:
                return None
            if held[0] != epoch:
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return held[1]

    def put(self, key, epoch, stored):
        size = len(stored[1])
        if epoch is None or size > self.limit:
            return
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (epoch, stored)
            self.size += size
            while self.size > self.limit:
                self._drop(next(iter(self.pages)))

    def _drop(self, key):
        _, stored = self.pages.pop(key)
        self.size -= len(stored[1])


recent_pages = RecentPages(settings.HUB_PAGE_CACHE_LOCAL_BYTES)


def _lookup(key):
    """(site state, the stored page if it is of the current generation).

    One round trip to the shared cache: the site state alone when this process
    holds a copy of the page, else the state and the page together (one MGET
    on Redis).
    """
    if key in recent_pages:
        state = cache.get(STATE_KEY) or update_published()
        current = generation(state)
        stored = recent_pages.get(key, state.get("epoch"))
        if stored is not None and stored[0] == current:
            return state, stored
        stored = cache.get(key)
    else:
        found = cache.get_many([STATE_KEY, key])
        state = found.get(STATE_KEY) or update_published()
        current = generation(state)
        stored = found.get(key)
    if stored is None or stored[0] != current:
        return state, None
    recent_pages.put(key, state.get("epoch"), stored)
    return state, stored


def _store(key, state, response):
    content = TOKEN_FIELD.sub(rb"\1" + TOKEN_PLACEHOLDER + rb"\2", response.content)
    headers = {name: value for name, value in response.items() if name.lower() in STORED_HEADERS}
    stored = (generation(state), content, headers)
    cache.set(key, stored, timeout=settings.HUB_PAGE_CACHE_SECONDS)
    recent_pages.put(key, state.get("epoch"), stored)


def _replay(request, stored):
    _, content, headers = stored
    if TOKEN_PLACEHOLDER in content:
        content = content.replace(TOKEN_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    response["Content-Length"] = str(len(content))
    return response


class PageCacheMiddleware:
    """Serve public GET pages from the cache, per update, language and URL.

    Sits after the security, locale and CSRF middleware, so that the reader's
    language is known and a replayed page still gets its security headers and
    CSRF cookie from the middleware outside it; and before the session, auth,
    staff and message middleware, which a request the cache may answer (no
    session or message cookie) does not need.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if request.method not in SAFE_METHODS:
                # Perhaps a publish: every server sees the new number from now on.
                update_published()
            return response
        key = page_key(request)
        state, stored = _lookup(key)
        if stored is not None:
            response = _replay(request, stored)
            response[CACHE_HEADER] = "hit"
        else:
            response = self.get_response(request)
            if _cacheable_response(response):
                _store(key, state, response)
                response[CACHE_HEADER] = "miss"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
