"""Writing rows as CSV (spreadsheet-safe) and as JSON (exact).

One cell writer for every CSV the hub produces: a text cell that a
spreadsheet would read as a formula (it starts with =, +, -, @, tab, CR, LF
or NUL) gets a leading single quote (OWASP's advice on CSV injection).
Number, date and boolean columns are never altered. JSON carries the exact
values, unescaped.
"""

import csv
import datetime
import io
from decimal import Decimal
from itertools import batched

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# The items of a list column in one CSV cell are joined with this.
SEPARATOR = ";"


def csv_cell(column, value):
    if value is None:
        return ""
    if isinstance(value, list):
        # A list column: one readable cell (the JSON has the array).
        value = SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = str(value)
    if column.is_text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


class _Line:
    """A file-like object whose write() returns the line, for streaming csv.writer."""

    def write(self, text):
        return text


# Rows per block of text that csv_lines yields: one write to the client per
# block of rows rather than one per line.
ROWS_PER_BLOCK = 2000


def csv_lines(table, rows):
    """Yield the CSV text of a header and `rows`, a block of lines at a time (RFC 4180, CRLF).

    The header comes first, on its own, before any row is read.
    """
    yield csv_header(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    record = _csv_values(table)
    for block in batched(rows, ROWS_PER_BLOCK):
        writer.writerows(map(record, block))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_header(table):
    return csv.writer(_Line(), lineterminator="\r\n").writerow(table.column_names)


def csv_record(table, row):
    return [csv_cell(column, value) for column, value in zip(table.columns, row, strict=True)]


def _csv_values(table):
    """csv_record for csv.writer, without a function call for most cells.

    A cell keeps its value where csv.writer writes it exactly as csv_cell
    would: a text cell that is a string not starting a formula, and in other
    columns None (an empty cell), an int or a date (str() of them is what
    csv_cell gives). Everything else goes through csv_cell.
    """
    columns = [(column, column.is_text) for column in table.columns]

    def record(row):
        return [
            value
            if (
                (value.__class__ is str and not value.startswith(FORMULA_TRIGGERS))
                if is_text
                else (value is None or value.__class__ is int or value.__class__ is _DATE)
            )
            else csv_cell(column, value)
            for (column, is_text), value in zip(columns, row, strict=True)
        ]

    return record


_DATE = datetime.date


def json_row(table, row):
    return {
        column.name: json_value(value) for column, value in zip(table.columns, row, strict=True)
    }
