"""A claim's confidence grade, computed from what is recorded about its evidence.

The rules are written here once, as data: each `Rule` has the grade it
gives, the words the methodology page shows (rendered from `RULES`), and the
test it applies. The first rule whose test passes gives the grade. Publishing
(editorial.publishing.rules.regrade_claims) stores the grade on the claim, unless the editors have
set an override with a reason.

What the rules look at, for each published citation of the claim: the
source's publisher, reliability grade, whether the hub itself published it,
the firm that issued it (if it is the firm's own filing, statement or
website), the sources it is derived from, and the citation's stance
(supports, hedged, disputes); and the stance of the firm's recorded response.

The hub's own publications never count as independent: a claim the hub
found and no outside source supports says so in its grade (hub finding), and
a source that only relays the hub's briefing shares its lineage, so it does
not corroborate it either.
"""

from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.models import Status

from .models import Citation, CitationStance, Claim, Confidence, Source
from .reply import ResponseStance

# Reliability grades of sources independent of the claim (see Source.Reliability):
# C is an interested party, D unverified or anonymous.
INDEPENDENT_GRADES = {"A", "B"}


@dataclass(frozen=True)
class Evidence:
    """One published citation of a claim, as the rules see it."""

    source: int
    publisher: str
    reliability: str
    stance: str = CitationStance.SUPPORTS
    issuer: int | None = None
    # The source itself and every source it is derived from, directly or through others.
    lineage: frozenset = frozenset()
    # The hub's own briefing or report (Source.hub_publication).
    hub_own: bool = False

    @property
    def supports(self):
        return self.stance == CitationStance.SUPPORTS

    @property
    def independent(self):
        return self.supports and self.reliability in INDEPENDENT_GRADES and not self.hub_own


@dataclass(frozen=True)
class ClaimEvidence:
    citations: tuple = ()
    firms: frozenset = field(default_factory=frozenset)
    response_stance: str = ""


def _publisher(name):
    return " ".join(name.casefold().split())


def independent_of_each_other(a, b):
    """Different publishers, and neither derived from the other nor from a common origin."""
    return _publisher(a.publisher) != _publisher(b.publisher) and not (a.lineage & b.lineage)


def _counter_source(evidence):
    return any(c.stance == CitationStance.DISPUTES for c in evidence.citations)


def _firm_denies(evidence):
    return evidence.response_stance == ResponseStance.DENIES


def _firm_itself(evidence):
    own = any(c.supports and c.issuer in evidence.firms for c in evidence.citations)
    return own or evidence.response_stance == ResponseStance.ACKNOWLEDGES


def _two_independent(evidence):
    independent = [c for c in evidence.citations if c.independent]
    return any(independent_of_each_other(a, b) for a, b in combinations(independent, 2))


def _one_independent(evidence):
    return any(c.independent for c in evidence.citations)


def _hub_finding(evidence):
    return any(c.supports and c.hub_own for c in evidence.citations)


@dataclass(frozen=True)
class Rule:
    code: str
    grade: Confidence
    text: str
    test: object

    @property
    def label(self):
        return self.grade.label


RULES = [
    Rule(
        "counter_source",
        Confidence.DISPUTED,
        _("A cited source disputes the claim."),
        _counter_source,
    ),
    Rule(
        "firm_denies",
        Confidence.DISPUTED,
        _("The firm's recorded response denies the claim."),
        _firm_denies,
    ),
    Rule(
        "firm_itself",
        Confidence.CONFIRMED,
        _(
            "A source issued by a firm the claim is about (its own filing, statement or "
            "website) supports it, or the firm's recorded response acknowledges it."
        ),
        _firm_itself,
    ),
    Rule(
        "independent_sources",
        Confidence.CONFIRMED,
        _(
            "At least two independent sources (reliability A or B, not published by the hub) "
            "support it: of different publishers, neither derived from the other, and not both "
            "derived from a common source."
        ),
        _two_independent,
    ),
    Rule(
        "one_source",
        Confidence.SINGLE_SOURCE,
        _(
            "One independent source (reliability A or B, not published by the hub) supports "
            "it, or several that relay one another or share a publisher."
        ),
        _one_independent,
    ),
    Rule(
        "hub_finding",
        Confidence.HUB_FINDING,
        _(
            "Only the hub's own publications support it, with at most interested or "
            "unverified sources beside them: the hub's finding, which no independent source "
            "cited here confirms. The hub's briefings are never counted as corroboration."
        ),
        _hub_finding,
    ),
    Rule(
        "interested_or_anonymous",
        Confidence.ALLEGED,
        _(
            "Only an interested party (reliability C), an unverified or anonymous source "
            '(D), or a source that itself reports it with reservations ("reportedly") '
            "supports it."
        ),
        lambda evidence: True,
    ),
]


def applicable_rule(evidence):
    """The first rule that `evidence` (a ClaimEvidence) meets."""
    return next(rule for rule in RULES if rule.test(evidence))


def grade(evidence):
    return applicable_rule(evidence).grade


# Reading the evidence from the database -------------------------------------


def lineages():
    """{source pk: frozenset(itself and every source it derives from)}, from one query."""
    parents = {}
    for child, parent in Source.derived_from.through.objects.values_list(
        "from_source_id", "to_source_id"
    ):
        if child != parent:
            parents.setdefault(child, set()).add(parent)
    result = {}

    def lineage(pk):
        if pk not in result:
            seen, stack = {pk}, [pk]
            while stack:
                for parent in parents.get(stack.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            result[pk] = frozenset(seen)
        return result[pk]

    return lineage


def evidence_for(claim_pks):
    """{claim pk: ClaimEvidence} for the claims `claim_pks`, from four queries."""
    claim_pks = list(claim_pks)
    lineage = lineages()
    citations = {pk: [] for pk in claim_pks}
    rows = (
        Citation.objects.filter(
            claim__in=claim_pks, status=Status.PUBLISHED, source__status=Status.PUBLISHED
        )
        .order_by()
        .values_list(
            "claim_id",
            "source_id",
            "source__publisher",
            "source__reliability",
            "source__issuer_id",
            "stance",
            "source__hub_publication",
        )
    )
    for claim, source, publisher, reliability, issuer, stance, hub_own in rows:
        citations[claim].append(
            Evidence(source, publisher, reliability, stance, issuer, lineage(source), hub_own)
        )
    firms = {pk: set() for pk in claim_pks}
    for claim, firm in Claim.firms.through.objects.filter(claim__in=claim_pks).values_list(
        "claim_id", "firm_id"
    ):
        firms[claim].add(firm)
    stances = dict(Claim.objects.filter(pk__in=claim_pks).values_list("pk", "firm_response_stance"))
    return {
        pk: ClaimEvidence(tuple(citations[pk]), frozenset(firms[pk]), stances.get(pk, ""))
        for pk in claim_pks
    }


def evidence_of_displayed_claim(claim):
    """The ClaimEvidence of a claim read with `for_display` (one query: the derivations)."""
    lineage = lineages()
    citations = tuple(
        Evidence(
            c.source_id,
            c.source.publisher,
            c.source.reliability,
            c.stance,
            c.source.issuer_id,
            lineage(c.source_id),
            c.source.hub_publication,
        )
        for c in claim.public_citations
        if c.claim_id == claim.pk
    )
    firms = frozenset(firm.pk for firm in claim.public_firms)
    return ClaimEvidence(citations, firms, claim.firm_response_stance)


def computed_grades(claim_pks):
    """{claim pk: (grade the evidence gives, the rule that gives it)}."""
    return {
        pk: (rule.grade, rule)
        for pk, evidence in evidence_for(claim_pks).items()
        for rule in [applicable_rule(evidence)]
    }


def claims_affected_by_sources(source_pks):
    """Pks of claims citing the sources `source_pks` or any source derived from them."""
    affected, frontier = set(source_pks), set(source_pks)
    through = Source.derived_from.through.objects
    while frontier:
        children = set(
            through.filter(to_source_id__in=frontier).values_list("from_source_id", flat=True)
        )
        frontier = children - affected
        affected |= frontier
    return set(
        Citation.objects.filter(Q(source__in=affected), claim__isnull=False).values_list(
            "claim_id", flat=True
        )
    )
