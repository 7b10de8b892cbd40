"""Writing rows as CSV (spreadsheet-safe) and as JSON (exact).

One cell writer for every CSV the hub produces: a text cell that a
spreadsheet would read as a formula (it starts with =, +, -, @, tab, CR, LF
or NUL) gets a leading single quote (OWASP's advice on CSV injection).
Number, date and boolean columns are never altered. JSON carries the exact
values, unescaped.
"""

import csv
import datetime
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def csv_cell(column, value):
    if value is None:
        return ""
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


def csv_lines(table, rows):
    """Yield the CSV text of a header and `rows`, line by line (RFC 4180, CRLF)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(table.column_names)
    for row in rows:
        yield writer.writerow(csv_record(table, row))


def csv_record(table, row):
    return [csv_cell(column, value) for column, value in zip(table.columns, row, strict=True)]


def json_row(table, row):
    return {
        column.name: json_value(value) for column, value in zip(table.columns, row, strict=True)
    }
