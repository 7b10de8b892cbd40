"""The published tables, column by column: the one description of every download.

List CSVs, JSON twins, the frozen per-update data package, its Table Schema
and its codebook are all generated from the definitions below, so a column
means the same thing everywhere it appears.

Rows are read with `values_list` (no model instances) in chunks; the
many-to-many columns are filled per chunk with one query each, so a table of
any size streams in constant memory and a fixed number of queries per chunk.
"""

from dataclasses import dataclass, field
from itertools import batched

from django.conf import settings
from django.db.models import BooleanField, Case, CharField, F, Lookup, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import In
from django.utils.translation import gettext_noop

from entities.models import Firm, Relationship, SanctionsDesignation, Site
from evidence.models import Citation, Claim, Source
from evidence.reply import reply_date_expression, reply_status_expression
from hub.chunks import CHUNK_SIZE
from hub.models import Status

# Many identifiers in one cell are joined with this (identifiers never contain it).
SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, date, boolean
    description: str
    path: str = ""  # ORM path for values_list; empty for many-to-many columns
    many: object = None  # for many-to-many columns: chunk of pks -> {pk: [identifiers]}
    foreign_key: tuple = ()  # (table, column) this column refers to

    @property
    def is_text(self):
        return self.type == "string"


@dataclass
class Table:
    name: str
    model: type
    title: str
    description: str
    columns: list = field(default_factory=list)

    @property
    def column_names(self):
        return [column.name for column in self.columns]

    def public_queryset(self):
        """Every public row of the table (the lists' rule, public_rows), in its download order."""
        return self.model.objects.public_rows().order_by(Length("public_id"), "public_id")

    def rows(self, queryset):
        """Yield each row of `queryset` as a list of Python values, in column order."""
        plain = [column for column in self.columns if not column.many]
        paths = [*(column.path for column in plain), "pk"]
        # Decided once per export, not once per cell: where each many-to-many
        # column goes in a row, and which plain columns need more than their value.
        many = [(i, column.many) for i, column in enumerate(self.columns) if column.many]
        finishers = [
            (i, finisher)
            for i, column in enumerate(self.columns)
            if not column.many and (finisher := self.finisher(column)) is not None
        ]
        rows = queryset.values_list(*paths).iterator(chunk_size=CHUNK_SIZE)
        # A chunk's primary keys are the IN list of each many-to-many reader.
        for chunk in batched(rows, CHUNK_SIZE):
            pks = [row[-1] for row in chunk]
            joined = [
                (i, {pk: SEPARATOR.join(sorted(ids)) for pk, ids in read(pks).items()})
                for i, read in many
            ]
            for row in chunk:
                values = list(row)
                pk = values.pop()
                # Ascending positions: each insert lands where its column is.
                for i, lookup in joined:
                    values.insert(i, lookup.get(pk, ""))
                for i, finisher in finishers:
                    values[i] = finisher(values[i])
                yield values

    def finish(self, column, value):
        if column.many:
            return SEPARATOR.join(sorted(value))
        finisher = self.finisher(column)
        return value if finisher is None else finisher(value)

    def finisher(self, column):
        """The function a plain column's value goes through, or None if it is written as is."""
        if column.name == "aliases":
            return _alias_list
        if column.name == "hub_url":
            prefix = f"{settings.HUB_SITE_URL}/{self.name}/"
            return lambda value: f"{prefix}{value}/"
        return None


def _alias_list(value):
    return SEPARATOR.join(line.strip() for line in (value or "").splitlines() if line.strip())


class InList(Lookup):
    """`lhs IN (values)`; on PostgreSQL `lhs = ANY(%s)`, the values as one array parameter.

    The many-to-many readers filter by a chunk's primary keys (CHUNK_SIZE): as an IN
    list, Django prepares and psycopg quotes each key one by one, which costs
    more than the query itself; as one array it is one parameter.
    """

    lookup_name = "in_list"

    def get_prep_lookup(self):
        return list(self.rhs)  # primary keys read from the database: nothing to prepare

    def as_sql(self, compiler, connection):
        return compiler.compile(In(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if all(value.__class__ is int for value in self.rhs):
            # Written here as an array literal: psycopg would quote a list item by item.
            array = "{" + ",".join(map(str, self.rhs)) + "}"
            return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", (
                *params,
                array,
            )
        return f"{lhs} = ANY(%s)", (*params, self.rhs)


@dataclass(frozen=True)
class Many:
    """A many-to-many column's reader, from one queryset of (owner pk, identifier) pairs.

    Called with a chunk of owner pks it gives {owner pk: [identifiers]}; the
    SQL writer (downloads.sqlcsv) aggregates the same pairs in the database.
    """

    pairs: object  # () -> values_list(owner pk, identifier) over every public link
    owner: str  # the owner pk's column in `pairs`, for filtering by a chunk
    distinct: bool = False  # list an identifier once however many pairs repeat it

    def __call__(self, pks):
        result = {}
        for pk, identifier in self.pairs().filter(InList(F(self.owner), pks)):
            result.setdefault(pk, []).append(identifier)
        if self.distinct:
            return {pk: list(dict.fromkeys(ids)) for pk, ids in result.items()}
        return result


def linked(through, owner, other, *, other_status=True):
    """{owner pk: [public ids of the linked public records]}."""

    def pairs():
        rows = through.objects.all()
        if other_status:
            rows = rows.filter(**{f"{other}__status": Status.PUBLISHED})
        return rows.values_list(f"{owner}_id", f"{other}__public_id")

    return Many(pairs, f"{owner}_id")


sector_slugs = Many(
    lambda: Firm.sectors.through.objects.values_list("firm_id", "sector__slug"), "firm_id"
)

# The distinct sources each claim cites (a source cited twice is listed once).
claim_sources = Many(
    lambda: Citation.objects.public().order_by().values_list("claim_id", "source__public_id"),
    "claim_id",
    distinct=True,
)


def c(name, type_, description, path=None, **kwargs):
    return Column(name, type_, description, path if path is not None else name, **kwargs)


def european_presence_expression():
    """True where a published claim supports the European presence, else empty (NULL)."""
    return Case(
        When(
            european_presence=True,
            european_presence_claim__status=Status.PUBLISHED,
            then=Value(True),
        ),
        default=Value(None),
        output_field=BooleanField(null=True),
    )


def european_presence_claim_expression():
    return Case(
        When(
            european_presence=True,
            european_presence_claim__status=Status.PUBLISHED,
            then=F("european_presence_claim__public_id"),
        ),
        default=Value(""),
        output_field=CharField(),
    )


ID = c(
    "id", "string", "Stable public identifier; the record's page is /<table>/<id>/.", "public_id"
)
LAST_UPDATE = c("last_update", "integer", "Number of the update that last changed this record.")
HUB_URL = c("hub_url", "string", "The record's permanent URL on the hub.", "public_id")
# Beside each text readers read, the hub's Ukrainian text of it.
UK_TEXT = "The hub's Ukrainian text of {}; empty when not yet translated."
DATE_PRECISION = "How much of the date is known: day, month or year (2024 is 2024-01-01 + year)."

# Table titles and descriptions are marked with gettext_noop: the downloads page
# shows them translated, while the data packages and codebooks stay in English.
TABLES = [
    Table(
        "firms",
        Firm,
        gettext_noop("Firms and organisations"),
        gettext_noop(
            "Companies, state-owned enterprises, networks and institutions named in the evidence."
        ),
        [
            ID,
            c("name_en", "string", "Name in English."),
            c("name_zh", "string", "Name in Chinese, where a public source attests it."),
            c("name_ru", "string", "Name in Russian, where a public source attests it."),
            c("name_uk", "string", "Name in Ukrainian, where a public source attests it."),
            c("short_name", "string", "Short name used on the hub."),
            c("aliases", "string", f"Other names, separated by '{SEPARATOR}'."),
            c("identified", "boolean", "False for a firm the sources describe without naming."),
            c("kind", "string", "company, soe, network, academic, financial or intermediary."),
            c(
                "ownership",
                "string",
                "private, listed, central_soe, local_soe, non_profit or unknown.",
            ),
            c("exchange", "string", "Stock exchange of the listing."),
            c("ticker", "string", "Ticker on that exchange."),
            c(
                "country",
                "string",
                "ISO 3166-1 alpha-2 country of registration; empty when unknown.",
            ),
            c("uscc", "string", "Unified Social Credit Code (China)."),
            c("lei", "string", "Legal Entity Identifier."),
            c("inn", "string", "Russian taxpayer number (INN)."),
            c("ogrn", "string", "Russian state registration number (OGRN)."),
            c("website", "string", "Official website."),
            c(
                "sectors",
                "string",
                f"Sector slugs, separated by '{SEPARATOR}'.",
                "",
                many=sector_slugs,
            ),
            c(
                "stage",
                "integer",
                "Engagement stage: 1 private suppliers, 2 networks, 3 state capital.",
            ),
            c(
                "european_presence",
                "boolean",
                "true when a published claim (european_presence_claim) supports a presence in "
                "European markets; empty when not established.",
                european_presence_expression(),
            ),
            c(
                "european_presence_claim",
                "string",
                "The published claim that supports the European presence, if any.",
                european_presence_claim_expression(),
                foreign_key=("claims", "id"),
            ),
            c("european_presence_note", "string", "Details of the European presence."),
            c("european_presence_note_uk", "string", UK_TEXT.format("european_presence_note")),
            c("description", "string", "Description."),
            c("description_uk", "string", UK_TEXT.format("description")),
            LAST_UPDATE,
            HUB_URL,
        ],
    ),
    Table(
        "sites",
        Site,
        gettext_noop("Sites"),
        gettext_noop("Places in the Russian-occupied territories of Ukraine."),
        [
            ID,
            c("name_en", "string", "Name in English."),
            c("name_uk", "string", "Name in Ukrainian."),
            c("name_ru", "string", "Name in Russian."),
            c("aliases", "string", f"Other names, separated by '{SEPARATOR}'."),
            c(
                "occupation_name",
                "string",
                "Name the occupation authorities use for the place or its unit, where it differs.",
            ),
            c(
                "kind",
                "string",
                "coal_mine, quarry, port, rail, telecom, bank_branch, plant, cultural_centre or other.",
            ),
            c(
                "region",
                "string",
                "Occupied region of Ukraine: crimea, sevastopol, donetsk, luhansk, zaporizhzhia, kherson or several.",
            ),
            c("country", "string", "ISO 3166-1 alpha-2 country: always UA (Ukraine)."),
            c(
                "occupation_status",
                "string",
                "occupied (temporarily occupied) or liberated (formerly occupied).",
            ),
            c("raion", "string", "Raion (district), as in the codifier since 2020."),
            c("locality", "string", "Town or village."),
            c("locality_uk", "string", "Town or village, in Ukrainian."),
            c(
                "katotth",
                "string",
                "KATOTTH code (UA + 17 digits) of the most specific administrative unit known; "
                "zeros after a level mean the code stops at that level (UA44000000000018893 is "
                "Luhansk oblast).",
            ),
            c("latitude", "number", "WGS 84 latitude, as precise as coordinate_precision says."),
            c("longitude", "number", "WGS 84 longitude."),
            c("coordinate_precision", "string", "exact, locality, region or none."),
            c("occupied_since", "date", "Date the place was occupied."),
            c("occupied_since_precision", "string", DATE_PRECISION),
            c("operating_status", "string", "operating, idle, construction, closed or unknown."),
            c("quantity", "integer", "Number of installations when one record stands for many."),
            c("description", "string", "Description."),
            c("description_uk", "string", UK_TEXT.format("description")),
            LAST_UPDATE,
            HUB_URL,
        ],
    ),
    Table(
        "sources",
        Source,
        gettext_noop("Sources"),
        gettext_noop("Reports, articles, statements, filings and registers that claims cite."),
        [
            ID,
            c("title", "string", "Title."),
            c("publisher", "string", "Publisher."),
            c("author", "string", "Author."),
            c(
                "kind",
                "string",
                "ngo_report, media, occupation_statement, corporate_filing, academic, trade_data, social_media, government or register.",
            ),
            c("url", "string", "Original URL."),
            c("archived_url", "string", "URL of an archived copy."),
            c("published_on", "date", "Publication date."),
            c("published_precision", "string", DATE_PRECISION),
            c("accessed_on", "date", "Date the hub last accessed the source."),
            c("language", "string", "BCP 47 language code."),
            c("reliability", "string", "Reliability grade A-D (see the methodology)."),
            c(
                "hub_publication",
                "boolean",
                "True for the hub's own briefings and reports, which never count as independent "
                "corroboration.",
            ),
            c("description", "string", "Description."),
            c("description_uk", "string", UK_TEXT.format("description")),
            LAST_UPDATE,
            HUB_URL,
        ],
    ),
    Table(
        "claims",
        Claim,
        gettext_noop("Claims"),
        gettext_noop("Checkable statements, each cited to at least one source."),
        [
            ID,
            c("statement", "string", "The statement."),
            c("statement_uk", "string", UK_TEXT.format("statement")),
            c(
                "claim_type",
                "string",
                "equipment_supply, servicing, finance, telecom, investment, network, logistics or presence.",
            ),
            c("region", "string", "Occupied region of Ukraine it concerns, if one."),
            c("date_start", "date", "Date (or start of the period)."),
            c("date_end", "date", "End of the period."),
            c("date_precision", "string", DATE_PRECISION),
            c("stage", "integer", "Engagement stage 1-3."),
            c(
                "confidence",
                "string",
                "confirmed, single_source (reported), hub_finding (the hub's own finding, not "
                "independently confirmed), alleged or disputed: the grade computed from the "
                "evidence, or the editors' override (see the methodology).",
            ),
            c("figure_low", "number", "The figure the claim states (or the low end of a range)."),
            c("figure_high", "number", "The high end of a range."),
            c("figure_unit", "string", "Unit of the figure."),
            c(
                "firms",
                "string",
                f"Firm ids, separated by '{SEPARATOR}'.",
                "",
                many=linked(Claim.firms.through, "claim", "firm"),
            ),
            c(
                "sites",
                "string",
                f"Site ids, separated by '{SEPARATOR}'.",
                "",
                many=linked(Claim.sites.through, "claim", "site"),
            ),
            c(
                "sources",
                "string",
                f"Ids of the sources cited, separated by '{SEPARATOR}'.",
                "",
                many=claim_sources,
            ),
            c("firm_response", "string", "The firm's response, where it gave one."),
            c("firm_response_date", "date", "Date of the response."),
            c(
                "reply_status",
                "string",
                "Right of reply: not_contacted, awaiting, responded or no_response_by_deadline "
                "(derived from the contact date, deadline and response on the day of the export).",
                reply_status_expression(),
            ),
            c(
                "reply_date",
                "date",
                "The date that goes with reply_status: the response date (responded), the "
                "deadline (awaiting, no_response_by_deadline); empty when not_contacted.",
                reply_date_expression(),
            ),
            LAST_UPDATE,
            HUB_URL,
        ],
    ),
    Table(
        "citations",
        Citation,
        gettext_noop("Citations"),
        gettext_noop("Where in a source a claim or a relationship is supported."),
        [
            ID,
            c(
                "claim_id",
                "string",
                "The claim supported (or empty).",
                "claim__public_id",
                foreign_key=("claims", "id"),
            ),
            c(
                "relationship_id",
                "string",
                "The relationship supported (or empty).",
                "relationship__public_id",
                foreign_key=("relationships", "id"),
            ),
            c(
                "source_id",
                "string",
                "The source.",
                "source__public_id",
                foreign_key=("sources", "id"),
            ),
            c("locator", "string", "Where in the source: page, paragraph, timestamp or section."),
            c("quote", "string", "The words quoted, in the source's language."),
            c(
                "quote_translation",
                "string",
                "The hub's English translation of the quote, when the quote is not in English.",
            ),
            c(
                "quote_translation_uk",
                "string",
                "The hub's Ukrainian translation of the quote, when the quote is not in Ukrainian.",
            ),
            c("stance", "string", "supports, hedged or disputes: how the source treats the claim."),
            c("note", "string", "Note."),
            c("note_uk", "string", UK_TEXT.format("note")),
            LAST_UPDATE,
        ],
    ),
    Table(
        "relationships",
        Relationship,
        gettext_noop("Relationships"),
        gettext_noop("Directed ties between firms: source_firm_id is <kind> of target_firm_id."),
        [
            ID,
            c(
                "source_firm_id",
                "string",
                "The firm the tie starts from.",
                "source_firm__public_id",
                foreign_key=("firms", "id"),
            ),
            c(
                "kind",
                "string",
                "parent, shareholder, distributor, intermediary, member or partner.",
            ),
            c(
                "target_firm_id",
                "string",
                "The firm the tie points to.",
                "target_firm__public_id",
                foreign_key=("firms", "id"),
            ),
            c("description", "string", "Description."),
            c("description_uk", "string", UK_TEXT.format("description")),
            c("start_date", "date", "Start."),
            c("start_precision", "string", DATE_PRECISION),
            c("end_date", "date", "End."),
            c("end_precision", "string", DATE_PRECISION),
            LAST_UPDATE,
            HUB_URL,
        ],
    ),
    Table(
        "sanctions",
        SanctionsDesignation,
        gettext_noop("Sanctions designations"),
        gettext_noop(
            "Listings of firms by sanctions authorities; an ended listing keeps its end date."
        ),
        [
            ID,
            c(
                "firm_id",
                "string",
                "The firm designated.",
                "firm__public_id",
                foreign_key=("firms", "id"),
            ),
            c("authority", "string", "us_ofac, us_bis, eu, uk, ua or other."),
            c("programme", "string", "Sanctions programme."),
            c("listed_on", "date", "Date of listing."),
            c("ended_on", "date", "Date the listing ended; empty while in force."),
            c("reference", "string", "Official reference."),
            c("reference_url", "string", "URL of the official reference."),
            c(
                "source_id",
                "string",
                "Source in the hub.",
                "source__public_id",
                foreign_key=("sources", "id"),
            ),
            c("source_locator", "string", "Where in the source the listing is shown."),
            LAST_UPDATE,
        ],
    ),
]
BY_NAME = {table.name: table for table in TABLES}
BY_MODEL = {table.model: table for table in TABLES}
