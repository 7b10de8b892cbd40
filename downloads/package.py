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

Beside them, `.index/` keeps each table's row identifiers and byte offsets
(never served: `file_path` serves the names above only), from which update
N+1's package is written by copying every row that did not change
(downloads.incremental); the zip's members are deflated in independent
segments so that unchanged ones are copied too (downloads.archive). Either
way the bytes are those of a full build (`manage.py build_package N
--compare` checks it).

The files are never written again: a later download of update N gets the
same bytes. The folder is written under a temporary name, sealed read-only
and moved into place once the publish has committed (downloads.integrity,
which also re-hashes published files against their manifests).
"""

import datetime
import json
import logging
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import archive, ftm, ftm_copy, incremental, integrity, readme
from .tables import TABLES

logger = logging.getLogger("hub.downloads")

README_NAMES = [
    "README.md",
    "LICENSE.txt",
    "datapackage.json",
    "codebook.md",
    "CITATION.cff",
    "manifest.json",
]
# The files written beside the tables and the delta, in manifest and zip order.
ABOUT_FILES = ["README.md", "LICENSE.txt", "datapackage.json", "codebook.md", "CITATION.cff"]
FTM_FILE = ftm.FILE


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
    allowed = {*table_files(), "delta.jsonl", FTM_FILE, *README_NAMES, zip_name(update)}
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


def build_package(update, *, answered=None, full=False, folder=None, after_commit=False):
    """Write update N's package. `answered` maps record ids to correction references.

    From N-1's package where it can (downloads.incremental: only the rows that
    changed are read again), else in full; both write the same bytes. `full`
    forces the full build; `folder` writes somewhere other than the update's
    own directory (manage.py build_package --compare). `after_commit`: the
    caller's transaction is the publish's own, and the folder is moved into
    place only once it commits (downloads.integrity).
    """
    final = folder or directory(update.number)
    if folder is None:
        from editorial.models import Update

        numbers = set(Update.objects.values_list("number", flat=True))
        integrity.sweep_orphans(root(), numbers)
    partial = final.parent / f".{final.name}.partial-{secrets.token_hex(4)}"
    partial.mkdir(parents=True)
    try:
        built = False
        if not full:
            try:
                _build_incremental(partial, update, answered or {})
                built = True
            except incremental.Unusable as reason:
                logger.info("update %s: full package build (%s)", update.number, reason)
                shutil.rmtree(partial)
                partial.mkdir()
        if not built:
            _build_full(partial, update, answered or {})
        integrity.seal(partial)
    except BaseException:
        integrity.remove(partial)
        raise
    if after_commit and folder is None:
        # update-NNNN/ appears only once its row is committed; a failed commit
        # leaves a temporary folder, which publish_update removes (or the next
        # publish, if the process died).
        integrity.expect(partial)
        transaction.on_commit(lambda: integrity.place(partial, final))
    else:
        # Not in a transaction of its own (a publish inside a caller's, as
        # load_seeds loads in one; a rebuild): placed now, the folder is an
        # orphan if that rolls back, removed by the next publish or verify_packages.
        integrity.place(partial, final)
    return final


def _build_full(folder, update, answered):
    today = incremental.database_today()
    tables = [incremental.write_table(folder, table) for table in TABLES]
    counts = {files.name: files.rows for files in tables}
    counts["delta"] = write_delta(
        folder, _diff_entries(directory(update.number - 1), folder), answered
    )
    with archive.pool() as executor:
        _finish(folder, update, tables, counts, today, executor)


def _build_incremental(folder, update, answered):
    from editorial.models import Change, Update

    number = update.number - 1
    previous_folder = directory(number)
    if not (previous_folder / incremental.INDEX / "meta.json").is_file():
        raise incremental.Unusable(f"update {number} has no package index")
    # The rows to regenerate are found from the update's changes: an update
    # made otherwise (generate_synthetic's, with no change per record) is built in full.
    made = Change.objects.filter(update=update).count()
    if update.is_synthetic or made != update.added + update.changed + update.withdrawn:
        raise incremental.Unusable(f"update {update.number} does not list its changes")
    earlier = Update.objects.filter(number=number).first()
    previous = incremental.load_previous(
        previous_folder, number, f"tot-insights-hub-update-{number}.zip"
    )
    if earlier is None or previous.manifest.get("published_at") != earlier.published_at.isoformat():
        # A folder left by another database sharing this downloads root, or a restore.
        raise incremental.Unusable(
            f"the package in {previous_folder.name} is not update {number}'s"
        )
    recorded = previous.sizes()
    today = incremental.database_today()
    since = datetime.date.fromisoformat(previous.meta["today"])
    affected = incremental.affected(update, since, today)
    with archive.pool() as executor:
        # N-1's zip, and the files of every table with a changed row, are
        # checked against their recorded SHA-256 while the rows are merged.
        checks = {previous.zip_path: _recorded_zip_hash(previous.zip_path)}
        verified = {}
        tables, counts, entries = [], {}, []
        for table in TABLES:
            if table.is_link:
                pks = affected[table.owner_model]
                files = incremental.merge_links(table, folder, previous, pks)
            else:
                pks = affected[table.model]
                files, delta = incremental.merge_table(table, folder, previous, pks)
                entries += [(table.name, *entry) for entry in delta]
            tables.append(files)
            counts[table.name] = files.rows
            if pks:
                for name in (f"{table.name}.csv", f"{table.name}.jsonl"):
                    checks[previous.folder / name] = recorded[name]["sha256"]
        if FTM_FILE in recorded:  # its unchanged entities are copied from it
            checks[previous.folder / FTM_FILE] = recorded[FTM_FILE]["sha256"]
        for path in checks:
            verified[path] = executor.submit(archive.sha256_of, path)
        counts["delta"] = write_delta(folder, entries, answered)
        hashes = _finish(folder, update, tables, counts, today, executor, previous=previous)
        for path, digest in verified.items():
            if digest.result() != checks[path]:
                raise incremental.Unusable(f"{path.name} differs from its recorded SHA-256")
        # A table with no changed row is N-1's file again: its hash must be N-1's.
        for files in tables:
            for name in (f"{files.name}.csv", f"{files.name}.jsonl"):
                unchecked = previous.folder / name not in checks
                if unchecked and hashes[name] != recorded[name]["sha256"]:
                    raise incremental.Unusable(f"{name} of update {number} was altered")


def _recorded_zip_hash(path):
    try:
        return path.with_name(f"{path.name}.sha256").read_text().split()[0]
    except (OSError, IndexError) as error:
        raise incremental.Unusable(f"no checksum for {path.name}") from error


def write_delta(folder, entries, answered):
    """Write delta.jsonl (the full and the incremental build alike); return its number of lines.

    `entries` are (table name, action, id, row or None) in table and download
    order: from the diff of N-1's and N's files (full build) or from the
    regenerated rows (downloads.incremental). `answered` maps record ids to
    the corrections they answer.
    """
    written = 0
    with (folder / "delta.jsonl").open("w", encoding="utf-8") as out:
        for table, action, identifier, row in entries:
            entry = {
                "table": table,
                "action": action,
                "id": identifier,
                "row": row,
                "corrections": answered.get(identifier, []),
            }
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            written += 1
    return written


def _finish(folder, update, tables, counts, today, executor, previous=None):
    """The readme files, the manifest (hashed in parallel), the zip, the index. Returns the hashes.

    `previous`: N-1's package (rowindex.Previous) when N is merged from it
    (the FollowTheMoney file copies its unchanged entities, and their
    compressed segments).
    """
    (folder / "datapackage.json").write_text(
        json.dumps(datapackage(update), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (folder / "codebook.md").write_text(codebook(update), encoding="utf-8")
    (folder / "CITATION.cff").write_text(citation_cff(update), encoding="utf-8")
    by_name = {files.name: files for files in tables}
    old_entities = ftm_copy.earlier(previous, FTM_FILE)
    entity_counts, ftm_offsets = ftm.write(folder, today, old=old_entities, tables=by_name)
    counts[FTM_FILE.removesuffix(".jsonl")] = sum(entity_counts.values())
    readme.write(folder, update, counts)
    names = [*table_files(), "delta.jsonl", FTM_FILE, *ABOUT_FILES]
    hashing = {name: executor.submit(archive.sha256_of, folder / name) for name in names}
    hashes = {}
    written = []
    entities, layout = ftm_copy.member(
        FTM_FILE, folder / FTM_FILE, ftm_offsets, by_name, old_entities
    )

    def members():
        for files in tables:
            for ext, ranges, reuse in [
                ("csv", files.csv_ranges(), files.csv_reuse),
                ("jsonl", files.jsonl_ranges(), files.jsonl_reuse),
            ]:
                name = f"{files.name}.{ext}"
                written.append(archive.Member(name, folder / name, ranges, reuse))
                yield written[-1]
        for name in [*names[len(table_files()) :], "manifest.json"]:
            if name == "manifest.json":  # last: it lists every other file's hash
                hashes.update({key: future.result() for key, future in hashing.items()})
                _write_manifest(folder, update, counts, hashes)
            path = folder / name
            if name == FTM_FILE:
                yield entities
                continue
            yield archive.Member(name, path, archive.byte_ranges(path.stat().st_size))

    archive.write_zip(
        folder / zip_name(update),
        members(),
        f"tot-insights-hub-update-{update.number}",
        update.published_at.timetuple()[:6],
        executor,
    )
    # The zip cannot list its own hash in the manifest it contains: a file beside it does.
    digest = archive.sha256_of(folder / zip_name(update))
    (folder / f"{zip_name(update)}.sha256").write_text(f"{digest}  {zip_name(update)}\n")
    incremental.write_index(folder, tables, written, today)
    ftm_copy.write_index(folder, ftm_offsets, layout, entities.compressed)
    return hashes


def _read_jsonl(path):
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _diff_entries(previous, folder):
    """The delta entries of N-1's frozen tables (in `previous`) against N's, row by row.

    Both are sorted by identifier, in download order.
    """
    for table in TABLES:
        if table.is_link:
            continue  # its pairs are the lists of the claims' and sources' own rows
        old = _read_jsonl(previous / f"{table.name}.jsonl")
        new = _read_jsonl(folder / f"{table.name}.jsonl")
        for action, identifier, row in _merge_diff(old, new):
            yield table.name, action, identifier, row


def _merge_diff(old, new):
    sentinel = None
    old_row, new_row = next(old, sentinel), next(new, sentinel)
    while old_row is not None or new_row is not None:
        if new_row is None or (
            old_row is not None
            and incremental.order(old_row["id"]) < incremental.order(new_row["id"])
        ):
            yield "withdrawn", old_row["id"], None
            old_row = next(old, sentinel)
        elif old_row is None or incremental.order(new_row["id"]) < incremental.order(old_row["id"]):
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
            "primaryKey": list(table.key),
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
        "not run it) and `<table>.jsonl` (one JSON object per line, exact values). The",
        "items of a list in one CSV cell are joined with `;` (a JSON array in the JSON Lines);",
        "the link tables (claim_firms, claim_sites, source_relays; citations joins claims and",
        "sources) give the same pairs one per row. `delta.jsonl` lists the rows added,",
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
    lines.append(ftm.codebook_section())
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


def _write_manifest(folder, update, counts, hashes):
    files = []
    for name in [*table_files(), "delta.jsonl", FTM_FILE, *ABOUT_FILES]:
        stem = name.rsplit(".", 1)[0]
        files.append(
            {
                "name": name,
                "rows": counts.get(stem) if name.endswith((".csv", ".jsonl")) else None,
                "bytes": (folder / name).stat().st_size,
                "sha256": hashes[name],
            }
        )
    manifest = {
        "update": update.number,
        "synthetic": update.is_synthetic,
        "published_at": update.published_at.isoformat(),
        "files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
