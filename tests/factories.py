"""factory_boy factories: the smallest valid published record of each kind."""

import datetime

import factory

from entities.models import Firm, Relationship, SanctionsDesignation, Sector, Site
from evidence.models import Citation, Claim, Source
from hub.models import Status


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"Sector {n}")


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    public_id = factory.Sequence(lambda n: f"F9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    name_en = factory.Sequence(lambda n: f"Test Machinery Co. {n}")
    kind = Firm.Kind.COMPANY
    ownership = Firm.Ownership.PRIVATE
    country = "CN"
    stage = 1


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    public_id = factory.Sequence(lambda n: f"SRC9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    title = factory.Sequence(lambda n: f"Report number {n}")
    publisher = "Test Monitor"
    kind = Source.Kind.NGO_REPORT
    url = factory.Sequence(lambda n: f"https://monitor.example.org/report-{n}")
    archived_url = factory.Sequence(lambda n: f"https://archive.example.org/report-{n}")
    published_on = datetime.date(2025, 3, 1)
    language = "en"
    reliability = "B"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    public_id = factory.Sequence(lambda n: f"S9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    name_en = factory.Sequence(lambda n: f"Mine number {n}")
    kind = Site.Kind.COAL_MINE
    region = "luhansk"


class ClaimFactory(factory.django.DjangoModelFactory):
    """A published claim with one published citation (invariant 3)."""

    class Meta:
        model = Claim
        skip_postgeneration_save = True

    public_id = factory.Sequence(lambda n: f"C9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    statement = factory.Sequence(lambda n: f"Firm supplied machine number {n} to a mine.")
    claim_type = Claim.Type.EQUIPMENT_SUPPLY
    confidence = Claim.Confidence.SINGLE_SOURCE
    region = "luhansk"
    stage = 1
    date_start = datetime.date(2024, 1, 1)
    date_precision = "year"

    @factory.post_generation
    def firms(self, create, extracted, **kwargs):
        if create and extracted:
            self.firms.set(extracted)

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)

    @factory.post_generation
    def cite(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CitationFactory(claim=self, source=extracted or SourceFactory())


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    public_id = factory.Sequence(lambda n: f"CIT9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    source = factory.SubFactory(SourceFactory)
    locator = "p. 4"
    quote = "The firm supplied the machines."


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    public_id = factory.Sequence(lambda n: f"R9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    source_firm = factory.SubFactory(FirmFactory)
    target_firm = factory.SubFactory(FirmFactory)
    kind = Relationship.Kind.MEMBER


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SanctionsDesignation

    public_id = factory.Sequence(lambda n: f"D9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    firm = factory.SubFactory(FirmFactory)
    authority = SanctionsDesignation.Authority.EU
    programme = "Russia sanctions"
    listed_on = datetime.date(2024, 6, 24)
