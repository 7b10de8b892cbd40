from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Update


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
