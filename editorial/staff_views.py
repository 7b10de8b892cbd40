"""Staff pages of the editorial workflow: the correction queue, staging, publishing.

Every page needs an active staff user holding the page's permission (the
public never gets past the login redirect), and every write is a call into
`editorial.corrections`, `editorial.staging` or `editorial.publishing`; a refusal
(TransitionRefused, StagingRefused, PublishRefused) is shown on the page, with
nothing changed. Successful POSTs redirect (POST-redirect-GET).
"""

import secrets
from collections import defaultdict
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from entities.models import Firm, Site
from evidence.models import Claim, Source
from hub.listing import paginate, querystring_without
from hub.models import Status
from hub.records import find_record

from . import corrections, publishing, staff_forms, staging
from .models import Change, Correction, CorrectionContact, Update
from .staff_forms import evidence_items, preview, record_rows

QUEUE_TARGETS = {"firm": Firm, "site": Site, "claim": Claim, "source": Source}


def staff_required(permission, *, post=None):
    """Let through active staff users holding `permission` (and `post` for a POST).

    Anonymous visitors go to the admin login; anyone else without the
    permission gets 403. Staff pages are never stored by a cache.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                response = redirect_to_login(request.get_full_path(), reverse("admin:login"))
            else:
                needed = [permission, post] if post and request.method == "POST" else [permission]
                if not (user.is_active and user.is_staff and user.has_perms(needed)):
                    raise PermissionDenied
                response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response

        return wrapper

    return decorator


# Presenting records and changes ------------------------------------------


def public_url(record):
    """The record's public page, if it has one (drafts have none)."""
    if record is None or record.status == Status.DRAFT:
        return None
    try:
        return record.get_absolute_url()
    except NoReverseMatch:
        return None


def load_records(changes):
    """{change pk: its record}, one query per kind of record."""
    wanted = defaultdict(set)
    for change in changes:
        wanted[change.content_type_id].add(change.object_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        found[type_id] = model.objects.in_bulk(ids)
    return {c.pk: found[c.content_type_id].get(c.object_id) for c in changes}


def change_items(changes):
    records = load_records(changes)
    return [
        {"change": c, "record": records[c.pk], "preview": preview(c, records[c.pk])}
        for c in changes
    ]


# Dashboard and queue -----------------------------------------------------


@staff_required("editorial.view_correction")
@require_safe
def dashboard(request):
    counts = dict(Correction.objects.order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "statuses": [
            (value, label, counts.get(value, 0)) for value, label in Correction.Status.choices
        ],
        "pending_changes": Change.objects.filter(state=Change.State.PENDING).count(),
        "my_open": Correction.objects.filter(
            assignee=request.user, status__in=Correction.OPEN
        ).count(),
    }
    return render(request, "editorial/staff_dashboard.html", context)


@staff_required("editorial.view_correction")
@require_safe
def correction_queue(request):
    form = staff_forms.QueueFilterForm(request.GET)
    context = {"form": form, "querystring": querystring_without(request, "page")}
    if not form.is_valid():
        return render(request, "editorial/staff_queue.html", {**context, "page": None}, status=400)
    data = form.cleaned_data
    queryset = Correction.objects.select_related("assignee", "target_type")
    if data["status"]:
        queryset = queryset.filter(status=data["status"])
    if data["target"] == "none":
        queryset = queryset.filter(target_type__isnull=True)
    elif data["target"]:
        model = QUEUE_TARGETS[data["target"]]
        queryset = queryset.filter(target_type=ContentType.objects.get_for_model(model))
    if data["age"]:
        queryset = queryset.filter(
            received_at__lt=timezone.now() - timedelta(days=int(data["age"]))
        )
    if data["assignee"] == "me":
        queryset = queryset.filter(assignee=request.user)
    elif data["assignee"] == "unassigned":
        queryset = queryset.filter(assignee__isnull=True)
    elif data["assignee"]:
        queryset = queryset.filter(assignee_id=int(data["assignee"]))
    page = paginate(request, queryset.order_by("-number"), settings.HUB_PAGE_SIZE)
    now = timezone.now()
    rows = [(correction, (now - correction.received_at).days) for correction in page]
    context.update(page=page, rows=rows, count=page.paginator.count)
    return render(request, "editorial/staff_queue.html", context)


# One correction ----------------------------------------------------------


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
    context = {
        "correction": correction,
        "record": record,
        "record_rows": record_rows(record) if record is not None else [],
        "record_url": public_url(record),
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
        "stage_url": stage_url,
        "changes": correction.changes.order_by("pk"),
    }
    return render(request, "editorial/staff_correction.html", context, status=status)


# Staging -----------------------------------------------------------------


def _correction_from_query(request):
    """The correction a staged change answers (?correction=<number>), or None."""
    raw = request.GET.get("correction", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise BadRequest("The correction number must be a whole number.")
    return get_object_or_404(Correction, number=int(raw))


@staff_required("editorial.stage_change")
@require_http_methods(["GET", "HEAD", "POST"])
def stage_for_record(request, public_id):
    record = find_record(public_id)
    if record is None:
        raise Http404(f"No record {public_id}")
    correction = _correction_from_query(request)
    # A change published for a correction closes it, so only a decided
    # (accepted) correction may be answered by one.
    refusal = ""
    if correction is not None and correction.status != Correction.Status.ACCEPTED:
        refusal = f"{correction.reference} is {correction.get_status_display().lower()}; accept it before staging a change that answers it."
    can_respond = bool(correction and correction.right_of_reply and isinstance(record, Claim))
    action_forms = {
        "edit": staff_forms.RecordEditForm(record=record, prefix="edit"),
        "withdraw": staff_forms.WithdrawForm(prefix="withdraw"),
        "merge": staff_forms.MergeForm(prefix="merge"),
        "firm_response": staff_forms.FirmResponseForm(prefix="firm_response"),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in action_forms or (action == "firm_response" and not can_respond):
            raise BadRequest("Unknown action.")
        form = action_forms[action] = (
            staff_forms.RecordEditForm(request.POST, record=record, prefix=action)
            if action == "edit"
            else type(action_forms[action])(request.POST, prefix=action)
        )
        status = 400
        if refusal:
            form.add_error(None, refusal)
        elif form.is_valid():
            try:
                change = _stage(action, form, record, request.user, correction)
            except staging.StagingRefused as error:
                form.add_error(None, str(error))
            else:
                if change is not None:
                    messages.success(
                        request, f"Staged: {change}. It goes live when an update is published."
                    )
                    return redirect("editorial:staff_change", pk=change.pk)
    context = {
        "record": record,
        "record_url": public_url(record),
        "correction": correction,
        "refusal": refusal,
        "can_respond": can_respond,
        "forms": action_forms,
        "pending": Change.objects.filter(
            state=Change.State.PENDING,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        ),
    }
    return render(request, "editorial/staff_stage.html", context, status=status)


def _stage(action, form, record, user, correction):
    """Stage the change `action` asks for; None (with a form error) if it cannot be."""
    data = form.cleaned_data
    if action == "edit":
        return staging.stage_edit(
            record=record, fields=form.changed_values(), user=user, correction=correction
        )
    if action == "withdraw":
        return staging.stage_withdrawal(
            record=record, reason=data["reason"], user=user, correction=correction
        )
    if action == "merge":
        into = find_record(data["into"].strip())
        if into is None:
            form.add_error("into", f"There is no record {data['into']}.")
            return None
        return staging.stage_merge(record=record, into=into, user=user, correction=correction)
    return staging.stage_firm_response(correction=correction, claim=record, user=user)


# Changes -----------------------------------------------------------------


@staff_required("editorial.view_change", post="editorial.stage_change")
@require_http_methods(["GET", "HEAD", "POST"])
def change_list(request):
    status = 200
    if request.method == "POST":
        raw = request.POST.get("change", "")
        if request.POST.get("action") != "discard" or not raw.isdigit() or len(raw) > 18:
            raise BadRequest("Unknown action.")
        change = get_object_or_404(Change, pk=int(raw))
        if staging.discard_change(change=change, user=request.user):
            messages.success(request, f"Discarded: {change}.")
            return redirect("editorial:staff_changes")
        messages.error(request, f"{change} is no longer pending: it was published or discarded.")
        status = 409
    pending = list(
        Change.objects.filter(state=Change.State.PENDING)
        .select_related("content_type", "created_by", "correction")
        .order_by("pk")
    )
    context = {"items": change_items(pending)}
    return render(request, "editorial/staff_changes.html", context, status=status)


@staff_required("editorial.view_change")
@require_safe
def change_detail(request, pk):
    change = get_object_or_404(
        Change.objects.select_related("content_type", "created_by", "correction", "update"), pk=pk
    )
    item = change_items([change])[0]
    context = {"item": item, "change": change, "record_url": public_url(item["record"])}
    return render(request, "editorial/staff_change.html", context)


# Publishing --------------------------------------------------------------


@staff_required("editorial.publish_update")
@require_http_methods(["GET", "HEAD", "POST"])
def compose_update(request):
    pending = list(
        Change.objects.filter(state=Change.State.PENDING)
        .select_related("content_type")
        .order_by("pk")
    )
    status = 200
    if request.method == "POST":
        form = staff_forms.ComposeForm(request.POST, pending=pending)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                update = publishing.publish_update(
                    change_ids=data["changes"],
                    summary=data["summary"],
                    notes=data["notes"],
                    published_by=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except publishing.PublishRefused as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, f"Update {update.number} is published.")
                return redirect(reverse("editorial:update_detail", args=[update.number]))
    else:
        # The key is fixed when the form is shown, so that resubmitting the
        # same form (a double click, a retried request) publishes only once.
        form = staff_forms.ComposeForm(
            initial={"idempotency_key": secrets.token_urlsafe(24)}, pending=pending
        )
    number = (Update.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    context = {"form": form, "number": number, "items": change_items(pending)}
    return render(request, "editorial/staff_compose.html", context, status=status)
