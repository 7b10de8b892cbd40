"""The public correction form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hub import links
from hub.records import find_record
from hub.text import check_value

from .models import Correction, CorrectionContact

MAX_TEXT = 5000
MAX_EVIDENCE_URLS = 20


class CorrectionForm(forms.Form):
    record = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)
    what_is_wrong = forms.CharField(
        label=_("What is wrong?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Quote the statement, figure or name you think is wrong."),
    )
    proposed_fix = forms.CharField(
        label=_("What should it say instead?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("If you speak for the firm concerned, this is your response."),
    )
    evidence = forms.CharField(
        label=_("Evidence (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Links to documents that support the fix, one per line (http or https). Describe "
            "evidence that is not online (a printed document, a paper filing) in the box above."
        ),
    )
    right_of_reply = forms.BooleanField(
        label=_("I represent the firm concerned (this is the firm's response)"), required=False
    )
    name = forms.CharField(
        label=_("Your name (optional, never published)"), required=False, max_length=200
    )
    email = forms.EmailField(
        label=_("Your email (optional, never published)"),
        required=False,
        help_text=_("We write to you once, when your correction is published."),
    )

    def clean_record(self):
        public_id = self.cleaned_data["record"].strip()
        if not public_id:
            return None
        record = find_record(public_id)
        if record is None or not record.is_public:
            raise forms.ValidationError(
                _("There is no public record %(id)s."), params={"id": public_id}
            )
        return record

    def clean_evidence(self):
        text = check_value(Correction, "evidence", self.cleaned_data["evidence"])
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_EVIDENCE_URLS:
            raise forms.ValidationError(
                _("At most %(n)s links, please."), params={"n": MAX_EVIDENCE_URLS}
            )
        for line in lines:
            try:
                links.validate_public_url(line)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(line)s” cannot be a link: %(reason)s"),
                    params={"line": line[:100], "reason": " ".join(error.messages)},
                ) from None
        return "\n".join(lines)

    def clean_what_is_wrong(self):
        return check_value(Correction, "what_is_wrong", self.cleaned_data["what_is_wrong"])

    def clean_proposed_fix(self):
        return check_value(Correction, "proposed_fix", self.cleaned_data["proposed_fix"])

    def clean_name(self):
        return check_value(CorrectionContact, "name", self.cleaned_data["name"])
