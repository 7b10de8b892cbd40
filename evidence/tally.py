"""Published claims counted by type, grade, stage and region, once per update.

The claim list shows how many claims each choice of its type, confidence,
stage and region filters would give, and how many the current filters give.
Counted from the claims, each of those numbers scans every matching claim
(seconds at a million claims). Every claim has exactly one value of each of
the four, so a table of their combinations with the number of claims
(`ClaimTally`: at most a few thousand rows) answers every count for any mix
of those filters by adding rows. Lists filtered by anything else (text,
dates, a firm, a site, a source) select few enough claims to count directly.

`rebuild` rewrites the table in the database, in the publishing transaction
when an update changed claims where the tally looks (editorial.services),
and after synthetic data is loaded.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Sum

from hub.models import Status

from .models import Claim, ClaimTally

COLUMNS = ("claim_type", "confidence", "stage", "region")
# A change to one of these claim fields moves a claim between combinations.
CLAIM_FIELDS = {"status", *COLUMNS}


@transaction.atomic
def rebuild():
    table, claims = ClaimTally._meta.db_table, Claim._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} ({columns}, claims) SELECT {columns}, COUNT(*) FROM {claims}"
            f" WHERE status = %s GROUP BY {columns}",
            [Status.PUBLISHED],
        )


def refresh_for_update(update):
    """Rebuild the tally when `update` changed a claim's status, type, grade, stage or region."""
    from editorial.models import Change

    diffs = Change.objects.filter(
        update=update, content_type=ContentType.objects.get_for_model(Claim)
    ).values_list("diff", flat=True)
    if any(entry["field"] in CLAIM_FIELDS for diff in diffs for entry in diff):
        rebuild()


def active_filters(filterset):
    """The validated filters in use (not the sort), as {name: value}."""
    return {
        name: value
        for name, value in filterset.form.cleaned_data.items()
        if name != "sort" and value not in (None, "", [])
    }


def covers(filterset):
    """True when every filter in use is one of the tally's columns."""
    return set(active_filters(filterset)) <= set(COLUMNS)


def count(filterset, *, skip=None, by=None):
    """The number of claims under the filters in use (but `skip`), or {value: number} `by` a column."""
    rows = ClaimTally.objects.filter(
        **{name: value for name, value in active_filters(filterset).items() if name != skip}
    ).order_by()
    if by is None:
        return rows.aggregate(n=Sum("claims"))["n"] or 0
    rows = rows.values_list(by).annotate(n=Sum("claims"))
    return {"" if value is None else str(value): n for value, n in rows}


def count_by(column):
    """{value: number of published claims} by one of the tally's columns (the home page's)."""
    rows = ClaimTally.objects.order_by().values_list(column).annotate(n=Sum("claims"))
    return {"" if value is None else str(value): n for value, n in rows}
