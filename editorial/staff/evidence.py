"""Evidence staged from the staff pages: a new source from a URL, citations added, replaced, withdrawn.

The forms of a claim's (or relationship's) stage page that deal with its
citations, and the staging call each makes (editorial.staging).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.models import Citation, Source
from hub.models import Status

from .. import staging
from ..staff_forms import evidence_items
from .record_forms import RecordPickerField, citation_form, new_source_form


def current_citations(target):
    """The target's citations the public sees or will see (not withdrawn), oldest first."""
    return list(
        target.citations.exclude(status=Status.WITHDRAWN)
        .select_related("source")
        .order_by("public_id")
    )


class CiteForm(forms.Form):
    """Which source to cite (an existing one, or none for a new one) and what it replaces."""

    source = RecordPickerField(
        Source,
        required=False,
        label=_("Cite an existing source"),
        help_text=_(
            "Its identifier (SRC0001) or its title; leave empty to make a new source from the "
            "URL below."
        ),
    )
    replaces = forms.ChoiceField(label=_("It replaces"), required=False)

    def __init__(self, *args, citations, **kwargs):
        super().__init__(*args, **kwargs)
        self.citations = {citation.public_id: citation for citation in citations}
        self.fields["replaces"].choices = [
            ("", _("Nothing: it is an additional citation")),
            *[
                (c.public_id, f"{c.public_id}: {c.source.title[:80]}, {c.locator[:40]}")
                for c in citations
                if c.status == Status.PUBLISHED
            ],
        ]


class UnciteForm(forms.Form):
    citation = forms.ChoiceField(label=_("Citation"))
    reason = forms.CharField(
        label=_("Why it is withdrawn (shown on its tombstone)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )

    def __init__(self, *args, citations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citation"].choices = [
            (c.public_id, f"{c.public_id}: {c.source.title[:80]}, {c.locator[:40]}")
            for c in citations
            if c.status == Status.PUBLISHED
        ]


def evidence_forms(target, correction, data=None, action=None):
    """The citation forms of `target`'s stage page; bound to `data` for the posted `action`."""
    citations = current_citations(target)
    urls = [url for _text, url in evidence_items(correction.evidence) if url] if correction else []

    def bound(name):
        return data if action == name else None

    return {
        "cite": CiteForm(bound("cite"), citations=citations, prefix="cite"),
        "citation": citation_form(bound("cite"), prefix="citation"),
        "new_source": new_source_form(
            bound("cite"), prefix="source", initial={"url": urls[0] if urls else ""}
        ),
        "uncite": UnciteForm(bound("uncite"), citations=citations, prefix="uncite"),
    }


def stage_cite(forms_, target, user, correction):
    """Stage what the posted citation forms ask; [] (with form errors) if they cannot be."""
    cite, citation, new_source = forms_["cite"], forms_["citation"], forms_["new_source"]
    if not (cite.is_valid() and citation.is_valid()):
        return []
    source = cite.cleaned_data["source"]
    source_fields = None
    if source is None:
        if not new_source.is_valid():
            return []
        source_fields = new_source.new_values()
    replaces = cite.citations.get(cite.cleaned_data["replaces"])
    try:
        return staging.stage_citation(
            target=target,
            source=source,
            new_source=source_fields,
            fields=citation.new_values(),
            replaces=replaces,
            user=user,
            correction=correction,
        )
    except staging.StagingRefused as error:
        citation.add_error(None, str(error))
        return []


def stage_uncite(forms_, target, user, correction):
    form = forms_["uncite"]
    if not form.is_valid():
        return []
    record = Citation.objects.get(public_id=form.cleaned_data["citation"])
    try:
        return [
            staging.stage_withdrawal(
                record=record, reason=form.cleaned_data["reason"], user=user, correction=correction
            )
        ]
    except staging.StagingRefused as error:
        form.add_error(None, str(error))
        return []
