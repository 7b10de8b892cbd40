"""Published data changes only inside a publish; history and data cannot disagree.

The database itself refuses (editorial.immutability): every way around
publish_update that once worked (the ORM's update, save and bulk_create, raw
UPDATE and DELETE, a write from another connection) is tried here on a
published update, its changes, its records, their citations and links.
"""

import sqlite3

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from editorial import staging, values
from editorial.models import Change, Update
from entities.models import Firm
from evidence.models import Citation, Claim
from hub.models import Status
from tests.conftest import publish
from tests.factories import ClaimFactory, FirmFactory

pytestmark = pytest.mark.django_db
REFUSED = "published data changes only through publishing an update"


@pytest.fixture
def released(editor):
    """Update 1: a firm edited, with its change row."""
    firm = FirmFactory(description="Before")
    update = publish(staging.stage_edit(record=firm, fields={"description": "After"}, user=editor))
    firm.refresh_from_db()
    return update, update.changes.get(), firm


def refused(action):
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        action()


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_published_update_cannot_be_rewritten_or_deleted(released):
    update, _change, _firm = released
    refused(lambda: Update.objects.filter(pk=update.pk).update(summary="Rewritten"))
    update.summary = "Rewritten"
    refused(update.save)
    refused(lambda: raw("UPDATE editorial_update SET summary = 'x' WHERE id = %s", [update.pk]))
    refused(lambda: raw("DELETE FROM editorial_update WHERE id = %s", [update.pk]))
    assert Update.objects.get(pk=update.pk).summary == "Test update"


def test_its_changes_cannot_be_rewritten_or_deleted(released):
    _update, change, _firm = released
    refused(lambda: Change.objects.filter(pk=change.pk).update(diff=[]))
    change.label = "Someone else"
    refused(change.save)
    refused(lambda: raw("UPDATE editorial_change SET diff = '[]' WHERE id = %s", [change.pk]))
    refused(lambda: raw("DELETE FROM editorial_change WHERE id = %s", [change.pk]))
    refused(lambda: Change.objects.filter(pk=change.pk).delete())
    assert Change.objects.get(pk=change.pk).diff[0]["after"] == "After"


def test_a_change_is_not_published_outside_its_update(released, editor):
    update, _change, firm = released
    pending = staging.stage_edit(record=firm, fields={"description": "Sneaked"}, user=editor)
    refused(lambda: Change.objects.filter(pk=pending.pk).update(state="published", update=update))


def test_public_records_change_only_in_a_publish(released):
    _update, _change, firm = released
    refused(lambda: Firm.objects.filter(pk=firm.pk).update(description="Meddled"))
    firm.description = "Meddled"
    refused(firm.save)
    refused(lambda: raw("UPDATE entities_firm SET description = 'x' WHERE id = %s", [firm.pk]))
    refused(lambda: raw("DELETE FROM entities_firm WHERE id = %s", [firm.pk]))
    refused(
        lambda: Firm.objects.bulk_create(
            [Firm(public_id="F8888", name_en="Bulk", status=Status.PUBLISHED, last_update=1)]
        )
    )
    refused(lambda: Firm.objects.filter(pk=firm.pk).update(status=Status.WITHDRAWN))
    assert Firm.objects.get(pk=firm.pk).description == "After"


def test_citations_links_and_withdrawn_records_are_public_rows_too(editor):
    claim = ClaimFactory(firms=[FirmFactory()])
    citation = claim.citations.get()
    refused(lambda: Citation.objects.filter(pk=citation.pk).update(locator="p. 99"))
    refused(lambda: claim.firms.add(FirmFactory()))
    refused(lambda: claim.firms.clear())
    withdrawn = FirmFactory()
    publish(staging.stage_withdrawal(record=withdrawn, reason="Duplicate", user=editor))
    refused(lambda: Firm.objects.filter(pk=withdrawn.pk).update(status=Status.PUBLISHED))
    refused(lambda: Firm.objects.filter(pk=withdrawn.pk).update(withdrawn_reason="Other"))


def test_drafts_and_the_derived_counts_are_written_freely(released):
    _update, _change, firm = released
    draft = FirmFactory(status=Status.DRAFT, last_update=None)
    Firm.objects.filter(pk=draft.pk).update(description="Free")
    draft.delete()
    # The stored counts are derived data, rebuilt by the derived app outside publishing.
    Firm.objects.filter(pk=firm.pk).update(claim_count=3)
    assert Firm.objects.get(pk=firm.pk).claim_count == 3


def test_a_publish_still_writes_everything_it_did(released, editor):
    _update, _change, firm = released
    second = publish(
        staging.stage_withdrawal(record=firm, reason="Closed", user=editor), key="second"
    )
    firm.refresh_from_db()
    assert (firm.status, firm.last_update) == (Status.WITHDRAWN, second.number)
    assert second.withdrawn == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_from_another_connection_is_refused(editor):
    firm = FirmFactory(description="Before")
    publish(staging.stage_edit(record=firm, fields={"description": "After"}, user=editor))
    sql = "UPDATE entities_firm SET description = 'Out of band' WHERE id = %s"
    if connection.vendor == "postgresql":
        import psycopg

        from tests.ops import support

        args = support.pg_connect_args(connection.settings_dict)
        with (
            psycopg.connect(**args, autocommit=True) as other,
            pytest.raises(psycopg.errors.IntegrityConstraintViolation, match=REFUSED),
        ):
            other.execute(sql, [firm.pk])
    else:
        # A connection that is not the hub's has no hub_publishing(): it cannot write at all.
        name = connection.settings_dict["NAME"]
        other = sqlite3.connect(name, uri=str(name).startswith("file:"))
        with pytest.raises(sqlite3.OperationalError, match="hub_publishing"):
            other.execute(sql.replace("%s", "?"), [firm.pk])
        other.close()
    assert Firm.objects.get(pk=firm.pk).description == "After"


def history_of(record):
    """The record's fields as its published changes, applied in order, make them."""
    changes = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        state=Change.State.PUBLISHED,
    ).order_by("update__number", "pk")
    state = {}
    for change in changes:
        for entry in change.diff:
            state[entry["field"]] = entry["after"]
    return state


def test_history_equals_the_data_after_every_kind_of_publish(every_kind_published):
    checked = 0
    for name, record in every_kind_published.items():
        history = history_of(record)
        snapshot = values.Snapshots(type(record), [record]).of(record)
        snapshot["status"] = record.status
        if record.merged_into:
            snapshot["merged_into"] = record.merged_into
        for field, value in snapshot.items():
            expected = history.get(field)
            assert value == expected or (value in (None, "", []) and expected is None), (
                name,
                field,
                value,
                expected,
            )
            checked += 1
    assert checked > 50
    claim = every_kind_published["claim"]
    assert claim.status == Status.WITHDRAWN
    # The regrades (corroborated in update 2, alone again in 3) are in the history too.
    assert Claim.objects.get(pk=claim.pk).confidence == history_of(claim)["confidence"]
