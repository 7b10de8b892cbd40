from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from entities.models import Firm, Site
from hub.models import Status

from .models import Change, Update


class UpdatesFeed(Feed):
    """An Atom feed of published updates, newest first."""

    feed_type = Atom1Feed
    title = "TOT Insights Hub: dataset updates"
    link = reverse_lazy("editorial:update_list")
    subtitle = "Each numbered update of the dataset, with what it added, changed and withdrew."

    def items(self):
        return Update.objects.order_by("-number")[:50]

    def item_title(self, item):
        return f"Update {item.number}: {item.summary}"

    def item_description(self, item):
        return (
            f"{item.added} added, {item.changed} changed, {item.withdrawn} withdrawn. {item.notes}"
        ).strip()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class RecordFeed(Feed):
    """An Atom feed of one firm or site: its claims added, changed and withdrawn, and its own changes.

    Read from the published changelog (Change rows of published updates), so
    a journalist following a firm sees each update that touched its evidence,
    newest first, with the fields that changed.
    """

    feed_type = Atom1Feed
    model = None  # Firm or Site
    claims_field = ""  # the Claim many-to-many naming the record: "firms" or "sites"
    ITEMS = 50

    def get_object(self, request, public_id):
        record = self.model.objects.filter(public_id=public_id[:16]).first()
        if record is None or record.status == Status.DRAFT:
            raise Http404("No public record has this identifier.")
        return record

    def title(self, record):
        return f"TOT Insights Hub: {record} ({record.public_id})"

    def link(self, record):
        return record.get_absolute_url()

    def subtitle(self, record):
        return f"Claims about {record} added, changed and withdrawn, update by update."

    def items(self, record):
        from evidence.models import Claim

        claims = Claim.objects.filter(**{self.claims_field: record}).exclude(status=Status.DRAFT)
        types = ContentType.objects.get_for_models(Claim, self.model)
        about = Q(content_type=types[Claim], object_id__in=claims.values("pk")) | Q(
            content_type=types[self.model], object_id=record.pk
        )
        return (
            Change.objects.filter(about, state=Change.State.PUBLISHED)
            .select_related("update")
            .order_by("-update__number", "-pk")[: self.ITEMS]
        )

    def item_title(self, change):
        return f"{change.get_action_display()}: {change.public_id} {change.label} (update {change.update.number})"

    def item_description(self, change):
        # The changelog's own reader: fields named as the update pages name them.
        fields = ", ".join(str(row["label"]) for row in change.readable_diff)
        text = f"{change.get_action_display()} in update {change.update.number}"
        text += f" ({change.update.summary})." if change.update.summary else "."
        if fields:
            text += f" Fields: {fields}."
        if change.reason:
            text += f" Reason: {change.reason}"
        return text

    def item_link(self, change):
        return reverse("editorial:record_history", args=[change.public_id])

    def item_guid(self, change):
        return (
            f"{reverse('editorial:update_detail', args=[change.update.number])}#change-{change.pk}"
        )

    def item_pubdate(self, change):
        return change.update.published_at

    def item_updateddate(self, change):
        return change.update.published_at


class FirmFeed(RecordFeed):
    model = Firm
    claims_field = "firms"


class SiteFeed(RecordFeed):
    model = Site
    claims_field = "sites"
