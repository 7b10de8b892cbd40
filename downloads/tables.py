"""The published tables, column by column: the one description of every download.

List CSVs, JSON twins, the frozen per-update data package, its Table Schema
and its codebook are all generated from the definitions below, so a column
means the same thing everywhere it appears. How rows are read is in
downloads.columns.

Every field a confidence grade depends on is here (evidence.confidence): the
citations' stance, the sources' publisher, reliability, hub_publication,
issuer_id and the sources they relay (source_relays), the claims' firms
(claim_firms), firm_response_stance and the editors' override, so that a
reader can recompute every grade from a package alone.
"""

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_noop

from entities.models import Firm, Relationship, SanctionsDesignation, Site
from entities.querysets import (
    designation_jurisdiction_expression,
    designation_standing_expression,
)
from evidence.models import Citation, Claim, Source
from evidence.reply import reply_date_expression, reply_status_expression
from hub.models import Status

from .columns import SEPARATOR, Column, Many, Table, c, link_rows, linked

__all__ = ["BY_MODEL", "BY_NAME", "SEPARATOR", "TABLES", "Column", "Table"]

sector_slugs = Many(
    lambda: Firm.sectors.through.objects.values_list("firm_id", "sector__slug"), "firm_id"
)

# The distinct sources each claim cites (a source cited twice is listed once).
claim_sources = Many(
    lambda: Citation.objects.public().order_by().values_list("claim_id", "source__public_id"),
    "claim_id",
    distinct=True,
)

# The designations of each firm, and the sources each source relays.
firm_designations = Many(
    lambda: SanctionsDesignation.objects.public().values_list("firm_id", "public_id"), "firm_id"
)
source_relays = linked(Source.derived_from.through, "from_source", "to_source")

# A source's issuer, when that firm is public (a draft firm is not in firms).
public_issuer = Case(
    When(issuer__status=Status.PUBLISHED, then=F("issuer__public_id")),
    output_field=Source._meta.get_field("public_id"),
)


def precision_of(date, precision):
    """A date's precision, empty when there is no date (an undated claim is not `day`)."""
    return Case(
        When(**{f"{date}__isnull": True}, then=Value(None)),
        default=F(precision),
        output_field=CharField(),
    )


ID = c(
    "id", "string", "Stable public identifier; the record's page is /<table>/<id>/.", "public_id"
)
LAST_UPDATE = c("last_update", "integer", "Number of the update that last changed this record.")
HUB_URL = c("hub_url", "string", "The record's permanent URL on the hub.", "public_id")
DATE_PRECISION = (
    "How much of the date is known: day, month or year (2024 is 2024-01-01 + year); "
    "empty when there is no date."
)
LISTED = (
    f"In the CSV one cell, the items joined with '{SEPARATOR}' (for reading); in the JSON an array."
)

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
            c("aliases", "string", f"Other names. {LISTED}", listed=True),
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
                f"Sector slugs. {LISTED}",
                "",
                many=sector_slugs,
            ),
            c(
                "stage",
                "integer",
                "Engagement stage: 1 private suppliers, 2 networks, 3 state capital.",
            ),
            c("european_presence", "boolean", "Present in European markets; empty when unknown."),
            c("european_presence_note", "string", "Details of the European presence."),
            c("description", "string", "Description."),
            c(
                "designation_standing",
                "string",
                "What the hub records of the firm's designations: sanction, export_control, "
                "trade_restriction or other (the strongest kind in force, in that order), ended "
                "(only ended ones) or none (none recorded: not a statement that there is none).",
                designation_standing_expression(),
            ),
            c(
                "designations",
                "string",
                f"Ids of the firm's designations (table sanctions). {LISTED}",
                "",
                many=firm_designations,
            ),
            c("claim_count", "integer", "Number of published claims about the firm."),
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
            c("aliases", "string", f"Other names. {LISTED}", listed=True),
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
            c(
                "occupied_since_precision",
                "string",
                DATE_PRECISION,
                precision_of("occupied_since", "occupied_since_precision"),
            ),
            c("operating_status", "string", "operating, idle, construction, closed or unknown."),
            c("quantity", "integer", "Number of installations when one record stands for many."),
            c("description", "string", "Description."),
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
            c(
                "published_precision",
                "string",
                DATE_PRECISION,
                precision_of("published_on", "published_precision"),
            ),
            c("accessed_on", "date", "Date the hub last accessed the source."),
            c("language", "string", "BCP 47 language code."),
            c("reliability", "string", "Reliability grade A-D (see the methodology)."),
            c(
                "hub_publication",
                "boolean",
                "True for the hub's own briefings and reports, which never count as independent "
                "corroboration.",
            ),
            c(
                "issuer_id",
                "string",
                "The firm whose own filing, statement or website this is, if any.",
                public_issuer,
                foreign_key=("firms", "id"),
            ),
            c(
                "relays",
                "string",
                "Ids of the sources this one relays, quotes or copies: it is not independent of "
                f"them (also the table source_relays). {LISTED}",
                "",
                many=source_relays,
            ),
            c(
                "snapshot_sha256",
                "string",
                "SHA-256 of the copy the hub archived (a WARC or file at "
                "/sources/<id>/snapshot/); empty when it holds none.",
                "snapshot__sha256",
            ),
            c(
                "archived_on",
                "date",
                "Date the hub's copy was captured.",
                TruncDate("snapshot__retrieved_at"),
            ),
            c(
                "archive_exemption",
                "string",
                "Why there is no archived copy, where none can be made.",
            ),
            c("description", "string", "Description."),
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
            c(
                "claim_type",
                "string",
                "equipment_supply, servicing, finance, telecom, investment, network, logistics or presence.",
            ),
            c("region", "string", "Occupied region of Ukraine it concerns, if one."),
            c("date_start", "date", "Date (or start of the period)."),
            c("date_end", "date", "End of the period."),
            c(
                "date_precision",
                "string",
                DATE_PRECISION,
                precision_of("date_start", "date_precision"),
            ),
            c("stage", "integer", "Engagement stage 1-3."),
            c(
                "confidence",
                "string",
                "confirmed, single_source (reported), hub_finding (the hub's own finding, not "
                "independently confirmed), alleged or disputed: the grade computed from the "
                "evidence, or the editors' override (see the methodology).",
            ),
            c(
                "confidence_override",
                "string",
                "The grade the editors set in place of the computed one, if any.",
            ),
            c("confidence_override_reason", "string", "The editors' reason for the override."),
            c("figure_low", "number", "The figure the claim states (or the low end of a range)."),
            c("figure_high", "number", "The high end of a range."),
            c("figure_unit", "string", "Unit of the figure."),
            c(
                "firms",
                "string",
                f"Ids of the firms the claim is about (also the table claim_firms). {LISTED}",
                "",
                many=linked(Claim.firms.through, "claim", "firm"),
            ),
            c(
                "sites",
                "string",
                f"Ids of the sites the claim is about (also the table claim_sites). {LISTED}",
                "",
                many=linked(Claim.sites.through, "claim", "site"),
            ),
            c(
                "sources",
                "string",
                f"Ids of the sources cited (the table citations joins claims and sources). {LISTED}",
                "",
                many=claim_sources,
            ),
            c("firm_response", "string", "The firm's response, where it gave one."),
            c("firm_response_date", "date", "Date of the response."),
            c(
                "firm_response_stance",
                "string",
                "denies, acknowledges or comments: what the firm's response does to the claim.",
            ),
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
            c("stance", "string", "supports, hedged or disputes: how the source treats the claim."),
            c("note", "string", "Note."),
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
            c("start_date", "date", "Start."),
            c(
                "start_precision",
                "string",
                DATE_PRECISION,
                precision_of("start_date", "start_precision"),
            ),
            c("end_date", "date", "End."),
            c("end_precision", "string", DATE_PRECISION, precision_of("end_date", "end_precision")),
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
            c(
                "kind",
                "string",
                "sanction (asset freeze or blocking), export_control, trade_restriction (trade or "
                "investment restriction) or other. An export control is not a sanction.",
            ),
            c("authority", "string", "us_ofac, us_bis, eu, uk, ua or other."),
            c(
                "jurisdiction",
                "string",
                "ISO 3166-1 alpha-2 code of the authority's jurisdiction (EU for the European "
                "Union).",
                designation_jurisdiction_expression(),
            ),
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
            HUB_URL,
        ],
    ),
    Table(
        "claim_firms",
        Claim.firms.through,
        gettext_noop("Claims and firms"),
        gettext_noop("Which firms each claim is about: one row per claim and firm."),
        [
            c("claim_id", "string", "The claim.", "claim__public_id", foreign_key=("claims", "id")),
            c(
                "firm_id",
                "string",
                "A firm it is about.",
                "firm__public_id",
                foreign_key=("firms", "id"),
            ),
        ],
        queryset=link_rows(
            Claim.firms.through,
            "claim",
            "firm",
            owner_rows=lambda: Claim.objects.public_rows(),
            other_rows=lambda: Firm.objects.public_rows(),
        ),
        key=("claim_id", "firm_id"),
    ),
    Table(
        "claim_sites",
        Claim.sites.through,
        gettext_noop("Claims and sites"),
        gettext_noop("Which sites each claim is about: one row per claim and site."),
        [
            c("claim_id", "string", "The claim.", "claim__public_id", foreign_key=("claims", "id")),
            c(
                "site_id",
                "string",
                "A site it is about.",
                "site__public_id",
                foreign_key=("sites", "id"),
            ),
        ],
        queryset=link_rows(
            Claim.sites.through,
            "claim",
            "site",
            owner_rows=lambda: Claim.objects.public_rows(),
            other_rows=lambda: Site.objects.public_rows(),
        ),
        key=("claim_id", "site_id"),
    ),
    Table(
        "source_relays",
        Source.derived_from.through,
        gettext_noop("Sources relaying sources"),
        gettext_noop(
            "Which sources each source relays, quotes or copies: the two are not independent "
            "evidence (see the methodology)."
        ),
        [
            c(
                "source_id",
                "string",
                "The source that relays.",
                "from_source__public_id",
                foreign_key=("sources", "id"),
            ),
            c(
                "relayed_source_id",
                "string",
                "The source it relays.",
                "to_source__public_id",
                foreign_key=("sources", "id"),
            ),
        ],
        queryset=link_rows(
            Source.derived_from.through,
            "from_source",
            "to_source",
            owner_rows=lambda: Source.objects.public_rows(),
            other_rows=lambda: Source.objects.public_rows(),
        ),
        key=("source_id", "relayed_source_id"),
    ),
]
BY_NAME = {table.name: table for table in TABLES}
BY_MODEL = {table.model: table for table in TABLES}
