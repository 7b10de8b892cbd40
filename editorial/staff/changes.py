"""The staged changes, and the composer that publishes them as the next update."""

import secrets

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from .. import publishing, staff_forms, staging
from ..models import Change, Update
from .access import staff_required
from .present import change_items, previews_of_touched_claims, public_url


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


@staff_required("editorial.publish_update")
@require_http_methods(["GET", "HEAD", "POST"])
def compose_update(request):
    pending = list(
        Change.objects.filter(state=Change.State.PENDING)
        .select_related("content_type", "correction")
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
    context = {
        "form": form,
        "number": number,
        "items": change_items(pending),
        "claim_previews": previews_of_touched_claims(pending),
    }
    return render(request, "editorial/staff_compose.html", context, status=status)
