"""Public reads from a PostgreSQL read replica; everything else from the primary.

Installed only when ``DATABASE_REPLICA_URL`` is set (hub/settings.py adds the
``replica`` alias, this router and the middleware below). The rules:

- Every write goes to the primary (``default``).
- A read inside a transaction on the primary stays on the primary: it must
  see the transaction's own writes (publishing, staging, moderation).
- A read during a request that is pinned to the primary stays there: staff
  pages, any non-GET request (a form post and the page it redirects to in the
  same request) and any request from a signed-in user (sessions are written
  on the primary, and staff must see their own work at once).
- Sessions, accounts, permissions, the admin log and the private editorial
  tables (corrections, their contacts and notes, staged changes, imports) are
  always read from the primary: a submitter's tracking page must show the
  correction just posted, whatever the replica's lag.
- The public records (firms, sites, claims, sources, citations, ...) and the
  list of updates are read from the replica. The publishing request tells the
  page cache (hub/cache.py) the new update number from the primary, so the
  replica must not lag behind a commit: run it with synchronous_commit =
  remote_apply (README, "Deployment"), else a page of update N-1 could be
  cached under N.
- Migrations run on the primary only; the replica follows by streaming.
"""

import contextvars
from contextlib import contextmanager

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"

# Apps and models whose reads must always see the latest write.
PRIMARY_APPS = frozenset(
    {"auth", "sessions", "admin", "otp_totp", "otp_static", "otp_email", "django_otp", "axes"}
)
PRIMARY_MODELS = frozenset(
    {
        ("editorial", "correction"),
        ("editorial", "correctioncontact"),
        ("editorial", "staffnote"),
        ("editorial", "transition"),
        ("editorial", "change"),
        ("editorial", "importjob"),
    }
)

_pinned = contextvars.ContextVar("hub_db_pinned_to_primary", default=False)


@contextmanager
def use_primary():
    """Send every read in this block to the primary (nests; restores on exit)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def pinned_to_primary():
    return _pinned.get()


def needs_primary(request):
    """Whether a request must read from the primary (see the module docstring)."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    if request.path.startswith("/staff/"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def primary_pin_middleware(get_response):
    """Pin staff, signed-in and non-GET requests to the primary for their whole run.

    Goes after AuthenticationMiddleware (it asks whether the user is signed in;
    the session it reads for that is itself always read from the primary).
    """

    def middleware(request):
        if needs_primary(request):
            with use_primary():
                return get_response(request)
        return get_response(request)

    return middleware


class PrimaryReplicaRouter:
    """Route reads to the replica where that is safe; see the module docstring."""

    def _primary_only(self, model):
        meta = model._meta
        return meta.app_label in PRIMARY_APPS or (meta.app_label, meta.model_name) in PRIMARY_MODELS

    def db_for_read(self, model, **hints):
        if _pinned.get() or self._primary_only(model):
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: the same rows on both.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
