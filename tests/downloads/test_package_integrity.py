"""A published package stays as published: sealed, placed once, re-hashed, refused when altered."""

import io
import logging
import os
import stat

import pytest
from django.core.management import CommandError, call_command

from downloads import integrity, package
from editorial import staging
from tests.conftest import publish
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(editor):
    firm = FirmFactory()
    update = publish(staging.stage_edit(record=firm, fields={"description": "New"}, user=editor))
    return update


def tamper(path, data=b"tampered\n"):
    """Append to a sealed file, as someone with write access to the volume could."""
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    with path.open("ab") as out:
        out.write(data)


def verify():
    out = io.StringIO()
    call_command("verify_packages", stdout=out)
    return out.getvalue()


def test_a_published_package_is_read_only_and_only_its_own_folder_is_left(
    published, downloads_root
):
    folder = package.directory(published.number)
    assert sorted(path.name for path in downloads_root.iterdir()) == [folder.name]
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o222 == 0, f"{path} is writable ({oct(mode)})"


def test_verify_packages_passes_on_untouched_packages(published):
    assert "every file matches its manifest" in verify()


@pytest.mark.parametrize("name", ["firms.csv", "firms.jsonl", "manifest.json", None])
def test_verify_packages_finds_one_changed_byte(published, name):
    folder = package.directory(published.number)
    name = name or package.zip_name(published)
    path = folder / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="differ from their manifests"):
        verify()


def test_the_download_view_refuses_an_altered_file_with_a_page_and_a_log_line(
    published, client, caplog
):
    url = f"/downloads/updates/{published.number}/firms.csv"
    assert client.get(url).status_code == 200
    tamper(package.directory(published.number) / "firms.csv")
    with caplog.at_level(logging.ERROR, logger="hub.downloads"):
        response = client.get(url)
    assert response.status_code == 409
    assert "no longer matches the checksum" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "firms.csv" in caplog.text
    assert "differs" in caplog.text
    # The other files still download.
    assert client.get(f"/downloads/updates/{published.number}/sites.csv").status_code == 200


def test_a_manifest_rewritten_to_match_an_altered_file_is_refused_too(published, client):
    folder = package.directory(published.number)
    tamper(folder / "manifest.json", b" ")
    response = client.get(f"/downloads/updates/{published.number}/firms.csv")
    assert response.status_code == 409


def test_orphan_folders_are_removed_by_the_check_and_by_the_next_publish(
    published, downloads_root, editor
):
    orphans = [downloads_root / "update-0009", downloads_root / ".update-0007.partial-ab12"]
    for orphan in orphans:
        (orphan / ".index").mkdir(parents=True)
        (orphan / "firms.csv").write_text("id\n")
    output = verify()
    assert "removed update-0009" in output
    assert "removed .update-0007.partial-ab12" in output
    assert not any(orphan.exists() for orphan in orphans)

    for orphan in orphans:
        orphan.mkdir()
    publish(
        staging.stage_edit(record=FirmFactory(), fields={"description": "x"}, user=editor), key="2"
    )
    assert sorted(path.name for path in downloads_root.iterdir()) == [
        "update-0001",
        "update-0002",
    ]


def test_a_retried_publish_writes_the_package_its_first_attempt_lost(published):
    # As when the connection is lost after the server took the COMMIT: the
    # update exists, its folder was never placed.
    folder = package.directory(published.number)
    integrity.remove(folder)
    again = publish()  # the same idempotency key
    assert again.pk == published.pk
    assert (folder / "manifest.json").is_file()
    assert "every file matches its manifest" in verify()
