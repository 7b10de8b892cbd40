from django.contrib import admin

from hub.admin import PublicRecordAdmin

from .models import Citation, Claim, Source


class CitationInline(admin.StackedInline):
    model = Citation
    fk_name = "claim"
    extra = 0
    fields = ["public_id", "status", "source", "locator", "quote", "note"]
    autocomplete_fields = ["source"]
    can_delete = False
    readonly_fields = ["status"]


@admin.register(Source)
class SourceAdmin(PublicRecordAdmin):
    list_display = [
        "public_id",
        "title",
        "publisher",
        "kind",
        "published_on",
        "reliability",
        "status",
    ]
    list_filter = ["status", "kind", "reliability", "language"]
    search_fields = ["public_id", "title", "publisher", "author", "url"]
    date_hierarchy = "published_on"


@admin.register(Claim)
class ClaimAdmin(PublicRecordAdmin):
    list_display = [
        "public_id",
        "statement",
        "claim_type",
        "region",
        "confidence",
        "stage",
        "status",
    ]
    list_filter = ["status", "claim_type", "confidence", "stage", "region"]
    search_fields = ["public_id", "statement"]
    autocomplete_fields = ["firms", "sites"]
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(PublicRecordAdmin):
    list_display = ["public_id", "claim", "relationship", "source", "locator", "status"]
    list_filter = ["status", "source__kind"]
    search_fields = [
        "public_id",
        "locator",
        "quote",
        "source__title",
        "claim__public_id",
    ]
    autocomplete_fields = ["claim", "relationship", "source"]
    list_select_related = ["claim", "relationship", "source"]
