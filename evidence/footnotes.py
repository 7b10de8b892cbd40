"""Numbered footnotes for pages that show claims with their citations.

Every citation of every claim on a page becomes one numbered footnote, in
the order the claims are shown, so that a reader can follow any statement
to the source, the place in it, and the quote.
"""

from dataclasses import dataclass

from .models import Citation, ClaimType


@dataclass
class Footnote:
    number: int
    citation: Citation

    @property
    def anchor(self):
        # The citation's identifier, so that /citations/<id>/ can point here.
        return self.citation.public_id


def footnoted_claims(claims, *, group_by_type=False):
    """Number the citations of `claims` (prefetched with `for_display`).

    Returns the claims (or, with `group_by_type`, a list of
    (type label, claims) in the order of ClaimType) and the footnotes; each
    claim gets a `footnotes` attribute listing its own.
    """
    footnotes = []
    claims = list(claims)
    if group_by_type:
        order = {value: index for index, value in enumerate(ClaimType.values)}
        claims.sort(key=lambda claim: order[claim.claim_type])
    for claim in claims:
        claim.footnotes = []
        for citation in claim.public_citations:
            note = Footnote(number=len(footnotes) + 1, citation=citation)
            footnotes.append(note)
            claim.footnotes.append(note)
        # Its block reads the same wherever its footnotes start at this number (hub.fragments).
        claim.fragment_key = f"{claim.pk}-{len(footnotes) - len(claim.footnotes) + 1}"
    if not group_by_type:
        return claims, footnotes
    groups = []
    for claim in claims:
        if not groups or groups[-1][0] != claim.claim_type:
            groups.append((claim.claim_type, []))
        groups[-1][1].append(claim)
    labelled = [(ClaimType(value).label, members) for value, members in groups]
    return labelled, footnotes
