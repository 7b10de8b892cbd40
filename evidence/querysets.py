"""Named reads of sources, claims and citations (see entities.querysets)."""

from django.db.models import Count, Prefetch, Q

from entities.querysets import name_search_q
from hub.models import PublicRecordQuerySet, Status


class SourceQuerySet(PublicRecordQuerySet):
    TEXT_FIELDS = ("title", "publisher", "author", "description")

    def matching(self, text):
        return self.filter(name_search_q(text, self.TEXT_FIELDS))

    def with_claim_count(self):
        return self.annotate(
            claim_count=Count(
                "citations__claim",
                filter=Q(
                    citations__status=Status.PUBLISHED,
                    citations__claim__status=Status.PUBLISHED,
                ),
                distinct=True,
            )
        )

    def for_list(self):
        return self.with_claim_count()


class CitationQuerySet(PublicRecordQuerySet):
    def public(self):
        # A citation is only as public as the source it points to.
        return super().public().filter(source__status=Status.PUBLISHED)

    def for_display(self):
        return self.select_related("source").order_by("source__published_on", "public_id")

    def of_public_records(self):
        """Citations whose claim or relationship is itself published."""
        return (
            self.filter(
                Q(claim__status=Status.PUBLISHED) | Q(relationship__status=Status.PUBLISHED)
            )
            .select_related("claim", "relationship__source_firm", "relationship__target_firm")
            .order_by("claim__public_id", "relationship__public_id", "public_id")
        )


class ClaimQuerySet(PublicRecordQuerySet):
    def matching(self, text):
        return self.filter(name_search_q(text, ("statement", "public_id")))

    def about_firm(self, firm):
        return self.filter(firms=firm)

    def about_site(self, site):
        return self.filter(sites=site)

    def citing(self, source):
        return self.filter(citations__source=source, citations__status=Status.PUBLISHED).distinct()

    def for_list(self):
        # Imported here: the models import this module.
        from entities.models import Firm, Site

        return self.prefetch_related(
            Prefetch("firms", queryset=Firm.objects.public(), to_attr="public_firms"),
            Prefetch("sites", queryset=Site.objects.public(), to_attr="public_sites"),
        )

    def for_display(self):
        """Claims with everything a footnoted page shows: firms, sites, citations, sources."""
        from .models import Citation

        return self.for_list().prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.public().for_display(),
                to_attr="public_citations",
            )
        )
