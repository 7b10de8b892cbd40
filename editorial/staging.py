"""Staging: editors prepare changes to the public records; nothing public changes here.

A new record is a `draft` row and its staged creation; an edit to a
published record is a staged `Change` holding only the new values
(serialised as in the seed files, editorial.values); a withdrawal or a merge
is a staged `Change` too. Publishing (editorial.publishing) applies them.
Every function that writes is keyword-only and runs in one transaction.
"""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone, translation

from hub import audit, text
from hub.models import Status

from . import values
from .models import Change

logger = logging.getLogger("hub.editorial")


class StagingRefused(Exception):
    """The staged change would not be valid."""


def stored_label(record):
    """A record's name as the data stores it (correction targets, changelogs, reasons).

    Always in the site's default language: a relationship's name includes its
    translatable kind, and what is stored must not depend on the language the
    person acting happens to read the site in.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return str(record)[:255]


def next_public_id(model):
    """The next unused identifier of `model` (identifiers are never reused)."""
    prefix = model.ID_PREFIX
    last = (
        model.objects.filter(public_id__startswith=prefix)
        .annotate(length=Length("public_id"))
        .order_by("-length", "-public_id")
        .values_list("public_id", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:04d}"


def describe(error):
    """A ValidationError as one line: "field: message; field: message"."""
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _validate(instance):
    """Everything publishing would check of `instance`'s values, so that a publish never fails on them.

    Model validation applies the text and URL rules (hub.text), normalising
    text to NFC on `instance`; the database's constraints are checked too.
    """
    try:
        instance.full_clean()
    except ValidationError as error:
        raise StagingRefused(describe(error)) from error


def record_change(*, action, record, user, correction, **fields):
    """Store a Change of `record` (staged, unless `fields` say otherwise: regrading's are published)."""
    if user is not None:  # a person, not load_seeds
        audit.log(
            "change.staged",
            actor=user,
            action=action,
            record=record.public_id,
            correction=correction.reference if correction else "-",
        )
    return Change.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        public_id=record.public_id,
        label=stored_label(record),
        created_by=user,
        correction=correction,
        **fields,
    )


@transaction.atomic
def stage_new(*, model, fields, user, correction=None, public_id=None):
    """Create a draft record (invisible to the public) and stage its publication."""
    record = model(public_id=public_id or next_public_id(model), status=Status.DRAFT)
    try:
        many = values.assign(record, fields)
    except (LookupError, ValueError, ValidationError) as error:
        raise StagingRefused(str(error)) from error
    _validate(record)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise StagingRefused(f"{record.public_id}: {error}") from error
    for name, pks in many.items():
        getattr(record, name).set(pks)
    return record_change(
        action=Change.Action.CREATE, record=record, user=user, correction=correction
    )


@transaction.atomic
def stage_draft(*, record, user, correction=None):
    """Stage the publication of a draft made elsewhere (in the admin, by an import)."""
    if record.status != Status.DRAFT:
        raise StagingRefused(f"{record.public_id} is not a draft.")
    pending = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        state=Change.State.PENDING,
    )
    if pending.exists():
        raise StagingRefused(f"{record.public_id} is already staged.")
    stored = values.snapshot(record)
    _validate(record)
    normalised = [
        field.attname
        for name, field in values.editable_fields(type(record)).items()
        if not field.is_relation and stored[name] != values.serialize(record, field)
    ]
    if normalised:  # the draft's text, as validated (NFC), is what will be published
        record.save(update_fields=normalised)
    return record_change(
        action=Change.Action.CREATE, record=record, user=user, correction=correction
    )


@transaction.atomic
def stage_edit(*, record, fields, user, correction=None):
    """Stage new values for some fields of a published record; nothing public changes."""
    if record.status != Status.PUBLISHED:
        raise StagingRefused(f"{record.public_id} is not published; edit a draft directly.")
    model = type(record)
    try:
        proposed = values.normalise(model, fields)
        trial = model.objects.get(pk=record.pk)
        values.assign(trial, proposed)
    except (LookupError, KeyError, ValueError, ValidationError) as error:
        raise StagingRefused(str(error)) from error
    _validate(trial)
    # The values as validated: text normalised to NFC.
    fields = values.editable_fields(model)
    proposed = {
        name: value
        if fields[name].is_relation
        else values.to_json(getattr(trial, fields[name].attname))
        for name, value in proposed.items()
    }
    current = values.snapshot(record)
    proposed = {name: value for name, value in proposed.items() if current.get(name) != value}
    if not proposed:
        raise StagingRefused("The proposed values are the ones already published.")
    return record_change(
        action=Change.Action.EDIT,
        record=record,
        user=user,
        correction=correction,
        proposed=proposed,
    )


@transaction.atomic
def stage_withdrawal(*, record, reason, user, correction=None):
    if record.status != Status.PUBLISHED:
        raise StagingRefused(f"{record.public_id} is not published.")
    if not reason.strip():
        raise StagingRefused("Say why the record is withdrawn: the tombstone shows it.")
    try:
        reason = text.check_field(type(record), "withdrawn_reason", reason)
    except ValidationError as error:
        raise StagingRefused(describe(error)) from error
    return record_change(
        action=Change.Action.WITHDRAW,
        record=record,
        user=user,
        correction=correction,
        reason=reason,
    )


@transaction.atomic
def stage_merge(*, record, into, user, correction=None):
    if type(into) is not type(record) or into.pk == record.pk:
        raise StagingRefused("A record merges into another record of the same kind.")
    if record.status != Status.PUBLISHED or into.status != Status.PUBLISHED:
        raise StagingRefused("Both records must be published.")
    return record_change(
        action=Change.Action.MERGE,
        record=record,
        user=user,
        correction=correction,
        merge_into=into.public_id,
        reason=f"Merged into {into.public_id} ({stored_label(into)}).",
    )


@transaction.atomic
def stage_firm_response(*, correction, claim, user, stance="", url=""):
    """Stage a right-of-reply correction's text as the firm's response on a claim.

    Once published it is the claim's recorded response (quoted, dated, and
    linked when `url` is given); `stance` (evidence.reply.ResponseStance)
    says whether it denies or acknowledges the claim, which the confidence
    grade follows.
    """
    if not correction.right_of_reply:
        raise StagingRefused(
            "Only a correction from someone speaking for the firm is its response."
        )
    received = timezone.localtime(correction.received_at).date()
    fields = {
        "firm_response": correction.proposed_fix,
        "firm_response_date": received.isoformat(),
        "firm_response_stance": stance,
    }
    if url:
        fields["firm_response_url"] = url
    return stage_edit(record=claim, fields=fields, user=user, correction=correction)


@transaction.atomic
def discard_change(*, change, user):
    # A discarded creation leaves its draft row behind, never public, so
    # that its identifier is not handed out again.
    updated = Change.objects.filter(pk=change.pk, state=Change.State.PENDING).update(
        state=Change.State.DISCARDED
    )
    logger.info("change %s discarded by %s", change.pk, user)
    audit.log("change.discarded", actor=user, change=change.pk, record=change.public_id)
    return bool(updated)


# Evidence: sources and citations -------------------------------------------------


@transaction.atomic
def stage_source(*, fields, user, correction=None):
    """Stage a new source (a draft) and queue the archiving of its URL.

    The archive attempt is requested once the draft is committed
    (evidence.archiver.request_archive; the task worker makes it); what it
    keeps goes onto the draft, so the source is published with its copy.
    """
    from evidence.archiver import request_archive
    from evidence.models import Source

    fields = {"accessed_on": timezone.localdate().isoformat(), **fields}
    change = stage_new(model=Source, fields=fields, user=user, correction=correction)
    source = Source.objects.get(pk=change.object_id)
    if source.url:
        transaction.on_commit(
            lambda: request_archive(source=source, requested_by=user), robust=True
        )
    return change


@transaction.atomic
def stage_citation(
    *, target, fields, user, source=None, new_source=None, correction=None, replaces=None
):
    """Stage a new citation for a claim or relationship (`target`), in one step.

    It cites `source`, or a new source staged here from `new_source` (its
    fields, URL included: stage_source, which queues the archiving).
    `fields`: the citation's locator, quote, quote_translation, stance, note.
    With `replaces`, a citation of the same target, that one is staged for
    withdrawal too, its reason naming the new one. Returns the staged
    changes: any new source, the citation, any withdrawal.
    """
    from evidence.models import Citation, Claim, Source

    if (source is None) == (new_source is None):
        raise StagingRefused("Cite an existing source or give a new one's URL, not both.")
    if target.status == Status.WITHDRAWN or (source and source.status == Status.WITHDRAWN):
        raise StagingRefused("A withdrawn record cannot be cited or given a citation.")
    key = "claim" if isinstance(target, Claim) else "relationship"
    if replaces is not None and getattr(replaces, f"{key}_id") != target.pk:
        raise StagingRefused(f"{replaces.public_id} is not a citation of {target.public_id}.")
    staged = []
    if new_source is not None:
        staged.append(stage_source(fields=new_source, user=user, correction=correction))
        source = Source.objects.get(pk=staged[0].object_id)
    created = stage_new(
        model=Citation,
        fields={**fields, key: target.public_id, "source": source.public_id},
        user=user,
        correction=correction,
    )
    staged.append(created)
    if replaces is not None:
        staged.append(
            stage_withdrawal(
                record=replaces,
                reason=f"Replaced by {created.public_id}.",
                user=user,
                correction=correction,
            )
        )
    return staged
