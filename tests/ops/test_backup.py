"""make backup / make restore: a backup restored into an empty database equals the original.

Runs the real scripts (scripts/backup, scripts/restore) against the test
database: pg_dump -Fc / pg_restore on PostgreSQL, SQLite's online backup API
on SQLite. Every table is compared row for row, and the downloads byte for byte.
"""

import hashlib

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from editorial import corrections, publishing, staging
from editorial.models import Update
from evidence.archiving import store_snapshot
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    SiteFactory,
    SourceFactory,
)
from tests.ops import support


def tree(root):
    """Every file under `root` by relative path, with its SHA-256."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def scratch_database():
    """An empty database to restore into: a PG database beside the test one, or a temp file."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        yield None
        return
    import psycopg

    name = f"{db['NAME']}_restore"
    admin = support.pg_connect_args(db, name="postgres")

    def drop():
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    drop()


def dump_tables(url_name=None):
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return support.pg_tables(support.pg_connect_args(db, name=url_name))
    return support.sqlite_tables(url_name or db["NAME"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_equals_the_original_table_by_table_and_file_by_file(
    downloads_root, scratch_database, tmp_path
):
    # Something from every part of the workflow: records, two published updates
    # (with their packages), a staged change, a correction with private contact.
    firm = FirmFactory(name_en="Backup Heavy Industries", name_zh="备份重工")
    ClaimFactory.create_batch(3, firms=[firm], sites=[SiteFactory()])
    DesignationFactory(firm=firm)
    for number in (1, 2):
        change = staging.stage_edit(
            record=firm, fields={"description": f"Backed up {number}"}, user=None
        )
        publishing.publish_update(
            change_ids=[change.pk], summary=f"Update {number}", idempotency_key=f"bk-{number}"
        )
    staging.stage_edit(record=firm, fields={"description": "Still staged"}, user=None)
    snapshot = store_snapshot(
        content=b"<html>the page as it was</html>",
        media_type="text/html",
        retrieved_at=timezone.now(),
    )
    SourceFactory(title="Archived", snapshot=snapshot)
    corrections.submit_correction(
        what_is_wrong="Wrong year", proposed_fix="2023", email="someone@example.org"
    )
    assert Update.objects.count() == 2
    original_tables = dump_tables()
    original_files = tree(downloads_root)
    original_snapshots = tree(settings.HUB_SNAPSHOTS_ROOT)
    assert len(original_snapshots) == 1
    assert {"update-0001/manifest.json", "update-0002/manifest.json"} <= set(original_files)

    backup_dir = tmp_path / "backup"
    source_env = support.child_env(
        DATABASE_URL=support.database_url(),
        HUB_DOWNLOADS_ROOT=downloads_root,
        HUB_SNAPSHOTS_ROOT=settings.HUB_SNAPSHOTS_ROOT,
    )
    made = support.run_script("backup", "--out", backup_dir, env=source_env)
    assert made.returncode == 0, made.stderr
    expected_dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert {p.name for p in backup_dir.iterdir()} == {
        expected_dump,
        "downloads.tar.gz",
        "snapshots.tar.gz",
        "manifest.json",
    }

    if connection.vendor == "postgresql":
        target_url = support.database_url(name=scratch_database)
    else:
        scratch_database = str(tmp_path / "restored.sqlite3")
        target_url = f"sqlite:///{scratch_database}"
    restored_downloads = tmp_path / "restored-downloads"
    restored_snapshots = tmp_path / "restored-snapshots"
    target_env = support.child_env(
        DATABASE_URL=target_url,
        HUB_DOWNLOADS_ROOT=restored_downloads,
        HUB_SNAPSHOTS_ROOT=restored_snapshots,
    )
    restored = support.run_script("restore", backup_dir, env=target_env)
    assert restored.returncode == 0, restored.stderr

    restored_tables = dump_tables(scratch_database)
    assert sorted(restored_tables) == sorted(original_tables)
    assert "entities_firm" in restored_tables
    assert "editorial_correctioncontact" in restored_tables
    for name, rows in original_tables.items():
        assert restored_tables[name] == rows, f"table {name} differs after restore"
    assert tree(restored_downloads) == original_files
    assert tree(restored_snapshots) == original_snapshots

    # A second restore onto the now non-empty database is refused, changing nothing.
    again = support.run_script("restore", backup_dir, env=target_env)
    assert again.returncode != 0
    assert "--force" in again.stderr
    assert dump_tables(scratch_database) == restored_tables


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_backup_whose_files_do_not_match_its_manifest(downloads_root, tmp_path):
    backup_dir = tmp_path / "backup"
    env = support.child_env(DATABASE_URL=support.database_url(), HUB_DOWNLOADS_ROOT=downloads_root)
    assert support.run_script("backup", "--out", backup_dir, env=env).returncode == 0
    archive = backup_dir / "downloads.tar.gz"
    archive.write_bytes(archive.read_bytes() + b"tampered")

    target = tmp_path / "target.sqlite3"
    refused = support.run_script(
        "restore",
        backup_dir,
        "--force",
        env=support.child_env(
            DATABASE_URL=support.database_url(name=target)
            if connection.vendor == "sqlite"
            else support.database_url(),
            HUB_DOWNLOADS_ROOT=tmp_path / "dl",
        ),
    )
    assert refused.returncode != 0
    assert "does not match the manifest" in refused.stderr
    assert not target.exists()
