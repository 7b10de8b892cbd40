"""Staff upload a FollowTheMoney file; the hub stages what it says about matched firms."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from editorial import staging
from editorial.models import Change
from entities.models import SanctionsDesignation
from evidence.models import Source
from hub.models import Status
from tests.conftest import publish
from tests.factories import FirmFactory, login_verified

pytestmark = pytest.mark.django_db


def entity(id_, schema, **properties):
    return {
        "id": id_,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in properties.items()},
    }


def ftm_file(*entities):
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n"
    return SimpleUploadedFile("opensanctions-sample.ftm.json", text.encode(), "application/json")


@pytest.fixture
def client(editor):
    client = Client()
    login_verified(client, editor)
    return client


@pytest.fixture
def firms():
    return {
        "heavy": FirmFactory(
            name_en="Sunrise Heavy Industry Co., Ltd.", name_zh="日出重工股份有限公司"
        ),
        "machines": FirmFactory(name_en="Xulong Construction Machinery Co., Ltd."),
        "telecom": FirmFactory(name_en="Bright Telecom Technologies Co., Ltd."),
    }


SAMPLE = [
    # Matched across scripts: the Chinese name only.
    entity("os-sunrise", "Company", name="日出重工股份有限公司", topics="sanction", leiCode=""),
    entity(
        "os-sunrise-eu",
        "Sanction",
        entity="os-sunrise",
        authority="Council of the European Union",
        country="eu",
        program="EU Russia sanctions (Regulation 269/2014)",
        provisions="Asset freeze",
        listingDate="2024-06-24",
        unscId="EU.1234.56",
        sourceUrl="https://eur-lex.europa.eu/eli/reg_impl/2024/1745/oj",
    ),
    # An export control, by the company-type-insensitive English name, with an identifier.
    entity(
        "os-bright",
        "Company",
        name="BRIGHT TELECOM TECHNOLOGIES CO LTD",
        topics="export.control",
        innCode="7707083893",
    ),
    entity(
        "os-bright-bis",
        "Sanction",
        entity="os-bright",
        authority="US Department of Commerce, Bureau of Industry and Security",
        country="us",
        program="Entity List",
        startDate="2023-02-24",
    ),
    # A near miss: one letter from "Xulong Construction Machinery". Must not match.
    entity(
        "os-xulang", "Company", name="Xulang Construction Machinery Co., Ltd.", topics="sanction"
    ),
    entity(
        "os-xulang-uk",
        "Sanction",
        entity="os-xulang",
        authority="UK OFSI",
        country="gb",
        program="Russia",
        listingDate="2024-05-09",
    ),
    entity("os-person", "Person", name="Someone Else"),
]


def test_a_file_stages_designations_and_identifiers_for_matched_firms_only(client, firms):
    response = client.post("/staff/import/ftm/", {"file": ftm_file(*SAMPLE)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 matched a published firm" in body
    assert "1 organisation matched none" in body
    pending = Change.objects.filter(state=Change.State.PENDING)
    source = Source.objects.get(title="FollowTheMoney file opensanctions-sample.ftm.json")
    assert source.status == Status.DRAFT
    assert source.snapshot.original_name == "opensanctions-sample.ftm.json"
    drafts = {d.firm.name_en: d for d in SanctionsDesignation.objects.filter(status=Status.DRAFT)}
    assert set(drafts) == {firms["heavy"].name_en, firms["telecom"].name_en}
    eu = drafts[firms["heavy"].name_en]
    assert (eu.kind, eu.authority, eu.jurisdiction) == ("sanction", "eu", "")
    assert str(eu.listed_on) == "2024-06-24"
    assert eu.reference == "EU.1234.56"
    assert eu.source == source
    assert "os-sunrise-eu" in eu.source_locator
    bis = drafts[firms["telecom"].name_en]
    assert (bis.kind, bis.authority) == ("export_control", "us_bis")
    # The near miss stages nothing.
    assert not SanctionsDesignation.objects.filter(firm=firms["machines"]).exists()
    edit = pending.get(action=Change.Action.EDIT)
    assert edit.public_id == firms["telecom"].public_id
    assert pending.count() == 4  # the source, two designations, one identifier
    firms["telecom"].refresh_from_db()
    assert firms["telecom"].inn == ""  # staged, not applied


def test_accepted_changes_publish_and_a_discarded_one_does_not(client, editor, firms):
    client.post("/staff/import/ftm/", {"file": ftm_file(*SAMPLE)})
    control = SanctionsDesignation.objects.get(firm=firms["telecom"])
    staging.discard_change(change=Change.objects.get(public_id=control.public_id), user=editor)
    publish(*Change.objects.filter(state=Change.State.PENDING), key="ftm")
    control.refresh_from_db()
    assert control.status == Status.DRAFT
    published = SanctionsDesignation.objects.get(status=Status.PUBLISHED)
    assert published.firm == firms["heavy"]
    assert published.source.status == Status.PUBLISHED
    firms["telecom"].refresh_from_db()
    assert firms["telecom"].inn == "7707083893"
    sanctions = client.get("/sanctions/").content.decode()
    assert "Sunrise Heavy Industry" in sanctions


def test_a_second_upload_of_the_same_file_proposes_nothing_new(client, firms):
    client.post("/staff/import/ftm/", {"file": ftm_file(*SAMPLE)})
    publish(*Change.objects.filter(state=Change.State.PENDING), key="first")
    response = client.post("/staff/import/ftm/", {"file": ftm_file(*SAMPLE)})
    assert "already recorded" in response.content.decode()
    assert not Change.objects.filter(state=Change.State.PENDING, public_id__startswith="D").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all\n",
        b'{"id": "x", "schema": "NoSuchSchema", "properties": {}}\n',
        b"",
        b"\xff\xfe",
    ],
)
def test_a_bad_file_is_refused_with_a_reason_and_stages_nothing(client, firms, content):
    upload = SimpleUploadedFile("bad.json", content, "application/json")
    response = client.post("/staff/import/ftm/", {"file": upload})
    assert response.status_code == 400
    assert 'class="field-errors"' in response.content.decode()
    assert not Change.objects.exists()


def test_the_page_is_for_staff_only(firms):
    assert Client().get("/staff/import/ftm/").status_code == 302
