"""Archived copies of sources: stored by hash, shown on the source page, served so they cannot run."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import strip_tags

from evidence.archiving import SourceSnapshot, store_snapshot
from evidence.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db
RETRIEVED = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=datetime.UTC)
HOSTILE = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def snapshots_root(settings):
    """The test's own HUB_SNAPSHOTS_ROOT (tests/conftest.py gives every test one)."""
    return Path(settings.HUB_SNAPSHOTS_ROOT)


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


def snapshot_source(content=HOSTILE, media_type="text/html", **fields):
    snapshot = store_snapshot(
        content=content, media_type=media_type, retrieved_at=RETRIEVED, original_name="page.html"
    )
    return SourceFactory(snapshot=snapshot, archived_url="", **fields), snapshot


def test_a_snapshot_is_stored_once_under_its_sha256_outside_any_served_folder(snapshots_root):
    first = store_snapshot(content=HOSTILE, media_type="text/html", retrieved_at=RETRIEVED)
    again = store_snapshot(content=HOSTILE, media_type="text/html", retrieved_at=RETRIEVED)
    digest = hashlib.sha256(HOSTILE).hexdigest()
    assert first.pk == again.pk
    assert SourceSnapshot.objects.count() == 1
    assert (first.sha256, first.size) == (digest, len(HOSTILE))
    stored = snapshots_root / "snapshots" / digest[:2] / digest
    assert stored.read_bytes() == HOSTILE
    assert not str(stored).startswith(str(Path(settings.BASE_DIR) / "static"))


def test_the_source_page_shows_the_hash_and_links_the_download(client):
    source, snapshot = snapshot_source()
    page = client.get(source.get_absolute_url())
    body = page.content.decode()
    assert snapshot.sha256 in body
    assert f"/sources/{source.public_id}/snapshot/" in body
    assert "text/html" in text_of(page)


def test_a_snapshot_is_served_as_a_sandboxed_attachment_that_cannot_run_here(client):
    source, snapshot = snapshot_source()
    response = client.get(f"/sources/{source.public_id}/snapshot/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == HOSTILE
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'{source.public_id}-{snapshot.sha256[:12]}.html"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_no_snapshot_of_an_unpublished_or_unarchived_source_is_served(client):
    draft, _snapshot = snapshot_source(status="draft", last_update=None)
    assert client.get(f"/sources/{draft.public_id}/snapshot/").status_code == 404
    plain = SourceFactory()
    assert client.get(f"/sources/{plain.public_id}/snapshot/").status_code == 404
    assert client.get("/sources/SRC0000/snapshot/").status_code == 404


def test_the_source_page_shows_a_recorded_exemption(client):
    source = SourceFactory(archived_url="", archive_exemption="Printed document; no online copy")
    body = client.get(source.get_absolute_url()).content.decode()
    assert "<dd>Printed document; no online copy</dd>" in body


def test_the_seed_keeps_no_copy_of_the_hub_briefing_and_says_where_it_is(client, seeded):
    # A test of the seed data itself (the rules it relies on are tested above
    # with factories): what seeds/ says of its sources' copies.
    source = Source.objects.get(public_id="SRC0001")
    assert source.snapshot is None
    assert source.url.startswith("https://")
    assert "published at the URL above" in source.archive_exemption
    assert client.get("/sources/SRC0001/snapshot/").status_code == 404
    # No seed source has an invented archive address.
    assert not Source.objects.exclude(archived_url="").exists()
    assert not Source.objects.missing_archive().exists()


def test_staff_upload_a_snapshot_in_the_admin_and_it_is_stored_by_hash(django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.factories import login_verified

    admin = django_user_model.objects.create_superuser("archivist", "a@example.org", "pw")
    client = login_verified(Client(), admin)
    assert client.get("/staff/admin/evidence/sourcesnapshot/add/").status_code == 200
    response = client.post(
        "/staff/admin/evidence/sourcesnapshot/add/",
        {
            "upload": SimpleUploadedFile("report.pdf", b"%PDF-1.4 test", "application/pdf"),
            "retrieved_at_0": "2026-11-28",
            "retrieved_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    snapshot = SourceSnapshot.objects.get()
    assert snapshot.sha256 == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
    assert (snapshot.media_type, snapshot.original_name) == ("application/pdf", "report.pdf")
    for page in ["/staff/admin/evidence/source/add/", "/staff/admin/evidence/claim/add/"]:
        assert client.get(page).status_code == 200
