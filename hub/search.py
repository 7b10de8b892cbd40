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

import re
import unicodedata
from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    TextField,
    Value,
)
from django.db.models.expressions import Case, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from hub.models import PublicRecordQuerySet
from hub.transliteration import HAN_RUN, transliterate

MAX_LENGTH = 200
FOLD = "hub_search_fold"
# Trigram similarity is only tried for queries at least this long: shorter
# ones share a trigram with too many words to mean anything.
FUZZY_MIN_LENGTH = 4
# Words of the query: runs of letters and digits (never tsquery operators).
WORD = re.compile(r"[^\W_]+")
# Lone surrogates, NUL and the other control characters (tab and newline excepted).
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
MAX_WORDS = 12
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
        texts=("description",),
    ),
    "entities.Site": Spec(
        names=("name_en", "name_uk", "name_ru"),
        aliases=("aliases", "locality", "latin_names"),
        texts=("description",),
    ),
    # A claim's statement is found by substring too, but not by similarity.
    "evidence.Claim": Spec(
        names=("public_id",),
        texts=("statement",),
        extra=("firm_response",),
        fuzzy=False,
        substring=("public_id", "statement"),
        large=True,
    ),
    "evidence.Source": Spec(
        names=("title",), aliases=("publisher", "author"), texts=("description",)
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


# -- expressions shared by both backends --------------------------------------


class Joined(Func):
    """The columns as one text, separated by spaces (``||`` is immutable; CONCAT is not)."""

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = TextField()


class Fold(Func):
    """``hub_search_fold(text)``: a function of the migration on PostgreSQL, of Python on SQLite."""

    function = FOLD
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        register_sqlite_functions(connection)
        return self.as_sql(compiler, connection, **extra_context)


def register_sqlite_functions(connection):
    """Give this SQLite connection ``hub_search_fold`` (cheap; safe to repeat)."""
    connection.ensure_connection()
    connection.connection.create_function(FOLD, 1, fold, deterministic=True)


def folded(fields):
    return Fold(Joined(*[F(field) for field in fields]))


class Contains(Func):
    """``folded LIKE '%' || hub_search_fold(text) || '%'``, the text's wildcards escaped."""

    output_field = BooleanField()

    def __init__(self, folded_expression, text, fold_text=True):
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self.fold_text = fold_text
        super().__init__(folded_expression, Value(escaped))

    def as_sql(self, compiler, connection, **extra_context):
        haystack, haystack_params = compiler.compile(self.source_expressions[0])
        needle, needle_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            register_sqlite_functions(connection)
        if self.fold_text:
            needle = f"{FOLD}({needle})"
        sql = f"{haystack} LIKE (%s || {needle} || %s) ESCAPE '\\'"
        return sql, (*haystack_params, "%", *needle_params, "%")


# -- PostgreSQL ---------------------------------------------------------------


class PrefixQuery(Func):
    """A tsquery: every word of a form as a prefix (&), the forms or'ed (|).

    Each word is folded by the database, then quoted by quote_literal(): the
    fold may turn a letter into a quote (unaccent maps U+02BC "ʼ" to "'"),
    and no text of the reader's is ever parsed as tsquery syntax.
    """

    output_field = TextField()

    def __init__(self, forms):
        self.shape = [len(words(form)) for form in forms if words(form)]
        super().__init__(*[Value(word) for form in forms for word in words(form)])

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        alternatives, params, position = [], [], 0
        for size in self.shape:
            terms = []
            for sql, word_params in compiled[position : position + size]:
                terms.append(
                    f"to_tsquery('simple'::regconfig, quote_literal({FOLD}({sql})) || ':*')"
                )
                params.extend(word_params)
            alternatives.append("(" + " && ".join(terms) + ")")
            position += size
        return "(" + " || ".join(alternatives) + ")", params


class Operator(Func):
    """Two expressions around an operator, written out (no %-template to escape)."""

    operator = ""
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        left, left_params = compiler.compile(self.source_expressions[0])
        right, right_params = compiler.compile(self.source_expressions[1])
        return f"({left} {self.operator} {right})", (*left_params, *right_params)


class FoldedText(Func):
    """A query text, folded by the database as the indexed columns are."""

    function = FOLD
    output_field = TextField()


class TsMatch(Operator):
    operator = "@@"


class SimilarTo(Operator):
    """pg_trgm's ``text <% document``: word similarity above the threshold (0.6)."""

    operator = "<%%"


class HasHanGrams(Func):
    """``grams @> ARRAY[...]``: a stored list of Chinese characters and pairs holds all of these."""

    output_field = BooleanField()

    def __init__(self, text, grams):
        super().__init__(text, *[Value(gram) for gram in grams])

    def as_sql(self, compiler, connection, **extra_context):
        (text, text_params), *grams = [compiler.compile(e) for e in self.source_expressions]
        array = ", ".join(sql for sql, _ in grams)
        params = [param for _, gram_params in grams for param in gram_params]
        return f"({text} @> ARRAY[{array}]::text[])", (*text_params, *params)


class TsRank(Func):
    function = "ts_rank"
    output_field = FloatField()


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class StoredColumn(Expression):
    """A column hub/migrations/0003 stores on the searched table (PostgreSQL only).

    The models do not declare these generated columns; this names one on the
    query's own table, whatever alias that table has (U0 in a subquery).
    """

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(self.column)}", []


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


def han_grams(text):
    """The Chinese characters and pairs a text is found by (hub migration 0005's hub_han_grams).

    A run of one character is itself; a longer run, each pair of neighbours.
    """
    grams = []
    for run in HAN_RUN.findall(text):
        grams += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return list(dict.fromkeys(grams))


def _han_match(spec, form):
    """A claim whose statement holds `form`: its stored pairs first, then the text itself."""
    holds = HasHanGrams(StoredColumn("search_han", TextField()), han_grams(form))
    if HAN_RUN.fullmatch(form):
        # Chinese has neither case nor accents: the statement as written.
        check = Contains(F(spec.texts[0]), form, fold_text=False)
    else:
        check = Contains(folded(spec.name_fields), form)
    return Q(holds) & Q(check)


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
