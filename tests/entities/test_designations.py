"""Designations as they are: a sanction, an export control, a trade restriction; never "No"."""

import csv
import io
import re

import pytest
from django.db import IntegrityError

import derived
from entities.models import SanctionsDesignation
from hub.models import Status
from tests.factories import ClaimFactory, DesignationFactory, FirmFactory, published_directly

pytestmark = pytest.mark.django_db


def text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = re.sub(
        r'<details class="legend".*?</details>', "", response.content.decode(), flags=re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def firms():
    return {
        "sanctioned": DesignationFactory(firm=FirmFactory(name_en="Frozen Assets Co")).firm,
        "controlled": DesignationFactory(
            firm=FirmFactory(name_en="Entity Listed Co", stage=1),
            kind="export_control",
            authority="us_bis",
            programme="Entity List",
        ).firm,
        "unlisted": FirmFactory(name_en="Unlisted Supplier Co", stage=1),
    }


def test_none_recorded_is_never_said_as_no(client, firms):
    ClaimFactory(firms=[firms["unlisted"]])
    profile = text_of(client, firms["unlisted"].get_absolute_url())
    assert "None recorded . This is not a statement that the firm is not sanctioned" in profile
    html = client.get("/firms/").content.decode()
    row = re.search(r"Unlisted Supplier Co.*?</tr>", html, re.S).group()
    assert ">None recorded</td>" in row
    # The filter offers "None recorded", and no "No" at all for designations.
    select = re.search(r'<select name="designation".*?</select>', html, re.S).group()
    assert ">None recorded" in select
    assert not re.search(r">\s*No\b", select)
    [row] = [r for r in csv_rows(client, "/firms.csv") if r["name_en"] == "Unlisted Supplier Co"]
    assert row["designation_standing"] == "none"
    assert "None recorded" in text_of(client, "/sanctions/")


def test_an_export_control_is_never_labelled_a_sanction(client, firms):
    firm = firms["controlled"]
    designation = firm.designations.get()
    for url in [firm.get_absolute_url(), designation.get_absolute_url(), "/sanctions/"]:
        text = text_of(client, url)
        assert "Export control" in text, url
    for url in [firm.get_absolute_url(), designation.get_absolute_url()]:
        text = text_of(client, url)
        assert "Sanction (asset freeze" not in text, url
        assert "Sanctions designation recorded" not in text, url
    html = client.get("/firms/").content.decode()
    row = re.search(r"Entity Listed Co.*?</tr>", html, re.S).group()
    assert "Export control recorded" in row
    assert "Sanction" not in row
    assert "Entity Listed Co" not in client.get("/firms/?designation=sanction").content.decode()
    assert "Entity Listed Co" in client.get("/firms/?designation=export_control").content.decode()
    [row] = [r for r in csv_rows(client, "/firms.csv") if r["name_en"] == "Entity Listed Co"]
    assert row["designation_standing"] == "export_control"
    assert row["designations"] == designation.public_id
    [listed] = [r for r in csv_rows(client, "/sanctions.csv") if r["firm_id"] == firm.public_id]
    assert (listed["kind"], listed["jurisdiction"]) == ("export_control", "US")


def test_the_sanctions_page_shows_firms_by_jurisdiction_with_their_evidence_and_stage(
    client, firms
):
    ClaimFactory(firms=[firms["controlled"]])
    ClaimFactory(firms=[firms["unlisted"]])
    ClaimFactory(firms=[firms["unlisted"]])
    DesignationFactory(
        firm=firms["unlisted"], status=Status.DRAFT, authority="ua", programme="NSDC"
    )
    japan = DesignationFactory(
        firm=FirmFactory(name_en="Far Listed Co"), authority="other", jurisdiction="JP"
    )
    derived.rebuild_all()
    text = text_of(client, "/sanctions/")
    order = [text.index(name) for name in ["United States", "European Union", "United Kingdom"]]
    assert order == sorted(order)
    assert text.index("Ukraine") < text.index("JP") < text.index("Documented activity")
    us = text[text.index("United States") : text.index("European Union")]
    assert "Entity Listed Co" in us
    assert "Export control recorded" in us
    assert "Stage 1" in us
    eu = text[text.index("European Union") : text.index("United Kingdom")]
    assert "Frozen Assets Co" in eu
    assert "Sanctions designation recorded" in eu
    assert "Far Listed Co" in text[text.index("JP") :]
    # A draft designation is not shown: the firm's documented activity stands unlisted.
    unlisted = text[text.index("Documented activity") :]
    assert "Unlisted Supplier Co" in unlisted
    assert "not a statement that they are not sanctioned" in unlisted
    rows = csv_rows(client, "/sanctions/by-jurisdiction.csv")
    by_firm = {(row["jurisdiction"], row["firm_name"]): row for row in rows}
    assert by_firm[("US", "Entity Listed Co")]["designation_standing"] == "export_control"
    assert by_firm[("US", "Entity Listed Co")]["claim_count"] == "1"
    assert by_firm[("JP", "Far Listed Co")]["designations"] == japan.public_id
    assert by_firm[("", "Unlisted Supplier Co")]["designation_standing"] == "none"
    assert by_firm[("", "Unlisted Supplier Co")]["claim_count"] == "2"


def test_every_designation_has_a_page_and_states_its_jurisdiction(client, firms):
    designation = firms["controlled"].designations.get()
    assert designation.get_absolute_url() == f"/sanctions/{designation.public_id}/"
    text = text_of(client, designation.get_absolute_url())
    assert "Jurisdiction US" in text
    draft_firm = DesignationFactory(firm=FirmFactory(status=Status.DRAFT))
    assert client.get(draft_firm.get_absolute_url()).status_code == 404
    assert client.get("/sanctions/D99999999/").status_code == 404
    for fields in [{"authority": "other", "jurisdiction": ""}, {"jurisdiction": "FR"}]:
        # The constraints refuse it, even where a publish may write.
        with pytest.raises(IntegrityError), published_directly():
            SanctionsDesignation.objects.filter(pk=designation.pk).update(**fields)
    with pytest.raises(IntegrityError), published_directly():
        SanctionsDesignation.objects.filter(pk=designation.pk).update(kind="sanctioned")
