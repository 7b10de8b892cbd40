"""The sitemap: every public page and every published record's page, for search engines.

/sitemap.xml is an index of one sitemap per kind of page
(/sitemap-firms.xml, …), each in numbered files (/sitemap-claims.xml?p=2).
Records are listed in primary-key order, with the day their row last
changed; drafts and withdrawn records are not listed (a withdrawn record's
tombstone answers 410). Like any public page, a sitemap is cached per
published update (hub.cache).

At a million claims Django's defaults cost seconds, so: a file holds a range
of primary keys (KeyRangePaginator), not an OFFSET (the last file of claims
read 990,000 rows to skip them: 0.4 s); the index gives no dates (Django
takes the latest by reading every item; a MAX over the claims is 0.25 s);
and the files use a lean template (pages/sitemap.xml, without Django's
{% spaceless %} over the whole file).
"""

from functools import cached_property

from django.contrib import sitemaps
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse

from editorial.models import Update
from entities.models import Firm, Relationship, Site
from evidence.models import Claim, Source

# The protocol allows 50,000 addresses a file. Fewer keep each file quick to
# write: the claims' sitemap is a hundred files of 10,000 at a million claims.
PER_PAGE = 10_000


class PageSitemap(sitemaps.Sitemap):
    """The site's own pages: the lists, the methodology, the downloads."""

    names = [
        "home",
        "entities:firm_list",
        "entities:site_list",
        "entities:site_map",
        "entities:network",
        "entities:timeline",
        "evidence:claim_list",
        "evidence:source_list",
        "editorial:update_list",
        "editorial:correction_log",
        "downloads:downloads",
        "methodology",
        "privacy",
        "search",
    ]

    def items(self):
        return self.names

    def location(self, name):
        return reverse(name)


class KeyRange:
    """One file's records: those whose primary key is in (low, high]."""

    def __init__(self, object_list):
        self.object_list = object_list


class KeyRangePaginator:
    """Files of records by primary-key range, as Django's sitemap views page them.

    File n holds the records with keys in ((n - 1) × size, n × size]: at most
    `size`, fewer where keys were never published. Each is a range scan of the
    primary key, however deep.
    """

    def __init__(self, queryset, size):
        self.queryset = queryset
        self.size = size

    @cached_property
    def num_pages(self):
        top = self.queryset.aggregate(top=Max("pk"))["top"] or 0
        return max(1, -(-top // self.size))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(number) from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        low = (number - 1) * self.size
        return KeyRange(self.queryset.filter(pk__gt=low, pk__lte=low + self.size))


class RecordSitemap(sitemaps.Sitemap):
    """The published records of one model, by primary key, each with its last change."""

    limit = PER_PAGE

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.public().order_by("pk").only("public_id", "updated_at")

    @property
    def paginator(self):
        return KeyRangePaginator(self.items(), self.limit)

    def lastmod(self, record):
        return record.updated_at

    def get_latest_lastmod(self):
        return None  # see the module's docstring


class UpdateSitemap(sitemaps.Sitemap):
    """The numbered updates' pages (a few hundred)."""

    limit = PER_PAGE

    def items(self):
        return Update.objects.order_by("number").only("number", "published_at")

    def lastmod(self, update):
        return update.published_at

    def get_latest_lastmod(self):
        return None


SITEMAPS = {
    "pages": PageSitemap(),
    "firms": RecordSitemap(Firm),
    "sites": RecordSitemap(Site),
    "claims": RecordSitemap(Claim),
    "sources": RecordSitemap(Source),
    "relationships": RecordSitemap(Relationship),
    "updates": UpdateSitemap(),
}
