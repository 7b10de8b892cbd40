from django.contrib import admin

from hub.admin import PublicRecordAdmin

from .models import Firm, Relationship, SanctionsDesignation, Sector, Site


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class DesignationInline(admin.TabularInline):
    model = SanctionsDesignation
    extra = 0
    fields = [
        "public_id",
        "status",
        "kind",
        "authority",
        "jurisdiction",
        "programme",
        "listed_on",
        "ended_on",
        "reference",
        "source",
        "source_locator",
    ]
    autocomplete_fields = ["source"]
    can_delete = False
    readonly_fields = ["status"]


@admin.register(Firm)
class FirmAdmin(PublicRecordAdmin):
    list_display = [
        "public_id",
        "name_en",
        "name_zh",
        "kind",
        "ownership",
        "stage",
        "status",
    ]
    list_filter = [
        "status",
        "stage",
        "kind",
        "ownership",
        "country",
        "european_presence",
        "sectors",
    ]
    search_fields = [
        "public_id",
        "name_en",
        "name_zh",
        "name_ru",
        "name_uk",
        "aliases",
        "ticker",
    ]
    filter_horizontal = ["sectors"]
    inlines = [DesignationInline]
    fieldsets = [
        (None, {"fields": ["public_id", "status", "withdrawn_reason", "withdrawn_at"]}),
        (
            "Names",
            {
                "fields": [
                    "name_en",
                    "short_name",
                    "name_zh",
                    "name_ru",
                    "name_uk",
                    "aliases",
                    "identified",
                ]
            },
        ),
        (
            "Profile",
            {
                "fields": [
                    "kind",
                    "ownership",
                    "exchange",
                    "ticker",
                    "country",
                    "website",
                    "sectors",
                    "stage",
                    "description",
                ]
            },
        ),
        (
            "European presence",
            {"fields": ["european_presence", "european_presence_note"]},
        ),
        ("Identifiers", {"fields": ["uscc", "lei", "inn", "ogrn"]}),
        ("Bookkeeping", {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(SanctionsDesignation)
class SanctionsDesignationAdmin(PublicRecordAdmin):
    list_display = [
        "public_id",
        "firm",
        "kind",
        "authority",
        "programme",
        "listed_on",
        "ended_on",
        "status",
    ]
    list_filter = ["status", "kind", "authority"]
    search_fields = ["public_id", "firm__name_en", "programme", "reference"]
    autocomplete_fields = ["firm", "source"]
    list_select_related = ["firm"]


@admin.register(Relationship)
class RelationshipAdmin(PublicRecordAdmin):
    list_display = ["public_id", "source_firm", "kind", "target_firm", "status"]
    list_filter = ["status", "kind"]
    search_fields = [
        "public_id",
        "source_firm__name_en",
        "target_firm__name_en",
        "description",
    ]
    autocomplete_fields = ["source_firm", "target_firm"]
    list_select_related = ["source_firm", "target_firm"]


@admin.register(Site)
class SiteAdmin(PublicRecordAdmin):
    list_display = [
        "public_id",
        "name_en",
        "kind",
        "region",
        "coordinate_precision",
        "status",
    ]
    list_filter = [
        "status",
        "kind",
        "region",
        "occupation_status",
        "coordinate_precision",
        "operating_status",
    ]
    search_fields = [
        "public_id",
        "name_en",
        "name_uk",
        "name_ru",
        "aliases",
        "locality",
        "locality_uk",
        "occupation_name",
        "katotth",
    ]
