"""The row index each data package keeps beside its files, and writing a table in full.

`update-NNNN/.index/` (never served: downloads.package.file_path serves listed
names only) holds each table's identifiers in download order, each row's byte
offsets in the CSV and the JSON Lines file, the segments of downloads.archive
and their compressed lengths: what downloads.incremental needs to copy N-1's
unchanged rows into N's package. Anything that makes N-1's package unusable
(missing, an index from another format or site address, a file whose size
differs from its manifest) raises Unusable, and the full build runs instead.
"""

import csv
import hashlib
import json
import os
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import DateField
from django.db.models.functions import Cast, Now

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
    the segments of downloads.archive end. `runs`, for a table merged from
    N-1's (downloads.incremental), are the runs of N-1's rows it copied byte
    for byte, as (first row here, first row in N-1's, number of rows); None
    for a table written in full.
    """

    name: str
    ids: list
    csv: object  # numpy int64, n + 1
    jsonl: object
    ends: list
    csv_reuse: dict = field(default_factory=dict)
    jsonl_reuse: dict = field(default_factory=dict)
    runs: list | None = None

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
            ids.append(table.row_id(row))
    return TableFiles(
        table.name,
        ids,
        np.array(csv_offsets, dtype=np.int64),
        np.array(jsonl_offsets, dtype=np.int64),
        close_ends(segment_ends(ids), len(ids)),
    )


class CopiedRuns:
    """TableFiles.runs, asked where a span of N's rows came from in N-1's."""

    def __init__(self, runs):
        self.runs = runs or []
        self.starts = [run[0] for run in self.runs]

    def source_of(self, first, end):
        """N-1's position of N's row `first` when one run copied rows first..end; else None."""
        r = bisect_right(self.starts, first) - 1
        if r < 0:
            return None
        run_start, old_start, length = self.runs[r]
        if end > run_start + length:
            return None
        return old_start + (first - run_start)


def copy_range(source, target, start, length):
    """Copy `length` bytes of file descriptor `source` from `start` to where `target` is."""
    while length > 0:
        try:
            done = os.copy_file_range(source, target, length, start)
        except OSError:
            done = os.write(target, os.pread(source, min(length, 1 << 24), start))
        if done <= 0:
            raise OSError("copy_file_range copied nothing")
        start += done
        length -= done


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
