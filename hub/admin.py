from importlib import import_module

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models

admin.site.site_header = "TOT Insights Hub · staff"
admin.site.site_title = "TOT Insights Hub staff"
admin.site.index_title = "Records and editorial work"

# Set only by editorial.publishing.publish_update: never typed in.
PUBLISHING_FIELDS = ["status", "withdrawn_reason", "withdrawn_at", "merged_into", "last_update"]


def record_staging():
    """The editorial workflow's staging module (settings.HUB_RECORD_STAGING).

    Named by the settings, not imported: the kernel imports no app above it
    (tests/hub/test_layering.py). It provides stage_draft, StagingRefused and
    next_public_id.
    """
    return import_module(settings.HUB_RECORD_STAGING)


@admin.action(description="Stage the selected drafts for the next update")
def stage_drafts(modeladmin, request, queryset):
    staging = record_staging()
    staged = refused = 0
    for record in queryset:
        try:
            staging.stage_draft(record=record, user=request.user)
            staged += 1
        except staging.StagingRefused as error:
            refused += 1
            modeladmin.message_user(request, f"{record.public_id}: {error}", messages.WARNING)
    modeladmin.message_user(request, f"{staged} staged, {refused} refused.")


class PublicRecordAdmin(admin.ModelAdmin):
    """Shared admin behaviour for every public record.

    The admin only writes drafts. A published record changes through a staged
    change (the staff pages under /staff/) that a reviewer publishes in an
    update; so published and withdrawn records are read-only here, nothing is
    ever deleted, and the publishing fields are never typed in.
    """

    list_filter = ["status"]
    actions = [stage_drafts]
    # The admin's own URL widget shows the stored URL as a link; a stored URL
    # is a link only where hub.links' rule allows (the external_link tag).
    formfield_overrides = {models.URLField: {"widget": forms.URLInput}}
    list_per_page = 50
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != "draft":
            return False
        return super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return {
            "public_id": record_staging().next_public_id(self.model),
            **super().get_changeform_initial_data(request),
        }

    def get_readonly_fields(self, request, obj=None):
        fields = [
            *super().get_readonly_fields(request, obj),
            *PUBLISHING_FIELDS,
            "created_at",
            "updated_at",
        ]
        return [*fields, "public_id"] if obj is not None else fields
