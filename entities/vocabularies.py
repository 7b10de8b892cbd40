"""The closed vocabularies of firms, sites and sanctions (kinds, stages, regions, statuses).

Each is a database constraint on its model too; entities.models re-exports them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.IntegerChoices):
    """The three-stage progression of Chinese engagement described in the seed research."""

    PRIVATE_SUPPLIERS = 1, _("Stage 1 · private equipment suppliers")
    NETWORKS = 2, _("Stage 2 · Belt and Road para-diplomatic and academic networks")
    STATE_CAPITAL = 3, _("Stage 3 · state capital")


STAGE_EXPLANATIONS = {
    Stage.PRIVATE_SUPPLIERS: _(
        "Privately controlled or publicly listed manufacturers and traders that supply "
        "machinery, parts, telecom hardware and payment channels, usually through Russian "
        "or third-country intermediaries. Low diplomatic cost; deniable."
    ),
    Stage.NETWORKS: _(
        "Belt and Road para-diplomatic and academic networks: alliances, committees and "
        "business associations that normalise contact with institutions in the occupied "
        "territories."
    ),
    Stage.STATE_CAPITAL: _(
        "Chinese state-owned enterprises and state finance exploring or making investments: "
        "a decision of the Chinese state rather than a commercial accident."
    ),
}


class Region(models.TextChoices):
    """Occupied regions, named as parts of Ukraine. There is deliberately no "Russia"."""

    CRIMEA = "crimea", _("Autonomous Republic of Crimea")
    SEVASTOPOL = "sevastopol", _("Sevastopol")
    DONETSK = "donetsk", _("Donetsk oblast")
    LUHANSK = "luhansk", _("Luhansk oblast")
    ZAPORIZHZHIA = "zaporizhzhia", _("Zaporizhzhia oblast")
    KHERSON = "kherson", _("Kherson oblast")
    SEVERAL = "several", _("Several occupied regions")


class FirmKind(models.TextChoices):
    COMPANY = "company", _("Company")
    STATE_OWNED = "soe", _("State-owned enterprise")
    NETWORK = "network", _("Network organisation")
    ACADEMIC = "academic", _("Academic institution")
    FINANCIAL = "financial", _("Financial institution")
    INTERMEDIARY = "intermediary", _("Intermediary")


class Ownership(models.TextChoices):
    PRIVATE = "private", _("Private")
    LISTED = "listed", _("Publicly listed")
    CENTRAL_SOE = "central_soe", _("Central state-owned enterprise")
    LOCAL_SOE = "local_soe", _("Local state-owned enterprise")
    NON_PROFIT = "non_profit", _("Association or non-profit")
    UNKNOWN = "unknown", _("Unknown")


class Authority(models.TextChoices):
    US_OFAC = "us_ofac", _("United States · Treasury (OFAC)")
    US_BIS = "us_bis", _("United States · Commerce (BIS Entity List)")
    EU = "eu", _("European Union")
    UK = "uk", _("United Kingdom")
    UA = "ua", _("Ukraine (NSDC)")
    OTHER = "other", _("Other")


class DesignationKind(models.TextChoices):
    """What a designation does. An export control is not a sanction: pages never say so."""

    SANCTION = "sanction", _("Sanction (asset freeze or blocking)")
    EXPORT_CONTROL = "export_control", _("Export control")
    TRADE_RESTRICTION = "trade_restriction", _("Trade or investment restriction")
    OTHER = "other", _("Other designation")


# The jurisdiction each listed authority acts for (ISO 3166-1 alpha-2, EU for the
# Union); a designation by another authority states its own.
AUTHORITY_JURISDICTION = {"us_ofac": "US", "us_bis": "US", "eu": "EU", "uk": "GB", "ua": "UA"}


class DesignationStanding(models.TextChoices):
    """What the pages say of a firm's designations: the strongest kind in force, in this order.

    "None recorded" is never "No": the hub cannot prove that a firm is not listed.
    """

    SANCTION = "sanction", _("Sanctions designation recorded")
    EXPORT_CONTROL = "export_control", _("Export control recorded")
    TRADE_RESTRICTION = "trade_restriction", _("Trade or investment restriction recorded")
    OTHER = "other", _("Other designation recorded")
    ENDED = "ended", _("Ended designation recorded")
    NONE = "none", _("None recorded")


class RelationshipKind(models.TextChoices):
    PARENT = "parent", _("parent of")
    SHAREHOLDER = "shareholder", _("shareholder in")
    DISTRIBUTOR = "distributor", _("distributor for")
    INTERMEDIARY = "intermediary", _("intermediary for")
    MEMBER = "member", _("member of")
    PARTNER = "partner", _("partner of")


class SiteKind(models.TextChoices):
    COAL_MINE = "coal_mine", _("Coal mine")
    QUARRY = "quarry", _("Quarry")
    PORT = "port", _("Port")
    RAIL = "rail", _("Railway")
    TELECOM = "telecom", _("Telecom installation")
    BANK_BRANCH = "bank_branch", _("Bank branch")
    PLANT = "plant", _("Plant")
    CULTURAL_CENTRE = "cultural_centre", _("Cultural centre")
    OTHER = "other", _("Other")


class CoordinatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact location")
    LOCALITY = "locality", _("Locality (town or village)")
    REGION = "region", _("Region only")
    NONE = "none", _("No location")


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    IDLE = "idle", _("Idle")
    UNDER_CONSTRUCTION = "construction", _("Under construction")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Unknown")


class OccupationStatus(models.TextChoices):
    OCCUPIED = "occupied", _("Temporarily occupied")
    LIBERATED = "liberated", _("Formerly occupied, now liberated")
