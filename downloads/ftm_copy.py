"""Copying update N-1's FollowTheMoney entities into N's file where nothing changed.

entities.ftm.jsonl is made from the package's own tables (downloads.ftm).
A source's or a claim's entities depend on its table row alone, so when N's
line of that row is N-1's byte for byte, N-1's entity lines are N's too. The
package's index (never served) keeps where each table's entities start and end
in the file and a fingerprint of what else their bytes depend on (the mapping,
the followthemoney library, the rows' format and the site address); when the
fingerprint differs every entity is made again. The tables, the entity lines
and N-1's table lines are all in download order (Length(id), id), so one pass
over each reads them side by side.
"""

import hashlib
import json
import re
from pathlib import Path

import followthemoney

from . import rowindex

INDEX_FILE = "ftm.json"
ROW_ID = re.compile(rb'\{"id": "([^"]+)"')
# The entity's schema: the top-level key, which follows "properties" (sorted
# keys); a quote inside a string value is escaped, so it cannot match there.
SCHEMA = re.compile(rb', "schema": "(\w+)"')


def fingerprint():
    """What an entity's bytes depend on besides its row."""
    digest = hashlib.sha256()
    for module in ("ftm.py", "ftm_copy.py"):
        digest.update(Path(__file__).with_name(module).read_bytes())
    digest.update(followthemoney.__version__.encode())
    digest.update(rowindex.fingerprint().encode())
    return digest.hexdigest()


def write_index(folder, sections):
    """Keep the file's sections ({table: [start, end]}) in the package's index."""
    index = {"fingerprint": fingerprint(), "sections": sections}
    (folder / rowindex.INDEX / INDEX_FILE).write_text(json.dumps(index) + "\n", encoding="utf-8")


def sections_of(previous):
    """N-1's sections, or None when its entities cannot be copied (no index, another fingerprint)."""
    if previous is None:
        return None
    try:
        index = json.loads((previous / rowindex.INDEX / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if index.get("fingerprint") != fingerprint():
        return None
    return index["sections"]


class Copy:
    """One table's entities: N-1's lines where its row is unchanged, made afresh elsewhere."""

    def __init__(self, out, counts, previous_file, span, prefix):
        self.out, self.counts = out, counts
        self.previous_file = previous_file
        self.start, self.end = span
        self.prefix = f"{prefix}-".encode()

    def merge(self, new_table, old_table, entities_of, emit):
        """Write the entities of every row of `new_table` (N's JSON Lines file)."""
        with (
            new_table.open("rb") as new_rows,
            old_table.open("rb") as old_rows,
            self.previous_file.open("rb") as old_file,
        ):
            old_file.seek(self.start)
            groups = self._groups(old_file)
            old = ((rowindex.order(ROW_ID.match(line).group(1)), line) for line in old_rows)
            old_row, group = next(old, None), next(groups, None)
            for line in new_rows:
                key = rowindex.order(ROW_ID.match(line).group(1))
                while old_row is not None and old_row[0] < key:
                    old_row = next(old, None)
                while group is not None and group[0] < key:
                    group = next(groups, None)
                if old_row == (key, line):
                    # A row with no entity (a claim about no firm or site) has no group.
                    if group is not None and group[0] == key:
                        self._write(group[1])
                    continue
                for entity in entities_of(json.loads(line)):
                    emit(entity)

    def _groups(self, old_file):
        """(order key of a record, its entity lines) for each record in N-1's section."""
        remaining, key, lines = self.end - self.start, None, []
        while remaining > 0:
            line = old_file.readline()
            remaining -= len(line)
            # tot-insights-hub-C0001-F0002: the record is the id's first part after the prefix.
            record = ROW_ID.match(line).group(1).removeprefix(self.prefix).split(b"-", 1)[0]
            if rowindex.order(record) != key:
                if lines:
                    yield key, lines
                key, lines = rowindex.order(record), []
            lines.append(line)
        if lines:
            yield key, lines

    def _write(self, lines):
        for line in lines:
            self.out.write(line)
            schema = SCHEMA.search(line).group(1).decode()
            self.counts[schema] = self.counts.get(schema, 0) + 1
