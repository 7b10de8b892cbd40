"""The text of a search: the query as searched, its words and forms, and the snippets shown.

Pure Python (no database): hub.search builds its conditions from these, and
hub.search_results its snippets.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

from hub.transliteration import transliterate

MAX_LENGTH = 200
# Words of the query: runs of letters and digits (never tsquery operators).
WORD = re.compile(r"[^\W_]+")
# Lone surrogates, NUL and the other control characters (tab and newline excepted).
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
MAX_WORDS = 12


# -- the query ------------------------------------------------------------------


def clean_query(text):
    """The query as searched: no control characters or lone surrogates, spaces collapsed."""
    text = UNWANTED.sub(" ", str(text or ""))
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def fold(text):
    """Case- and accent-insensitive form (Python's side of ``hub_search_fold``)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped).casefold()


def variants(text):
    """The query and its Latin transliterations, without repeats."""
    forms = [text]
    for language in ("", "uk", "ru"):
        latin = transliterate(text, language)
        if latin and latin not in forms:
            forms.append(latin)
    return forms


def words(text):
    return WORD.findall(text)[:MAX_WORDS]


def highlight_terms(text):
    """Every word of the query and of its transliterations, longest first."""
    terms = {word for form in variants(text) for word in words(form)}
    return sorted(terms, key=lambda term: (-len(term), term))


# -- snippets -------------------------------------------------------------------


def highlight(text, terms, width=None):
    """`text` escaped, with each occurrence of a term in ``<mark>``; cut to `width` around the first.

    Matching is case-insensitive in every script (not accent-insensitive:
    a hit found only through ``unaccent`` is shown unmarked).
    """
    text = text or ""
    pattern = None
    if terms:
        pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    spans = [match.span() for match in pattern.finditer(text)] if pattern else []
    start, end, prefix, suffix = 0, len(text), "", ""
    if width and len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - width // 3, len(text) - width))
        end = start + width
        prefix = "…" if start else ""
        suffix = "…" if end < len(text) else ""
    pieces, position = [prefix], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    pieces.append(suffix)
    # Every piece of text above went through escape().
    return mark_safe("".join(pieces))


def holds_term(text, terms):
    """True when `text` holds one of `terms`, compared as the database compares (folded)."""
    folded_text = fold(text or "")
    return any(fold(term) in folded_text for term in terms)
