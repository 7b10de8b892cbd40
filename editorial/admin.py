"""The editorial tables in the admin: for looking things up, not for editing.

Corrections move through their statuses, and changes are published, only
through `editorial.corrections` and `editorial.publishing` (the staff pages at /staff/); the admin never
writes those rows and cannot delete any of them, so the record of what was
published, and why, stays complete. Submitters' contact details are visible
only to users with `editorial.view_contact_details`.
"""

from django.contrib import admin

from .models import Change, Correction, CorrectionContact, StaffNote, Transition, Update


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only: no adding, changing or deleting (viewing needs the view permission)."""

    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Update)
class UpdateAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "summary",
        "published_at",
        "published_by",
        "added",
        "changed",
        "withdrawn",
    ]
    search_fields = ["=number", "summary"]
    date_hierarchy = "published_at"
    exclude = ["idempotency_key"]


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "label", "state", "update", "correction", "created_by", "created_at"]
    list_filter = ["state", "action", "content_type"]
    search_fields = ["public_id", "label", "merge_into"]
    list_select_related = ["update", "correction", "created_by", "content_type"]


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ["at", "from_status", "to_status", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "target_public_id",
        "target_label",
        "status",
        "assignee",
        "received_at",
        "right_of_reply",
    ]
    list_filter = ["status", "target_type", "assignee", "right_of_reply"]
    search_fields = ["=number", "target_public_id"]
    list_select_related = ["assignee"]
    date_hierarchy = "received_at"
    # The tracking token's hash is a credential; it has no business on a screen.
    exclude = ["token_hash"]
    inlines = [TransitionInline]


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["correction", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    search_fields = ["=correction__number"]
    list_select_related = ["correction", "actor"]


@admin.register(StaffNote)
class StaffNoteAdmin(admin.ModelAdmin):
    """Notes may be added here too; once written they are kept as they were."""

    list_display = ["correction", "author", "at", "text"]
    search_fields = ["=correction__number", "text"]
    list_select_related = ["correction", "author"]
    fields = ["correction", "text"]
    raw_id_fields = ["correction"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["correction", "text", "author", "at"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["correction", "text", "author", "at"] if obj is not None else self.fields

    def save_model(self, request, obj, form, change):
        obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(CorrectionContact)
class CorrectionContactAdmin(ReadOnlyAdmin):
    """Submitters' details: only for those allowed to contact them."""

    list_display = ["correction", "name", "email", "created_at"]
    search_fields = ["=correction__number", "email"]
    list_select_related = ["correction"]
    # The IP hash is for abuse control by code, not for reading.
    exclude = ["ip_hash"]

    def _allowed(self, request):
        return request.user.is_active and request.user.has_perm("editorial.view_contact_details")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)
