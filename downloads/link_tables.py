"""The link tables: one row per pair, for joins without splitting a list (see downloads.tables)."""

from django.utils.translation import gettext_noop

from entities.models import Firm, Site
from evidence.models import Claim, Source

from .columns import Table, c, link_rows


def claim_links(field, other, other_model, title, description, other_doc):
    """The table of a claim's many-to-many `field`: one row per claim and `other` record."""
    through = getattr(Claim, field).through
    return Table(
        f"claim_{field}",
        through,
        title,
        description,
        [
            c("claim_id", "string", "The claim.", "claim__public_id", foreign_key=("claims", "id")),
            c(
                f"{other}_id",
                "string",
                other_doc,
                f"{other}__public_id",
                foreign_key=(field, "id"),
            ),
        ],
        queryset=link_rows(
            through,
            "claim",
            other,
            owner_rows=lambda: Claim.objects.public_rows(),
            other_rows=lambda: other_model.objects.public_rows(),
        ),
        key=("claim_id", f"{other}_id"),
        owner="claim",
    )


CLAIM_FIRMS = claim_links(
    "firms",
    "firm",
    Firm,
    gettext_noop("Claims and firms"),
    gettext_noop("Which firms each claim is about: one row per claim and firm."),
    "A firm it is about.",
)
CLAIM_SITES = claim_links(
    "sites",
    "site",
    Site,
    gettext_noop("Claims and sites"),
    gettext_noop("Which sites each claim is about: one row per claim and site."),
    "A site it is about.",
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
    owner="from_source",
)
