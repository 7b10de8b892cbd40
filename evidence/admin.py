from django import forms
from django.contrib import admin
from django.utils import timezone

from hub.admin import PublicRecordAdmin

from .archiving import SourceCheck, SourceSnapshot, store_snapshot
from .models import Citation, Claim, Source


class CitationInline(admin.StackedInline):
    model = Citation
    fk_name = "claim"
    extra = 0
    fields = [
        "public_id",
        "status",
        "source",
        "locator",
        "quote",
        "quote_translation",
        "quote_translation_uk",
        "stance",
        "note",
        "note_uk",
    ]
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
    autocomplete_fields = ["derived_from", "issuer"]
    raw_id_fields = ["snapshot"]


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
    # The grade is computed when the claim is published (evidence.confidence);
    # an editor may override it only with a reason.
    readonly_fields = ["confidence"]
    autocomplete_fields = ["firms", "sites"]
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(PublicRecordAdmin):
    list_display = ["public_id", "claim", "relationship", "source", "locator", "stance", "status"]
    list_filter = ["status", "stance", "source__kind"]
    search_fields = [
        "public_id",
        "locator",
        "quote",
        "source__title",
        "claim__public_id",
    ]
    autocomplete_fields = ["claim", "relationship", "source"]
    list_select_related = ["claim", "relationship", "source"]


class SnapshotUploadForm(forms.ModelForm):
    upload = forms.FileField(
        help_text="The archived copy: a PDF, an HTML page, an image or a text."
    )

    class Meta:
        model = SourceSnapshot
        fields = ["retrieved_at"]


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(admin.ModelAdmin):
    """Upload an archived copy; point a source at it (by its hash) in a staged edit."""

    list_display = ["sha256", "media_type", "size", "original_name", "retrieved_at"]
    search_fields = ["sha256", "original_name"]
    readonly_fields = ["sha256", "size", "media_type", "original_name", "file", "created_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SnapshotUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return (
            ["upload", "retrieved_at"] if obj is None else [*self.readonly_fields, "retrieved_at"]
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "retrieved_at"]

    def get_changeform_initial_data(self, request):
        return {"retrieved_at": timezone.now()}

    def save_model(self, request, obj, form, change):
        if change:
            return
        upload = form.cleaned_data["upload"]
        stored = store_snapshot(
            content=upload.read(),
            media_type=upload.content_type or "application/octet-stream",
            retrieved_at=form.cleaned_data["retrieved_at"],
            original_name=upload.name,
        )
        obj.pk = stored.pk
        obj.__dict__.update({k: v for k, v in stored.__dict__.items() if not k.startswith("_")})

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceCheck)
class SourceCheckAdmin(admin.ModelAdmin):
    list_display = ["source", "url", "status_code", "error", "elapsed_ms", "checked_at"]
    list_filter = ["status_code"]
    list_select_related = ["source"]
    search_fields = ["source__public_id", "url"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
