"""Writing update N's data package from update N-1's, changing only the rows that changed.

A full build reads every public row of every table (minutes at a million
claims). Yet update N differs from N-1 only in:

- the rows of the records its changes touch (including the claims whose
  confidence grade publishing recomputed, which get changes of their own);
- the rows whose cells or presence depend on a record whose status changed:
  a firm's status shows in the firm cells of its claims and decides whether
  its relationships and sanctions are listed; a site's in its claims; a
  source's in its citations and in the source cells of their claims; a
  claim's or relationship's in whether their citations are listed;
- a citation's claim (before and after a move) lists its sources;
- the claims whose reply status turns on today's date (evidence.reply): a
  deadline between the day N-1's rows were written and today.

Public identifiers never change and the admin cannot edit a published record,
so nothing else can differ. Every other row is copied byte for byte from
N-1's files, using the row index each package keeps beside its files (in
`.index/`, never served: downloads.package.file_path serves listed names
only): each table's identifiers in download order and each row's byte offsets
in the CSV and the JSON Lines file, the segments of downloads.archive and
their compressed lengths. delta.jsonl comes straight from the rows that were
regenerated. The result is what a full build writes, byte for byte:
tests/downloads/test_package_incremental.py compares the two over a series
of updates, and `manage.py build_package N --compare` does it on any
database.

Anything that makes N-1's package unusable (missing, an index from another
format or site address, a file whose size or SHA-256 differs from its
manifest) raises Unusable, and downloads.package falls back to the full build.
"""

import csv
import hashlib
import json
import shutil
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import DateField, Q
from django.db.models.functions import Cast, Now

from entities.models import Firm, Relationship, SanctionsDesignation, Site
from evidence.models import Citation, Claim, Source
from hub.chunks import chunks

from . import archive
from .tables import TABLES
from .writers import _Line, csv_header, csv_record, json_row

FORMAT = 1
INDEX = ".index"


class Unusable(Exception):
    """N-1's package cannot serve as the base of N's: build N in full."""


def order(identifier):
    """The tables' download order: Length(public_id), public_id."""
    return (len(identifier), identifier)


def fingerprint():
    """What the bytes of every row depend on besides the data: columns, site address, segments."""
    parts = [str(FORMAT), settings.HUB_SITE_URL, str(archive.SEGMENT_ROWS)]
    for table in TABLES:
        parts.append(table.name)
        for column in table.columns:
            path = column.path if isinstance(column.path, str) else type(column.path).__name__
            parts.append(f"{column.name}:{column.type}:{path}:{bool(column.many)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def database_today():
    """Today's date as the database sees it: what the reply status compares deadlines with."""
    from editorial.models import Update

    return (
        Update.objects.annotate(today=Cast(Now(), DateField()))
        .values_list("today", flat=True)
        .order_by()
        .first()
    )


# Writing rows ---------------------------------------------------------------

_LINE = csv.writer(_Line(), lineterminator="\r\n")


def row_bytes(table, row):
    """A row's CSV line and JSON line, exactly as the package writes them."""
    return (
        _LINE.writerow(csv_record(table, row)).encode(),
        (json.dumps(json_row(table, row), ensure_ascii=False) + "\n").encode(),
    )


@dataclass
class TableFiles:
    """A table's two files as written: row identifiers, offsets, segments.

    Row k spans csv[k]:csv[k+1] of the CSV (csv[0] is the header's length)
    and jsonl[k]:jsonl[k+1] of the JSON Lines file. `ends` are the rows where
    the segments of downloads.archive end.
    """

    name: str
    ids: list
    csv: object  # numpy int64, n + 1
    jsonl: object
    ends: list
    csv_reuse: dict = field(default_factory=dict)
    jsonl_reuse: dict = field(default_factory=dict)

    @property
    def rows(self):
        return len(self.ids)

    def segments(self):
        if not self.ends:
            return []
        starts = [0, *self.ends[:-1]]
        return list(zip(starts, self.ends, strict=True))

    def csv_ranges(self):
        if not self.ids:
            return [(0, int(self.csv[0]))]  # the header alone
        return [
            (0 if start == 0 else int(self.csv[start]), int(self.csv[end]))
            for start, end in self.segments()
        ]

    def jsonl_ranges(self):
        return [(int(self.jsonl[start]), int(self.jsonl[end])) for start, end in self.segments()]


def segment_ends(ids, start=0):
    """The segment ends (row positions, from `start`) of a run of identifiers."""
    return [start + i + 1 for i, identifier in enumerate(ids) if archive.is_cut(identifier)]


def close_ends(ends, rows):
    if rows and (not ends or ends[-1] != rows):
        ends.append(rows)
    return ends


def write_table(folder, table):
    """Write a table in full (the full build); return its TableFiles."""
    header = csv_header(table).encode()
    ids, csv_offsets, jsonl_offsets = [], [len(header)], [0]
    csv_at, jsonl_at = len(header), 0
    with (
        (folder / f"{table.name}.csv").open("wb") as csv_file,
        (folder / f"{table.name}.jsonl").open("wb") as jsonl_file,
    ):
        csv_file.write(header)
        for row in table.rows(table.public_queryset()):
            line, json_line = row_bytes(table, row)
            csv_file.write(line)
            jsonl_file.write(json_line)
            csv_at += len(line)
            jsonl_at += len(json_line)
            csv_offsets.append(csv_at)
            jsonl_offsets.append(jsonl_at)
            ids.append(row[0])
    return TableFiles(
        table.name,
        ids,
        np.array(csv_offsets, dtype=np.int64),
        np.array(jsonl_offsets, dtype=np.int64),
        close_ends(segment_ends(ids), len(ids)),
    )


# The index ------------------------------------------------------------------


def write_index(folder, tables, members, today):
    """Keep each table's identifiers, offsets, segments and compressed lengths beside the files."""
    index = folder / INDEX
    index.mkdir()
    compressed = {member.name: member.compressed for member in members}
    for files in tables:
        (index / f"{files.name}.ids").write_text("\n".join(files.ids), encoding="utf-8")
        with (index / f"{files.name}.npz").open("wb") as out:
            np.savez(
                out,
                csv=files.csv,
                jsonl=files.jsonl,
                ends=np.array(files.ends, dtype=np.int64),
                csvz=np.array(compressed[f"{files.name}.csv"], dtype=np.int64),
                jsonlz=np.array(compressed[f"{files.name}.jsonl"], dtype=np.int64),
            )
    meta = {
        "format": FORMAT,
        "fingerprint": fingerprint(),
        "today": today.isoformat(),
        "rows": {files.name: files.rows for files in tables},
    }
    (index / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


@dataclass
class Previous:
    """N-1's package, as far as N's build needs it."""

    folder: Path
    meta: dict
    manifest: dict
    zip_path: Path
    zip_data: dict  # entry name -> (offset of its compressed data, compressed size)

    def sizes(self):
        return {entry["name"]: entry for entry in self.manifest["files"]}


def load_previous(folder, number, zip_name):
    try:
        meta = json.loads((folder / INDEX / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("fingerprint") != fingerprint():
            raise Unusable("its index was written for other columns, segments or site address")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        zip_path = folder / zip_name
        data = archive.data_offsets(zip_path)
    except (OSError, ValueError, KeyError) as error:
        raise Unusable(f"update {number}'s package or index cannot be read: {error}") from error
    except Exception as error:  # zipfile.BadZipFile and kin
        raise Unusable(f"update {number}'s zip cannot be read: {error}") from error
    prefix = f"tot-insights-hub-update-{number}/"
    return Previous(
        folder, meta, manifest, zip_path, {name[len(prefix) :]: v for name, v in data.items()}
    )


def load_table(previous, table):
    """N-1's TableFiles of `table` and its compressed segment lengths, checked for consistency."""
    index = previous.folder / INDEX
    try:
        text = (index / f"{table.name}.ids").read_text(encoding="utf-8")
        ids = text.split("\n") if text else []
        with np.load(index / f"{table.name}.npz") as arrays:
            csv_offsets, jsonl_offsets = arrays["csv"], arrays["jsonl"]
            ends = arrays["ends"].tolist()
            csvz, jsonlz = arrays["csvz"].tolist(), arrays["jsonlz"].tolist()
    except (OSError, ValueError, KeyError) as error:
        raise Unusable(f"the index of {table.name} cannot be read: {error}") from error
    files = TableFiles(table.name, ids, csv_offsets, jsonl_offsets, ends)
    sizes = previous.sizes()
    for name, offsets, lengths, ranges in [
        (f"{table.name}.csv", csv_offsets, csvz, files.csv_ranges()),
        (f"{table.name}.jsonl", jsonl_offsets, jsonlz, files.jsonl_ranges()),
    ]:
        path = previous.folder / name
        consistent = (
            len(offsets) == len(ids) + 1
            and name in sizes
            and path.is_file()
            and path.stat().st_size == sizes[name]["bytes"] == int(offsets[-1])
            and sizes[name]["rows"] == len(ids)
            and len(lengths) == len(ranges)
            and name in previous.zip_data
            and previous.zip_data[name][1] == sum(lengths) + len(archive.FINAL_BLOCK)
        )
        if not consistent:
            raise Unusable(f"{name} does not match its index, manifest or zip")
    return files, csvz, jsonlz


# What changed -----------------------------------------------------------------


def _pks(queryset_of_chunk, pks, flat="pk"):
    found = set()
    for chunk in chunks(pks):
        found |= set(queryset_of_chunk(chunk).values_list(flat, flat=True))
    found.discard(None)
    return found


def affected(update, since, today):
    """{model: pks of the records whose rows N may write differently from N-1}."""
    from editorial.impact import UpdateImpact

    impact = UpdateImpact.of_update(update)
    rows = {table.model: impact.touched(table.model) for table in TABLES}
    claims, citations = rows[Claim], rows[Citation]
    # A citation lists its claim's sources: the claim it left and the claim it joined.
    claims |= _pks(
        lambda c: Citation.objects.filter(pk__in=c), impact.touched(Citation), "claim_id"
    )
    claims |= _pks(
        lambda c: Claim.objects.filter(public_id__in=c), impact.moved_away(Citation, "claim")
    )
    firms = impact.status_changed(Firm)
    through = Claim.firms.through.objects
    claims |= _pks(lambda c: through.filter(firm_id__in=c), firms, "claim_id")
    rows[Relationship] |= _pks(
        lambda c: Relationship.objects.filter(Q(source_firm__in=c) | Q(target_firm__in=c)), firms
    )
    rows[SanctionsDesignation] |= _pks(
        lambda c: SanctionsDesignation.objects.filter(firm__in=c), firms
    )
    sites = Claim.sites.through.objects
    claims |= _pks(lambda c: sites.filter(site_id__in=c), impact.status_changed(Site), "claim_id")
    sources = impact.status_changed(Source)
    citations |= _pks(lambda c: Citation.objects.filter(source__in=c), sources)
    claims |= _pks(lambda c: Citation.objects.filter(source__in=c), sources, "claim_id")
    citations |= _pks(lambda c: Citation.objects.filter(claim__in=c), impact.status_changed(Claim))
    # A firm's European presence reads "true" only while its claim is published.
    rows[Firm] |= _pks(
        lambda c: Firm.objects.filter(european_presence_claim__in=c), impact.status_changed(Claim)
    )
    citations |= _pks(
        lambda c: Citation.objects.filter(relationship__in=c),
        impact.status_changed(Relationship),
    )
    # The reply status compares deadlines with today: a deadline the calendar
    # passed since N-1's rows were written changes its claim's row.
    low, high = sorted([since, today])
    if low < high:
        claims |= set(
            Claim.objects.public()
            .filter(reply_deadline__gte=low, reply_deadline__lt=high)
            .values_list("pk", flat=True)
        )
    return rows


# Merging one table ----------------------------------------------------------------


def merge_table(table, folder, previous, pks):
    """Write `table`'s files from N-1's and the regenerated rows of `pks`.

    Returns (TableFiles, delta entries as (action, id, row or None)).
    """
    old, csvz, jsonlz = load_table(previous, table)
    identifiers = {}
    for chunk in chunks(pks):
        identifiers.update(table.model.objects.filter(pk__in=chunk).values_list("public_id", "pk"))
    fresh = {}
    for chunk in chunks(pks):
        for row in table.rows(table.public_queryset().filter(pk__in=chunk)):
            fresh[row[0]] = row_bytes(table, row)

    old_csv = previous.folder / f"{table.name}.csv"
    old_jsonl = previous.folder / f"{table.name}.jsonl"
    n = old.rows
    # Pieces of the new files, in order: ("copy", k0, k1) a run of N-1's rows,
    # ("new", id, csv bytes, json bytes) a regenerated row.
    pieces, delta = [], []

    def copy(k0, k1):
        if k1 <= k0:
            return
        if pieces and pieces[-1][0] == "copy" and pieces[-1][2] == k0:
            pieces[-1] = ("copy", pieces[-1][1], k1)
        else:
            pieces.append(("copy", k0, k1))

    with open(old_csv, "rb") as csv_in, open(old_jsonl, "rb") as jsonl_in:
        at = 0
        for identifier in sorted(identifiers, key=order):
            k = bisect_left(old.ids, order(identifier), lo=at, key=order)
            copy(at, k)
            new = fresh.get(identifier)
            if k < n and old.ids[k] == identifier:
                before = (
                    _pread(csv_in, old.csv[k], old.csv[k + 1]),
                    _pread(jsonl_in, old.jsonl[k], old.jsonl[k + 1]),
                )
                at = k + 1
                if new == before:
                    copy(k, k + 1)
                    continue
                if new is None:
                    delta.append(("withdrawn", identifier, None))
                else:
                    row = json.loads(new[1])
                    if json.loads(before[1]) != row:
                        delta.append(("changed", identifier, row))
                    pieces.append(("new", identifier, *new))
            else:
                at = k
                if new is not None:
                    delta.append(("added", identifier, json.loads(new[1])))
                    pieces.append(("new", identifier, *new))
        copy(at, n)

    files = _write_pieces(table, folder, old, pieces, old_csv, old_jsonl)
    _mark_reusable(files, old, pieces, previous, csvz, jsonlz)
    return files, delta


def _pread(handle, start, end):
    import os

    return os.pread(handle.fileno(), int(end) - int(start), int(start))


def _copy_range(source, target, start, length):
    import os

    while length > 0:
        try:
            done = os.copy_file_range(source, target, length, start)
        except OSError:
            done = os.write(target, os.pread(source, min(length, 1 << 24), start))
        if done <= 0:
            raise OSError("copy_file_range copied nothing")
        start += done
        length -= done


def _write_pieces(table, folder, old, pieces, old_csv, old_jsonl):
    import os

    if pieces == [("copy", 0, old.rows)]:
        # Not one row changed: N-1's files are N's. Packages are never written
        # in place, so the two updates can share them (a hard link; a copy
        # where the file system has none).
        for source in (old_csv, old_jsonl):
            target = folder / source.name
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        return TableFiles(table.name, old.ids, old.csv, old.jsonl, list(old.ends))
    header = csv_header(table).encode()
    ids, csv_parts, jsonl_parts, ends = [], [np.array([len(header)])], [np.array([0])], []
    csv_at, jsonl_at = len(header), 0
    with (
        open(old_csv, "rb") as csv_in,
        open(old_jsonl, "rb") as jsonl_in,
        (folder / f"{table.name}.csv").open("wb") as csv_out,
        (folder / f"{table.name}.jsonl").open("wb") as jsonl_out,
    ):
        csv_out.write(header)
        csv_out.flush()
        for piece in pieces:
            if piece[0] == "copy":
                _, k0, k1 = piece
                c0, c1 = int(old.csv[k0]), int(old.csv[k1])
                j0, j1 = int(old.jsonl[k0]), int(old.jsonl[k1])
                _copy_range(csv_in.fileno(), csv_out.fileno(), c0, c1 - c0)
                _copy_range(jsonl_in.fileno(), jsonl_out.fileno(), j0, j1 - j0)
                csv_parts.append(old.csv[k0 + 1 : k1 + 1] - c0 + csv_at)
                jsonl_parts.append(old.jsonl[k0 + 1 : k1 + 1] - j0 + jsonl_at)
                # The segment ends inside the run are N-1's, moved.
                lo, hi = bisect_left(old.ends, k0 + 1), bisect_left(old.ends, k1 + 1)
                ends += [
                    end - k0 + len(ids)
                    for end in old.ends[lo:hi]
                    if archive.is_cut(old.ids[end - 1])
                ]
                ids.extend(old.ids[k0:k1])
                csv_at += c1 - c0
                jsonl_at += j1 - j0
            else:
                _, identifier, line, json_line = piece
                os.write(csv_out.fileno(), line)
                os.write(jsonl_out.fileno(), json_line)
                csv_at += len(line)
                jsonl_at += len(json_line)
                csv_parts.append(np.array([csv_at]))
                jsonl_parts.append(np.array([jsonl_at]))
                ids.append(identifier)
                if archive.is_cut(identifier):
                    ends.append(len(ids))
    return TableFiles(
        table.name,
        ids,
        np.concatenate(csv_parts).astype(np.int64),
        np.concatenate(jsonl_parts).astype(np.int64),
        close_ends(ends, len(ids)),
    )


def _mark_reusable(files, old, pieces, previous, csvz, jsonlz):
    """Point each new segment that holds exactly an old segment's rows at its compressed bytes."""
    # New row position -> old row position, for the copied runs.
    runs, position = [], 0
    for piece in pieces:
        if piece[0] == "copy":
            runs.append((position, piece[1], piece[2] - piece[1]))
            position += piece[2] - piece[1]
        else:
            position += 1
    old_segments = {start: (i, end) for i, (start, end) in enumerate(old.segments())}
    csv_offsets = _data_offsets(previous, f"{files.name}.csv", csvz)
    jsonl_offsets = _data_offsets(previous, f"{files.name}.jsonl", jsonlz)
    starts = [run[0] for run in runs]
    for i, (start, end) in enumerate(files.segments()):
        r = bisect_left(starts, start + 1) - 1
        if r < 0:
            continue
        run_start, old_start, length = runs[r]
        if end > run_start + length:
            continue
        shifted = old_start + (start - run_start)
        match = old_segments.get(shifted)
        if match is None or match[1] != shifted + (end - start) or (start == 0) != (shifted == 0):
            continue
        j = match[0]
        files.csv_reuse[i] = (previous.zip_path, csv_offsets[j], csvz[j])
        files.jsonl_reuse[i] = (previous.zip_path, jsonl_offsets[j], jsonlz[j])


def _data_offsets(previous, name, lengths):
    start = previous.zip_data[name][0]
    offsets = []
    for length in lengths:
        offsets.append(start)
        start += length
    return offsets
