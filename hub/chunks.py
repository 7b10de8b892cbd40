"""How many keys one query lists at a time, wherever records are read or written in bulk."""

# Records are read, looked up and updated in chunks of this many: a chunk's
# primary keys go into one IN list (pk__in=...), one SQL parameter per key.
# SQLite caps the parameters of a statement (SQLITE_MAX_VARIABLE_NUMBER,
# 32,766 by default), and 2,000 stays well under that cap even where one
# statement repeats the list (derived.firm_facts repeats it once per facet).
# Code that would otherwise list more keys than this reads every row instead
# (derived.claim_counts, derived.firm_facts): past a few thousand keys, one
# pass over the whole table costs less than binding and matching the list.
CHUNK_SIZE = 2000


def chunks(values, size=CHUNK_SIZE):
    """`values` as lists of at most `size` items, in order."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
