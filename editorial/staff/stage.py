"""Staging from the staff pages: edits, withdrawals, merges, responses, evidence, new records.

Nothing public changes here: each form's write is a call into
editorial.staging, and what it staged goes live when a reviewer publishes.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from entities.models import Firm, Relationship, Site
from evidence.models import Claim, Source
from hub.records import find_record

from .. import staff_forms, staging
from ..models import Change, Correction
from . import evidence
from .access import staff_required
from .present import claim_preview, public_url
from .record_forms import PICKABLE, RecordForm, candidates, picker_label

NEW_KINDS = {"firm": Firm, "site": Site, "source": Source, "claim": Claim}
PICKER_KINDS = {model._meta.model_name: model for model in PICKABLE}


def _correction_from_query(request):
    """The correction a staged change answers (?correction=<number>), or None."""
    raw = request.GET.get("correction", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise BadRequest("The correction number must be a whole number.")
    return get_object_or_404(Correction, number=int(raw))


def _refusal(correction):
    # A change published for a correction closes it, so only a decided
    # (accepted) correction may be answered by one.
    if correction is not None and correction.status != Correction.Status.ACCEPTED:
        return (
            f"{correction.reference} is {correction.get_status_display().lower()}; "
            "accept it before staging a change that answers it."
        )
    return ""


def _staged_message(request, changes):
    names = ", ".join(str(change) for change in changes)
    messages.success(request, f"Staged: {names}. It goes live when an update is published.")


@staff_required("editorial.stage_change")
@require_http_methods(["GET", "HEAD", "POST"])
def stage_for_record(request, public_id):
    record = find_record(public_id)
    if record is None:
        raise Http404(f"No record {public_id}")
    correction = _correction_from_query(request)
    refusal = _refusal(correction)
    can_respond = bool(correction and correction.right_of_reply and isinstance(record, Claim))
    has_evidence = isinstance(record, (Claim, Relationship))
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if posted is not None else ""

    def bound(name):
        return posted if action == name else None

    action_forms = {
        "edit": RecordForm(bound("edit"), model=type(record), record=record, prefix="edit"),
        "withdraw": staff_forms.WithdrawForm(bound("withdraw"), prefix="withdraw"),
        "merge": staff_forms.MergeForm(bound("merge"), prefix="merge"),
        "firm_response": staff_forms.FirmResponseForm(
            bound("firm_response"), prefix="firm_response"
        ),
    }
    evidence_forms = (
        evidence.evidence_forms(record, correction, posted, action) if has_evidence else {}
    )
    status = 200
    if posted is not None:
        known = set(action_forms) | ({"cite", "uncite"} if has_evidence else set())
        if action not in known or (action == "firm_response" and not can_respond):
            raise BadRequest("Unknown action.")
        status = 400
        if refusal:
            target_form = {
                **action_forms,
                **evidence_forms,
                "cite": evidence_forms.get("citation"),
            }[action]
            target_form.add_error(None, refusal)
        else:
            if action == "cite":
                changes = evidence.stage_cite(evidence_forms, record, request.user, correction)
            elif action == "uncite":
                changes = evidence.stage_uncite(evidence_forms, record, request.user, correction)
            else:
                changes = _stage(action, action_forms[action], record, request.user, correction)
            if changes:
                _staged_message(request, changes)
                return redirect(request.get_full_path())
    context = {
        "record": record,
        "record_url": public_url(record),
        "correction": correction,
        "refusal": refusal,
        "can_respond": can_respond,
        "forms": action_forms,
        "evidence_forms": evidence_forms,
        "citations": evidence.current_citations(record) if has_evidence else [],
        "claim_preview": claim_preview(record),
        "pending": Change.objects.filter(
            state=Change.State.PENDING,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        ),
    }
    return render(request, "editorial/staff_stage.html", context, status=status)


def _stage(action, form, record, user, correction):
    """Stage the change `action` asks for; [] (with a form error) if it cannot be."""
    if not form.is_valid():
        return []
    data = form.cleaned_data
    try:
        if action == "edit":
            return [
                staging.stage_edit(
                    record=record, fields=form.changed_values(), user=user, correction=correction
                )
            ]
        if action == "withdraw":
            return [
                staging.stage_withdrawal(
                    record=record, reason=data["reason"], user=user, correction=correction
                )
            ]
        if action == "merge":
            into = find_record(data["into"].strip())
            if into is None:
                form.add_error("into", f"There is no record {data['into']}.")
                return []
            return [staging.stage_merge(record=record, into=into, user=user, correction=correction)]
        return [staging.stage_firm_response(correction=correction, claim=record, user=user)]
    except staging.StagingRefused as error:
        form.add_error(None, str(error))
        return []


@staff_required("editorial.stage_change")
@require_http_methods(["GET", "HEAD", "POST"])
def new_record(request, kind):
    """Stage a new firm, site, source or claim: a draft, published with the next update."""
    model = NEW_KINDS.get(kind)
    if model is None:
        raise Http404(f"No kind of record {kind}")
    correction = _correction_from_query(request)
    refusal = _refusal(correction)
    form = RecordForm(request.POST or None, model=model, prefix="new")
    status = 200
    if request.method == "POST":
        status = 400
        if refusal:
            form.add_error(None, refusal)
        elif form.is_valid():
            try:
                if model is Source:
                    change = staging.stage_source(
                        fields=form.new_values(), user=request.user, correction=correction
                    )
                else:
                    change = staging.stage_new(
                        model=model,
                        fields=form.new_values(),
                        user=request.user,
                        correction=correction,
                    )
            except staging.StagingRefused as error:
                form.add_error(None, str(error))
            else:
                _staged_message(request, [change])
                if model is Claim:  # next, the citations it cannot be published without
                    url = reverse("editorial:staff_stage", args=[change.public_id])
                    return redirect(
                        url + (f"?correction={correction.number}" if correction else "")
                    )
                return redirect("editorial:staff_change", pk=change.pk)
    context = {
        "form": form,
        "kind": model._meta.verbose_name,
        "kind_slug": kind,
        "kinds": [(slug, kind_model._meta.verbose_name) for slug, kind_model in NEW_KINDS.items()],
        "correction": correction,
        "refusal": refusal,
    }
    return render(request, "editorial/staff_new.html", context, status=status)


@staff_required("editorial.stage_change")
@require_safe
def pick(request, kind):
    """Suggestions for a picker: the records a text names (identifier or any name), as JSON."""
    model = PICKER_KINDS.get(kind)
    if model is None:
        raise Http404(f"No kind of record {kind}")
    found = candidates(model, request.GET.get("q", "")[:200])
    return JsonResponse({"results": [{"id": r.public_id, "label": picker_label(r)} for r in found]})
