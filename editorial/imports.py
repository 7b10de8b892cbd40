"""Spreadsheet import: staff stage many records at once from a CSV or .xlsx file.

The file format is the seed format (seeds/README.md) as a table: one file per
table, a header row of field names, one record per row. `public_id` is
optional: when given, the row is an edit of that published record; when
empty, a new record is staged under the next identifier. Relations are
public identifiers (sectors: slugs); many-to-many cells and `aliases` hold
several, separated by ";".

An import is all or nothing. It runs in one transaction, each row in its own
savepoint so that a bad row does not stop the others from being checked;
if any row is bad, or if it is a dry run, the transaction is rolled back
and nothing is staged. A successful import leaves pending `Change`s only:
nothing public changes until a reviewer publishes an update.

Why the django-import-export resources only *read* here: their own
`import_row` builds model instances, saves them and then their many-to-many
fields, and diffs instances. Every write of a public record must instead go
through `editorial.staging.stage_new` / `stage_edit`, which take serialised
values (public identifiers, ISO dates) and create the draft themselves, so
overriding `save_instance` would leave the library's m2m saving, instance
diffing and error bookkeeping working against the service. So the
`ModelResource`s declare the columns of each table (generated from the
model, as the seed files have them) and their widgets turn cells into seed
values; this module walks the rows and calls staging.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from import_export import resources, widgets
from import_export.fields import Field

from entities import places
from entities.models import Firm, Site
from evidence.models import Citation, Claim, Source

from . import staging, values

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
PROGRESS_EVERY = 100


class ImportFileError(Exception):
    """The file cannot be read as a table of this kind; no row was looked at."""


class RowError(Exception):
    """One row cannot be staged; the message says which field and why."""


# Cells -> seed values ------------------------------------------------------


def _filled(value):
    return value is not None and not (isinstance(value, str) and not value.strip())


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an .xlsx number in a text column: 600031, not 600031.0
        # Spreadsheets on Windows write line breaks in cells as \r\n; the data uses \n.
        return super().clean(value, row, **kwargs).replace("\r\n", "\n")


class IdentifierWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return str(value).strip() if _filled(value) else None


class ListWidget(widgets.Widget):
    """`F0001; F0002` -> ["F0001", "F0002"]."""

    def clean(self, value, row=None, **kwargs):
        if not _filled(value):
            return []
        return [part.strip() for part in str(value).split(";") if part.strip()]


class YesNoWidget(widgets.BooleanWidget):
    # The library's widget reads anything it does not know as False; a typo must be an error.
    def clean(self, value, row=None, **kwargs):
        text = str(value).strip().lower() if value is not None else ""
        if text in {"", "none", "null"}:
            return None
        if text in {"1", "true", "yes"}:
            return True
        if text in {"0", "false", "no"}:
            return False
        raise ValueError(f"expected true or false, not {value!r}")


class IsoDateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if hasattr(value, "date"):  # an .xlsx date cell arrives as a datetime
            value = value.date()
        try:
            return super().clean(value.strip() if isinstance(value, str) else value)
        except (ValueError, TypeError):
            raise ValueError(f"expected a date as YYYY-MM-DD, not {value!r}") from None


class NumberWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            value = repr(value)  # 47.45361 stays 47.45361, not 47.4536099999…
        try:
            number = super().clean(value)
        except (ArithmeticError, ValueError, TypeError):
            number = Decimal("NaN")
        # Also refuses 1e999999999, whose digits would all be written out.
        if number is not None and not (number.is_finite() and number.adjusted() < 20):
            raise ValueError(f"expected a number, not {value!r}")
        return number


class WholeNumberWidget(NumberWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(f"expected a whole number, not {value!r}")
        return int(number)


def cell_widget(field):
    if field.many_to_many or field.name == "aliases":
        return ListWidget()
    if field.is_relation or field.name == "public_id":
        return IdentifierWidget()
    if isinstance(field, models.BooleanField):
        return YesNoWidget()
    if isinstance(field, models.DateField):
        return IsoDateWidget()
    if isinstance(field, models.DecimalField):
        return NumberWidget()
    if isinstance(field, models.IntegerField):
        return WholeNumberWidget()
    return TextWidget()


class SeedResource(resources.ModelResource):
    """The columns of one table, named as in seeds/*.json, each with the widget that reads it."""

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        return Field(
            attribute=field_name,
            column_name=field_name,
            widget=cell_widget(django_field),
            readonly=readonly,
        )


def _meta(model):
    return type(
        "Meta",
        (),
        {
            "model": model,
            "fields": ("public_id", *values.editable_fields(model)),
            "import_id_fields": ("public_id",),
        },
    )


class FirmResource(SeedResource):
    Meta = _meta(Firm)


class SiteResource(SeedResource):
    Meta = _meta(Site)


class SourceResource(SeedResource):
    Meta = _meta(Source)


class ClaimResource(SeedResource):
    Meta = _meta(Claim)


class CitationResource(SeedResource):
    Meta = _meta(Citation)


# In the order a dataset is best imported: a table refers only to tables above it.
RESOURCES = {
    "sources": SourceResource,
    "firms": FirmResource,
    "sites": SiteResource,
    "claims": ClaimResource,
    "citations": CitationResource,
}


def required_columns(model):
    """The fields every new record must be given (no default, not blank)."""
    return [
        name
        for name, field in values.editable_fields(model).items()
        if not (field.many_to_many or field.blank or field.null or field.has_default())
    ]


# Reading the file -------------------------------------------------------


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict
    extra: int  # filled cells beyond the last named column


@dataclass
class Sheet:
    headers: list
    rows: list


def read_table(content, filename=""):
    """The rows of an uploaded CSV (UTF-8) or .xlsx file; ImportFileError if it is not one."""
    if not content:
        raise ImportFileError("The file is empty.")
    if len(content) > MAX_BYTES:
        raise ImportFileError("The file is larger than 10 MB: split it into smaller files.")
    suffix = PurePath(filename).suffix.lower()
    is_zip = content.startswith(b"PK\x03\x04")
    if suffix == ".xlsx" or (is_zip and suffix not in {".csv", ".txt"}):
        grid = _xlsx_grid(content)
    elif suffix in {".csv", ".txt", ""} and not is_zip:
        grid = _csv_grid(content)
    else:
        raise ImportFileError("Upload a CSV file (UTF-8) or an .xlsx workbook.")
    return _sheet(grid)


def _csv_grid(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} is not): save it as "
            "'CSV UTF-8' and upload it again."
        ) from error
    if "\x00" in text:
        raise ImportFileError("The file holds binary data: it is not a CSV file.")
    if text.lstrip()[:1] in {"[", "{"}:
        raise ImportFileError("This looks like JSON: upload the table as CSV or .xlsx.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return _bounded(reader)
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num} cannot be read as CSV: {error}.") from error


def _xlsx_grid(content):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
            return _bounded(rows)
        finally:
            book.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise ImportFileError("The file cannot be read as an .xlsx workbook.") from error


def _bounded(rows):
    grid = []
    for cells in rows:
        if len(grid) > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows: split it.")
        grid.append(list(cells))
    return grid


def _sheet(grid):
    if not grid or not any(_filled(cell) for cell in grid[0]):
        raise ImportFileError("Row 1 must name the columns, but it is empty.")
    headers = [str(cell).strip().lower() if _filled(cell) else "" for cell in grid[0]]
    while not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(f"The file has more than {MAX_COLUMNS} columns.")
    if "" in headers:
        raise ImportFileError(f"Column {headers.index('') + 1} has no name in row 1.")
    repeated = sorted({name for name in headers if headers.count(name) > 1})
    if repeated:
        raise ImportFileError(f"Columns appear twice: {', '.join(repeated)}.")
    rows = []
    width = len(headers)
    for number, cells in enumerate(grid[1:], start=2):
        if not any(_filled(cell) for cell in cells):
            continue  # a blank line, e.g. at the end of a sheet; numbering goes on
        padded = list(cells[:width]) + [None] * (width - len(cells))
        extra = sum(1 for cell in cells[width:] if _filled(cell))
        rows.append(Row(number, dict(zip(headers, padded, strict=True)), extra))
    if not rows:
        raise ImportFileError("The file has a header row but no records.")
    return Sheet(headers, rows)


def check_columns(table, sheet):
    """Refuse unknown columns, and missing required ones when the file adds records."""
    resource = RESOURCES[table]()
    model = resource._meta.model
    known = list(resource.fields)
    unknown = [name for name in sheet.headers if name not in known]
    if unknown:
        raise ImportFileError(
            f"Unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}. "
            f"The columns of {table} are: {', '.join(known)}."
        )
    adds = "public_id" not in sheet.headers or any(
        not _filled(row.cells["public_id"]) for row in sheet.rows
    )
    missing = [name for name in required_columns(model) if name not in sheet.headers]
    if adds and missing:
        raise ImportFileError(
            f"Missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
            f"(every new {model._meta.verbose_name} needs {'them' if len(missing) > 1 else 'it'})."
        )


# Importing -----------------------------------------------------------------

ROW_ERRORS = (
    RowError,
    staging.StagingRefused,
    ValidationError,
    LookupError,
    ValueError,
    TypeError,
    ArithmeticError,
    DatabaseError,
)


def run_import(*, table, sheet, user, commit, progress=None):
    """Check every row, staging each; keep the lot only if `commit` and no row is bad.

    Returns the report: {"rows": [outcome per good row], "errors": [{"row",
    "reason"}], "counts", "staged"}; `progress(processed, total)` is called
    every PROGRESS_EVERY rows.
    """
    resource = RESOURCES[table]()
    model = resource._meta.model
    total = len(sheet.rows)
    outcomes, errors, first_seen = [], [], {}
    with transaction.atomic():
        for index, row in enumerate(sheet.rows, start=1):
            try:
                with transaction.atomic():  # a savepoint: a bad row leaves nothing behind
                    outcomes.append(_import_row(resource, model, row, user, first_seen))
            except ROW_ERRORS as error:
                reason = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                errors.append({"row": row.number, "reason": str(reason)})
            if progress is not None and index % PROGRESS_EVERY == 0:
                progress(index, total)
        if errors or not commit:
            transaction.set_rollback(True)
    if progress is not None and total % PROGRESS_EVERY:
        progress(total, total)
    counts = dict.fromkeys(("new", "edit", "unchanged"), 0)
    for outcome in outcomes:
        counts[outcome["action"]] += 1
    staged = counts["new"] + counts["edit"] if commit and not errors else 0
    return {
        "table": table,
        "commit": commit,
        "total": total,
        "rows": outcomes,
        "errors": errors,
        "counts": counts,
        "staged": staged,
    }


def _import_row(resource, model, row, user, first_seen):
    if row.extra:
        raise RowError(f"{row.extra} filled cell(s) beyond the last named column")
    fields, problems = {}, []
    if model is Site:
        # Source labels ("TOT Ukraine", "Crimea, Russia", "DNR") -> Ukraine, occupied, oblast.
        row.cells = places.read_site_cells(row.cells)
    for name in row.cells:
        try:
            cleaned = resource.fields[name].clean(row.cells)
            if name != "public_id":
                # Resolves identifiers too: "firms: no firm 'F9999'".
                values.deserialize(model, name, cleaned)
        except (ValueError, LookupError, TypeError, ArithmeticError) as error:
            problems.append(f"{name}: {error}")
            continue
        except ValidationError as error:
            problems.append(f"{name}: {' '.join(error.messages)}")
            continue
        fields[name] = values.to_json(cleaned)
    if problems:
        raise RowError("; ".join(problems))
    public_id = fields.pop("public_id", None)
    if not public_id:
        change = staging.stage_new(model=model, fields=fields, user=user)
        return {
            "row": row.number,
            "action": "new",
            "public_id": change.public_id,
            "label": change.label,
        }
    if public_id in first_seen:
        raise RowError(f"public_id: {public_id} is already on row {first_seen[public_id]}")
    first_seen[public_id] = row.number
    record = model.objects.filter(public_id=public_id).first()
    if record is None:
        raise RowError(
            f"public_id: no {model._meta.verbose_name} {public_id!r} "
            "(leave public_id empty to add a new record)"
        )
    before = values.snapshot(record)
    after = values.normalise(model, fields)
    changes = [
        {"field": name, "before": before[name], "after": value}
        for name, value in after.items()
        if before[name] != value
    ]
    outcome = {"row": row.number, "public_id": public_id, "label": str(record)[:255]}
    if not changes:
        return {**outcome, "action": "unchanged"}
    staging.stage_edit(record=record, fields=fields, user=user)
    return {**outcome, "action": "edit", "changes": changes}
