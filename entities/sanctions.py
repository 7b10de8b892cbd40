"""Designations by jurisdiction, for sanctions analysts: who is listed where, on what evidence.

One read (`by_jurisdiction`) feeds the page and its CSV, so the two cannot
disagree. Beside the firms each jurisdiction lists, the firms whose
documented activity has no designation recorded anywhere are shown too: the
place where the evidence and the lists diverge. "None recorded" is never a
statement that a firm is not listed.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import DesignationStanding, Firm, SanctionsDesignation
from .querysets import designation_jurisdiction_expression

# The jurisdictions the page always shows, in this order; any other present follows.
MAIN_JURISDICTIONS = [
    ("US", _("United States")),
    ("EU", _("European Union")),
    ("GB", _("United Kingdom")),
    ("UA", _("Ukraine")),
]
# The firms with documented activity and no designation the page lists (the CSV has all).
UNLISTED_ON_PAGE = 100


@dataclass
class FirmRow:
    firm: Firm
    designations: list = field(default_factory=list)

    @property
    def standing(self):
        """The strongest kind in force here, else ended (DesignationStanding's order)."""
        kinds = {d.kind for d in self.designations if d.is_active}
        for standing in DesignationStanding:
            if standing.value in kinds:
                return standing
        return DesignationStanding.ENDED if self.designations else DesignationStanding.NONE


@dataclass
class Jurisdiction:
    code: str
    name: str
    firms: list


def by_jurisdiction():
    """[Jurisdiction] with the firms each lists (main ones first, even when empty)."""
    designations = (
        SanctionsDesignation.objects.of_public_firms()
        .annotate(code=designation_jurisdiction_expression())
        .order_by("firm__name_en", "listed_on", "public_id")
    )
    grouped = {}
    for designation in designations:
        rows = grouped.setdefault(designation.code, {})
        rows.setdefault(designation.firm_id, FirmRow(designation.firm)).designations.append(
            designation
        )
    names = dict(MAIN_JURISDICTIONS)
    codes = [code for code, _name in MAIN_JURISDICTIONS]
    codes += sorted(set(grouped) - set(codes))
    return [
        Jurisdiction(code, names.get(code, code), list(grouped.get(code, {}).values()))
        for code in codes
    ]


def documented_without_designation():
    """Public firms with published claims and no public designation: most claims first."""
    return (
        Firm.objects.public_rows()
        .filter(claim_count__gt=0)
        .exclude(designations__status="published")
        .order_by("-claim_count", "name_en", "public_id")
    )
