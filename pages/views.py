"""The site's own pages: home, methodology, privacy, search and robots.txt.

The error pages stay with the project (hub.errors).
"""

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from derived import tally
from entities.models import STAGE_EXPLANATIONS, Firm, Site, Stage
from evidence import confidence
from evidence.models import Claim, ClaimType, Confidence, Reliability, Source
from hub import search as search_engine
from hub import search_results
from hub.canonical import query_params


@require_safe
@query_params()
def home(request):
    firms_by_stage = dict(
        Firm.objects.public().order_by().values_list("stage").annotate(n=Count("pk"))
    )
    # From the stored tally (derived.tally): a million claims are not counted per request.
    claims_by_stage = {
        int(stage) if stage else None: n for stage, n in tally.count_by("stage").items()
    }
    stages = [
        {
            "number": stage.value,
            "label": stage.label,
            "explanation": STAGE_EXPLANATIONS[stage],
            "firms": firms_by_stage.get(stage.value, 0),
            "claims": claims_by_stage.get(stage.value, 0),
        }
        for stage in Stage
    ]
    context = {
        "stages": stages,
        "firm_count": sum(firms_by_stage.values()),
        "claim_count": sum(claims_by_stage.values()),
        "site_count": Site.objects.public().count(),
        "source_count": Source.objects.public().count(),
        "latest_claims": Claim.objects.public()
        .for_list()
        .order_by("-created_at", "-public_id")[:6],
    }
    return render(request, "pages/home.html", context)


@require_safe
def methodology(request):
    return render(
        request,
        "pages/methodology.html",
        {
            "stages": [(stage, STAGE_EXPLANATIONS[stage]) for stage in Stage],
            "confidence_rules": confidence.RULES,
            "reliability_grades": Reliability.choices,
            "claim_types": ClaimType.choices,
            "confidence_levels": Confidence,
        },
    )


@require_safe
def privacy(request):
    return render(
        request,
        "pages/privacy.html",
        {
            "retention_days": settings.HUB_CONTACT_RETENTION_DAYS,
            "ip_days": settings.HUB_IP_HASH_DAYS,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "language_cookie": settings.LANGUAGE_COOKIE_NAME,
        },
    )


def search_kinds():
    """The search page's groups, in order: (key, label, list URL name, queryset, hit maker)."""
    return [
        ("firms", _("Firms"), "entities:firm_list", Firm.objects.public(), search_results.firm_hit),
        ("sites", _("Sites"), "entities:site_list", Site.objects.public(), search_results.site_hit),
        (
            "claims",
            _("Claims"),
            "evidence:claim_list",
            Claim.objects.public(),
            search_results.claim_hit,
        ),
        (
            "sources",
            _("Sources"),
            "evidence:source_list",
            Source.objects.public(),
            search_results.source_hit,
        ),
    ]


@require_safe
@query_params("q")
def search(request):
    """Names and statements in any script, grouped by kind of record (see hub.search)."""
    query = search_engine.clean_query(request.GET.get("q", ""))
    error = ""
    groups = []
    if len(query) > search_engine.MAX_LENGTH:
        error = _("Searches are limited to %(n)s characters.") % {"n": search_engine.MAX_LENGTH}
        query = query[: search_engine.MAX_LENGTH]
    elif query:
        groups = search_results.groups(query, search_kinds())
    return render(
        request,
        "pages/search.html",
        {
            "query": query,
            "groups": groups,
            "total": sum(group.count for group in groups),
            "more": any(group.more for group in groups),
            "error": error,
            "max_length": search_engine.MAX_LENGTH,
        },
        status=400 if error else 200,
    )


ROBOTS = """User-agent: *
Disallow: /staff/
Disallow: /corrections/track/
Sitemap: {sitemap}
"""


@require_safe
def robots_txt(request):
    """Crawlers welcome on the public record; not on staff pages or private trackers."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(ROBOTS.format(sitemap=sitemap), content_type="text/plain; charset=utf-8")
