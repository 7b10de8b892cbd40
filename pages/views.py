"""The site's own pages: home, methodology, privacy, search and robots.txt.

The error pages stay with the project (hub.errors).
"""

from django.conf import settings
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from derived import tally
from entities.models import STAGE_EXPLANATIONS, Firm, Site, Stage
from evidence import confidence, glossary
from evidence.models import Claim, Source
from hub import cache, search_results, search_suggest
from hub import search as search_engine
from hub.canonical import query_params


@require_safe
@query_params()
def home(request):
    # Firms a published claim concerns, and related organisations (no claim of their own).
    by_stage = (
        Firm.objects.public()
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"), related=Count("pk", filter=Q(claim_count=0)))
    )
    firms_by_stage, related_count = {}, 0
    for stage, n, related in by_stage:
        firms_by_stage[stage] = n
        related_count += related
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
        "firm_count": sum(firms_by_stage.values()) - related_count,
        "related_count": related_count,
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
            "glossary": {v.name.replace("-", "_"): v for v in glossary.VOCABULARIES},
            "confidence_rules": confidence.RULES,
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


def claims_about(public_ids):
    """The public claims about these firms, newest first (the search's claims about firms found)."""
    firms = Firm.objects.public().filter(public_id__in=public_ids)
    claims = Claim.objects.public().filter(firms__in=firms).distinct()
    return claims.order_by(F("date_start").desc(nulls_last=True), "-public_id")


def search_groups(query):
    """The search page's groups for `query`: one per kind, then the claims about firms found."""
    groups = search_results.groups(query, search_kinds())
    terms = search_engine.highlight_terms(query)
    about = search_results.claims_about_found_firms(groups[0], claims_about, terms)
    if about is not None:
        groups.insert(3, about)
    return groups


def name_vocabulary():
    """Every word of the public names of firms, sites and sources, for "did you mean"."""

    def compute():
        names = []
        for queryset, fields in (
            (Firm.objects.public(), ("name_en", "short_name", "name_zh", "name_uk", "aliases")),
            (Site.objects.public(), ("name_en", "name_uk", "locality", "aliases")),
            (Source.objects.public(), ("title", "publisher")),
        ):
            for row in queryset.values_list(*fields).iterator():
                names.extend(row)
        return search_suggest.vocabulary(names)

    # Once per published update: the names change only when one is published.
    return cache.cached_count("search-vocabulary", (), compute)


@require_safe
@query_params("q")
def search(request):
    """Names and statements in any script, grouped by kind of record (see hub.search).

    When nothing is found, or only similar spellings, the closest spelling of
    the query among the hub's names is offered ("did you mean"); when nothing
    at all is found, its results are shown in place, saying so.
    """
    query = search_engine.clean_query(request.GET.get("q", ""))
    error = ""
    groups = []
    suggested, corrected = "", False
    if len(query) > search_engine.MAX_LENGTH:
        error = _("Searches are limited to %(n)s characters.") % {"n": search_engine.MAX_LENGTH}
        query = query[: search_engine.MAX_LENGTH]
    elif query:
        groups = search_groups(query)
        found = any(group.count for group in groups)
        if not found or any(group.misspelt for group in groups):
            suggested = search_suggest.suggestion(query, name_vocabulary())
        if suggested and not found:
            groups, corrected = search_groups(suggested), True
    return render(
        request,
        "pages/search.html",
        {
            "query": query,
            "suggested": suggested,
            "corrected": corrected,
            "suggested_url": f"{reverse('search')}?{urlencode({'q': suggested})}",
            "groups": groups,
            "total": sum(group.count for group in groups if group.key != "firm_claims"),
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


@require_safe
def switch_language(request, language):
    """The language switch's links: one click sets the language cookie and returns to the page.

    A link, not a form, so that switching takes one click. Only the site's
    languages are accepted, and only a path of this site is returned to.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404("The hub is in English and Ukrainian.")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
