"""The tables of sources, claims and citations (see downloads.tables)."""

from django.db.models import Case, F, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_noop

from evidence.models import Citation, Claim, Source
from evidence.reply import reply_date_expression, reply_status_expression
from hub.models import Status

from .columns import (
    DATE_PRECISION,
    HUB_URL,
    ID,
    LAST_UPDATE,
    LISTED,
    UK_TEXT,
    Many,
    Table,
    c,
    linked,
    precision_of,
)

# The distinct sources each claim cites (a source cited twice is listed once).
claim_sources = Many(
    lambda: Citation.objects.public().order_by().values_list("claim_id", "source__public_id"),
    "claim_id",
    distinct=True,
)
# The sources each source relays.
source_relays = linked(Source.derived_from.through, "from_source", "to_source")
# A source's issuer, when that firm is public (a draft firm is not in firms).
public_issuer = Case(
    When(issuer__status=Status.PUBLISHED, then=F("issuer__public_id")),
    output_field=Source._meta.get_field("public_id"),
)

SOURCES = Table(
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
        c("description_uk", "string", UK_TEXT.format("description")),
        LAST_UPDATE,
        HUB_URL,
    ],
)
CLAIMS = Table(
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
)
CITATIONS = Table(
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
)
