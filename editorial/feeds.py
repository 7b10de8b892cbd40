from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from entities.models import Firm, Site
from hub.models import Status

from . import staging
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


def _claim_labels_in_ukrainian(changes):
    """{change: its claim's label with the Ukrainian statement} where that label still holds.

    A change stores the claim's English label as it was then ("C0015: SANY
    supplied..."); the Ukrainian statement stands in for it only while the
    English one is still the same text, so that an old change never shows a
    later wording.
    """
    from evidence.models import Claim

    claim_type = ContentType.objects.get_for_model(Claim)
    ids = [change.object_id for change in changes if change.content_type_id == claim_type.pk]
    claims = Claim.objects.filter(pk__in=ids).exclude(statement_uk="").in_bulk()
    labels = {}
    for change in changes:
        claim = claims.get(change.object_id) if change.content_type_id == claim_type.pk else None
        if claim is not None and staging.stored_label(claim) == change.label:
            labels[change.pk] = f"{claim.public_id}: {claim.statement_uk[:80]}"
    return labels


class RecordFeed(Feed):
    """An Atom feed of one firm or site: its claims added, changed and withdrawn, and its own changes.

    Read from the published changelog (Change rows of published updates), so
    a journalist following a firm sees each update that touched its evidence,
    newest first, with the fields that changed. In the reader's language (the
    language cookie or Accept-Language, as every page): in Ukrainian, a claim
    is named by the hub's Ukrainian statement where there is one.
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
        return _("TOT Insights Hub: %(name)s (%(id)s)") % {"name": record, "id": record.public_id}

    def link(self, record):
        return record.get_absolute_url()

    def subtitle(self, record):
        return _("Claims about %(name)s added, changed and withdrawn, update by update.") % {
            "name": record
        }

    def items(self, record):
        from evidence.models import Claim

        claims = Claim.objects.filter(**{self.claims_field: record}).exclude(status=Status.DRAFT)
        types = ContentType.objects.get_for_models(Claim, self.model)
        about = Q(content_type=types[Claim], object_id__in=claims.values("pk")) | Q(
            content_type=types[self.model], object_id=record.pk
        )
        changes = list(
            Change.objects.filter(about, state=Change.State.PUBLISHED)
            .select_related("update")
            .order_by("-update__number", "-pk")[: self.ITEMS]
        )
        # On the rows, not the feed: one feed object serves every request.
        labels = {}
        if (get_language() or "").split("-")[0] == "uk":
            labels = _claim_labels_in_ukrainian(changes)
        for change in changes:
            change.feed_label = labels.get(change.pk, change.label)
        return changes

    def item_title(self, change):
        return _("%(action)s: %(id)s %(label)s (update %(number)s)") % {
            "action": change.get_action_display(),
            "id": change.public_id,
            "label": change.feed_label,
            "number": change.update.number,
        }

    def item_description(self, change):
        # The changelog's own reader: fields named as the update pages name them.
        # (An update's summary and a withdrawal's reason are the staff's, in English.)
        fields = ", ".join(str(row["label"]) for row in change.readable_diff)
        number = change.update.number
        text = _("%(action)s in update %(number)s") % {
            "action": change.get_action_display(),
            "number": number,
        }
        text += f" ({change.update.summary})." if change.update.summary else "."
        if fields:
            text += " " + _("Fields: %(fields)s.") % {"fields": fields}
        if change.reason:
            text += " " + _("Reason: %(reason)s") % {"reason": change.reason}
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
