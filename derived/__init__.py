"""Every stored number shown to readers: derived from the published records, never edited.

A page must not count a million claims per request, so what the lists count
is stored once per update:

- FirmClaimFact, FirmSite and `Firm.claim_count` (derived.firm_facts; the
  reply facet's rule: derived.reply),
- ClaimTally (derived.tally),
- `Site.claim_count` and `Source.claim_count` (derived.claim_counts).

Two entry points write them, and nothing else does: `refresh(impact)`, in
the publishing transaction, for what an update's changes touched
(editorial.impact.UpdateImpact; the test factories call it too, for the
records they make), and `rebuild_all()`, everything from the records
(generate_synthetic, `manage.py check_derived --fix`). `manage.py
check_derived` compares every store with what rebuild_all would write.
"""


def refresh(impact):
    """Bring every store up to date with what `impact` (an UpdateImpact) says changed."""
    from . import claim_counts, firm_facts, tally

    firm_facts.refresh(impact)
    tally.refresh(impact)
    claim_counts.refresh(impact)


def rebuild_all():
    """Rewrite every store from the published records."""
    from django.db import transaction

    from . import claim_counts, firm_facts, tally

    with transaction.atomic():
        firm_facts.rebuild()
        tally.rebuild()
        claim_counts.recount(everything=True)
