"""factory_boy factories: the smallest valid published record of each kind."""

import contextlib
import csv
import datetime
import io

import factory
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

import derived
from editorial import immutability
from editorial.impact import UpdateImpact
from entities.models import Firm, Relationship, SanctionsDesignation, Sector, Site
from evidence.archiving import ArchiveAttempt
from evidence.models import Citation, Claim, Source
from hub.models import Status

# The stored counts (derived) follow the records a factory makes as they follow
# a publish: each made record is noted as a creation in an UpdateImpact, and
# derived.refresh(impact) updates what that creation changes. Inside
# `counts_deferred()` the records are only noted, and the block's end refreshes
# once: a test that builds hundreds of claims would otherwise rebuild the tally
# and the hub firm's facts once per claim, quadratic in its size.
_deferred = None


def made(record):
    """Refresh the stored counts for a record just made, as publishing its creation would."""
    if _deferred is not None:
        _deferred.add_created(record)
    else:
        impact = UpdateImpact()
        impact.add_created(record)
        derived.refresh(impact)


@contextlib.contextmanager
def counts_deferred():
    """Make many records, then refresh the stored counts once, when the block ends."""
    global _deferred
    if _deferred is not None:
        yield
        return
    _deferred = UpdateImpact()
    try:
        yield
        derived.refresh(_deferred)
    finally:
        _deferred = None


@contextlib.contextmanager
def published_directly():
    """Write public rows directly, as a publish would, outside any publish.

    The database refuses such writes anywhere but in publishing
    (editorial.immutability); the factories, and tests that set up a state no
    staged change can reach, say so by writing inside this block.
    """
    with transaction.atomic(), immutability.publishing(0):
        yield


class PublicFactory(factory.django.DjangoModelFactory):
    """A factory of published records: made directly, as publishing would make them."""

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy, params):
        if strategy != factory.enums.CREATE_STRATEGY:
            return super()._generate(strategy, params)
        with published_directly():  # the post-generation links and counts too
            return super()._generate(strategy, params)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"Sector {n}")


class FirmFactory(PublicFactory):
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


class SourceFactory(PublicFactory):
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


class SiteFactory(PublicFactory):
    class Meta:
        model = Site

    public_id = factory.Sequence(lambda n: f"S9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    name_en = factory.Sequence(lambda n: f"Mine number {n}")
    kind = Site.Kind.COAL_MINE
    region = "luhansk"


class ClaimFactory(PublicFactory):
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
    def counted(self, create, extracted, **kwargs):
        if create:
            made(self)  # with its firms and sites: the stored counts follow, as publishing's

    @factory.post_generation
    def cite(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CitationFactory(claim=self, source=extracted or SourceFactory())


class CitationFactory(PublicFactory):
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
            made(self)  # its source's count follows, as publishing's


class RelationshipFactory(PublicFactory):
    class Meta:
        model = Relationship

    public_id = factory.Sequence(lambda n: f"R9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    source_firm = factory.SubFactory(FirmFactory)
    target_firm = factory.SubFactory(FirmFactory)
    kind = Relationship.Kind.MEMBER


class DesignationFactory(PublicFactory):
    class Meta:
        model = SanctionsDesignation

    public_id = factory.Sequence(lambda n: f"D9{n:05d}")
    status = Status.PUBLISHED
    last_update = 1
    firm = factory.SubFactory(FirmFactory)
    kind = SanctionsDesignation.Kind.SANCTION
    authority = SanctionsDesignation.Authority.EU
    programme = "Russia sanctions"
    listed_on = datetime.date(2024, 6, 24)
    # A public designation is cited (entities: designation_public_is_cited).
    source = factory.SubFactory(SourceFactory)
    source_locator = "Annex I, entry 1"


class ArchiveAttemptFactory(factory.django.DjangoModelFactory):
    """A queued attempt to archive a source with no copy; `failed=True` for a tried one."""

    class Meta:
        model = ArchiveAttempt

    source = factory.SubFactory(SourceFactory, archived_url="")
    url = factory.SelfAttribute("source.url")
    requested_at = factory.LazyFunction(timezone.now)

    class Params:
        failed = factory.Trait(
            outcome=ArchiveAttempt.Outcome.FAILED,
            tried_at=factory.LazyFunction(timezone.now),
            error="The server at monitor.example.org refused the connection.",
        )


# Security (README "Security"): staff logins with a verified one-time password, and the
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
