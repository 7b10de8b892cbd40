"""What a published table is made of: columns, tables, and the readers of list columns.

The tables themselves are described in downloads.tables; this module is how
their rows are read. Rows are read with `values_list` (no model instances) in
chunks; the list columns (a claim's firms, a firm's aliases) are filled per
chunk with one query each, so a table of any size streams in constant memory
and a fixed number of queries per chunk.

A list column's value is a Python list: JSON writes it as an array, the CSV
as one readable cell joined with SEPARATOR (downloads.writers). The link
tables (claim_firms, claim_sites, source_relays) give the same pairs one per
row, for joins without splitting strings.
"""

from dataclasses import dataclass, field
from itertools import batched

from django.conf import settings
from django.db.models import Case, CharField, F, Lookup, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import In

from hub.chunks import CHUNK_SIZE
from hub.models import Status

from .writers import SEPARATOR


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, date, boolean
    description: str
    path: object = ""  # ORM path (or expression) for values_list; empty for list columns
    many: object = None  # for list columns read per chunk: chunk of pks -> {pk: [items]}
    foreign_key: tuple = ()  # (table, column) this column refers to
    listed: bool = False  # a list of items: a JSON array, a joined CSV cell

    @property
    def is_text(self):
        return self.type == "string"

    @property
    def is_list(self):
        return self.listed or self.many is not None


@dataclass
class Table:
    name: str
    model: type
    title: str
    description: str
    columns: list = field(default_factory=list)
    # A link table (claim_firms, ...): no identifier of its own, its key is its
    # columns together; `queryset` gives its public rows in download order.
    queryset: object = None
    key: tuple = ("id",)
    # A link table's owner: the field of `model` (the many-to-many table) whose
    # record lists the same pairs in a column of its own row (a claim's firms).
    owner: str = ""

    @property
    def is_link(self):
        return self.queryset is not None

    @property
    def owner_model(self):
        return self.model._meta.get_field(self.owner).related_model

    @property
    def column_names(self):
        return [column.name for column in self.columns]

    def public_queryset(self):
        """Every public row of the table (the lists' rule, public_rows), in its download order."""
        if self.queryset is not None:
            return self.queryset()
        return self.model.objects.public_rows().order_by(Length("public_id"), "public_id")

    def row_id(self, row):
        """The identifier a row is indexed under: its id, or its key columns joined."""
        return row[0] if not self.is_link else " ".join(row[: len(self.key)])

    def rows(self, queryset):
        """Yield each row of `queryset` as a list of Python values, in column order."""
        plain = [column for column in self.columns if not column.many]
        paths = [*(column.path for column in plain), "pk"]
        # Decided once per export, not once per cell: where each list column
        # goes in a row, and which plain columns need more than their value.
        many = [(i, column.many) for i, column in enumerate(self.columns) if column.many]
        finishers = [
            (i, finisher)
            for i, column in enumerate(self.columns)
            if not column.many and (finisher := self.finisher(column)) is not None
        ]
        rows = queryset.values_list(*paths).iterator(chunk_size=CHUNK_SIZE)
        # A chunk's primary keys are the IN list of each list column's reader.
        for chunk in batched(rows, CHUNK_SIZE):
            pks = [row[-1] for row in chunk]
            read = [(i, {pk: sorted(ids) for pk, ids in reader(pks).items()}) for i, reader in many]
            for row in chunk:
                values = list(row)
                pk = values.pop()
                # Ascending positions: each insert lands where its column is.
                for i, lookup in read:
                    values.insert(i, lookup.get(pk, []))
                for i, finisher in finishers:
                    values[i] = finisher(values[i])
                yield values

    def finisher(self, column):
        """The function a plain column's value goes through, or None if it is written as is."""
        if column.name == "aliases":
            return alias_list
        if column.name == "hub_url":
            prefix = f"{settings.HUB_SITE_URL}/{self.name}/"
            return lambda value: f"{prefix}{value}/"
        return None


def alias_list(value):
    """The stored aliases (one per line) as a list."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class InList(Lookup):
    """`lhs IN (values)`; on PostgreSQL `lhs = ANY(%s)`, the values as one array parameter.

    The list readers filter by a chunk's primary keys (CHUNK_SIZE): as an IN
    list, Django prepares and psycopg quotes each key one by one, which costs
    more than the query itself; as one array it is one parameter.
    """

    lookup_name = "in_list"

    def get_prep_lookup(self):
        return list(self.rhs)  # primary keys read from the database: nothing to prepare

    def as_sql(self, compiler, connection):
        return compiler.compile(In(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if all(value.__class__ is int for value in self.rhs):
            # Written here as an array literal: psycopg would quote a list item by item.
            array = "{" + ",".join(map(str, self.rhs)) + "}"
            return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", (
                *params,
                array,
            )
        return f"{lhs} = ANY(%s)", (*params, self.rhs)


@dataclass(frozen=True)
class Many:
    """A list column's reader, from one queryset of (owner pk, identifier) pairs.

    Called with a chunk of owner pks it gives {owner pk: [identifiers]}; the
    SQL writer (downloads.sqlcsv) aggregates the same pairs in the database.
    """

    pairs: object  # () -> values_list(owner pk, identifier) over every public link
    owner: str  # the owner pk's column in `pairs`, for filtering by a chunk
    distinct: bool = False  # list an identifier once however many pairs repeat it

    def __call__(self, pks):
        result = {}
        for pk, identifier in self.pairs().filter(InList(F(self.owner), pks)):
            result.setdefault(pk, []).append(identifier)
        if self.distinct:
            return {pk: list(dict.fromkeys(ids)) for pk, ids in result.items()}
        return result


def linked(through, owner, other, *, other_status=True):
    """{owner pk: [public ids of the linked public records]}."""

    def pairs():
        rows = through.objects.all()
        if other_status:
            rows = rows.filter(**{f"{other}__status": Status.PUBLISHED})
        return rows.values_list(f"{owner}_id", f"{other}__public_id")

    return Many(pairs, f"{owner}_id")


def link_rows(through, owner, other, *, owner_rows, other_rows):
    """The public pairs of a many-to-many table, in download order (owner id, then other id).

    `owner_rows` and `other_rows` are the public_rows() of the two sides: a
    pair is listed when both of its records are in their tables.
    """

    def queryset():
        return through.objects.filter(
            **{f"{owner}__in": owner_rows(), f"{other}__in": other_rows()}
        ).order_by(
            Length(f"{owner}__public_id"),
            f"{owner}__public_id",
            Length(f"{other}__public_id"),
            f"{other}__public_id",
        )

    return queryset


def c(name, type_, description, path=None, **kwargs):
    return Column(name, type_, description, path if path is not None else name, **kwargs)


# Columns and words many tables share.
def precision_of(date, precision):
    """A date's precision, empty when there is no date (an undated claim is not `day`)."""
    return Case(
        When(**{f"{date}__isnull": True}, then=Value(None)),
        default=F(precision),
        output_field=CharField(),
    )


ID = c(
    "id", "string", "Stable public identifier; the record's page is /<table>/<id>/.", "public_id"
)
LAST_UPDATE = c("last_update", "integer", "Number of the update that last changed this record.")
HUB_URL = c("hub_url", "string", "The record's permanent URL on the hub.", "public_id")
DATE_PRECISION = (
    "How much of the date is known: day, month or year (2024 is 2024-01-01 + year); "
    "empty when there is no date."
)
# Beside each text readers read, the hub's Ukrainian text of it.
UK_TEXT = "The hub's Ukrainian text of {}; empty when not yet translated."
LISTED = (
    f"In the CSV one cell, the items joined with '{SEPARATOR}' (for reading); in the JSON an array."
)

# Table titles and descriptions are marked with gettext_noop: the downloads page
# shows them translated, while the data packages and codebooks stay in English.
