"""A package a researcher can use without reshaping: link tables, arrays, every input of a grade.

The package is read here only as a reader would: its files, with csv, pandas
and frictionless; the grades are recomputed from those files alone, by the
methodology's rules (evidence.confidence), and must equal the published ones.
"""

import csv
import io
import json
import zipfile

import pandas as pd
import pytest
from frictionless import Package, system

from downloads import package
from editorial import staging
from evidence import confidence
from evidence.models import Citation, Claim, Source
from tests.conftest import publish

pytestmark = pytest.mark.django_db


def read_csv(folder, name):
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def read_jsonl(folder, name):
    return [json.loads(line) for line in (folder / f"{name}.jsonl").read_text().splitlines()]


@pytest.fixture
def graded(small_world, editor):
    """Update 2 of the small world: sources and claims that meet every rule of the grades."""
    sany = small_world.sany.public_id

    def new(model, **fields):
        return staging.stage_new(model=model, fields=fields, user=editor)

    def source(title, publisher, reliability, **fields):
        fields = {"kind": "ngo_report", **fields}
        return new(
            Source,
            title=title,
            publisher=publisher,
            language="en",
            reliability=reliability,
            archived_url=f"https://archive.example.org/{title.replace(' ', '-')}",
            **fields,
        )

    changes = [
        one := source("Monitor report", "Monitor One", "A"),
        two := source("Paper story", "Paper Two", "B"),
        relay := source("Relay of the report", "Relay Three", "A", derived_from=[one.public_id]),
        own := source("SANY filing", "SANY", "C", kind="corporate_filing", issuer=sany),
        anon := source("Anonymous post", "Channel", "D"),
    ]
    cited = {
        "confirmed by two": [(one, "supports"), (two, "supports")],
        "one line of evidence": [(one, "supports"), (relay, "supports")],
        "the firm's own filing": [(own, "supports")],
        "anonymous only": [(anon, "supports")],
        "hedged": [(one, "hedged")],
        "disputed": [(two, "supports"), (one, "disputes")],
    }
    extra = {
        "the firm's own filing": {"firms": [sany]},
        "anonymous only": {
            "confidence_override": "single_source",
            "confidence_override_reason": "Checked by the editors on the ground.",
        },
        "disputed": {"firm_response_stance": "denies", "firm_response": "We deny it."},
    }
    for statement, citations in cited.items():
        claim = new(
            Claim,
            statement=f"A claim: {statement}.",
            claim_type="presence",
            **extra.get(statement, {}),
        )
        changes.append(claim)
        changes += [
            new(
                Citation,
                claim=claim.public_id,
                source=source.public_id,
                locator="p. 1",
                stance=stance,
            )
            for source, stance in citations
        ]
    return publish(*changes, key="graded")


def test_every_grade_is_recomputed_from_the_package_alone(graded):
    folder = package.directory(graded.number)
    sources = {row["id"]: row for row in read_csv(folder, "sources")}
    relays = {}
    for row in read_csv(folder, "source_relays"):
        relays.setdefault(row["source_id"], set()).add(row["relayed_source_id"])

    def lineage(source_id):
        seen, stack = {source_id}, [source_id]
        while stack:
            for parent in relays.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return frozenset(seen)

    firms = {}
    for row in read_csv(folder, "claim_firms"):
        firms.setdefault(row["claim_id"], set()).add(row["firm_id"])
    evidence = {}
    for row in read_csv(folder, "citations"):
        if not row["claim_id"]:
            continue
        source = sources[row["source_id"]]
        evidence.setdefault(row["claim_id"], []).append(
            confidence.Evidence(
                source=row["source_id"],
                publisher=source["publisher"],
                reliability=source["reliability"],
                stance=row["stance"],
                issuer=source["issuer_id"] or None,
                lineage=lineage(row["source_id"]),
                hub_own=source["hub_publication"] == "true",
            )
        )
    claims = read_csv(folder, "claims")
    seen = set()
    for claim in claims:
        grade = confidence.grade(
            confidence.ClaimEvidence(
                tuple(evidence.get(claim["id"], ())),
                frozenset(firms.get(claim["id"], ())),
                claim["firm_response_stance"],
            )
        )
        expected = claim["confidence_override"] or grade
        assert claim["confidence"] == expected, claim["id"]
        seen.add((grade, bool(claim["confidence_override"])))
    # The test data meets every rule, and an override stands beside its computed grade.
    assert {grade for grade, _ in seen} >= {"confirmed", "single_source", "alleged", "disputed"}
    assert ("alleged", True) in seen
    assert len(claims) == Claim.objects.public().count()


def test_frictionless_and_pandas_read_every_table_with_its_types_and_foreign_keys(graded):
    folder = package.directory(graded.number)
    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert {
        (name, key["fields"][0], key["reference"]["resource"])
        for name, resource in resources.items()
        for key in resource["schema"].get("foreignKeys", [])
    } >= {
        ("claim_firms", "claim_id", "claims"),
        ("claim_firms", "firm_id", "firms"),
        ("claim_sites", "site_id", "sites"),
        ("citations", "claim_id", "claims"),
        ("citations", "source_id", "sources"),
        ("source_relays", "relayed_source_id", "sources"),
        ("sources", "issuer_id", "firms"),
        ("sanctions", "firm_id", "firms"),
    }
    assert resources["claim_firms"]["schema"]["primaryKey"] == ["claim_id", "firm_id"]
    pandas_types = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}
    for name, resource in resources.items():
        fields = resource["schema"]["fields"]
        frame = pd.read_csv(
            folder / resource["path"],
            dtype={f["name"]: pandas_types.get(f["type"], "string") for f in fields},
            parse_dates=[f["name"] for f in fields if f["type"] == "date"],
            keep_default_na=False,
            na_values=[""],
        )
        assert list(frame.columns) == [f["name"] for f in fields], name
    # Joined as a reader joins them: every claim-firm pair names a claim and a firm.
    claims = pd.read_csv(folder / "claims.csv", dtype="string")
    firms = pd.read_csv(folder / "firms.csv", dtype="string")
    links = pd.read_csv(folder / "claim_firms.csv", dtype="string")
    joined = links.merge(claims, left_on="claim_id", right_on="id").merge(
        firms, left_on="firm_id", right_on="id"
    )
    assert len(joined) == len(links) > 0


def test_lists_are_arrays_in_json_and_an_alias_with_a_semicolon_stays_one_name(
    client, small_world, editor
):
    sany = small_world.sany
    firm = staging.stage_edit(
        record=sany,
        fields={"aliases": "Sany; the heavy one\nSANY"},
        user=editor,
    )
    update = publish(firm, key="aliases")
    folder = package.directory(update.number)
    row = next(row for row in read_jsonl(folder, "firms") if row["id"] == sany.public_id)
    assert row["aliases"] == ["Sany; the heavy one", "SANY"]
    assert isinstance(row["sectors"], list)
    assert isinstance(row["designations"], list)
    claim = read_jsonl(folder, "claims")[0]
    assert all(isinstance(claim[name], list) for name in ("firms", "sites", "sources"))
    record = client.get(f"/records/{claim['id']}.json").json()
    assert isinstance(record["record"]["sources"], list)


def test_an_undated_claim_has_no_date_precision(small_world, editor):
    claim = staging.stage_new(
        model=Claim,
        fields={"statement": "Undated.", "claim_type": "presence"},
        user=editor,
    )
    citation = staging.stage_new(
        model=Citation,
        fields={
            "claim": claim.public_id,
            "source": small_world.briefing.public_id,
            "locator": "p. 2",
        },
        user=editor,
    )
    folder = package.directory(publish(claim, citation, key="undated").number)
    row = next(r for r in read_csv(folder, "claims") if r["id"] == claim.public_id)
    assert row["date_start"] == ""
    assert row["date_precision"] == ""
    dated = next(r for r in read_csv(folder, "claims") if r["date_start"])
    assert dated["date_precision"] in {"day", "month", "year"}


def test_every_zip_has_a_readme_and_a_licence(graded):
    folder = package.directory(graded.number)
    with zipfile.ZipFile(folder / package.zip_name(graded)) as archive:
        names = {info.filename.split("/", 1)[1] for info in archive.infolist()}
        readme = archive.read(f"tot-insights-hub-update-{graded.number}/README.md").decode()
        licence = archive.read(f"tot-insights-hub-update-{graded.number}/LICENSE.txt").decode()
    assert {"README.md", "LICENSE.txt", "claim_firms.csv", "source_relays.jsonl"} <= names
    assert f"update {graded.number}" in readme
    assert "claim_firms.csv" in readme
    assert "How to cite" in readme
    assert "Creative Commons Attribution 4.0 International License" in licence
    assert "https://creativecommons.org/licenses/by/4.0/" in licence
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"README.md", "LICENSE.txt"} <= {entry["name"] for entry in manifest["files"]}


def test_every_url_pattern_of_the_codebook_resolves_for_every_kind_of_record(client, graded):
    """The codebook: a record's page is /<table>/<id>/. One record of each table is fetched."""
    folder = package.directory(graded.number)
    assert "/<table>/<id>/" in (folder / "codebook.md").read_text()
    for table in ["firms", "sites", "sources", "claims", "citations", "relationships", "sanctions"]:
        row = read_jsonl(folder, table)[0]
        # A citation's page is its claim's, at the footnote (a redirect).
        response = client.get(f"/{table}/{row['id']}/", follow=True)
        assert response.status_code == 200, (table, row["id"], response.status_code)
        assert row["id"] in response.content.decode(), table
        if "hub_url" in row:
            assert row["hub_url"].endswith(f"/{table}/{row['id']}/")


def test_list_downloads_of_the_link_tables_filter_like_the_others(client, graded):
    claim = Claim.objects.public().filter(firms__isnull=False).first()
    response = client.get(f"/claim_firms.csv?claim={claim.public_id}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["firm_id"] for row in rows} == set(
        claim.firms.public().values_list("public_id", flat=True)
    )
    page = client.get("/source_relays.json").json()
    assert page["columns"] == ["source_id", "relayed_source_id"]
    assert page["count"] > 0
