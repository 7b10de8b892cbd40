"""Search in any script: firms, sites, claims and sources.

One entry point per use: ``matching(queryset, text)`` filters a queryset of
one of the four searchable models (the lists' ``?q=`` and the search page
share it, so a group's count on the search page is the filtered list's count)
and ``ranked(queryset, text)`` also orders it best first. The backend is
chosen by ``connection.vendor``:

PostgreSQL (production)
    * a weighted full-text vector per record, stored in a generated column
      (hub migration 0003): names weight A, aliases and other names B,
      descriptions and statements C, a firm's response D;
      the ``simple`` configuration (no stemming: the names are in four
      languages), every word of the query matched as a prefix;
    * ``unaccent`` and ``lower`` on both sides (``hub_search_fold``);
    * the hub's Ukrainian text (a claim's ``statement_uk``, the others'
      ``description_uk``) weighs as the English beside it (migration 0006):
      a Ukrainian word of a statement finds its claim, on both backends;
    * a substring match on the names (``LIKE``), which also finds Chinese
      names, written without spaces between words;
    * trigram word similarity (``pg_trgm``) on the names, for misspellings
      and loose transliterations ("Liugogn" finds LiuGong);
    * ranked by ``ts_rank`` plus the trigram similarity plus a bonus for a
      substring of a name;
    * each part of the match is a subquery of its own, so that each uses its
      index, and the record's key is looked up in their union (``_any_of``).
    Claims (a million and more) differ: their words are found by the
    full-text index only (as word beginnings, not inside words); Chinese,
    written without spaces between words, by a stored list of each
    statement's Chinese characters and pairs (migration 0005: trigrams need
    three characters, and Chinese names are often two), then the statement
    itself; the parts are or'ed in one WHERE, and claims are listed newest
    first rather than ranked, since ranking recomputes the vector of every
    match (bench/bench_search.py).
    The extensions, the immutable ``hub_search_fold`` function and the GIN
    indexes come from ``hub/migrations/0001_search.py``; 0003 stores the
    vectors (and the folded names of firms, sites and sources) as generated
    columns and indexes those instead of recomputing them.

SQLite (the embedded default)
    Every word of the query must occur somewhere in the record's names,
    aliases or text, compared case- and accent-insensitively in every script:
    ``hub_search_fold`` is registered on the connection as a Python function
    (``str.casefold`` after stripping combining marks), because SQLite's own
    ``LIKE`` and ``lower()`` only fold ASCII. Words match anywhere (inside
    words too). No misspellings, no ranking beyond "a name matched first";
    claims newest first, as on PostgreSQL.

Both backends also search the Latin transliterations of the query
(``hub.transliteration``: pinyin for Chinese, KMU 2010 and the Wikipedia
romanisation for Cyrillic), so "新兴" finds "Xinxing" and "Билоричен" finds
"Bilorichenska". Stored names are matched as written, not transliterated
(that would need a stored column per name): every firm and site has an
English (Latin) name, and aliases hold the attested romanisations, so a
Latin query meets those.

Columns and indexes no model declares
    The hub's migrations 0001-0005 add to the searched tables, on PostgreSQL
    only, the generated columns ``search_vector`` (tsvector), ``search_names``
    (folded names) and ``search_han`` (text[] of Chinese characters and
    pairs), their GIN indexes, the claims' partial index in newest-first
    order, and the functions ``hub_search_fold`` and ``hub_han_grams``:
    UNDECLARED_COLUMNS, UNDECLARED_INDEXES and SQL_FUNCTIONS below list them,
    and tests/hub/test_search_columns.py checks that on PostgreSQL they
    exist and, with the models' own fields, account for every column of
    every table (on SQLite: that none of them exists, and the fallback
    searches). They stay out of the models because Django cannot declare
    them portably:

    * a model is the same on both backends, and these have no SQLite form:
      tsvector, ``setweight``/``to_tsvector`` and text[] are PostgreSQL's,
      as are GIN indexes with ``gin_trgm_ops`` (django.contrib.postgres);
    * on SQLite ``hub_search_fold`` is a Python function registered on each
      of the site's connections: a generated column calling it would make
      the table unwritable from any other connection (the sqlite3 shell,
      scripts/dbtools.py, backup and restore);
    * the claims' newest-first index orders ``date_start DESC NULLS LAST``,
      which SQLite does not accept in an index definition;
    * a declared column is read with every row of its model (a claim's
      vector with every list and download) unless deferred everywhere, and
      the downloads' tables would have to leave it out by name.

    So the search reads them by name (``StoredColumn``) on PostgreSQL only,
    and the SQLite search computes what it needs per query.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import F, Q, TextField, Value
from django.db.models.expressions import Case, When

from hub.models import PublicRecordQuerySet
from hub.search_sql import (
    FOLD,
    Contains,
    FoldedText,
    HasHanGrams,
    PrefixQuery,
    SimilarTo,
    StoredColumn,
    TsMatch,
    TsRank,
    WordSimilarity,
    folded,
    han_grams,
)

# The query's text and the snippets are hub.search_text's; named here too,
# as the search's interface (the views and the lists call them through it).
from hub.search_text import (  # noqa: F401
    MAX_LENGTH,
    clean_query,
    fold,
    highlight,
    highlight_terms,
    holds_term,
    variants,
    words,
)
from hub.transliteration import HAN_RUN

# Trigram similarity is only tried for queries at least this long: shorter
# ones share a trigram with too many words to mean anything.
FUZZY_MIN_LENGTH = 4
# The condition of a query with nothing to search for in it (punctuation alone).
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Spec:
    """Which columns of a model the search reads, by weight."""

    names: tuple  # weight A, and the substring / trigram match
    aliases: tuple = ()  # weight B, and the substring / trigram match
    texts: tuple = ()  # weight C
    extra: tuple = ()  # weight D
    fuzzy: bool = True  # trigram similarity on the name fields
    substring: tuple = ()  # the name fields, when not names + aliases
    # A large table (claims): on PostgreSQL, words by the full-text index only,
    # Chinese by its stored characters and pairs (no spaces between words), no ranking.
    large: bool = False

    @property
    def name_fields(self):
        """The columns matched by substring (and trigrams): names and aliases."""
        return self.substring or self.names + self.aliases

    @property
    def all_fields(self):
        return self.names + self.aliases + self.texts + self.extra


SPECS = {
    "entities.Firm": Spec(
        names=("name_en", "name_zh", "name_ru", "name_uk", "short_name"),
        aliases=("aliases", "ticker", "latin_names"),
        texts=("description", "description_uk"),
    ),
    "entities.Site": Spec(
        names=("name_en", "name_uk", "name_ru"),
        aliases=("aliases", "locality", "latin_names"),
        texts=("description", "description_uk"),
    ),
    # A claim's statement is found by substring too, but not by similarity.
    "evidence.Claim": Spec(
        names=("public_id",),
        texts=("statement", "statement_uk"),
        extra=("firm_response",),
        fuzzy=False,
        substring=("public_id", "statement"),
        large=True,
    ),
    "evidence.Source": Spec(
        names=("title",),
        aliases=("publisher", "author"),
        texts=("description", "description_uk"),
    ),
}


def spec_for(model):
    return SPECS[model._meta.label]


# What the migrations add on PostgreSQL and no model declares (see the module's
# docstring), by model: generated columns and indexes of its table.
UNDECLARED_COLUMNS = {
    "entities.Firm": ("search_vector", "search_names"),
    "entities.Site": ("search_vector", "search_names"),
    "evidence.Claim": ("search_vector", "search_han"),
    "evidence.Source": ("search_vector", "search_names"),
}
UNDECLARED_INDEXES = {
    "entities.Firm": ("entities_firm_search_fts", "entities_firm_search_trgm"),
    "entities.Site": ("entities_site_search_fts", "entities_site_search_trgm"),
    "evidence.Claim": (
        "evidence_claim_search_fts",
        "evidence_claim_search_han",
        "claim_search_newest",
    ),
    "evidence.Source": ("evidence_source_search_fts", "evidence_source_search_trgm"),
}
SQL_FUNCTIONS = (FOLD, "hub_han_grams")


# -- PostgreSQL ---------------------------------------------------------------


def _postgresql(model, spec, forms, fuzzy):
    """(the match condition, the rank) on PostgreSQL.

    The weighted vector and the folded names are stored columns (hub
    migration 0003), each with its GIN index, so that a row an index finds
    is checked, and a hit ranked, without computing its vector again.
    Trigram similarity (misspellings) only when `fuzzy`: it is computed for
    every candidate row, 35 µs a row.
    """
    vector = StoredColumn("search_vector", TextField())
    exact, similar = [], []
    rank = Value(0.0)
    if any(words(form) for form in forms):
        tsquery = PrefixQuery(forms)
        exact.append(TsMatch(vector, tsquery))
        rank = TsRank(vector, tsquery)
    if spec.large:
        # The words of a statement are found by the full-text index; Chinese,
        # written without spaces, by its characters and pairs.
        exact += [_han_match(spec, form) for form in forms if HAN_RUN.search(form)]
        # Or'ed in the WHERE: every part is a stored column with its statistics,
        # so the planner can walk the newest claims and stop at the first hits
        # of a common text, or ask the indexes for a rare one. Newest first,
        # not ranked (see ranked()).
        condition = Q.create([Q(part) for part in exact], connector=Q.OR) if exact else NOTHING
        return condition, Value(0.0)
    names = StoredColumn("search_names", TextField())
    for form in forms:
        contains = Contains(names, form)
        exact.append(contains)
        rank += Case(When(contains, then=Value(1.0)), default=Value(0.0))
        if fuzzy and spec.fuzzy and len(form) >= FUZZY_MIN_LENGTH:
            similar.append(SimilarTo(FoldedText(Value(form)), names))
            rank += WordSimilarity(FoldedText(Value(form)), names)
    parts = exact + similar
    # One index to ask: in the WHERE itself, where it is scanned with the other filters.
    condition = Q(parts[0]) if len(parts) == 1 else _any_of(model, parts)
    return condition, rank


def _han_match(spec, form):
    """A claim whose statement holds `form`: its stored pairs first, then the text itself."""
    holds = HasHanGrams(StoredColumn("search_han", TextField()), han_grams(form))
    if HAN_RUN.fullmatch(form):
        # Chinese has neither case nor accents: the statement as written.
        check = Contains(F(spec.texts[0]), form, fold_text=False)
        return Q(holds) & Q(check)
    # Each part apart: the query's spaces are collapsed, the statement's are not.
    text = folded(spec.name_fields)
    return Q(holds) & Q.create([Q(Contains(text, part)) for part in form.split()])


def _any_of(model, parts):
    """Rows matching any of `parts`: the union of one subquery per part, each asking its index.

    Or'ed in one WHERE, the planner reads every row and computes every part
    (a trigram similarity for each of 20,000 firms: half a second); as
    ``pk IN (...) OR pk IN (...)`` it still reads every row of the table to
    test them (17 ms over the sources when nothing matches; 1 ms as a union).
    """
    if not parts:
        return NOTHING
    pks = model._base_manager.order_by()
    subqueries = [pks.filter(part).values("pk") for part in parts]
    return Q(pk__in=subqueries[0].union(*subqueries[1:]))


# -- SQLite -------------------------------------------------------------------


def _sqlite(spec, forms):
    """(the match condition, the rank) on SQLite: every word somewhere, names first."""
    everything = folded(spec.all_fields)
    names = folded(spec.name_fields)
    condition = Q()
    rank = Value(0.0)
    for form in forms:
        form_words = words(form) or [form]
        condition |= Q.create([Q(Contains(everything, word)) for word in form_words])
        rank += Case(When(Contains(names, form), then=Value(1.0)), default=Value(0.0))
    return condition, rank


# -- the entry points ----------------------------------------------------------


def _condition_and_rank(queryset, text, fuzzy):
    text = clean_query(text)[:MAX_LENGTH]
    if not text:
        return None, None
    spec = spec_for(queryset.model)
    forms = variants(text)
    if connections[queryset.db].vendor == "postgresql":
        return _postgresql(queryset.model, spec, forms, fuzzy)
    return _sqlite(spec, forms)


def matching(queryset, text, fuzzy=True):
    """The rows of `queryset` that the search `text` finds (all of them for an empty text).

    `fuzzy=False` leaves out misspellings (PostgreSQL's trigram similarity).
    """
    condition, _ = _condition_and_rank(queryset, text, fuzzy)
    if condition is None:
        return queryset
    return queryset.filter(condition)


def ranked(queryset, text, fuzzy=True):
    """`matching`, best first (then in the model's own order), with ``search_rank``."""
    condition, rank = _condition_and_rank(queryset, text, fuzzy)
    if condition is None:
        return queryset.none()
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if spec_for(queryset.model).large:
        # Newest first: a partial index in this order (hub migration 0004)
        # lets the database stop at the first hits instead of sorting them all.
        ordering = [F("date_start").desc(nulls_last=True), *ordering]
    return (
        queryset.filter(condition)
        .annotate(search_rank=rank)
        .order_by("-search_rank", *ordering, "pk")
    )


def finds_misspellings(model, text, connection_alias="default"):
    """Whether `matching(..., fuzzy=True)` can find more than `fuzzy=False` for this text."""
    spec = spec_for(model)
    long_enough = any(len(form) >= FUZZY_MIN_LENGTH for form in variants(clean_query(text)))
    return spec.fuzzy and long_enough and connections[connection_alias].vendor == "postgresql"


class SearchableQuerySet(PublicRecordQuerySet):
    """The reads of a model the search page covers (its Spec in SPECS)."""

    def matching(self, text, fuzzy=True):
        # Full text on PostgreSQL, folded LIKE on SQLite: the search page's engine.
        return matching(self, text, fuzzy)


def filter_list(filterset, queryset, text):
    """A list's ``?q=``: as the search page, misspellings only when nothing holds the text as written.

    Asked once per filterset and text (one EXISTS over the published records
    of the kind), since a list applies its filters again for each facet.
    """
    decided = filterset.__dict__.setdefault("_search_misspelt", {})
    if text not in decided:
        model = queryset.model
        decided[text] = (
            finds_misspellings(model, text, queryset.db)
            and not matching(model.objects.public(), text, fuzzy=False).exists()
        )
    return queryset.matching(text, fuzzy=decided[text])
