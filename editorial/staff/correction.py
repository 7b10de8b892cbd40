"""One correction: what was suggested, the record as the public sees it, and the moderation steps."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import corrections, staff_forms
from ..models import Correction, CorrectionContact
from ..staff_forms import evidence_items, record_rows
from .access import staff_required
from .present import claim_preview, public_url


def _assign(request, correction, data):
    assignee = data["assignee"] or request.user
    corrections.assign(correction=correction, assignee=assignee, actor=request.user)
    return f"{correction.reference} is assigned to {assignee.get_username()}."


def _step(to):
    def step(request, correction, data):
        corrections.transition(
            correction=correction,
            to=to,
            actor=request.user,
            public_response=data.get("public_response") or None,
            duplicate_of=data.get("duplicate_of"),
        )
        return f"{correction.reference} is now {to.label.lower()}."

    return step


def _note(request, correction, data):
    corrections.add_note(correction=correction, author=request.user, text=data["text"])
    return "Note added."


# action: (form, handler). The button of each form posts its action name.
CORRECTION_ACTIONS = {
    "assign": (staff_forms.AssignForm, _assign),
    "needs_info": (staff_forms.ResponseForm, _step(Correction.Status.NEEDS_INFO)),
    "accept": (staff_forms.ResponseForm, _step(Correction.Status.ACCEPTED)),
    "decline": (staff_forms.DeclineForm, _step(Correction.Status.DECLINED)),
    "duplicate": (staff_forms.DuplicateForm, _step(Correction.Status.DUPLICATE)),
    "note": (staff_forms.NoteForm, _note),
}


@staff_required("editorial.view_correction", post="editorial.moderate_correction")
@require_http_methods(["GET", "HEAD", "POST"])
def correction_detail(request, number):
    correction = get_object_or_404(
        Correction.objects.select_related(
            "assignee", "target_type", "duplicate_of", "published_in"
        ),
        number=number,
    )
    action_forms = {
        name: form_class(prefix=name) for name, (form_class, _handler) in CORRECTION_ACTIONS.items()
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CORRECTION_ACTIONS:
            raise BadRequest("Unknown action.")
        form_class, handler = CORRECTION_ACTIONS[action]
        form = action_forms[action] = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                message = handler(request, correction, form.cleaned_data)
            except corrections.TransitionRefused as error:
                messages.error(request, str(error))
                status = 409
                correction.refresh_from_db()  # show the state that refused the step
            else:
                messages.success(request, message)
                return redirect("editorial:staff_correction", number=correction.number)
        else:
            status = 400
    record = correction.target if correction.target_type_id else None
    contact = None
    if request.user.has_perm("editorial.view_contact_details"):
        contact = CorrectionContact.objects.filter(correction=correction).first()
    stage_url = None
    if record is not None and correction.status == Correction.Status.ACCEPTED:
        stage_url = reverse("editorial:staff_stage", args=[record.public_id])
        stage_url += f"?correction={correction.number}"
    new_urls = {}
    if correction.status == Correction.Status.ACCEPTED:
        new_urls = {
            kind: reverse("editorial:staff_new", args=[kind]) + f"?correction={correction.number}"
            for kind in ("firm", "site", "source", "claim")
        }
    context = {
        "correction": correction,
        "record": record,
        "record_rows": record_rows(record) if record is not None else [],
        "record_url": public_url(record),
        "claim_preview": claim_preview(record),
        "evidence": evidence_items(correction.evidence),
        "transitions": [
            (step, Correction.Status(step.from_status).label if step.from_status else "—")
            for step in correction.transitions.select_related("actor")
        ],
        "notes": correction.notes.select_related("author"),
        "contact": contact,
        "forms": action_forms,
        "is_open": correction.status in Correction.OPEN,
        "can_ask": correction.status in {Correction.Status.RECEIVED, Correction.Status.IN_REVIEW},
        "can_moderate": request.user.has_perm("editorial.moderate_correction"),
        "can_stage": request.user.has_perm("editorial.stage_change"),
        "stage_url": stage_url,
        "new_urls": new_urls,
        "changes": correction.changes.order_by("pk"),
    }
    return render(request, "editorial/staff_correction.html", context, status=status)
