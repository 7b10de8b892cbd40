"""Staff page of the sources whose original URL no longer answers (manage.py check_sources)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from editorial.staff.access import staff_required

from .archiving import SourceCheck


@staff_required("evidence.view_source")
@require_safe
def dead_links(request):
    """The newest check of each source, where it failed or answered 4xx/5xx."""
    checks = (
        SourceCheck.objects.latest_per_source()
        .dead()
        .select_related("source", "source__snapshot")
        .order_by("source__public_id")
    )
    last = SourceCheck.objects.order_by("-checked_at").values_list("checked_at", flat=True).first()
    return render(
        request, "evidence/staff_dead_links.html", {"checks": checks, "last_checked": last}
    )
