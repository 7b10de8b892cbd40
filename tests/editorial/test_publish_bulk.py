"""A large publish writes its records in batches, with the same values, diffs and refusals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial import publishing, staging
from editorial.models import Update
from editorial.publishing import sqlwrite
from entities.models import Firm
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    """Batches from two records of a model, three rows to a statement."""
    monkeypatch.setattr(sqlwrite.RecordWrites, "LARGE", 2)
    monkeypatch.setattr(sqlwrite.RecordWrites, "ROWS", 3)


def test_a_large_publish_writes_every_record_and_diff_as_one_by_one_would(small_batches):
    firms = [FirmFactory(description=f"Before {i}") for i in range(7)]
    changes = [
        staging.stage_edit(record=firm, fields={"description": f"After {i}"}, user=None)
        for i, firm in enumerate(firms)
    ]
    with CaptureQueriesContext(connection) as queries:
        update = publishing.publish_update(
            change_ids=[change.pk for change in changes], summary="Many", idempotency_key="m"
        )
    for i, firm in enumerate(firms):
        firm.refresh_from_db()
        assert (firm.description, firm.last_update) == (f"After {i}", update.number)
        change = update.changes.get(object_id=firm.pk)
        assert change.diff == [
            {"field": "description", "before": f"Before {i}", "after": f"After {i}"}
        ]
    writes = [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "entities_firm"')]
    if connection.vendor == "postgresql":
        assert len(writes) == 3  # 3 + 3 + 1 rows
    else:
        assert len(writes) == 7


def test_a_batch_that_breaks_a_constraint_refuses_the_publish_naming_the_record(small_batches):
    firms = [FirmFactory() for _ in range(5)]
    changes = [
        staging.stage_edit(
            record=firm,
            fields={"description": "Changed", **({"inn": "7707083893"} if i in (1, 3) else {})},
            user=None,
        )
        for i, firm in enumerate(firms)
    ]
    with pytest.raises(publishing.PublishRefused, match=firms[3].public_id):
        publishing.publish_update(
            change_ids=[change.pk for change in changes], summary="Bad", idempotency_key="b"
        )
    assert not Update.objects.exists()
    assert not Firm.objects.filter(description="Changed").exists()
