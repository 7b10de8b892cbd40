"""The files of a data package, cut into segments that compress independently.

A package's zip holds every file deflated. Compressing is the slow part of
publishing a large package (about 25 MB/s per core), so each file is
compressed as a series of segments, each segment deflated on its own and
ended with a full flush (Z_FULL_FLUSH: byte-aligned, no back-reference into
an earlier segment), then one empty final block. The result is one ordinary
deflate stream that any unzip reads, and its bytes depend only on each
segment's own bytes. Two things follow:

- the segments of a file compress in parallel, on every core;
- an update whose table file differs from the previous update's in a few
  rows can copy the compressed bytes of every unchanged segment from the
  previous update's zip (downloads.incremental) and deflate only the rest,
  and still write the zip a full build writes, byte for byte.

Table files are cut after each row whose identifier hashes to a multiple of
SEGMENT_ROWS (about SEGMENT_ROWS rows a segment): the cut points move with
the rows, not with their positions, so adding or removing a row changes one
segment, not every segment after it. Other files are cut every
SEGMENT_BYTES bytes.
"""

import hashlib
import os
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

# About this many rows per compressed segment of a table file: small enough
# that an edit recompresses little (a few hundred kB), large enough that the
# restarts cost little compression (the claims CSV zips about 4% larger).
SEGMENT_ROWS = 1024
SEGMENT_BYTES = 1 << 20
# What deflate writes to end a stream after a full flush: an empty final block.
FINAL_BLOCK = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15).flush()
READ_BLOCK = 1 << 22


def is_cut(identifier):
    """Whether a segment of a table file ends after the row of `identifier`."""
    return zlib.crc32(identifier.encode()) % SEGMENT_ROWS == 0


def deflate(data):
    """One segment: deflated with no history, ended with a full flush."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


@contextmanager
def pool():
    """Threads for deflating and hashing (zlib and hashlib release the GIL).

    On an error the queued work is dropped, not finished first.
    """
    executor = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    try:
        yield executor
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def read_range(path, start, end):
    with open(path, "rb") as handle:
        return os.pread(handle.fileno(), end - start, start) if end > start else b""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Member:
    """One file of the zip: its segments as byte ranges of `path`.

    `reuse` maps a segment's position to (zip path, offset, length) of its
    compressed bytes in an earlier zip, for segments known to hold the same bytes.
    """

    name: str
    path: object
    ranges: list
    reuse: dict = field(default_factory=dict)
    compressed: list = field(default_factory=list)  # filled: each segment's compressed length


def byte_ranges(size):
    """Fixed-size segments of a file that is not a table file."""
    return [(start, min(start + SEGMENT_BYTES, size)) for start in range(0, size, SEGMENT_BYTES)]


class _Segments:
    """Stands in for zipfile's compressor: hands back each segment's compressed bytes.

    zipfile computes the CRC and sizes from the plain bytes written to it and
    writes the headers; the compressed bytes come from `pending`, in order.
    """

    def __init__(self, pending):
        self.pending = iter(pending)

    def compress(self, data):
        return next(self.pending)()

    def flush(self):
        return FINAL_BLOCK


def write_zip(path, members, prefix, date_time, executor):
    """Write the zip of `members` (in order) under the folder name `prefix`.

    The entries are what zipfile.writestr gives for a ZipInfo with this date
    and ZIP_DEFLATED (its headers, CRC and ZIP64 choice); only the deflated
    bytes are ours, segment by segment.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            futures = []
            for position, (start, end) in enumerate(member.ranges):
                if position in member.reuse:
                    futures.append(_copier(*member.reuse[position]))
                else:
                    futures.append(executor.submit(_deflate_range, member.path, start, end).result)
            info = zipfile.ZipInfo(f"{prefix}/{member.name}", date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = member.ranges[-1][1] if member.ranges else 0
            lengths = []

            def recorded(get, lengths=lengths):
                def run():
                    data = get()
                    lengths.append(len(data))
                    return data

                return run

            with open(member.path, "rb") as source, archive.open(info, "w") as dest:
                # zipfile's own compressor is swapped for the segments (a private
                # attribute: tests/downloads check the zip against zipfile's reader).
                dest._compressor = _Segments([recorded(get) for get in futures])
                for start, end in member.ranges:
                    dest.write(os.pread(source.fileno(), end - start, start))
            member.compressed = lengths


def _deflate_range(path, start, end):
    return deflate(read_range(path, start, end))


def _copier(zip_path, offset, length):
    def run():
        return read_range(zip_path, offset, offset + length)

    return run


def data_offsets(zip_path):
    """{entry name: (offset of its compressed data, compressed size)} of a zip."""
    result = {}
    with zipfile.ZipFile(zip_path) as archive, open(zip_path, "rb") as handle:
        for info in archive.infolist():
            header = os.pread(handle.fileno(), 30, info.header_offset)
            if len(header) != 30 or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"bad local header for {info.filename}")
            name_length = int.from_bytes(header[26:28], "little")
            extra_length = int.from_bytes(header[28:30], "little")
            result[info.filename] = (
                info.header_offset + 30 + name_length + extra_length,
                info.compress_size,
            )
    return result
