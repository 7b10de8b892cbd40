"""The staff dashboard and the correction queue: what is waiting, for how long, for whom."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from entities.models import Firm, Site
from evidence.models import Claim, Source
from hub.listing import paginate, querystring_without

from .. import corrections, staff_forms
from ..models import Change, Correction
from .access import staff_required

QUEUE_TARGETS = {"firm": Firm, "site": Site, "claim": Claim, "source": Source}
# Age bands of the open corrections: (label, older than days, at most days).
AGE_BANDS = [("under 7 days", 0, 7), ("7 to 30 days", 7, 30), ("over 30 days", 30, None)]


def status_counts():
    """(rows of (status, label, [count per age band], total) for the open statuses,
    {status: count} for all), from one query."""
    now = timezone.now()
    aggregates = {"total": Count("pk")}
    for index, (_label, older, at_most) in enumerate(AGE_BANDS):
        band = Q(received_at__lte=now - timedelta(days=older))
        if at_most is not None:
            band &= Q(received_at__gt=now - timedelta(days=at_most))
        aggregates[f"band{index}"] = Count("pk", filter=band)
    by_status = {
        row["status"]: row
        for row in Correction.objects.order_by().values("status").annotate(**aggregates)
    }
    rows = []
    for status in Correction.OPEN:
        found = by_status.get(status, {})
        counts = [found.get(f"band{index}", 0) for index in range(len(AGE_BANDS))]
        rows.append((status, Correction.Status(status).label, counts, sum(counts)))
    return rows, {status: row["total"] for status, row in by_status.items()}


def queue_summary(user):
    open_rows, counts = status_counts()
    median_days, decided = corrections.handling_days()
    return {
        "age_bands": [label for label, _older, _at_most in AGE_BANDS],
        "open_rows": open_rows,
        "statuses": [
            (value, label, counts.get(value, 0)) for value, label in Correction.Status.choices
        ],
        "my_open": Correction.objects.filter(assignee=user, status__in=Correction.OPEN).count(),
        "median_days": median_days,
        "decided_count": decided,
    }


@staff_required("editorial.view_correction")
@require_safe
def dashboard(request):
    context = {
        **queue_summary(request.user),
        "pending_changes": Change.objects.filter(state=Change.State.PENDING).count(),
    }
    return render(request, "editorial/staff_dashboard.html", context)


@staff_required("editorial.view_correction")
@require_safe
def correction_queue(request):
    form = staff_forms.QueueFilterForm(request.GET)
    context = {
        "form": form,
        "querystring": querystring_without(request, "page"),
        **queue_summary(request.user),
    }
    if not form.is_valid():
        return render(request, "editorial/staff_queue.html", {**context, "page": None}, status=400)
    data = form.cleaned_data
    queryset = Correction.objects.select_related("assignee", "target_type")
    if data["status"] == "open":
        queryset = queryset.filter(status__in=Correction.OPEN)
    elif data["status"]:
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
    order = ("-received_at", "-number") if data["order"] == "newest" else ("received_at", "number")
    page = paginate(request, queryset.order_by(*order), settings.HUB_PAGE_SIZE)
    now = timezone.now()
    rows = [(correction, (now - correction.received_at).days) for correction in page]
    context.update(page=page, rows=rows, count=page.paginator.count)
    return render(request, "editorial/staff_queue.html", context)
