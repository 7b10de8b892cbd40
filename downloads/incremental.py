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

import json
import os
import shutil
from bisect import bisect_left, bisect_right

import numpy as np

from hub.chunks import chunks

from . import archive
from .affected import affected  # noqa: F401  (part of this module's interface)
from .rowindex import (  # noqa: F401  (part of this module's interface)
    FORMAT,
    INDEX,
    CopiedRuns,
    TableFiles,
    Unusable,
    close_ends,
    copy_range,
    database_today,
    fingerprint,
    load_previous,
    load_table,
    order,
    row_bytes,
    write_index,
    write_table,
)
from .writers import csv_header


class Pieces:
    """The new file of a table, in order: runs of N-1's rows copied and rows written anew."""

    def __init__(self):
        # ("copy", k0, k1): N-1's rows k0..k1; ("new", id, csv bytes, json bytes).
        self.items = []

    def copy(self, k0, k1):
        if k1 <= k0:
            return
        if self.items and self.items[-1][0] == "copy" and self.items[-1][2] == k0:
            self.items[-1] = ("copy", self.items[-1][1], k1)
        else:
            self.items.append(("copy", k0, k1))

    def new(self, identifier, line, json_line):
        self.items.append(("new", identifier, line, json_line))

    def runs(self):
        """The copied runs as (first row in N's file, first row in N-1's, number of rows)."""
        runs, position = [], 0
        for piece in self.items:
            if piece[0] == "copy":
                runs.append((position, piece[1], piece[2] - piece[1]))
                position += piece[2] - piece[1]
            else:
                position += 1
        return runs


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
    pieces, delta = Pieces(), []
    with open(old_csv, "rb") as csv_in, open(old_jsonl, "rb") as jsonl_in:
        at = 0
        for identifier in sorted(identifiers, key=order):
            k = bisect_left(old.ids, order(identifier), lo=at, key=order)
            pieces.copy(at, k)
            new = fresh.get(identifier)
            if k < n and old.ids[k] == identifier:
                before = (
                    _pread(csv_in, old.csv[k], old.csv[k + 1]),
                    _pread(jsonl_in, old.jsonl[k], old.jsonl[k + 1]),
                )
                at = k + 1
                if new == before:
                    pieces.copy(k, k + 1)
                    continue
                if new is None:
                    delta.append(("withdrawn", identifier, None))
                else:
                    row = json.loads(new[1])
                    if json.loads(before[1]) != row:
                        delta.append(("changed", identifier, row))
                    pieces.new(identifier, *new)
            else:
                at = k
                if new is not None:
                    delta.append(("added", identifier, json.loads(new[1])))
                    pieces.new(identifier, *new)
        pieces.copy(at, n)

    files = _write_pieces(table, folder, old, pieces, old_csv, old_jsonl)
    _mark_reusable(files, old, previous, csvz, jsonlz)
    return files, delta


def merge_links(table, folder, previous, owner_pks):
    """Write a link table's files from N-1's and the regenerated pairs of `owner_pks`.

    A link table's rows are pairs in the order of their owner (a claim, a
    relaying source), whose own row lists the same pairs in a column; so an
    owner whose pairs can differ is among the records whose rows can
    (downloads.affected), and every other owner's pairs are N-1's rows.
    Returns TableFiles (a link table has no delta entries: its owners' rows
    carry the change).
    """
    old, csvz, jsonlz = load_table(previous, table)
    owners = set()
    for chunk in chunks(owner_pks):
        owners.update(
            table.owner_model.objects.filter(pk__in=chunk).values_list("public_id", flat=True)
        )
    fresh = {}
    for chunk in chunks(owner_pks):
        queryset = table.public_queryset().filter(**{f"{table.owner}__in": chunk})
        for row in table.rows(queryset):
            fresh.setdefault(row[0], []).append((table.row_id(row), *row_bytes(table, row)))

    def owner_order(row_id):
        return order(row_id.split(" ", 1)[0])

    old_csv = previous.folder / f"{table.name}.csv"
    old_jsonl = previous.folder / f"{table.name}.jsonl"
    pieces = Pieces()
    with open(old_csv, "rb") as csv_in, open(old_jsonl, "rb") as jsonl_in:
        at = 0
        for owner in sorted(owners, key=order):
            k0 = bisect_left(old.ids, order(owner), lo=at, key=owner_order)
            k1 = bisect_right(old.ids, order(owner), lo=k0, key=owner_order)
            pieces.copy(at, k0)
            at = k1
            before = [
                (
                    old.ids[k],
                    _pread(csv_in, old.csv[k], old.csv[k + 1]),
                    _pread(jsonl_in, old.jsonl[k], old.jsonl[k + 1]),
                )
                for k in range(k0, k1)
            ]
            new = fresh.get(owner, [])
            if new == before:
                pieces.copy(k0, k1)
                continue
            for row in new:
                pieces.new(*row)
        pieces.copy(at, old.rows)
    files = _write_pieces(table, folder, old, pieces, old_csv, old_jsonl)
    _mark_reusable(files, old, previous, csvz, jsonlz)
    return files


def _pread(handle, start, end):
    return os.pread(handle.fileno(), int(end) - int(start), int(start))


def _write_pieces(table, folder, old, pieces, old_csv, old_jsonl):
    if pieces.items == [("copy", 0, old.rows)]:
        # Not one row changed: N-1's files are N's. Packages are never written
        # in place, so the two updates can share them (a hard link; a copy
        # where the file system has none).
        for source in (old_csv, old_jsonl):
            target = folder / source.name
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        return TableFiles(
            table.name, old.ids, old.csv, old.jsonl, list(old.ends), runs=pieces.runs()
        )
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
        for piece in pieces.items:
            if piece[0] == "copy":
                _, k0, k1 = piece
                c0, c1 = int(old.csv[k0]), int(old.csv[k1])
                j0, j1 = int(old.jsonl[k0]), int(old.jsonl[k1])
                copy_range(csv_in.fileno(), csv_out.fileno(), c0, c1 - c0)
                copy_range(jsonl_in.fileno(), jsonl_out.fileno(), j0, j1 - j0)
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
        runs=pieces.runs(),
    )


def _mark_reusable(files, old, previous, csvz, jsonlz):
    """Point each new segment that holds exactly an old segment's rows at its compressed bytes."""
    runs = CopiedRuns(files.runs)
    old_segments = {start: (i, end) for i, (start, end) in enumerate(old.segments())}
    csv_offsets = _data_offsets(previous, f"{files.name}.csv", csvz)
    jsonl_offsets = _data_offsets(previous, f"{files.name}.jsonl", jsonlz)
    for i, (start, end) in enumerate(files.segments()):
        shifted = runs.source_of(start, end)
        match = old_segments.get(shifted)
        # The first segment of a CSV holds the header too: it matches only N-1's first.
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
