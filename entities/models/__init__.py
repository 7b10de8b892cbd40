"""Firms, the relationships between them, the sites they work at, sanctions.

A firm or site is described once, in every script it is known by, with the
identifiers that let a reader match it to a register. Whatever the hub says
*about* a firm (that it supplied, financed, joined) is a Claim in the
evidence app, with its citations; this app only holds who and where.
"""

from ..vocabularies import (  # noqa: F401  re-exported: part of this package's interface
    AUTHORITY_JURISDICTION,
    STAGE_EXPLANATIONS,
    Authority,
    CoordinatePrecision,
    DesignationKind,
    DesignationStanding,
    FirmKind,
    OccupationStatus,
    OperatingStatus,
    Ownership,
    Region,
    RelationshipKind,
    SiteKind,
    Stage,
)
from .designations import SanctionsDesignation
from .firms import Firm, Sector
from .relationships import Relationship
from .sites import Site

__all__ = ["Firm", "Relationship", "SanctionsDesignation", "Sector", "Site"]
