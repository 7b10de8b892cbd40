"""Published claims counted by type, grade, stage, region and year, once per update.

The claim list shows how many claims each choice of its type, confidence,
stage and region filters would give, and how many the current filters give.
Counted from the claims, each of those numbers scans every matching claim
(seconds at a million claims). Every claim has exactly one value of each of
the four, so a table of their combinations with the number of claims
(`ClaimTally`: a few thousand rows, tens of thousands with the year) answers
every count for any mix of those filters by adding rows, and the claims per
year of the /timeline/ page. Lists filtered by anything else (text,
dates, a firm, a site, a source) select few enough claims to count directly.

`rebuild` rewrites the table in the database: `refresh`, in the publishing
transaction, when an update changed claims where the tally looks, and
`derived.rebuild_all`. The rest of this module is how the lists read it.
"""

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from evidence.models import Claim
from hub.models import Status

from .models import ClaimTally

COLUMNS = ("claim_type", "confidence", "stage", "region")
# A change to one of these claim fields moves a claim between combinations.
CLAIM_FIELDS = {"status", "date_start", *COLUMNS}


@transaction.atomic
def rebuild():
    # The grouping is written by the ORM (the year of a date differs in SQL
    # between PostgreSQL and SQLite), and inserted by the database.
    counted = (
        Claim.objects.filter(status=Status.PUBLISHED)
        .annotate(year=ExtractYear("date_start"))
        .values(*COLUMNS, "year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    select, params = counted.query.sql_with_params()
    table = ClaimTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({', '.join(COLUMNS)}, year, claims) {select}", params)


def refresh(impact):
    """Rebuild the tally when an update moved a claim's status, date or tally column."""
    if impact.changed(Claim, CLAIM_FIELDS):
        rebuild()


# Reading --------------------------------------------------------------------


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
