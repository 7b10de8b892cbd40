"""CSV and JSON twins of every list and record, and the downloads of each update."""

import json
import logging

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from editorial.models import Update
from hub.cache import current_update, site_state
from hub.listing import list_page, list_rows
from hub.models import Status
from hub.records import find_record

from . import integrity, package
from .sqlcsv import sql_csv_lines
from .tables import BY_MODEL, BY_NAME, TABLES
from .writers import csv_header, csv_lines, json_row

logger = logging.getLogger("hub.downloads")


def dataset_state():
    """What every JSON answer says of the data: its update, and which updates are synthetic."""
    state = site_state()
    return {"update": state["update"], "synthetic_updates": state["synthetic"]}


def export_filename(table_name, extension):
    """Names the table, the update and the date: tot-insights-hub_claims_update-3_2026-11-28.csv."""
    return (
        f"tot-insights-hub_{table_name}_update-{current_update()}_"
        f"{timezone.localdate():%Y-%m-%d}.{extension}"
    )


@require_safe
def list_csv(request, spec):
    """Every row the list page counts, streamed: the response starts before the query ends."""
    table = BY_NAME[spec.table]
    queryset = list_rows(request, spec).rows
    # PostgreSQL writes the lines itself where it can do so byte for byte (sqlcsv).
    lines = sql_csv_lines(table, queryset, csv_header(table)) or csv_lines(
        table, table.rows(queryset)
    )
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(table.name, "csv")}"'
    return response


@require_safe
def list_json(request, spec):
    """A page of the list, counted and paged by the page's own pipeline (hub.listing.list_page)."""
    table = BY_NAME[spec.table]
    listed = list_page(request, spec)
    page = listed.page
    query = request.GET.copy()

    def page_url(number):
        query["page"] = number
        return f"{request.build_absolute_uri(request.path)}?{query.urlencode()}"

    return JsonResponse(
        {
            "table": table.name,
            **dataset_state(),
            "license": settings.HUB_DATA_LICENSE,
            "count": listed.count,
            # False when the list has more rows than it counts (its count is then a floor).
            "count_exact": not listed.more,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "columns": table.column_names,
            "results": [json_row(table, row) for row in table.rows(page.object_list)],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def record_json(request, public_id):
    """Any record ever published, as its page answers: 200, 301 to the survivor or upper case, 410."""
    public_id = public_id[:16]
    record = find_record(public_id) or find_record(public_id.upper())
    table = BY_MODEL.get(type(record))
    if record is None or table is None or record.status == Status.DRAFT:
        raise Http404("No public record has this identifier.")
    if record.public_id != public_id:
        return redirect("downloads:record_json", record.public_id, permanent=True)
    if record.merged_into:
        survivor = find_record(record.merged_into)
        if survivor is not None and survivor.status != Status.DRAFT:
            return redirect("downloads:record_json", survivor.public_id, permanent=True)
    rows = []
    if record.status == Status.PUBLISHED:
        rows = list(table.rows(table.public_queryset().filter(pk=record.pk)))
    if not rows:
        return _gone(table, record)
    return JsonResponse(
        {
            "table": table.name,
            **dataset_state(),
            "license": settings.HUB_DATA_LICENSE,
            "record": json_row(table, rows[0]),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _gone(table, record):
    """410: a withdrawn record's tombstone, or a record public only with what it belongs to."""
    withdrawn = record.status == Status.WITHDRAWN
    return JsonResponse(
        {
            "table": table.name,
            **dataset_state(),
            "id": record.public_id,
            "status": record.status if withdrawn else "hidden",
            "last_update": record.last_update,
            "withdrawn_at": record.withdrawn_at.isoformat() if record.withdrawn_at else None,
            "reason": record.withdrawn_reason
            if withdrawn
            else "What this record belongs to (a claim, relationship, firm or source) is not public.",
            "history": reverse("editorial:record_history", args=[record.public_id]),
        },
        status=410,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def downloads(request):
    updates = Update.objects.order_by("-number")
    latest = updates.first()
    files = package.files_of(latest) if latest else []
    dataset = _dataset_json_ld(request, latest)
    return render(
        request,
        "downloads/downloads.html",
        {
            "latest": latest,
            "files": files,
            "zip_name": package.zip_name(latest) if latest else "",
            "updates": updates,
            "tables": TABLES,
            # "<" escaped so that no value can close the script element.
            "json_ld": json.dumps(dataset, ensure_ascii=False).replace("<", "\\u003c"),
        },
    )


@require_safe
def update_file(request, number, name):
    """A file of update `number`'s frozen package, byte for byte as published."""
    update = get_object_or_404(Update, number=number)
    path = package.file_path(update, name)
    if path is None:
        raise Http404("This update has no such file.")
    if not integrity.file_matches(path.parent, package.zip_name(update), name):
        # Never serve as "immutable" bytes that are not those published.
        logger.error(
            "refused update %s's %s: it differs from its published SHA-256 "
            "(manage.py verify_packages)",
            number,
            name,
        )
        response = render(
            request, "downloads/file_refused.html", {"update": update, "name": name}, status=409
        )
        response["Cache-Control"] = "no-store"
        return response
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_safe
def datapackage_schema(request):
    """The Table Schema of the current tables, for tools that read it before downloading."""
    return HttpResponse(
        json.dumps(package.datapackage(None), ensure_ascii=False, indent=2),
        content_type="application/json",
    )


def _dataset_json_ld(request, latest):
    base = settings.HUB_SITE_URL
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "TOT Insights Hub: foreign firms in the occupied territories of Ukraine",
        "description": (
            "Firms, sites, claims, sources and citations on foreign (first of all Chinese) "
            "corporate involvement in the Russian-occupied territories of Ukraine."
        ),
        "url": f"{base}/downloads/",
        "license": settings.HUB_DATA_LICENSE_URL,
        "creator": {"@type": "Organization", "name": "TOT Insights Hub"},
        "isAccessibleForFree": True,
        "spatialCoverage": "Russian-occupied territories of Ukraine",
    }
    if latest is not None:
        data["version"] = str(latest.number)
        data["dateModified"] = latest.published_at.date().isoformat()
        data["distribution"] = [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/zip",
                "contentUrl": f"{base}/downloads/updates/{latest.number}/{package.zip_name(latest)}",
            }
        ]
    return data
