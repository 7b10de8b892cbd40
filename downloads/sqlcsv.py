"""CSV lines written by PostgreSQL itself, byte for byte as downloads.writers writes them.

The Python writer (`writers.csv_lines` over `Table.rows`) spends most of an
export converting values into Python objects and back into text. On
PostgreSQL, for a table whose every cell the database can write exactly as
the Python writer does, one query instead returns each finished CSV line:
the same rows (the list's own queryset, filters and order), the same cell
text (formula guard, decimals, dates, booleans), the same many-to-many
cells (each reader's own pairs queryset, aggregated) and the same RFC 4180
quoting. Python then only joins lines. `tests/downloads/test_sqlcsv.py`
compares both writers byte for byte, hostile values included.

A table with a cell the database cannot write identically (a float, whose
shortest text differs between Python and PostgreSQL, or a value that goes
through a Python finisher such as the alias list) keeps the Python writer:
`sql_csv_lines` returns None for it.
"""

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FieldError
from django.db import connections, models, transaction
from django.db.models import F, OrderBy

from .writers import FORMULA_TRIGGERS, ROWS_PER_BLOCK


class Unsupported(Exception):
    """A cell PostgreSQL cannot write exactly as the Python writer does."""


def _field(model, path):
    """The model field at the end of an ORM path such as "source__public_id".

    A column computed by an expression (its path is the expression) has its output field.
    """
    if not isinstance(path, str):
        try:
            return path.output_field
        except FieldError as error:
            raise Unsupported(repr(path)) from error
    *relations, last = path.split("__")
    try:
        for name in relations:
            model = model._meta.get_field(name).related_model
        field = model._meta.pk if last == "pk" else model._meta.get_field(last)
    except FieldDoesNotExist as error:  # an annotation: only the Python writer knows it
        raise Unsupported(path) from error
    # The value of a foreign key column is the related primary key.
    return field.target_field if field.is_relation else field


def _text_guard(sql):
    """The formula guard of writers.csv_cell: a leading quote before a formula trigger."""
    triggers = ", ".join(f"E'{_escape(t)}'" for t in FORMULA_TRIGGERS if t != "\0")
    return f"CASE WHEN left({sql}, 1) IN ({triggers}) THEN '''' || {sql} ELSE {sql} END"


def _escape(char):
    return {"\t": "\\t", "\r": "\\r", "\n": "\\n", "'": "''", "\\": "\\\\"}.get(char, char)


def _cell(column, field, sql, table):
    """SQL for the text of one plain cell, NULL for an empty cell."""
    finisher = table.finisher(column)
    if finisher is not None and column.name != "hub_url":
        raise Unsupported(column.name)
    if column.name == "hub_url":
        prefix = f"{settings.HUB_SITE_URL}/{table.name}/".replace("'", "''")
        sql = f"('{prefix}' || {sql} || '/')"
    if isinstance(field, models.BooleanField):
        return f"CASE WHEN {sql} THEN 'true' WHEN NOT {sql} THEN 'false' END"
    if isinstance(field, models.DecimalField):
        return f"trim_scale({sql})::text"
    if isinstance(field, models.DateTimeField):
        raise Unsupported(column.name)
    if isinstance(field, models.DateField):
        return f"to_char({sql}, 'YYYY-MM-DD')"
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return f"{sql}::text"
    if isinstance(field, (models.CharField, models.TextField)):
        if not column.is_text:
            raise Unsupported(column.name)
        if field.name == "public_id" or column.name == "hub_url" or _closed(field):
            # Starts with its model's letters (a database constraint), the site's
            # address, or is one of a closed vocabulary: never a formula, so no
            # guard to compute on every row.
            return sql
        return _text_guard(sql)
    raise Unsupported(column.name)


def _closed(field):
    """A text field whose every value is one of its choices, none needing a guard or quotes.

    The closed vocabularies are database constraints (hub.models, entities,
    evidence), so a value outside them cannot be stored.
    """
    values = [str(value) for value, _ in getattr(field, "flatchoices", None) or []]
    return bool(values) and all(
        value
        and not value.startswith(FORMULA_TRIGGERS)
        and not any(char in value for char in ',"\r\n')
        for value in values
    )


def _quoted(sql):
    """RFC 4180 quoting as csv.writer does it (QUOTE_MINIMAL, CRLF): empty for NULL.

    strpos, not a regular expression: four plain searches cost far less per cell.
    """
    special = " OR ".join(
        f"strpos({sql}, {char}) > 0" for char in ("','", "'\"'", "E'\\n'", "E'\\r'")
    )
    return (
        f"CASE WHEN {special} "
        f"THEN '\"' || replace({sql}, '\"', '\"\"') || '\"' ELSE coalesce({sql}, '') END"
    )


def _compiled(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _ordering(queryset):
    """The queryset's ordering as (expression, descending, nulls_first, nulls_last) items."""
    items = []
    for item in list(queryset.query.order_by) or list(queryset.model._meta.ordering):
        if isinstance(item, str):
            items.append((F(item.lstrip("-")), item.startswith("-"), None, None))
        elif isinstance(item, OrderBy):
            items.append((item.expression, item.descending, item.nulls_first, item.nulls_last))
        else:
            items.append((item, False, None, None))
    return items


def line_query(table, queryset):
    """(sql, params) of a query giving each row's CSV line, in the queryset's order.

    The rows are the queryset's own (its filters, its repeats or DISTINCT),
    with its sort keys selected so that the outer query can sort by them.
    Each many-to-many cell comes from its reader's pairs, aggregated per
    owner for the owners the queryset selects, and joined by hash.
    """
    model = queryset.model
    plain = [column for column in table.columns if not column.many]
    ordering = _ordering(queryset)
    keys = {f"_hub_o{i}": expression for i, (expression, *_) in enumerate(ordering)}
    rows_sql, params = _compiled(
        queryset.annotate(**keys)
        .order_by()
        .values_list("pk", *(column.path for column in plain), *keys)
    )
    owners_sql, owners_params = _compiled(queryset.order_by().values("pk"))
    # Aggregating a link table for the selected owners only pays when the
    # list is filtered; for every public row, aggregating it all is cheaper.
    restrict = (owners_sql, owners_params) != _compiled(
        table.public_queryset().order_by().values("pk")
    )
    names = ["pk", *(f"c{i}" for i in range(len(plain))), *keys]
    order = ", ".join(
        f"sel.{name}{' DESC' if descending else ''}"
        f"{' NULLS FIRST' if first else ''}{' NULLS LAST' if last else ''}"
        for name, (_, descending, first, last) in zip(keys, ordering, strict=True)
    )

    fields = {column.name: _field(model, column.path) for column in plain}
    cells = {
        column.name: _cell(column, fields[column.name], f"sel.c{i}", table)
        for i, column in enumerate(plain)
    }

    joins = []
    for i, column in enumerate(table.columns):
        if not column.many:
            continue
        pairs_sql, pairs_params = _compiled(column.many.pairs())
        alias = f"m{i}"
        distinct = "DISTINCT " if column.many.distinct else ""
        joins.append(
            f"LEFT JOIN (SELECT owner, string_agg({distinct}identifier::text COLLATE \"C\", ';' "
            f'ORDER BY identifier::text COLLATE "C") AS ids FROM ({pairs_sql}) AS pairs (owner, identifier) '
            + (f"WHERE owner IN ({owners_sql}) " if restrict else "")
            + f"GROUP BY owner) AS {alias} ON {alias}.owner = sel.pk"
        )
        params.extend([*pairs_params, *(owners_params if restrict else [])])
        # Identifiers never start a formula, but the Python writer checks every text cell.
        cells[column.name] = _text_guard(f"{alias}.ids")

    # Each cell's text is computed once, in a subquery that OFFSET 0 keeps
    # PostgreSQL from merging into the outer one (it would repeat the cell's
    # expression in every test of the quoting).
    texts = ", ".join(f"{cells[column.name]} AS t{i}" for i, column in enumerate(table.columns))
    closed = {name for name, field in fields.items() if _closed(field)}
    line = " || ',' || ".join(
        _quoted(f"t{i}") if column.is_text and column.name not in closed else f"coalesce(t{i}, '')"
        for i, column in enumerate(table.columns)
    )
    sql = (
        f"SELECT {line} || E'\\r\\n' FROM (SELECT {texts}, {', '.join(f'sel.{key}' for key in keys)} "
        f"FROM ({rows_sql}) AS sel ({', '.join(names)}) {' '.join(joins)} OFFSET 0) AS sel "
        f"ORDER BY {order}"
    )
    return sql, params


def sql_csv_lines(table, queryset, header):
    """Blocks of CSV text from PostgreSQL, the header first; None where unsupported."""
    # The database the queryset reads from (a replica, where the router says so).
    alias = queryset.db
    if connections[alias].vendor != "postgresql":
        return None
    try:
        sql, params = line_query(table, queryset)
    except Unsupported:
        return None
    except EmptyResultSet:  # a filter no row can match: Django sends no query at all
        return iter([header])
    return _stream(alias, sql, params, header)


def _stream(alias, sql, params, header):
    yield header
    connection = connections[alias]
    # A server-side cursor inside a transaction (not held past it): rows
    # arrive block by block as PostgreSQL produces them; memory stays flat.
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        # For this transaction only: room to sort and aggregate in memory; the
        # whole result wanted, not its first rows fast; no parallel workers
        # (each would build every aggregate again); no JIT compilation (it
        # costs seconds on a plan this size and saves less).
        cursor.execute(
            "SELECT set_config('work_mem', '64MB', true), "
            "set_config('cursor_tuple_fraction', '1', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), "
            "set_config('jit', 'off', true)"
        )
        with connection.chunked_cursor() as rows:
            rows.execute(sql, params)
            while block := rows.fetchmany(ROWS_PER_BLOCK):
                yield "".join(line for (line,) in block)
