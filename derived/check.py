"""Compare every store with what `derived.rebuild_all` writes (manage.py check_derived).

The rebuild runs in a savepoint that is rolled back, so checking changes
nothing; the stores are read before and after it, in the same transaction,
and compared row by row. On PostgreSQL the check holds the publishing lock
(editorial.publishing.PUBLISH_LOCK): an update published between the two reads
would otherwise show as differences.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from entities.models import Firm, Site
from evidence.models import Source

from .models import ClaimTally, FirmClaimFact, FirmSite


@dataclass(frozen=True)
class Difference:
    store: str
    key: tuple
    stored: int | None  # None: no such row stored
    rebuilt: int | None  # None: the rebuild writes no such row

    def __str__(self):
        key = ", ".join(_part(part) for part in self.key)
        return f"{self.store} ({key}): stored {_shown(self.stored)}, rebuilt {_shown(self.rebuilt)}"


def _part(value):
    if value is None:
        return "—"
    return str(value) or '""'  # an empty region, say


def _shown(value):
    return "no row" if value is None else value


def _rows(queryset, *key):
    return {tuple(row[:-1]): row[-1] for row in queryset.order_by().values_list(*key)}


# Each store as {key: number}, keyed by what a reader can look up (public ids).
STORES = {
    "firm claim facts": lambda: _rows(
        FirmClaimFact.objects, "firm__public_id", "facet", "value", "claims"
    ),
    "firm sites": lambda: _rows(FirmSite.objects, "firm__public_id", "site__public_id", "claims"),
    "claim tally": lambda: _rows(
        ClaimTally.objects, "claim_type", "confidence", "stage", "region", "year", "claims"
    ),
    "firm claim counts": lambda: _rows(Firm.objects, "public_id", "claim_count"),
    "site claim counts": lambda: _rows(Site.objects, "public_id", "claim_count"),
    "source claim counts": lambda: _rows(Source.objects, "public_id", "claim_count"),
}


def read_stores():
    """{store: {key: number}} of every store as it is now."""
    return {name: read() for name, read in STORES.items()}


def differences():
    """[Difference] between the stores and what a rebuild of all of them would write."""
    from editorial.publishing import PUBLISH_LOCK

    from . import rebuild_all

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
        stored = read_stores()
        rebuild_all()
        rebuilt = read_stores()
        transaction.set_rollback(True)
    found = []
    for name in STORES:
        before, after = stored[name], rebuilt[name]
        for key in sorted(before.keys() | after.keys(), key=_order):
            if before.get(key) != after.get(key):
                found.append(Difference(name, key, before.get(key), after.get(key)))
    return found


def _order(key):
    return tuple((part is None, str(part)) for part in key)
