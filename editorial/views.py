"""Public editorial pages: the correction form and tracker, the log, updates, history."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from downloads import package
from hub.clientip import client_ip
from hub.listing import paginate
from hub.models import Status
from hub.records import find_record

from . import antispam
from .corrections import handling_days, submit_correction
from .forms import CorrectionForm
from .models import Change, Correction, Update, hash_token

# Lazy: the labels are read per request, in the reader's language.
CHANGELOG_SECTIONS = [
    (Change.Action.CREATE, gettext_lazy("Added")),
    (Change.Action.EDIT, gettext_lazy("Changed")),
    (Change.Action.WITHDRAW, gettext_lazy("Withdrawn")),
    (Change.Action.MERGE, gettext_lazy("Merged")),
]


@require_http_methods(["GET", "POST"])
def correction_new(request):
    """The public correction form, screened by `editorial.antispam` before anything is stored.

    A refused post (rate, honeypot, token age or replay) gets the form back with
    the visitor's text and a message saying why, with status 429 or 400.
    """
    initial_record = request.GET.get("record", "")[:16]
    data = request.POST if request.method == "POST" else None  # an empty post is bound too
    form = CorrectionForm(data, initial={"record": initial_record})
    target = find_record(initial_record) if initial_record else None
    if target is not None and not target.is_public:
        target = None
    issued_at = None
    status = 200
    if request.method == "POST":
        refusal, issued_at = antispam.screen(request)
        if refusal is not None:
            form.add_error(None, refusal.message)
            status = refusal.status
        elif form.is_valid():
            return _store_correction(request, form.cleaned_data)
        else:
            status = 400
    context = {
        "form": form,
        "target": target,
        # A fresh nonce; the time the visitor first got the form is kept.
        "form_token": antispam.issue_token(issued_at=issued_at),
    }
    response = render(request, "editorial/correction_form.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _store_correction(request, data):
    correction, token = submit_correction(
        target=data["record"],
        what_is_wrong=data["what_is_wrong"],
        proposed_fix=data["proposed_fix"],
        evidence=data["evidence"],
        right_of_reply=data["right_of_reply"],
        name=data["name"],
        email=data["email"],
        ip=client_ip(request),
    )
    messages.success(
        request,
        _(
            "Thank you. Your correction is %(reference)s. Keep this page's address: it is "
            "your private link to follow what happens to it."
        )
        % {"reference": correction.reference},
    )
    return redirect("editorial:correction_track", token=token)


@never_cache
@require_safe
def correction_track(request, token):
    correction = (
        Correction.objects.filter(token_hash=hash_token(token[:100]))
        .select_related("published_in")
        .first()
    )
    if correction is None:
        raise Http404("No correction has this tracking link.")
    response = render(
        request,
        "editorial/correction_track.html",
        {"correction": correction, "transitions": correction.transitions.all()},
    )
    # The address is a secret: keep it out of referrers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def correction_log(request):
    corrections = Correction.objects.select_related("published_in").order_by("-number")
    page = paginate(request, corrections, 50)
    median_days, decided_count = handling_days()
    return render(
        request,
        "editorial/correction_log.html",
        {"page": page, "median_days": median_days, "decided_count": decided_count},
    )


@require_safe
def update_list(request):
    page = paginate(request, Update.objects.order_by("-number"), 50)
    return render(request, "editorial/update_list.html", {"page": page})


@require_safe
def update_detail(request, number):
    update = get_object_or_404(Update, number=number)
    changes = list(update.changes.select_related("content_type", "correction").order_by("pk"))
    sections = [
        (label, [change for change in changes if change.action == action])
        for action, label in CHANGELOG_SECTIONS
    ]
    corrections = update.corrections.order_by("number")
    return render(
        request,
        "editorial/update_detail.html",
        {
            "update": update,
            "sections": [s for s in sections if s[1]],
            "corrections": corrections,
            "files": package.files_of(update),
        },
    )


@require_safe
def record_history(request, public_id):
    record = find_record(public_id[:16])
    if record is None or record.status == Status.DRAFT:
        raise Http404("No public record has this identifier.")
    changes = (
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            state=Change.State.PUBLISHED,
        )
        .select_related("update", "correction")
        .order_by("-update__number", "-pk")
    )
    return render(request, "editorial/record_history.html", {"record": record, "changes": changes})
