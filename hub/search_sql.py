"""The SQL expressions of the search: those both backends share, then PostgreSQL's own.

hub.search puts them together into a condition and a rank for each backend;
what they compute on PostgreSQL rests on hub/migrations/0001-0005 (see
hub.search's docstring).
"""

from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    Func,
    TextField,
    Value,
)

from hub.search_text import fold, words
from hub.transliteration import HAN_RUN

FOLD = "hub_search_fold"


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


def han_grams(text):
    """The Chinese characters and pairs a text is found by (hub migration 0005's hub_han_grams).

    A run of one character is itself; a longer run, each pair of neighbours.
    """
    grams = []
    for run in HAN_RUN.findall(text):
        grams += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return list(dict.fromkeys(grams))
