"""The link tables: one row per pair, for joins without splitting a list (see downloads.tables)."""

from django.utils.translation import gettext_noop

from entities.models import Firm, Site
from evidence.models import Claim, Source

from .columns import Table, c, link_rows

CLAIM_FIRMS = Table(
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
)
CLAIM_SITES = Table(
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
)
SOURCE_RELAYS = Table(
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
)
