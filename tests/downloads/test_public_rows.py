"""Which rows are public: one rule (public_rows) behind the lists, their twins and the package."""

import csv
import io
import json

import pytest

from downloads import package
from downloads.tables import TABLES
from editorial.models import Update
from entities.models import Relationship, SanctionsDesignation
from evidence.models import Citation
from hub.models import Status
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_each_table_of_the_package_holds_exactly_the_public_rows_its_list_shows(
    client, small_world, tmp_path
):
    """One rule (public_rows) decides the rows of the package, the lists and their twins.

    Published records that hang on a record that is not public are left out
    everywhere alike: a relationship or designation of a draft firm, a
    citation of a draft claim or relationship, or of a draft source.
    """
    draft_firm = FirmFactory(status=Status.DRAFT)
    public_firm, other_firm, claim = small_world.sany, small_world.xcmg, small_world.supply
    left_out = {
        "relationships": [
            RelationshipFactory(source_firm=public_firm, target_firm=draft_firm),
            RelationshipFactory(source_firm=draft_firm, target_firm=public_firm),
        ],
        "sanctions": [DesignationFactory(firm=draft_firm)],
        "citations": [
            CitationFactory(claim=ClaimFactory(status=Status.DRAFT, cite=False)),
            CitationFactory(
                relationship=RelationshipFactory(
                    status=Status.DRAFT, source_firm=public_firm, target_firm=other_firm
                )
            ),
            CitationFactory(claim=claim, source=SourceFactory(status=Status.DRAFT)),
        ],
    }
    kept = CitationFactory(claim=claim)
    folder = package.build_package(Update.objects.get(number=1), full=True, folder=tmp_path / "u1")
    packaged = {}
    for table in TABLES:
        lines = (folder / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines()
        if table.is_link:
            pairs = [tuple(json.loads(line)[key] for key in table.key) for line in lines]
            response = client.get(f"/{table.name}.csv")
            listed = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
            assert sorted(tuple(row[key] for key in table.key) for row in listed) == sorted(pairs)
            # A pair is listed only when both of its records are in their tables.
            for i, column in enumerate(table.columns):
                assert {pair[i] for pair in pairs} <= set(packaged[column.foreign_key[0]])
            continue
        ids = packaged[table.name] = [json.loads(line)["id"] for line in lines]
        public = table.model.objects.public_rows().values_list("public_id", flat=True)
        assert sorted(ids) == sorted(public), table.name
        response = client.get(f"/{table.name}.csv")
        listed = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
        assert sorted(row["id"] for row in listed) == sorted(ids), table.name
        for record in left_out.get(table.name, []):
            assert record.public_id not in ids, (table.name, record.public_id)
            # Published yet hanging on what is not public: gone, saying why.
            response = client.get(f"/records/{record.public_id}.json")
            assert response.status_code == 410, record.public_id
            assert "is not public" in response.json()["reason"]
    assert kept.public_id in packaged["citations"]
    # The rule is more than the records' own status: published rows were left out.
    assert len(packaged["citations"]) < Citation.objects.filter(status=Status.PUBLISHED).count()
    assert len(packaged["relationships"]) < Relationship.objects.public().count()
    assert len(packaged["sanctions"]) < SanctionsDesignation.objects.public().count()
