"""The corrections workflow: a reader's suggestion, from its receipt to its answer.

Every function that writes is keyword-only and runs in one transaction;
the public form, the staff pages, seed_history and tests call these, never
the models' save() directly.

- submit_correction: anyone; stores the correction and its private contact.
- transition / assign / add_note: staff moderation, every step recorded.
- close_answered_corrections: called by publishing (editorial.publishing)
  for the corrections an update's changes answer, and queues their
  submitters' notices for after the commit.
"""

import logging
import statistics

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from hub import audit
from hub.clientip import ip_hash
from hub.text import check_field

from .models import (
    Correction,
    CorrectionContact,
    StaffNote,
    Transition,
    hash_token,
    new_tracking_token,
)
from .staging import stored_label

logger = logging.getLogger("hub.editorial")

# Which statuses a correction may move to, from which.
ALLOWED_TRANSITIONS = {
    Correction.Status.IN_REVIEW: {Correction.Status.RECEIVED, Correction.Status.NEEDS_INFO},
    Correction.Status.NEEDS_INFO: {Correction.Status.RECEIVED, Correction.Status.IN_REVIEW},
    Correction.Status.ACCEPTED: set(Correction.OPEN),
    Correction.Status.DECLINED: set(Correction.OPEN),
    Correction.Status.DUPLICATE: set(Correction.OPEN),
}


class TransitionRefused(Exception):
    """The correction is not in a state that allows this step (someone was quicker)."""


def keyed_hash(value):
    """An IP address as a keyed hash: comparable for abuse control, not reversible."""
    return ip_hash(value)


def tracking_token():
    """(token, its hash): the submitter keeps the token, the database only its hash."""
    token = new_tracking_token()
    return token, hash_token(token)


@transaction.atomic
def submit_correction(
    *,
    target=None,
    what_is_wrong,
    proposed_fix,
    evidence="",
    right_of_reply=False,
    name="",
    email="",
    ip="",
):
    """Store a correction from anyone. Returns (correction, tracking token)."""
    # The text rule (hub.text) on what the submitter wrote: ValidationError
    # naming the field, before anything is stored.
    what_is_wrong, proposed_fix, evidence = (
        check_field(Correction, name, value)
        for name, value in [
            ("what_is_wrong", what_is_wrong),
            ("proposed_fix", proposed_fix),
            ("evidence", evidence),
        ]
    )
    name = check_field(CorrectionContact, "name", name)
    token, token_hash = tracking_token()
    fields = {
        "target_type": ContentType.objects.get_for_model(target) if target is not None else None,
        "target_id": target.pk if target is not None else None,
        "target_public_id": getattr(target, "public_id", ""),
        "target_label": stored_label(target) if target is not None else "",
        "what_is_wrong": what_is_wrong,
        "proposed_fix": proposed_fix,
        "evidence": evidence,
        "right_of_reply": right_of_reply,
        "token_hash": token_hash,
    }
    # Numbers are sequential; two submissions at once may both try the next
    # one, and the unique constraint sends the later one round again.
    for _attempt in range(10):
        number = (Correction.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                correction = Correction.objects.create(number=number, **fields)
            break
        except IntegrityError:
            continue
    else:
        raise IntegrityError("Could not allocate a correction number; try again.")
    CorrectionContact.objects.create(
        correction=correction, name=name, email=email, ip_hash=keyed_hash(ip) if ip else ""
    )
    Transition.objects.create(correction=correction, from_status="", to_status=correction.status)
    if email:
        # The link is known only now; the notice is queued once the correction is stored.
        transaction.on_commit(lambda: notify_received(correction, token), robust=True)
    logger.info("correction %s received", correction.reference)
    return correction, token


@transaction.atomic
def transition(*, correction, to, actor, public_response=None, duplicate_of=None):
    """Move a correction to status `to`, if it may; record who, when, from, to.

    The status is changed with a conditional UPDATE, so of any number of
    concurrent calls exactly one succeeds and the rest get TransitionRefused.
    """
    to = Correction.Status(to)
    allowed_from = ALLOWED_TRANSITIONS.get(to)
    if allowed_from is None:
        raise TransitionRefused(f"A correction cannot be moved to {to.label} by hand.")
    if to == Correction.Status.DUPLICATE and (
        duplicate_of is None or duplicate_of.pk == correction.pk
    ):
        raise TransitionRefused("Name the correction this one duplicates.")
    if to == Correction.Status.DECLINED and not (public_response or "").strip():
        raise TransitionRefused("Give the public a reason for declining.")
    current = Correction.objects.filter(pk=correction.pk).values_list("status", flat=True).first()
    fields = {"status": to}
    if to in Correction.DECIDED:
        fields["decided_at"] = timezone.now()
    if public_response is not None:
        try:
            fields["public_response"] = check_field(Correction, "public_response", public_response)
        except ValidationError as error:
            raise TransitionRefused(" ".join(error.messages)) from error
    if duplicate_of is not None:
        fields["duplicate_of"] = duplicate_of
    updated = Correction.objects.filter(
        pk=correction.pk, status=current, status__in=allowed_from
    ).update(**fields)
    if not updated:
        raise TransitionRefused(
            f"{correction.reference} is {Correction.Status(current).label.lower()} and cannot become {to.label.lower()}."
        )
    Transition.objects.create(correction=correction, from_status=current, to_status=to, actor=actor)
    # Whoever acts on a correction nobody holds takes it on; another's stays theirs.
    if actor is not None and actor.is_staff:
        taken = Correction.objects.filter(pk=correction.pk, assignee__isnull=True).update(
            assignee=actor
        )
        if taken:
            audit.log(
                "correction.assigned",
                actor=actor,
                correction=correction.reference,
                assignee=audit.actor_name(actor),
            )
    logger.info("correction %s: %s -> %s by %s", correction.reference, current, to, actor)
    audit.log("correction.decision", actor=actor, correction=correction.reference, to=to.value)
    correction.refresh_from_db()
    return correction


@transaction.atomic
def assign(*, correction, assignee, actor):
    """Give a correction to a member of staff; a correction just received goes into review."""
    Correction.objects.filter(pk=correction.pk).update(assignee=assignee)
    if correction.status == Correction.Status.RECEIVED:
        transition(correction=correction, to=Correction.Status.IN_REVIEW, actor=actor)
    logger.info("correction %s assigned to %s by %s", correction.reference, assignee, actor)
    audit.log(
        "correction.assigned",
        actor=actor,
        correction=correction.reference,
        assignee=audit.actor_name(assignee),
    )
    correction.refresh_from_db()
    return correction


def handling_days():
    """(median days from receipt to decision, how many decided): the time corrections take."""
    durations = [
        (decided - received).total_seconds() / 86400
        for received, decided in Correction.objects.filter(decided_at__isnull=False).values_list(
            "received_at", "decided_at"
        )
    ]
    return (round(statistics.median(durations), 1) if durations else None), len(durations)


@transaction.atomic
def add_note(*, correction, author, text):
    audit.log("correction.note", actor=author, correction=correction.reference)
    text = check_field(StaffNote, "text", text)
    return StaffNote.objects.create(correction=correction, author=author, text=text)


# Called by publishing, inside its transaction (no savepoint of its own: a
# failure here ends the publish, which rolls back).
@transaction.atomic(savepoint=False)
def close_answered_corrections(*, update, changes, actor):
    """Mark the corrections `changes` answer as published in `update`; queue their notices.

    Each submitter who left an address is told once the publish has
    committed: a publish that rolls back tells nobody.
    """
    corrections = {change.correction_id for change in changes if change.correction_id}
    answered = Correction.objects.filter(pk__in=corrections).select_related("contact")
    for correction in answered:
        from_status = correction.status
        correction.status = Correction.Status.PUBLISHED
        correction.published_in = update
        correction.decided_at = correction.decided_at or update.published_at
        correction.save(update_fields=["status", "published_in", "decided_at"])
        Transition.objects.create(
            correction=correction, from_status=from_status, to_status=correction.status, actor=actor
        )
        email = getattr(getattr(correction, "contact", None), "email", "")
        if email:
            # robust: a queue that fails after the commit must not turn the
            # published update into an error page; the failure is logged.
            transaction.on_commit(
                lambda c=correction: notify_submitter(c, update.number), robust=True
            )


def notify_received(correction, token):
    """Queue the submitter's receipt with the tracking link (sealed: the queue keeps its rows)."""
    from . import tasks

    tasks.notify_correction_received.enqueue(correction.pk, tasks.seal_token(correction.pk, token))


def notify_submitter(correction, number):
    """Queue the submitter's notice (editorial.tasks): the mail is sent by the worker, not here."""
    from . import tasks

    tasks.notify_correction_published.enqueue(correction.pk, number)
