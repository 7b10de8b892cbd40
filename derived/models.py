"""The stored numbers readers see, derived from the published records and never edited.

Written only by this app (derived.refresh after each publish, derived.rebuild_all
after synthetic data is loaded). The tables keep the names they had when the
entities and evidence apps held them (`db_table`): moving the models here
moved no data. The `claim_count` columns of Firm, Site and Source stay on
their models, for the lists to sort by, and are written here too
(derived.firm_facts, derived.claim_counts).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entities.models import Region, Stage
from evidence.models import ClaimType, Confidence


class FirmClaimFact(models.Model):
    """How many published claims about a firm concern each region, type, grade and reply state.

    The firm list filters and counts firms by what their claims say; reading
    these rows (a few per firm) instead of the claims keeps that independent
    of the number of claims (derived.firm_facts).
    """

    class Facet(models.TextChoices):
        REGION = "region", _("region")
        CLAIM_TYPE = "claim_type", _("claim type")
        CONFIDENCE = "confidence", _("confidence")
        # The claims' right-of-reply state, without today's date in it: a
        # claim awaiting a response until a deadline is "until:<date>", and
        # the profile compares the date with today (derived.reply.reply_counts).
        REPLY = "reply", _("reply")

    firm = models.ForeignKey("entities.Firm", on_delete=models.CASCADE, related_name="claim_facts")
    facet = models.CharField(max_length=16, choices=Facet.choices)
    value = models.CharField(max_length=32)
    claims = models.PositiveIntegerField()

    class Meta:
        db_table = "entities_firmclaimfact"
        constraints = [
            models.UniqueConstraint(fields=["firm", "facet", "value"], name="firm_claim_fact_once"),
            models.CheckConstraint(condition=Q(claims__gt=0), name="firm_claim_fact_counts"),
        ]
        indexes = [models.Index(fields=["facet", "value", "firm"])]

    def __str__(self):
        return f"{self.firm_id} {self.facet}={self.value}: {self.claims}"


class FirmSite(models.Model):
    """A site that published claims tie a firm to, and how many claims.

    Written with the firm's claim facts (derived.firm_facts). The firm
    profile lists a firm's sites and the site list filters by firm from these
    rows: read from the claims, the firm with the most claims (6,000 at 2,700
    sites) cost a join over every one of its claims per request.
    """

    firm = models.ForeignKey("entities.Firm", on_delete=models.CASCADE, related_name="site_facts")
    site = models.ForeignKey("entities.Site", on_delete=models.CASCADE, related_name="firm_facts")
    claims = models.PositiveIntegerField()

    class Meta:
        db_table = "entities_firmsite"
        constraints = [
            models.UniqueConstraint(fields=["firm", "site"], name="firm_site_once"),
            models.CheckConstraint(condition=Q(claims__gt=0), name="firm_site_counts"),
        ]
        # A profile's network draws the firm's sites with the most claims first
        # (entities.network.around): read in that order, not sorted per request.
        indexes = [models.Index(fields=["firm", "-claims"], name="firm_site_most_claims")]

    def __str__(self):
        return f"{self.firm_id} at {self.site_id}: {self.claims}"


class ClaimTally(models.Model):
    """How many published claims have each combination of type, grade, stage, region and year.

    derived.tally rebuilds it when an update changes claims there; the claim
    list, the home page and the timeline count from it.
    """

    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    confidence = models.CharField(max_length=16, choices=Confidence.choices)
    stage = models.PositiveSmallIntegerField(null=True, choices=Stage.choices)
    region = models.CharField(max_length=20, blank=True, choices=Region.choices)
    year = models.PositiveSmallIntegerField(null=True)  # of date_start; None when undated
    claims = models.PositiveIntegerField()

    class Meta:
        db_table = "evidence_claimtally"

    def __str__(self):
        return (
            f"{self.claim_type}/{self.confidence}/{self.stage}/{self.region}/{self.year}: "
            f"{self.claims}"
        )
