"""factory_boy factories: the smallest valid published record of each kind."""

import contextlib
import csv
import datetime
import io

import factory
import pytest
from django.db import IntegrityError, transaction

from entities import facts
from entities.models import Firm, Relationship, SanctionsDesignation, Sector, Site
from evidence import claim_counts
from evidence import tally as claim_tally
from evidence.models import Citation, Claim, Source
from hub.models import Status


class StoredCounts:
    """Recount the stored numbers (firm facts, tally, site and source counts) as a publish would.

    A factory recounts after each record it makes; inside `counts_deferred()`
    it only notes what to recount, and the block's end recounts it once. A
    test that builds hundreds of claims would otherwise rebuild the tally and
    the hub firm's facts once per claim, quadratic in its size.
    """

    def __init__(self):
        self.firm_ids, self.site_ids, self.source_ids = set(), set(), set()
        self.tally = False

    def note(self, *, firm_ids=(), site_ids=(), source_ids=(), tally=False):
        self.firm_ids.update(firm_ids)
        self.site_ids.update(site_ids)
        self.source_ids.update(source_ids)
        self.tally = self.tally or tally

    def recount(self):
        if self.firm_ids:
            facts.rebuild(firm_ids=sorted(self.firm_ids))
        if self.site_ids or self.source_ids:
            claim_counts.refresh(site_ids=sorted(self.site_ids), source_ids=sorted(self.source_ids))
        if self.tally:
            claim_tally.rebuild()


_deferred = None


def recount(**changed):
    if _deferred is not None:
        _deferred.note(**changed)
    else:
        counts = StoredCounts()
        counts.note(**changed)
        counts.recount()


@contextlib.contextmanager
def counts_deferred():
    """Make many records, then recount the stored numbers once, when the block ends."""
    global _deferred
    if _deferred is not None:
        yield
        return
    _deferred = StoredCounts()
    try:
        yield
        _deferred.recount()
    finally:
        _deferred = None


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
            # What publishing would do: the firms' claim facts follow their claims.
            recount(firm_ids=[firm.pk for firm in extracted])

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)
            # The sites' counts, and the sites stored with the claim's firms' facts.
            recount(
                site_ids=[site.pk for site in extracted],
                firm_ids=self.firms.values_list("pk", flat=True),
            )

    @factory.post_generation
    def tally(self, create, extracted, **kwargs):
        if create:
            recount(tally=True)  # as publishing would

    @factory.post_generation
    def cite(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CitationFactory(claim=self, source=extracted or SourceFactory())


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation
        skip_postgeneration_save = True

    public_id = factory.Sequence(lambda n: f"CIT9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    source = factory.SubFactory(SourceFactory)
    locator = "p. 4"
    quote = "The firm supplied the machines."

    @factory.post_generation
    def counted(self, create, extracted, **kwargs):
        if create:
            recount(source_ids=[self.source_id])  # as publishing would


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
    # A public designation is cited (entities: designation_public_is_cited).
    source = factory.SubFactory(SourceFactory)
    source_locator = "Annex I, entry 1"


# Security (issue 6): staff logins with a verified one-time password, and the
# signed token the public correction form needs. ----------------------------


def totp_device(user):
    """The user's confirmed TOTP device (made once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def totp_code(device, *, at=None):
    """The code an authenticator app shows for `device` now (or at the time `at`)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def login_verified(client, user):
    """Log `user` in on the test client as if they had given password and code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def correction_form_data(**fields):
    """A correction post as a person sends it: a form token served a minute ago."""
    import time

    from editorial import antispam

    data = {"form_token": antispam.issue_token(issued_at=time.time() - 60)}
    data.update(fields)
    return data


def csv_file(headers, rows):
    """An uploaded spreadsheet: a header row and `rows`, as CSV bytes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def violates(factory, **fields):
    """Creating the record breaks a database constraint."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)
