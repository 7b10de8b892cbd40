"""Named reads of sources, claims and citations (see entities.querysets)."""

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When

from hub import search
from hub.models import PublicRecordQuerySet, Status

from .reply import reply_date_expression, reply_status_expression


class SourceQuerySet(search.SearchableQuerySet):
    def for_list(self):
        # The claims of each source are a stored column (derived.claim_counts).
        return self

    def for_profile(self):
        return self.select_related("snapshot", "issuer")

    def missing_archive(self):
        """Sources a published claim may not cite: archive state `queued` or `none`.

        The rule is evidence.archiving.archive_state (this is its SQL twin):
        archived, exempt (a stated reason) and failed (the hub tried; the page
        says why and when) may be cited.
        """
        from .archiving import PUBLISHABLE_STATES, archive_state_expression

        return self.alias(_archive_state=archive_state_expression()).exclude(
            _archive_state__in=[str(state) for state in PUBLISHABLE_STATES]
        )


class CitationQuerySet(PublicRecordQuerySet):
    def public(self):
        # A citation is only as public as the source it points to.
        return super().public().filter(source__status=Status.PUBLISHED)

    def for_display(self):
        return self.select_related("source").order_by("source__published_on", "public_id")

    def public_rows(self):
        """Public citations of a published claim or relationship (PublicRecordQuerySet.public_rows)."""
        return self.public().filter(
            Q(claim__status=Status.PUBLISHED) | Q(relationship__status=Status.PUBLISHED)
        )

    def of_public_records(self):
        """The rows of the citations list and downloads (public_rows), in the list's order."""
        return (
            self.public_rows()
            .select_related("claim", "relationship__source_firm", "relationship__target_firm")
            .order_by("claim__public_id", "relationship__public_id", "public_id")
        )


class ClaimQuerySet(search.SearchableQuerySet):
    def about_firm(self, firm):
        return self.filter(firms=firm)

    def about_site(self, site):
        return self.filter(sites=site)

    def in_profile_order(self):
        """Grouped by type in the order of ClaimType, then by date: how a profile pages through."""
        from .models import ClaimType

        type_order = Case(
            *(When(claim_type=value, then=Value(i)) for i, value in enumerate(ClaimType.values)),
            output_field=IntegerField(),
        )
        return self.order_by(type_order, "date_start", "public_id")

    def citing(self, source):
        return self.filter(citations__source=source, citations__status=Status.PUBLISHED).distinct()

    def for_list(self):
        # Imported here: the models import this module.
        from entities.models import Firm, Site

        return self.prefetch_related(
            Prefetch("firms", queryset=Firm.objects.public(), to_attr="public_firms"),
            Prefetch("sites", queryset=Site.objects.public(), to_attr="public_sites"),
        )

    def with_reply_status(self):
        """Annotate `reply_status` and `reply_date` (see evidence.reply)."""
        return self.annotate(
            reply_status=reply_status_expression(), reply_date=reply_date_expression()
        )

    def for_display(self):
        """Claims with everything a footnoted page shows: firms, sites, citations, sources."""
        from .models import Citation

        return (
            self.for_list()
            .with_reply_status()
            .prefetch_related(
                Prefetch(
                    "citations",
                    queryset=Citation.objects.public().for_display(),
                    to_attr="public_citations",
                )
            )
        )
