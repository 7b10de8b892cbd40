"""An update's package written from the previous one equals a full rebuild, byte for byte.

Publishing writes update N's package from N-1's (downloads.incremental),
regenerating only the rows that can differ. Over a series of updates that
touch every table, withdraw and merge, move a citation, regrade a claim and
let a reply deadline pass, each package is compared file by file with a full
rebuild of the same update; and the incremental path is checked to have run.
"""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.db.models.functions import Now

from downloads import archive, ftm, ftm_copy, incremental, package
from editorial import publishing, staging
from editorial.models import Update
from editorial.publishing import rules
from entities.models import Firm
from evidence.models import Citation, Claim, Source
from tests.conftest import publish

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


@pytest.fixture
def small_segments(monkeypatch):
    """Segments of about two rows, so that the small world's tables have many to reuse."""
    monkeypatch.setattr(archive, "SEGMENT_ROWS", 2)


@pytest.fixture
def clock(monkeypatch):
    """The database's today, as the reply status sees it (evidence.reply), set by the test."""
    today = {"day": DAY}

    def as_sql(self, compiler, connection, **extra):
        return "%s", [f"{today['day'].isoformat()} 12:00:00"]

    for name in ("as_sql", "as_sqlite", "as_postgresql"):
        monkeypatch.setattr(Now, name, as_sql, raising=False)
    return today


@pytest.fixture
def builds(monkeypatch):
    """Which build each publish used."""
    used = []
    real_full, real_incremental = package._build_full, package._build_incremental

    def full(*args, **kwargs):
        used.append("full")
        return real_full(*args, **kwargs)

    def incremental_build(*args, **kwargs):
        result = real_incremental(*args, **kwargs)
        used.append("incremental")
        return result

    monkeypatch.setattr(package, "_build_full", full)
    monkeypatch.setattr(package, "_build_incremental", incremental_build)
    return used


@pytest.fixture
def reused(monkeypatch):
    """How many compressed segments each build copied from the previous zip."""
    copied = []
    real = archive._copier

    def copier(*args):
        copied.append(args)
        return real(*args)

    monkeypatch.setattr(archive, "_copier", copier)
    return copied


def published_equals_full_rebuild(update, tmp_path):
    changes = sorted(
        update.changes.select_related("correction"),
        key=lambda change: (publishing.APPLY_ORDER[change.action], change.pk),
    )
    rebuilt = package.build_package(
        update,
        answered=rules.answered_corrections(changes),
        full=True,
        folder=tmp_path / f"full-{update.number}",
    )
    published = package.directory(update.number)
    names = {path.name for path in published.iterdir()} - {incremental.INDEX}
    assert names == {path.name for path in rebuilt.iterdir()} - {incremental.INDEX}
    for name in sorted(names):
        assert (published / name).read_bytes() == (rebuilt / name).read_bytes(), name
    # The zip is an ordinary one: every member reads back as the file beside it.
    with zipfile.ZipFile(published / package.zip_name(update)) as archive_file:
        for info in archive_file.infolist():
            name = info.filename.split("/", 1)[1]
            assert archive_file.read(info) == (published / name).read_bytes(), name
    return True


def delta_of(number):
    lines = (package.directory(number) / "delta.jsonl").read_text().splitlines()
    return {(entry["table"], entry["action"], entry["id"]) for entry in map(json.loads, lines)}


def test_every_incrementally_written_package_equals_a_full_rebuild_byte_for_byte(
    small_segments, clock, builds, reused, small_world, editor, tmp_path
):
    w = small_world
    counter = iter(range(100))

    def publish_checked(*changes):
        builds.clear()
        reused.clear()
        update = publish(*changes, key=f"k{next(counter)}", summary="Test")
        assert builds == ["incremental"], builds
        assert reused, "no compressed segment was copied from the previous zip"
        reused.clear()  # the full rebuild below copies none
        assert published_equals_full_rebuild(update, tmp_path)
        return update

    def edit(record, **fields):
        record = type(record).objects.get(pk=record.pk)  # as the last publish left it
        return staging.stage_edit(record=record, fields=fields, user=editor)

    def withdraw(record):
        record = type(record).objects.get(pk=record.pk)
        return staging.stage_withdrawal(record=record, reason="Test withdrawal", user=editor)

    # 2: an edit of every table, a new claim with its citation, a new source cited.
    claim = staging.stage_new(
        model=Claim,
        fields={"statement": "A new claim.", "claim_type": "presence", "firms": [w.sany.public_id]},
        user=editor,
    )
    source = staging.stage_new(
        model=Source,
        fields={
            "title": "A new independent report",
            "publisher": "Another Monitor",
            "kind": "ngo_report",
            "language": "en",
            "reliability": "A",
            "archived_url": "https://archive.example.org/new",
        },
        user=editor,
    )
    update = publish_checked(
        claim,
        source,
        staging.stage_new(
            model=Citation,
            fields={"claim": claim.public_id, "source": w.briefing.public_id, "locator": "p. 1"},
            user=editor,
        ),
        staging.stage_new(
            model=Citation,
            fields={"claim": w.presence.public_id, "source": source.public_id, "locator": "p. 9"},
            user=editor,
        ),
        edit(w.sany, description="Edited firm", sectors=["mining-machinery"]),
        edit(w.bilorichenska, description="Edited site"),
        edit(w.monitor, title="=Edited source title"),
        edit(w.loaders, statement="Edited claim,\nover two lines", figure_low="12.50"),
        edit(w.citation1, locator="p. 77"),
        edit(w.joined, description="Edited relationship"),
        edit(w.designation, reference="Edited reference"),
    )
    assert ("claims", "added", claim.public_id) in delta_of(update.number)
    assert ("firms", "changed", w.sany.public_id) in delta_of(update.number)

    # 3: a citation moves to another claim; a claim's firms and sites change.
    new_citation = Citation.objects.get(source__public_id=source.public_id)
    update = publish_checked(
        edit(new_citation, claim=w.excavators.public_id),
        edit(w.supply, firms=[w.sany.public_id, w.xcmg.public_id], sites=[w.port.public_id]),
    )
    assert {
        ("claims", "changed", w.presence.public_id),
        ("claims", "changed", w.excavators.public_id),
    } <= delta_of(update.number)

    # 4: the new source is withdrawn: its citation and the claim's source cell go.
    update = publish_checked(withdraw(Source.objects.get(public_id=source.public_id)))
    assert ("citations", "withdrawn", new_citation.public_id) in delta_of(update.number)

    # 5: firms withdrawn: claims lose a firm, relationships and a designation drop out.
    update = publish_checked(withdraw(w.huawei), withdraw(w.alliance))
    delta = delta_of(update.number)
    assert ("sanctions", "withdrawn", w.designation.public_id) in delta
    assert ("relationships", "withdrawn", w.joined.public_id) in delta

    # 6: a merge, and a claim withdrawn (its citations leave the table).
    services_claim = Claim.objects.public().exclude(public_id=claim.public_id).last()
    update = publish_checked(
        staging.stage_merge(
            record=Firm.objects.get(pk=w.xcmg.pk), into=Firm.objects.get(pk=w.sany.pk), user=editor
        ),
        withdraw(services_claim),
    )
    assert ("claims", "withdrawn", services_claim.public_id) in delta_of(update.number)

    # 7: a disputing citation regrades its claim; a firm is contacted, deadline tomorrow.
    waiting = (
        Claim.objects.public().filter(firm_response="", firm_response_url="").first().public_id
    )
    update = publish_checked(
        staging.stage_new(
            model=Citation,
            fields={
                "claim": w.parts.public_id,  # reported by one source until now
                "source": w.wire.public_id,
                "locator": "p. 3",
                "stance": "disputes",
            },
            user=editor,
        ),
        edit(
            Claim.objects.get(public_id=waiting),
            reply_contacted_on=(DAY - datetime.timedelta(days=10)).isoformat(),
            reply_deadline=(DAY + datetime.timedelta(days=1)).isoformat(),
            reply_channel="email",
        ),
    )
    assert Claim.objects.get(public_id=w.parts.public_id).confidence == "disputed"
    assert ("claims", "changed", w.parts.public_id) in delta_of(update.number)

    # 8: three days later the deadline has passed: an unrelated edit's package
    # must still rewrite that claim's reply status.
    clock["day"] = DAY + datetime.timedelta(days=3)
    update = publish_checked(edit(w.liugong, description="Three days later"))
    assert ("claims", "changed", waiting) in delta_of(update.number)
    row = next(
        json.loads(line)
        for line in (package.directory(update.number) / "claims.jsonl").read_text().splitlines()
        if json.loads(line)["id"] == waiting
    )
    assert row["reply_status"] == "no_response_by_deadline"
    assert Claim.objects.get(public_id=w.loaders.public_id).figure_low == Decimal("12.50")


def test_a_missing_or_altered_previous_package_falls_back_to_the_full_build(
    builds, small_world, editor, tmp_path
):
    previous = package.directory(1)
    (previous / "claims.csv").write_bytes((previous / "claims.csv").read_bytes()[:-3] + b"xx\n")
    change = staging.stage_edit(record=small_world.sany, fields={"description": "X"}, user=editor)
    builds.clear()
    update = publishing.publish_update(change_ids=[change.pk], summary="T", idempotency_key="a")
    assert builds == ["full"]
    assert published_equals_full_rebuild(update, tmp_path)

    (package.directory(2) / incremental.INDEX / "meta.json").unlink()
    sany = Firm.objects.get(pk=small_world.sany.pk)
    change = staging.stage_edit(record=sany, fields={"description": "Y"}, user=editor)
    builds.clear()
    publishing.publish_update(change_ids=[change.pk], summary="T", idempotency_key="b")
    assert builds == ["full"]


def test_the_segmented_zip_reads_back_with_any_unzip(small_world):
    update = Update.objects.get(number=1)
    data = (package.directory(1) / package.zip_name(update)).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive_file:
        assert archive_file.testzip() is None


def test_build_package_compare_checks_the_latest_package_against_a_full_rebuild(
    small_world, editor
):
    from django.core.management import CommandError, call_command

    change = staging.stage_edit(record=small_world.sany, fields={"description": "Z"}, user=editor)
    publishing.publish_update(change_ids=[change.pk], summary="T", idempotency_key="c")
    out = io.StringIO()
    call_command("build_package", "2", "--compare", stdout=out)
    assert "equals a full rebuild" in out.getvalue()
    with pytest.raises(CommandError, match="not the latest"):
        call_command("build_package", "1", "--compare", stdout=io.StringIO())

    firms = package.directory(2) / "firms.jsonl"
    firms.write_bytes(firms.read_bytes().replace(b"Z", b"z", 1))
    out = io.StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("build_package", "2", "--compare", stdout=out)
    assert "firms.jsonl: differs" in out.getvalue()


@pytest.fixture
def entities_made(monkeypatch):
    """The claims and sources whose FollowTheMoney entities were made, not copied."""
    made = {"claims": [], "sources": []}
    real_claims, real_source = ftm.claim_entities, ftm.source_entity

    def claim_entities(row):
        made["claims"].append(row["id"])
        return real_claims(row)

    def source_entity(row):
        made["sources"].append(row["id"])
        return real_source(row)

    monkeypatch.setattr(ftm, "claim_entities", claim_entities)
    monkeypatch.setattr(ftm, "source_entity", source_entity)
    return made


def test_an_update_makes_the_entities_only_of_the_claims_and_sources_it_changed(
    entities_made, builds, small_world, editor, tmp_path
):
    w = small_world
    builds.clear()
    entities_made["claims"].clear()
    entities_made["sources"].clear()
    update = publish(
        staging.stage_edit(record=w.loaders, fields={"statement": "Edited."}, user=editor),
        key="k-ftm",
    )
    assert builds == ["incremental"]
    assert entities_made == {"claims": [w.loaders.public_id], "sources": []}
    assert published_equals_full_rebuild(update, tmp_path)


def test_entities_of_a_package_made_otherwise_are_all_made_again(
    entities_made, builds, small_world, editor, tmp_path
):
    w = small_world
    index = package.directory(1) / incremental.INDEX / ftm_copy.INDEX_FILE
    index.chmod(0o644)
    index.write_text(json.dumps({**json.loads(index.read_text()), "fingerprint": "other"}))
    builds.clear()
    entities_made["claims"].clear()
    entities_made["sources"].clear()
    update = publish(
        staging.stage_edit(record=w.loaders, fields={"statement": "Edited."}, user=editor),
        key="k-ftm",
    )
    assert builds == ["incremental"]
    assert len(entities_made["claims"]) == Claim.objects.public().count()
    assert published_equals_full_rebuild(update, tmp_path)


@pytest.fixture
def link_merges(monkeypatch):
    """The TableFiles of each link table an incremental build merged."""
    merged = {}
    real = incremental.merge_links

    def merge_links(table, *args):
        merged[table.name] = real(table, *args)
        return merged[table.name]

    monkeypatch.setattr(incremental, "merge_links", merge_links)
    return merged


def test_an_update_writes_the_pairs_only_of_the_claims_it_changed(
    link_merges, builds, small_world, editor, tmp_path
):
    w = small_world
    before = (package.directory(1) / "claim_firms.csv").read_text().splitlines()
    update = publish(
        staging.stage_edit(
            record=w.loaders, fields={"firms": [w.xcmg.public_id, w.sany.public_id]}, user=editor
        ),
        key="k-links",
    )
    assert builds[-1] == "incremental"
    claim_firms = link_merges["claim_firms"]
    # Every row but the edited claim's two pairs is one of update 1's, copied.
    assert (
        sum(length for _, _, length in claim_firms.runs) == claim_firms.rows - 2 == len(before) - 2
    )
    after = (package.directory(update.number) / "claim_firms.csv").read_text().splitlines()
    assert sorted(set(after) - set(before)) == [f"{w.loaders.public_id},{w.sany.public_id}"]
    # A link table none of whose owners changed is update 1's file again.
    sites = link_merges["claim_sites"]
    assert sites.runs == [(0, 0, sites.rows)]
    assert published_equals_full_rebuild(update, tmp_path)


def test_the_unchanged_entities_keep_their_compressed_bytes_from_the_previous_zip(
    small_segments, monkeypatch, builds, small_world, editor, tmp_path
):
    w = small_world
    made = []
    real = ftm_copy.member

    def member(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(ftm_copy, "member", member)
    update = publish(
        staging.stage_edit(record=w.loaders, fields={"statement": "Edited."}, user=editor),
        key="k-ftm-zip",
    )
    assert builds[-1] == "incremental"
    entities, layout = made[-1]
    claims = (package.directory(update.number) / "claims.jsonl").read_text().splitlines()
    edited = [json.loads(line)["id"] for line in claims].index(w.loaders.public_id)
    holding_edit = next(
        i
        for i, (table, first, end) in enumerate(layout)
        if table == "claims" and first <= edited < end
    )
    copied = {i for i, (table, _, _) in enumerate(layout) if table in ("claims", "sources")}
    assert entities.reuse, "no segment of the entities was copied from the previous zip"
    assert set(entities.reuse) == copied - {holding_edit}
    assert published_equals_full_rebuild(update, tmp_path)
