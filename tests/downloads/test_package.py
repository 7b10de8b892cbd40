"""The frozen data package of each update: complete, valid, reproducible, private."""

import hashlib
import io
import json
import zipfile

import pytest
from frictionless import validate

from downloads import package
from downloads.tables import TABLES
from editorial import corrections, publishing, staging
from editorial.models import Correction, Update
from entities.models import Firm
from evidence.models import Citation
from tests.conftest import publish

pytestmark = pytest.mark.django_db


def download(client, number, name):
    response = client.get(f"/downloads/updates/{number}/{name}")
    assert response.status_code == 200, name
    return b"".join(response.streaming_content)


def tables_of(client, number):
    return {
        table.name: {
            row["id"]: row
            for row in map(
                json.loads, download(client, number, f"{table.name}.jsonl").decode().splitlines()
            )
        }
        for table in TABLES
        if not table.is_link  # pairs, with no id: the delta gives them in their claims' rows
    }


@pytest.fixture
def update_2(small_world, editor):
    """An update to the small world that adds, changes and withdraws, answering a correction."""
    correction, _ = corrections.submit_correction(
        target=small_world.sany,
        what_is_wrong="a",
        proposed_fix="b",
        email="canary-mail@example.org",
        name="Canary Name",
        ip="198.51.100.23",
    )
    corrections.transition(correction=correction, to="accepted", actor=editor)
    corrections.add_note(correction=correction, author=editor, text="canary staff note")
    claim, source = small_world.supply, small_world.news
    changes = [
        staging.stage_edit(
            record=small_world.sany,
            fields={"description": "Edited"},
            user=editor,
            correction=correction,
        ),
        staging.stage_withdrawal(
            record=small_world.dealer, reason="Identified as a duplicate", user=editor
        ),
        staging.stage_new(
            model=Citation,
            fields={"claim": claim.public_id, "source": source.public_id, "locator": "p. 2"},
            user=editor,
        ),
    ]
    return publish(*changes, key="u2", summary="Second")


def test_publishing_writes_every_file_with_a_manifest_of_counts_and_hashes(client, small_world):
    manifest = json.loads(download(client, 1, "manifest.json"))
    names = {entry["name"] for entry in manifest["files"]}
    for table in TABLES:
        assert {f"{table.name}.csv", f"{table.name}.jsonl"} <= names
    assert {"delta.jsonl", "datapackage.json", "codebook.md", "CITATION.cff"} <= names
    for entry in manifest["files"]:
        data = download(client, 1, entry["name"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    firms = next(e for e in manifest["files"] if e["name"] == "firms.csv")
    assert firms["rows"] == Firm.objects.public().count()
    archive = zipfile.ZipFile(io.BytesIO(download(client, 1, "tot-insights-hub-update-1.zip")))
    assert len(archive.namelist()) == len(names) + 1  # and the manifest


def test_the_package_passes_frictionless_validation(small_world, downloads_root):
    report = validate(str(package.directory(1) / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_an_update_downloads_byte_for_byte_after_later_updates(
    client, small_world, update_2, editor
):
    before = {
        entry["name"]: download(client, 1, entry["name"])
        for entry in package.files_of(Update.objects.get(number=1))
    }
    publishing.publish_update(
        change_ids=[
            staging.stage_edit(
                record=small_world.xcmg, fields={"description": "Third"}, user=editor
            ).pk
        ],
        summary="Third",
        idempotency_key="u3",
    )
    after = {name: download(client, 1, name) for name in before}
    assert after == before
    assert download(client, 3, "firms.jsonl") != download(client, 1, "firms.jsonl")


def test_applying_the_delta_of_update_2_to_update_1_gives_update_2(client, small_world, update_2):
    tables = tables_of(client, 1)
    delta = [json.loads(line) for line in download(client, 2, "delta.jsonl").decode().splitlines()]
    for entry in delta:
        rows = tables[entry["table"]]
        if entry["action"] == "withdrawn":
            del rows[entry["id"]]
        else:
            rows[entry["id"]] = entry["row"]
    assert tables == tables_of(client, 2)
    actions = {(e["table"], e["action"], e["id"]) for e in delta}
    sany, dealer = small_world.sany.public_id, small_world.dealer.public_id
    assert ("firms", "changed", sany) in actions
    assert ("firms", "withdrawn", dealer) in actions
    assert any(t == "citations" and a == "added" for t, a, _ in actions)
    # The dealer's relationships went with it.
    assert ("relationships", "withdrawn", small_world.partners.public_id) in actions
    edited = next(e for e in delta if e["id"] == sany)
    assert edited["corrections"] == [Correction.objects.get().reference]


def test_the_update_page_and_downloads_page_link_the_frozen_files(client, update_2):
    body = client.get("/updates/2/").content.decode()
    assert "/downloads/updates/2/tot-insights-hub-update-2.zip" in body
    assert "How to cite" in body
    downloads = client.get("/downloads/").content.decode()
    assert '"@type": "Dataset"' in downloads
    assert "/downloads/updates/2/tot-insights-hub-update-2.zip" in downloads


def test_unknown_files_and_path_tricks_are_404(client, small_world):
    for name in ["../../etc/passwd", "settings.py", "manifest.json.bak", "%2e%2e%2fdb.sqlite3"]:
        assert client.get(f"/downloads/updates/1/{name}").status_code == 404
    assert client.get("/downloads/updates/99/manifest.json").status_code == 404


def test_submitters_private_data_appears_in_no_export_or_package(client, small_world, update_2):
    correction = Correction.objects.get()
    canaries = [
        "canary-mail@example.org",
        "Canary Name",
        "198.51.100.23",
        "canary staff note",
        correction.token_hash,
        correction.contact.ip_hash,
    ]
    outputs = [
        download(client, 2, entry["name"])
        for entry in package.files_of(Update.objects.get(number=2))
    ]
    zipped = zipfile.ZipFile(io.BytesIO(download(client, 2, "tot-insights-hub-update-2.zip")))
    outputs += [zipped.read(name) for name in zipped.namelist()]
    for name in ["firms", "sites", "claims", "sources", "citations"]:
        outputs.append(b"".join(client.get(f"/{name}.csv").streaming_content))
        outputs.append(client.get(f"/{name}.json").content)
    outputs += [
        client.get(url).content
        for url in [
            f"/records/{small_world.sany.public_id}.json",
            "/updates/feed/",
            "/corrections/",
            "/updates/2/",
        ]
    ]
    for output in outputs:
        for canary in canaries:
            assert canary.encode() not in output, canary


def test_the_downloads_page_gives_the_zip_its_sha256(client, small_world, downloads_root):
    archive = next(downloads_root.glob("update-0001/*.zip"))
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert digest in client.get("/downloads/").content.decode()
