"""The package as FollowTheMoney entities, read back with the followthemoney library."""

import datetime
import json

import pytest
from followthemoney import model
from followthemoney.types import registry

from downloads import package
from editorial.models import Update
from entities.models import Firm, Relationship, SanctionsDesignation
from evidence.models import Citation
from tests.factories import CitationFactory, DesignationFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


def ftm_id(public_id):
    return f"tot-insights-hub-{public_id}"


@pytest.fixture
def entities(small_world, tmp_path):
    """update 1's package rebuilt with a designation of each kind and more kinds of ties."""
    huawei, sany, xcmg = small_world.huawei, small_world.sany, small_world.xcmg
    DesignationFactory(firm=huawei, kind="export_control", authority="us_bis", programme="EL")
    DesignationFactory(firm=sany, kind="sanction", authority="eu", programme="Russia")
    DesignationFactory(
        firm=xcmg,
        kind="sanction",
        authority="uk",
        programme="Russia",
        ended_on=datetime.date(2025, 1, 1),
    )
    for kind in ["distributor", "partner"]:
        CitationFactory(
            relationship=RelationshipFactory(source_firm=sany, target_firm=xcmg, kind=kind)
        )
    folder = package.build_package(Update.objects.get(number=1), full=True, folder=tmp_path / "p")
    lines = (folder / "entities.ftm.jsonl").read_text(encoding="utf-8").splitlines()
    return {proxy.id: proxy for proxy in (model.get_proxy(json.loads(line)) for line in lines)}


def test_every_entity_is_valid_for_its_schema_and_every_reference_resolves(entities):
    assert entities
    for proxy in entities.values():
        data = proxy.to_dict()
        assert proxy.schema.validate(data) is None, proxy.id
        required = {name for schema in proxy.schema.schemata for name in schema.required}
        assert all(proxy.get(name) for name in required), (proxy.id, required)
        for prop, value in proxy.itervalues():
            # A value the library would clean differently was not made by it.
            assert prop.type.clean(value, proxy=proxy) == value, (proxy.id, prop.name, value)
            if prop.type == registry.entity:
                assert value in entities, (proxy.id, prop.name, value)


def test_every_published_firm_relationship_and_designation_is_there_with_its_source(
    entities, small_world
):
    for firm in Firm.objects.public_rows():
        proxy = entities[ftm_id(firm.public_id)]
        assert proxy.schema.is_a("LegalEntity")
        assert firm.name_en in proxy.get("name")
        assert proxy.get("sourceUrl") == [f"http://127.0.0.1:8000/firms/{firm.public_id}/"]
        for other in [firm.name_zh, firm.name_ru, *firm.alias_list]:
            if other:
                assert other in proxy.get("alias"), (firm.public_id, other)
    schemata = {
        "parent": "Ownership",
        "shareholder": "Ownership",
        "member": "Membership",
        "distributor": "Representation",
        "intermediary": "Representation",
        "partner": "UnknownLink",
    }
    relationships = Relationship.objects.public_rows()
    assert {r.kind for r in relationships} >= {"parent", "member", "distributor", "partner"}
    for relationship in relationships:
        proxy = entities[ftm_id(relationship.public_id)]
        assert proxy.schema.name == schemata[relationship.kind]
        source, target = proxy.schema.source_prop, proxy.schema.target_prop
        assert proxy.get(source) == [ftm_id(relationship.source_firm.public_id)]
        assert proxy.get(target) == [ftm_id(relationship.target_firm.public_id)]
        cited = Citation.objects.public().filter(relationship=relationship)
        assert sorted(proxy.get("proof")) == sorted({ftm_id(c.source.public_id) for c in cited})
        assert proxy.get("proof"), relationship.public_id
    for designation in SanctionsDesignation.objects.public_rows():
        proxy = entities[ftm_id(designation.public_id)]
        assert proxy.schema.name == "Sanction"
        assert proxy.get("entity") == [ftm_id(designation.firm.public_id)]
        assert proxy.get("proof") == [ftm_id(designation.source.public_id)]
        assert entities[ftm_id(designation.source.public_id)].schema.name == "Document"
        # The kind, in the list's words: an export control is never a "sanction".
        assert proxy.get("provisions") == [str(designation.Kind(designation.kind).label)]
    huawei, sany, xcmg = (
        entities[ftm_id(small_world[name].public_id)] for name in ["huawei", "sany", "xcmg"]
    )
    # No firm is tagged sanctioned for an export control, nor for an ended sanction.
    assert huawei.get("topics") == ["export.control"]
    assert sany.get("topics") == ["sanction"]
    assert xcmg.get("topics") == []  # its sanction ended


def test_claims_are_documentation_of_their_firms_and_sites_from_their_sources(entities):
    documented = [p for p in entities.values() if p.schema.name == "Documentation"]
    assert documented
    for proxy in documented:
        claim_url = proxy.get("sourceUrl")[0]
        assert "/claims/C" in claim_url
        assert proxy.get("summary")
        for document in proxy.get("document"):
            assert entities[document].schema.name == "Document"
