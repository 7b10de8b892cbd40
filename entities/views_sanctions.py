"""The sanctions analysts' page (designations by jurisdiction), its CSV, and a designation's page."""

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from downloads.columns import Table, c
from downloads.writers import csv_lines
from hub.records import tombstone_or

from .models import SanctionsDesignation
from .sanctions import UNLISTED_ON_PAGE, by_jurisdiction, documented_without_designation

BY_JURISDICTION = Table(
    "sanctions_by_jurisdiction",
    SanctionsDesignation,
    "Designations by jurisdiction",
    "One row per firm and jurisdiction that lists it, then the firms with published claims and "
    "no designation recorded (jurisdiction empty). None recorded is not a statement that a "
    "firm is not listed.",
    [
        c("jurisdiction", "string", "ISO 3166-1 alpha-2 (EU for the Union); empty: none recorded."),
        c("firm_id", "string", "The firm."),
        c("firm_name", "string", "The firm's name in English."),
        c(
            "designation_standing",
            "string",
            "sanction, export_control, trade_restriction, other, ended or none (see firms.csv).",
        ),
        c("designations", "string", "Ids of the designations, joined with ';'.", listed=True),
        c("stage", "integer", "Engagement stage 1-3."),
        c("claim_count", "integer", "Published claims about the firm (the evidence)."),
        c("hub_url", "string", "The firm's page."),
    ],
)


def _csv_rows(jurisdictions, unlisted):
    def row(code, firm, standing, designations):
        return [
            code,
            firm.public_id,
            firm.name_en,
            standing,
            sorted(d.public_id for d in designations),
            firm.stage,
            firm.claim_count,
            f"{settings.HUB_SITE_URL}{firm.get_absolute_url()}",
        ]

    for jurisdiction in jurisdictions:
        for firm_row in jurisdiction.firms:
            yield row(
                jurisdiction.code, firm_row.firm, firm_row.standing.value, firm_row.designations
            )
    for firm in unlisted:
        yield row("", firm, "none", [])


@require_safe
def sanctions_page(request):
    unlisted = documented_without_designation()
    return render(
        request,
        "entities/sanctions.html",
        {
            "jurisdictions": by_jurisdiction(),
            "unlisted": unlisted[:UNLISTED_ON_PAGE],
            "unlisted_count": unlisted.count(),
        },
    )


@require_safe
def sanctions_csv(request):
    rows = _csv_rows(by_jurisdiction(), documented_without_designation().iterator())
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(BY_JURISDICTION, rows)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"tot-insights-hub_sanctions-by-jurisdiction_{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@tombstone_or(SanctionsDesignation.objects.select_related("firm", "source"))
def designation_detail(request, designation):
    if not designation.firm.is_public:
        raise Http404("No public record has this identifier.")
    return render(request, "entities/designation_detail.html", {"d": designation})
