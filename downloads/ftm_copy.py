"""Copying update N-1's FollowTheMoney entities into N's file where nothing changed.

entities.ftm.jsonl is made from the package's own tables (downloads.ftm).
A source's or a claim's entities depend on its table row alone, and the
incremental build knows which runs of N's rows are N-1's rows copied byte for
byte (TableFiles.runs, downloads.incremental): their entity lines are N-1's
too, one byte range of N-1's file per run. The package's index (never served)
keeps, for each such table, where each row's entities start in the file and
how many entities come before it (`ftm.npz`), and a fingerprint of what else
the entities' bytes depend on (the mapping, the followthemoney library, the
rows' format and the site address; `ftm.json`). When the fingerprint differs,
or the offsets do not fit N-1's files, every entity is made again.

In the zip the file is cut into segments (downloads.archive) where its tables'
rows are cut, so a segment of copied rows holds the bytes of one of N-1's
segments, and its compressed bytes are copied from N-1's zip as well
(`member`): the index keeps each segment's table, rows and compressed length.
"""

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import followthemoney
import numpy as np

from . import archive, rowindex

INDEX_FILE = "ftm.json"
OFFSETS_FILE = "ftm.npz"


def fingerprint():
    """What an entity's bytes depend on besides its row."""
    digest = hashlib.sha256()
    for module in ("ftm.py", "ftm_copy.py"):
        digest.update(Path(__file__).with_name(module).read_bytes())
    digest.update(followthemoney.__version__.encode())
    digest.update(rowindex.fingerprint().encode())
    return digest.hexdigest()


class Offsets:
    """Per row of a table, where its entities start in the file and how many came before."""

    def __init__(self):
        self.starts, self.numbers = [], []

    def add(self, start, number):
        self.starts.append(start)
        self.numbers.append(number)

    def extend(self, starts, numbers):
        self.starts.extend(starts.tolist())
        self.numbers.extend(numbers.tolist())


def write_index(folder, offsets, layout, compressed):
    """Keep the fingerprint, each copied table's Offsets (rows + 1 values) and the zip segments.

    `layout` is `member`'s: (table or "", first row, end row) per segment of
    the zip member; `compressed` the segments' compressed lengths.
    """
    index = folder / rowindex.INDEX
    names = sorted(offsets)
    (index / INDEX_FILE).write_text(
        json.dumps({"fingerprint": fingerprint(), "tables": names}) + "\n", encoding="utf-8"
    )
    arrays = {}
    for table, table_offsets in offsets.items():
        arrays[f"{table}_starts"] = np.array(table_offsets.starts, dtype=np.int64)
        arrays[f"{table}_numbers"] = np.array(table_offsets.numbers, dtype=np.int64)
    code = {name: i for i, name in enumerate(names)}
    arrays["segment_table"] = np.array([code.get(t, -1) for t, _, _ in layout], dtype=np.int64)
    arrays["segment_first"] = np.array([first for _, first, _ in layout], dtype=np.int64)
    arrays["segment_end"] = np.array([end for _, _, end in layout], dtype=np.int64)
    arrays["segment_compressed"] = np.array(compressed, dtype=np.int64)
    with (index / OFFSETS_FILE).open("wb") as out:
        np.savez(out, **arrays)


@dataclass
class Earlier:
    """N-1's entities file and its index, as far as N's build copies from them."""

    path: Path
    tables: dict  # {table: (starts, numbers)}, numpy arrays of rows + 1 values
    segments: dict  # {(table, first row): (end row, zip path, offset, compressed length)}


def earlier(previous, file_name):
    """N-1's Earlier, from its rowindex.Previous; None when its entities cannot be copied."""
    if previous is None:
        return None
    index = previous.folder / rowindex.INDEX
    path = previous.folder / file_name
    try:
        meta = json.loads((index / INDEX_FILE).read_text(encoding="utf-8"))
        rows = json.loads((index / "meta.json").read_text(encoding="utf-8"))["rows"]
        size = path.stat().st_size
        if meta.get("fingerprint") != fingerprint():
            return None
        with np.load(index / OFFSETS_FILE) as arrays:
            tables = {
                table: (arrays[f"{table}_starts"], arrays[f"{table}_numbers"])
                for table in meta["tables"]
            }
            segments = [
                arrays[f"segment_{name}"].tolist()
                for name in ("table", "first", "end", "compressed")
            ]
    except (OSError, ValueError, KeyError):
        return None
    for table, (starts, numbers) in tables.items():
        fits = (
            len(starts) == len(numbers) == rows.get(table, -1) + 1
            and bool((starts[1:] >= starts[:-1]).all())
            and int(starts[-1]) <= size
        )
        if not fits:
            return None
    return Earlier(path, tables, _old_segments(previous, file_name, meta["tables"], segments))


def _old_segments(previous, file_name, names, segments):
    """Each of N-1's segments of a copied table, by (table, first row); {} if they do not fit."""
    data = previous.zip_data.get(file_name)
    tables, firsts, ends, lengths = segments
    if data is None or data[1] != sum(lengths) + len(archive.FINAL_BLOCK):
        return {}
    found, at = {}, data[0]
    for code, first, end, length in zip(tables, firsts, ends, lengths, strict=True):
        if code >= 0:
            found[(names[code], first)] = (end, previous.zip_path, at, length)
        at += length
    return found


def member(name, path, offsets, tables, old=None):
    """The zip member of the entities file, and its layout for the index.

    A copied table's entities are cut where its rows are (downloads.archive's
    rule, by record id): a segment whose rows N copied from one run of N-1's,
    and which was a segment of N-1's file, takes N-1's compressed bytes. The
    rest of the file is cut every SEGMENT_BYTES bytes.
    """
    size = path.stat().st_size
    ranges, layout, reuse = [], [], {}
    old_segments = old.segments if old is not None else {}

    def plain(start, end):
        for at in range(start, end, archive.SEGMENT_BYTES):
            ranges.append((at, min(at + archive.SEGMENT_BYTES, end)))
            layout.append(("", -1, -1))

    at = 0
    for table in sorted(offsets, key=lambda table: offsets[table].starts[0]):
        starts, files = offsets[table].starts, tables[table]
        plain(at, starts[0])
        runs = rowindex.CopiedRuns(files.runs)
        first = 0
        for end in rowindex.close_ends(rowindex.segment_ends(files.ids), files.rows):
            if starts[end] > starts[first]:
                shifted = runs.source_of(first, end)
                found = old_segments.get((table, shifted))
                if found is not None and found[0] == shifted + (end - first):
                    reuse[len(ranges)] = found[1:]
                ranges.append((starts[first], starts[end]))
                layout.append((table, first, end))
            first = end
        at = starts[-1]
    plain(at, size)
    return archive.Member(name, path, ranges, reuse), layout


class Out:
    """The entities file being written: made lines buffered, copied runs straight from N-1's."""

    BUFFER = 1 << 20

    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self.buffer = bytearray()
        self.at = 0

    def write(self, data):
        self.buffer += data
        self.at += len(data)
        if len(self.buffer) >= self.BUFFER:
            self.flush()

    def copy(self, source, start, length):
        self.flush()
        rowindex.copy_range(source, self.fd, start, length)
        self.at += length

    def flush(self):
        written = 0
        while written < len(self.buffer):
            written += os.write(self.fd, self.buffer[written:])
        self.buffer.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.flush()
        os.close(self.fd)
