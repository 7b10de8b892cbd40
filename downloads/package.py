"""The frozen data package of each published update.

`build_package` runs inside the publishing transaction, reading exactly the
state that update N makes public, and writes once, to
HUB_DOWNLOADS_ROOT/update-NNNN/:

- <table>.csv   one per table, spreadsheet-safe (see downloads.writers)
- <table>.jsonl one per table, exact values, one JSON object per line
- delta.jsonl   rows added, changed and withdrawn since update N-1, with the
                corrections each answers; applying it to N-1's tables gives N's
- datapackage.json (Frictionless Table Schema), codebook.md, CITATION.cff
- manifest.json row counts, sizes and SHA-256 of every file
- tot-insights-hub-update-N.zip  all of the above

The files are never written again: a later download of update N gets the
same bytes. A directory left by a publish that rolled back belongs to no
update (the views only serve numbers that exist) and is replaced when that
number is next published.
"""

import csv
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from django.conf import settings

from .tables import TABLES
from .writers import csv_record, json_row

README_NAMES = ["datapackage.json", "codebook.md", "CITATION.cff", "manifest.json"]


def root():
    return Path(settings.HUB_DOWNLOADS_ROOT)


def directory(number):
    return root() / f"update-{number:04d}"


def zip_name(update):
    return f"tot-insights-hub-update-{update.number}.zip"


def table_files():
    return [f"{table.name}.{ext}" for table in TABLES for ext in ("csv", "jsonl")]


def file_path(update, name):
    """The path of an allowed file of the update's package, or None (no path tricks)."""
    allowed = {*table_files(), "delta.jsonl", *README_NAMES, zip_name(update)}
    path = directory(update.number) / name
    return path if name in allowed and path.is_file() else None


def files_of(update):
    """The manifest's entries plus the zip, for the downloads page."""
    manifest = directory(update.number) / "manifest.json"
    if not manifest.is_file():
        return []
    entries = json.loads(manifest.read_text())["files"]
    archive = directory(update.number) / zip_name(update)
    checksum = archive.with_name(f"{archive.name}.sha256")
    entries.append(
        {
            "name": zip_name(update),
            "bytes": archive.stat().st_size,
            "rows": None,
            "sha256": checksum.read_text().split()[0] if checksum.is_file() else "",
        }
    )
    return entries


def build_package(update, *, answered=None):
    """Write update N's package. `answered` maps record ids to correction references."""
    final = directory(update.number)
    partial = root() / f".update-{update.number:04d}.partial"
    for stale in (final, partial):
        if stale.exists():
            shutil.rmtree(stale)
    partial.mkdir(parents=True)
    try:
        counts = {table.name: _write_table(partial, table) for table in TABLES}
        counts["delta"] = _write_delta(partial, update.number, answered or {})
        (partial / "datapackage.json").write_text(
            json.dumps(datapackage(update), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (partial / "codebook.md").write_text(codebook(update), encoding="utf-8")
        (partial / "CITATION.cff").write_text(citation_cff(update), encoding="utf-8")
        _write_manifest(partial, update, counts)
        _write_zip(partial, update)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _write_table(folder, table):
    rows = 0
    with (
        (folder / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as csv_file,
        (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as jsonl_file,
    ):
        writer = csv.writer(csv_file, lineterminator="\r\n")
        writer.writerow(table.column_names)
        for row in table.rows(table.public_queryset()):
            writer.writerow(csv_record(table, row))
            jsonl_file.write(json.dumps(json_row(table, row), ensure_ascii=False) + "\n")
            rows += 1
    return rows


def _order(identifier):
    return (len(identifier), identifier)


def _read_jsonl(path):
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _write_delta(folder, number, answered):
    """Diff N-1's frozen tables against N's, row by row (both sorted by identifier)."""
    previous = directory(number - 1)
    written = 0
    with (folder / "delta.jsonl").open("w", encoding="utf-8") as out:
        for table in TABLES:
            old = _read_jsonl(previous / f"{table.name}.jsonl")
            new = _read_jsonl(folder / f"{table.name}.jsonl")
            for action, identifier, row in _merge_diff(old, new):
                entry = {
                    "table": table.name,
                    "action": action,
                    "id": identifier,
                    "row": row,
                    "corrections": answered.get(identifier, []),
                }
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
                written += 1
    return written


def _merge_diff(old, new):
    sentinel = None
    old_row, new_row = next(old, sentinel), next(new, sentinel)
    while old_row is not None or new_row is not None:
        if new_row is None or (
            old_row is not None and _order(old_row["id"]) < _order(new_row["id"])
        ):
            yield "withdrawn", old_row["id"], None
            old_row = next(old, sentinel)
        elif old_row is None or _order(new_row["id"]) < _order(old_row["id"]):
            yield "added", new_row["id"], new_row
            new_row = next(new, sentinel)
        else:
            if old_row != new_row:
                yield "changed", new_row["id"], new_row
            old_row, new_row = next(old, sentinel), next(new, sentinel)


def datapackage(update):
    resources = []
    for table in TABLES:
        schema = {
            "fields": [
                {"name": column.name, "type": column.type, "description": column.description}
                for column in table.columns
            ],
            "primaryKey": ["id"],
            "missingValues": [""],
        }
        keys = [
            {
                "fields": [column.name],
                "reference": {"resource": column.foreign_key[0], "fields": [column.foreign_key[1]]},
            }
            for column in table.columns
            if column.foreign_key
        ]
        if keys:
            schema["foreignKeys"] = keys
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    package = {
        "name": "tot-insights-hub",
        "title": "TOT Insights Hub: foreign firms in the occupied territories of Ukraine",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": settings.HUB_DATA_LICENSE_URL,
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "homepage": f"{settings.HUB_SITE_URL}/downloads/",
        "resources": resources,
    }
    if update is not None:
        package["version"] = str(update.number)
        package["created"] = update.published_at.isoformat()
        if update.is_synthetic:
            # Generated test data (generate_synthetic), never evidence: said in the package itself.
            package["title"] += " (SYNTHETIC TEST DATA)"
            package["synthetic"] = True
    return package


def codebook(update):
    lines = [
        f"# TOT Insights Hub, update {update.number}: codebook",
        "",
        f"Published {update.published_at:%Y-%m-%d}. Licence: CC BY 4.0. Cite as shown in CITATION.cff.",
        "",
        "Each table is given twice: `<table>.csv` (UTF-8, RFC 4180; a text cell starting with",
        "=, +, -, @, tab, CR, LF or NUL is prefixed with a single quote so that spreadsheets do",
        "not run it) and `<table>.jsonl` (one JSON object per line, exact values). Several",
        "identifiers in one cell are separated by `;`. `delta.jsonl` lists the rows added,",
        "changed and withdrawn since the previous update, with the corrections they answer.",
        "",
    ]
    for table in TABLES:
        lines += [
            f"## {table.name}: {table.title}",
            "",
            table.description,
            "",
            "| column | type | meaning |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{column.name}` | {column.type} | {column.description} |"
            for column in table.columns
        ]
        lines.append("")
    return "\n".join(lines)


def citation_cff(update):
    return "\n".join(
        [
            "cff-version: 1.2.0",
            'message: "If you use this dataset, please cite it as below."',
            "type: dataset",
            'title: "TOT Insights Hub: foreign firms in the occupied territories of Ukraine"',
            f'version: "update {update.number}"',
            f"date-released: {update.published_at:%Y-%m-%d}",
            "license: CC-BY-4.0",
            f'url: "{settings.HUB_SITE_URL}/updates/{update.number}/"',
            f'repository-artifact: "{settings.HUB_SITE_URL}/downloads/updates/{update.number}/{zip_name(update)}"',
            "authors:",
            '  - name: "TOT Insights Hub research team"',
            "",
        ]
    )


def _write_manifest(folder, update, counts):
    files = []
    for name in [*table_files(), "delta.jsonl", "datapackage.json", "codebook.md", "CITATION.cff"]:
        data = (folder / name).read_bytes()
        stem = name.rsplit(".", 1)[0]
        files.append(
            {
                "name": name,
                "rows": counts.get(stem) if name.endswith((".csv", ".jsonl")) else None,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    manifest = {
        "update": update.number,
        "synthetic": update.is_synthetic,
        "published_at": update.published_at.isoformat(),
        "files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _write_zip(folder, update):
    stamp = update.published_at.timetuple()[:6]
    names = [*table_files(), "delta.jsonl", *README_NAMES]
    with zipfile.ZipFile(folder / zip_name(update), "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(
                f"tot-insights-hub-update-{update.number}/{name}", date_time=stamp
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (folder / name).read_bytes())
    # The zip cannot list its own hash in the manifest it contains: a file beside it does.
    digest = hashlib.sha256((folder / zip_name(update)).read_bytes()).hexdigest()
    (folder / f"{zip_name(update)}.sha256").write_text(f"{digest}  {zip_name(update)}\n")
