"""Forms of the staff pages: queue filters, moderation steps, staging, publishing.

The forms only validate input; every write is a call into `editorial.corrections`,
`editorial.staging` or `editorial.publishing`, made by the view, which also decides what a refusal looks like.
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from hub import links
from hub.text import check_value, printable

from . import values
from .models import Change, Correction, StaffNote, Update

TARGET_CHOICES = [
    ("", _("Any")),
    ("firm", _("Firm")),
    ("site", _("Site")),
    ("claim", _("Claim")),
    ("source", _("Source")),
    ("none", _("No record")),
]
AGE_CHOICES = [("", _("Any")), ("7", _("Older than 7 days")), ("30", _("Older than 30 days"))]
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def moderators():
    """Active staff users who may moderate corrections: the people work is assigned to."""
    perm = {"codename": "moderate_correction", "content_type__app_label": "editorial"}
    by_group = Q(**{f"groups__permissions__{key}": value for key, value in perm.items()})
    by_user = Q(**{f"user_permissions__{key}": value for key, value in perm.items()})
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | by_group | by_user)
        .distinct()
        .order_by(get_user_model().USERNAME_FIELD)
    )


ORDER_CHOICES = [("", _("Oldest first")), ("newest", _("Newest first"))]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", _("Any")), ("open", _("Open (not decided)")), *Correction.Status.choices],
        required=False,
    )
    target = forms.ChoiceField(label=_("About"), choices=TARGET_CHOICES, required=False)
    age = forms.ChoiceField(label=_("Received"), choices=AGE_CHOICES, required=False)
    assignee = forms.ChoiceField(required=False)
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any user who has ever been given work can be filtered on, not only
        # current moderators, so that an old assignment stays findable.
        users = get_user_model().objects.filter(
            Q(pk__in=moderators().values("pk"))
            | Q(pk__in=Correction.objects.filter(assignee__isnull=False).values("assignee"))
        )
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("unassigned", _("Unassigned")),
            *[
                (str(user.pk), user.get_username())
                for user in users.order_by(get_user_model().USERNAME_FIELD)
            ],
        ]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=_("Me"), label=_("Assign to")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = moderators()


class ResponseForm(forms.Form):
    """A step that may carry a message the submitter and the public will read."""

    public_response = forms.CharField(
        label=_("Message to the submitter (public)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def clean_public_response(self):
        return check_value(Correction, "public_response", self.cleaned_data["public_response"])


class DeclineForm(forms.Form):
    public_response = forms.CharField(
        label=_("Reason for declining (public)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Give the public a reason for declining.")},
    )

    def clean_public_response(self):
        return check_value(Correction, "public_response", self.cleaned_data["public_response"])


class DuplicateForm(forms.Form):
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of correction number"), min_value=1, max_value=10**9
    )

    def clean_duplicate_of(self):
        number = self.cleaned_data["duplicate_of"]
        original = Correction.objects.filter(number=number).first()
        if original is None:
            raise forms.ValidationError(
                _("There is no correction number %(n)s."), params={"n": number}
            )
        return original


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Private note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )

    def clean_text(self):
        return check_value(StaffNote, "text", self.cleaned_data["text"])


# Staging -----------------------------------------------------------------


def as_text(value):
    """A serialised value as the text of a form field (lists comma-separated)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


# Values as staff read them -----------------------------------------------


def display(model, name, value):
    """A serialised value as shown on a staff page: a choice's label, not its code."""
    field = values.editable_fields(model).get(name) if model is not None else None
    readable = values.readable(field, value)
    return "—" if readable is None else printable(as_text(readable))


def field_label(model, name):
    field = values.editable_fields(model).get(name)
    return capfirst(field.verbose_name) if field is not None else name


def record_rows(record):
    """The record's editable fields as published: (label, value) pairs, as readers read them."""
    model = type(record)
    return [
        (field_label(model, name), display(model, name, v))
        for name, v in values.snapshot(record).items()
    ]


def preview(change, record):
    """What a change does: rows of (field, before, after), or the reason given."""
    model = change.content_type.model_class()
    if change.state == Change.State.PUBLISHED:
        rows = [
            (
                field_label(model, row["field"]),
                display(model, row["field"], row["before"]),
                display(model, row["field"], row["after"]),
            )
            for row in change.diff
        ]
    elif record is None:
        rows = []
    elif change.action == Change.Action.EDIT:
        current = values.snapshot(record)
        rows = [
            (
                field_label(model, name),
                display(model, name, current.get(name)),
                display(model, name, after),
            )
            for name, after in change.proposed.items()
        ]
    elif change.action == Change.Action.CREATE:
        rows = [
            (field_label(model, name), "—", display(model, name, value))
            for name, value in values.snapshot(record).items()
            if value not in (None, "", [])
        ]
    else:
        rows = []
    return {"rows": rows, "reason": change.reason}


def evidence_items(text):
    """Evidence as (text, link) pairs: only URLs under hub.links' rule become links."""
    return [(token, token if links.is_public_url(token) else None) for token in text.split()]


class FirmResponseForm(forms.Form):
    """No fields: the correction's text is the response; the form carries any refusal."""


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn (shown on its tombstone)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into (identifier)"), max_length=16)


# Publishing --------------------------------------------------------------


class ChangeIdsField(forms.TypedMultipleChoiceField):
    """Change ids as checkboxes; any id is accepted here.

    Whether a change is still pending is the publishing service's to decide,
    in its transaction, so that a change published or discarded meanwhile
    gets its explanatory refusal instead of a bare "invalid choice".
    """

    def valid_value(self, value):
        return str(value).isdigit() and len(str(value)) <= 18


class ComposeForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), max_length=255)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    changes = ChangeIdsField(
        label=_("Changes to publish"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one staged change to publish.")},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, pending, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changes"].choices = [
            (change.pk, f"{change.get_action_display()} {change.public_id}: {change.label}")
            for change in pending
        ]
        if not self.is_bound:
            self.fields["changes"].initial = [change.pk for change in pending]

    def clean_idempotency_key(self):
        key = self.cleaned_data["idempotency_key"]
        if not IDEMPOTENCY_KEY.match(key):
            raise forms.ValidationError(_("The form is damaged; reload the page."))
        return key

    def clean_summary(self):
        return check_value(Update, "summary", self.cleaned_data["summary"])

    def clean_notes(self):
        return check_value(Update, "notes", self.cleaned_data["notes"])
