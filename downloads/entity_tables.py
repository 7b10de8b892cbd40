"""The tables of firms, sites, relationships and designations (see downloads.tables)."""

from django.db.models import BooleanField, Case, CharField, F, Value, When
from django.utils.translation import gettext_noop

from entities.models import Firm, Relationship, SanctionsDesignation, Site
from entities.querysets import (
    designation_jurisdiction_expression,
    designation_standing_expression,
)
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
    precision_of,
)

sector_slugs = Many(
    lambda: Firm.sectors.through.objects.values_list("firm_id", "sector__slug"), "firm_id"
)


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


# The designations of each firm.
firm_designations = Many(
    lambda: SanctionsDesignation.objects.public().values_list("firm_id", "public_id"), "firm_id"
)

# Table titles and descriptions are marked with gettext_noop: the downloads page
# shows them translated, while the data packages and codebooks stay in English.
FIRMS = Table(
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
)
SITES = Table(
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
        c("description_uk", "string", UK_TEXT.format("description")),
        LAST_UPDATE,
        HUB_URL,
    ],
)
RELATIONSHIPS = Table(
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
)
SANCTIONS = Table(
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
            "ISO 3166-1 alpha-2 code of the authority's jurisdiction (EU for the European Union).",
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
)
