"""Concurrent moderation and publishing (real threads, real database connections).

These run on PostgreSQL in CI and on SQLite too; what they assert holds on both:
of many simultaneous attempts, exactly one takes effect.
"""

import threading

import pytest
from django.db import OperationalError, close_old_connections, connection

from editorial import corrections, publishing, staging
from editorial.models import Correction, Transition, Update
from entities.models import Firm
from tests.factories import FirmFactory


def run_together(count, work):
    """Run `work(i)` in `count` threads released at the same moment; return outcomes."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def target(index):
        try:
            barrier.wait()
            outcomes[index] = ("ok", work(index))
        except Exception as error:
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_decisions_on_one_correction_record_exactly_one_transition(
    django_user_model,
):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    correction, _token = corrections.submit_correction(what_is_wrong="a", proposed_fix="b")

    def decide(index):
        fresh = Correction.objects.get(pk=correction.pk)
        if index % 2:
            return corrections.transition(correction=fresh, to="accepted", actor=editor)
        return corrections.transition(
            correction=fresh, to="declined", actor=editor, public_response="No"
        )

    outcomes = run_together(20, decide)
    successes = [value for kind, value in outcomes if kind == "ok"]
    failures = [value for kind, value in outcomes if kind == "error"]
    assert len(successes) == 1
    assert all(
        isinstance(error, (corrections.TransitionRefused, OperationalError)) for error in failures
    ), failures
    decisions = Transition.objects.filter(correction=correction).exclude(to_status="received")
    assert decisions.count() == 1
    assert Correction.objects.get(pk=correction.pk).status == decisions.get().to_status


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_publishes_make_exactly_one_update():
    firm = FirmFactory()
    change = staging.stage_edit(record=firm, fields={"description": "Published once"}, user=None)

    def publish(index):
        return publishing.publish_update(
            change_ids=[change.pk], summary=f"Attempt {index}", idempotency_key=f"key-{index}"
        )

    outcomes = run_together(2, publish)
    successes = [value for kind, value in outcomes if kind == "ok"]
    assert len(successes) == 1, outcomes
    failure = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(failure, (publishing.PublishRefused, OperationalError))
    assert Update.objects.count() == 1
    assert Firm.objects.get(pk=firm.pk).description == "Published once"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_of_one_publish_return_the_same_update():
    firm = FirmFactory()
    change = staging.stage_edit(record=firm, fields={"description": "Retried"}, user=None)

    def publish(index):
        return publishing.publish_update(
            change_ids=[change.pk], summary="Retry", idempotency_key="same-key"
        )

    outcomes = run_together(4, publish)
    numbers = {value.number for kind, value in outcomes if kind == "ok"}
    assert len(numbers) == 1
    assert Update.objects.count() == 1
