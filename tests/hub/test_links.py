"""The URL rule: refused on every way in, and never shown as a link when stored from before."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse

from editorial import staging
from editorial.models import Correction
from entities.models import Firm, SanctionsDesignation
from evidence.models import Claim, Source
from hub import links
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    SourceFactory,
    correction_form_data,
    login_verified,
    published_directly,
)

# One URL of each class the rule refuses.
REFUSED = {
    "loopback IPv4": "http://127.0.0.1:5432/",
    "loopback IPv6": "http://[::1]/admin",
    "loopback name": "http://localhost:8000/",
    "private 10/8": "https://10.0.0.1/",
    "private 192.168/16": "http://192.168.1.1/router",
    "private IPv6": "http://[fd00::1]/",
    "IPv4-mapped private": "http://[::ffff:10.0.0.1]/",
    "link-local (cloud metadata)": "http://169.254.169.254/latest/meta-data/",
    "link-local IPv6": "http://[fe80::1]/",
    "multicast": "http://224.0.0.1/",
    "reserved": "http://240.0.0.1/",
    "unspecified": "http://0.0.0.0/",
    "bare single-label host": "http://intranet/page",
    "local-network name": "https://printer.local/",
    "internal name": "https://db.corp.internal/",
    "reserved name": "https://site.invalid/",
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "file": "file:///etc/passwd",
    "ftp": "ftp://example.org/file",
    "user and password": "https://user:secret@example.org/",
    "too long": "https://example.org/" + "a" * links.MAX_LENGTH,
    "malformed": "http://exa mple.org/",
}
ACCEPTED = [
    "https://example.org/report?id=1#p4",
    "http://8.8.8.8/",
    "https://[2001:4860:4860::8888]/",
    "https://пример.укр/новини",
    "https://www.gov.uk./sanctions",
]
# (model, field) of every stored URL the staff stage.
URL_FIELDS = [
    (Source, "url"),
    (Source, "archived_url"),
    (Firm, "website"),
    (Claim, "firm_response_url"),
    (SanctionsDesignation, "reference_url"),
]
MAKE = {
    Source: SourceFactory,
    Firm: FirmFactory,
    Claim: ClaimFactory,
    SanctionsDesignation: DesignationFactory,
}


@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_the_rule_refuses_each_class_of_url(url):
    assert links.url_refusal(url) is not None
    assert not links.is_public_url(url)


@pytest.mark.parametrize("url", ACCEPTED)
def test_the_rule_accepts_public_web_addresses(url):
    assert links.url_refusal(url) is None


def test_the_address_check_is_the_one_fetching_uses():
    from evidence import fetching

    for address in ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::ffff:192.168.0.1", "fe80::1"]:
        assert fetching.address_refusal(address, allow_loopback=False)
        assert fetching.address_refusal(address, allow_loopback=False) == (
            links.address_refusal(address)
        )
    assert fetching.address_refusal("93.184.215.14", allow_loopback=False) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_every_stored_url_field_refuses_each_class_when_staged(url, editor):
    for model, name in URL_FIELDS:
        record = MAKE[model]()
        with pytest.raises(staging.StagingRefused, match=rf"^{name}: "):
            staging.stage_edit(record=record, fields={name: url}, user=editor)


@pytest.mark.django_db
def test_a_public_url_is_staged_as_given(editor):
    source = SourceFactory()
    change = staging.stage_edit(
        record=source, fields={"url": "https://пример.укр/новини"}, user=editor
    )
    assert change.proposed == {"url": "https://пример.укр/новини"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_the_public_form_refuses_each_class_as_evidence(url):
    data = correction_form_data(
        what_is_wrong="The date is wrong.", proposed_fix="It was 2024.", evidence=url
    )
    response = Client().post(reverse("editorial:correction_new"), data)
    assert response.status_code == 400
    assert "cannot be a link" in response.content.decode()
    assert not Correction.objects.exists()


def shown_only_as_text(page, url):
    escaped = html.escape(url)
    assert f'href="{escaped}"' not in page
    assert f"href='{escaped}'" not in page
    assert escaped in page


# What a column could hold from before the rule (a too-long URL never fitted).
STORED_BEFORE = {kind: url for kind, url in REFUSED.items() if len(url) <= 200}


@pytest.mark.django_db
@pytest.mark.parametrize("url", STORED_BEFORE.values(), ids=STORED_BEFORE.keys())
def test_a_url_stored_before_the_rule_is_shown_as_text_never_as_a_link(url, editor):
    # Stored as data from before the rule would be: straight into the table.
    source = SourceFactory()
    firm = FirmFactory()
    designation = DesignationFactory(firm=firm, reference="EU 2024/1", source=source)
    claim = ClaimFactory(firms=[firm], cite=source)
    with published_directly():
        Source.objects.filter(pk=source.pk).update(url=url, archived_url=url)
        Firm.objects.filter(pk=firm.pk).update(website=url)
        SanctionsDesignation.objects.filter(pk=designation.pk).update(reference_url=url)
        Claim.objects.filter(pk=claim.pk).update(
            firm_response="We deny it.",
            firm_response_date=datetime.date(2025, 1, 2),
            firm_response_url=url,
        )
    correction = Correction.objects.create(
        number=1, what_is_wrong="Wrong.", proposed_fix="Right.", evidence=url, token_hash="h"
    )
    client = Client()
    for page_url in [source.get_absolute_url(), claim.get_absolute_url()]:
        response = client.get(page_url)
        assert response.status_code == 200
        shown_only_as_text(response.content.decode(), url)
    firm_page = client.get(firm.get_absolute_url()).content.decode()
    shown_only_as_text(firm_page, url)
    assert "EU 2024/1" in firm_page
    staff = login_verified(Client(), editor)
    page = staff.get(reverse("editorial:staff_correction", args=[correction.number]))
    assert page.status_code == 200
    assert f'href="{html.escape(url)}"' not in page.content.decode()


@pytest.mark.django_db
def test_a_public_stored_url_is_a_link():
    source = SourceFactory(url="https://monitor.example.org/r", archived_url="")
    page = Client().get(source.get_absolute_url()).content.decode()
    assert '<a href="https://monitor.example.org/r" rel="nofollow noopener">' in page


def test_loopback_is_public_only_where_fetching_may_read_it_too(settings):
    # The test server archiving reads from is on loopback; production refuses the setting.
    settings.HUB_FETCH_ALLOW_LOOPBACK = True
    assert links.is_public_url("http://127.0.0.1:8123/page")
    assert not links.is_public_url("http://10.0.0.1/")
    assert not links.is_public_url("http://localhost:8123/")
    settings.HUB_FETCH_ALLOW_LOOPBACK = False
    assert not links.is_public_url("http://127.0.0.1:8123/page")
