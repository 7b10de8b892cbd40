"""The hub's words: every vocabulary readers meet, each value with its one label and definition.

The methodology page renders these definitions, one entry per value, each with
the anchor ``<vocabulary>-<value>``; every page that shows a value shows the
same label linked to that anchor (the ``term`` tag in hub_tags). The labels
are the choices' own labels, so filters, lists and profiles cannot drift from
the methodology.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from entities.models import STAGE_EXPLANATIONS, Stage
from hub.models import Status

from .models import ClaimType, Confidence, Reliability

CONFIDENCE_DEFINITIONS = {
    Confidence.CONFIRMED: _(
        "At least two independent sources support the statement, or the firm itself states or "
        "acknowledges it. The rules below say exactly when."
    ),
    Confidence.SINGLE_SOURCE: _(
        "One independent, generally reliable source supports the statement; no second "
        "independent source is recorded yet."
    ),
    Confidence.HUB_FINDING: _(
        "A statement that only the hub's own briefings support. The hub never counts its own "
        "publications as corroboration: the grade changes only when an outside source is cited "
        "for it."
    ),
    Confidence.ALLEGED: _(
        "A statement that only an interested or anonymous source makes, or that the source "
        "itself reports as unconfirmed."
    ),
    Confidence.DISPUTED: _(
        "A statement that the firm denies or that another source contradicts; both sides are cited."
    ),
}

CLAIM_TYPE_DEFINITIONS = {
    ClaimType.EQUIPMENT_SUPPLY: _(
        "The firm's machinery, vehicles, parts or hardware reached a place or operator in the "
        "occupied territories, directly or through intermediaries."
    ),
    ClaimType.SERVICING: _(
        "Maintenance, repair, spare parts or technical support for equipment working in the "
        "occupied territories."
    ),
    ClaimType.FINANCE: _(
        "Payment systems, cards, banking channels or other financial services used in or for "
        "the occupied territories."
    ),
    ClaimType.TELECOM: _(
        "Telecommunications equipment, networks or services in the occupied territories."
    ),
    ClaimType.INVESTMENT: _(
        "An investment, joint venture, agreement or partnership with institutions or firms in "
        "the occupied territories, made or explored."
    ),
    ClaimType.NETWORK: _(
        "Membership of, or activity in, an alliance, committee, association or academic network "
        "that includes institutions of the occupied territories."
    ),
    ClaimType.LOGISTICS: _(
        "Routes, transit hubs and carriers by which goods reach the occupied territories."
    ),
    ClaimType.PRESENCE: _(
        "An office, branch, representative or other lasting presence in the occupied "
        "territories, or a market presence elsewhere that a profile states."
    ),
}

RELIABILITY_DEFINITIONS = {
    Reliability.A: _(
        "Courts, regulators, official registers and long-established outlets with a record of "
        "accuracy and corrections; independent of the firms concerned."
    ),
    Reliability.B: _(
        "Established media, research and NGO reports that are generally reliable, whose account "
        "the hub has not checked against a second source."
    ),
    Reliability.C: _(
        "The firm itself, the occupation authorities or another party with a stake in the "
        "story: cited for what it says of itself, never as independent corroboration."
    ),
    Reliability.D: _(
        "Anonymous posts, unverified channels and sources whose origin cannot be established; "
        "never enough on its own."
    ),
}

STATUS_DEFINITIONS = {
    Status.DRAFT: _("A record the editors are preparing; the public never sees a draft."),
    Status.PUBLISHED: _("A record made public in a numbered update."),
    Status.WITHDRAWN: _(
        "A record the hub has taken back, in a numbered update. Its page stays, saying what it "
        "was, when and why it was withdrawn."
    ),
}


@dataclass(frozen=True)
class Term:
    vocabulary: str
    value: str
    label: str
    definition: str

    @property
    def anchor(self):
        return f"{self.vocabulary}-{self.value}"


@dataclass(frozen=True)
class Vocabulary:
    name: str  # the anchor prefix, also the term tag's first argument
    title: str
    choices: type
    definitions: dict

    @property
    def terms(self):
        return [
            Term(self.name, str(value), choice.label, self.definitions[value])
            for value, choice in ((choice.value, choice) for choice in self.choices)
        ]


VOCABULARIES = [
    Vocabulary("stage", _("Stages of engagement"), Stage, STAGE_EXPLANATIONS),
    Vocabulary("confidence", _("Confidence levels"), Confidence, CONFIDENCE_DEFINITIONS),
    Vocabulary("claim-type", _("Claim types"), ClaimType, CLAIM_TYPE_DEFINITIONS),
    Vocabulary(
        "reliability", _("Reliability grades of sources"), Reliability, RELIABILITY_DEFINITIONS
    ),
    Vocabulary("status", _("Record status"), Status, STATUS_DEFINITIONS),
]


def vocabulary(name):
    return next(v for v in VOCABULARIES if v.name == name)
