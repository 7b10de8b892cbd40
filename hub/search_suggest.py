"""“Did you mean”: the closest spelling of a query among the names the hub holds.

The names of firms, sites and sources are few enough to compare in memory
(rapidfuzz), so the embedded SQLite database, which has no trigram index,
corrects misspellings as PostgreSQL does. Each word of the query that no name
holds is replaced by the closest word of a name, if one is close enough.
"""

from rapidfuzz import fuzz, process

from hub.search_text import fold, words

# rapidfuzz's normalised similarity (0-100): "Huawey" and "Huawei" score 83,
# "Bilorechenska" and "Bilorichenska" 92; unrelated words of this length stay under 60.
MIN_SIMILARITY = 75
# Shorter words are too near too many others to correct.
MIN_LENGTH = 4


def vocabulary(names):
    """{folded word: the word as written} of every word of `names` (empty names skipped)."""
    known = {}
    for name in names:
        for word in words(name or ""):
            known.setdefault(fold(word), word)
    return known


def suggestion(query, known):
    """The query with each word no name holds replaced by the closest known word; "" if none is."""
    result, changed = [], False
    for word in words(query):
        key = fold(word)
        if key in known or len(word) < MIN_LENGTH:
            result.append(word)
            continue
        # Against the folded words (a dict would be compared by its values).
        match = process.extractOne(key, list(known), scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY)
        if match is None:
            result.append(word)
        else:
            result.append(known[match[0]])
            changed = True
    return " ".join(result) if changed else ""
