from django.contrib import admin

admin.site.site_header = "TOT Insights Hub · staff"
admin.site.site_title = "TOT Insights Hub staff"
admin.site.index_title = "Records and editorial work"


class PublicRecordAdmin(admin.ModelAdmin):
    """Shared admin behaviour for every public record.

    Public records are never hard-deleted (a withdrawn record keeps a
    tombstone), and their identifier is fixed once created.
    """

    list_filter = ["status"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "public_id"] if obj is not None else fields
