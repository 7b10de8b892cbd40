"""Record forms of the staff pages, made from the models' own fields.

Closed vocabularies are choices, dates are dates, numbers are numbers;
firms, sites, sources, claims and relationships are picked by identifier or
by a name in any script (hub.search), and every field says what it accepts.
Computed fields (a claim's grade, a source's snapshot) are shown read-only
with the reason, never edited. The forms only validate and serialise
(editorial.values); staging is editorial.staging's.
"""

import re

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from entities.models import Firm, Relationship, Site
from evidence.models import Citation, Claim, Source
from hub import search
from hub.models import Status

from .. import values

PICKABLE = (Firm, Site, Source, Claim, Relationship)
# Fields set by the hub itself, shown with why instead of a box to type in.
READ_ONLY = {
    "confidence": _(
        "Computed from the evidence when the claim is published; to set another grade, "
        "choose it below as the editors' grade and give the reason."
    ),
    "snapshot": _("Set by the hub's archiver when it keeps a copy of the source's URL."),
}
PICKER_LIMIT = 8


def picker_label(record):
    """How a picked record reads in a form and in the suggestions: its id, then its name."""
    return f"{record.public_id} — {record_names(record)}"


def record_names(record):
    if isinstance(record, Firm):
        names = [record.name_en, record.name_zh, record.name_ru, record.name_uk]
        return " · ".join(dict.fromkeys(name for name in names if name))
    if isinstance(record, Site):
        names = [record.name_en, record.name_uk, record.name_ru]
        return " · ".join(dict.fromkeys(name for name in names if name))
    return str(record)[:200]


def candidates(model, text):
    """Records of `model` (not withdrawn) that `text` names: its identifier, or a name in any script."""
    text = (text or "").strip()
    pickable = model.objects.exclude(status=Status.WITHDRAWN)
    found = re.match(rf"^\s*({model.ID_PREFIX}\d+)\b", text, re.IGNORECASE)
    if found:
        return list(pickable.filter(public_id=found.group(1).upper()))
    if not text or model._meta.label not in search.SPECS:
        return []
    return list(search.ranked(pickable, text)[:PICKER_LIMIT])


class RecordPickerField(forms.Field):
    """One record (or several, one a line) picked by identifier or by name."""

    def __init__(self, model, *, multiple=False, **kwargs):
        self.model = model
        self.multiple = multiple
        kind = model._meta.verbose_name
        attrs = {"data-picker": model._meta.model_name, "autocomplete": "off"}
        if multiple:
            widget = forms.Textarea(attrs={**attrs, "rows": 3})
            help_text = _(
                "One %(kind)s a line: its identifier (%(prefix)s0001) or a name in any script."
            )
        else:
            widget = forms.TextInput(attrs=attrs)
            help_text = _("Its identifier (%(prefix)s0001) or a name in any script.")
        kwargs.setdefault("help_text", help_text % {"kind": kind, "prefix": model.ID_PREFIX})
        super().__init__(widget=widget, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(self.prepare_value(item) for item in value)
        if isinstance(value, self.model):
            return picker_label(value)
        if isinstance(value, str) and value and not value.strip().count("\n"):
            found = candidates(self.model, value) if re.match(r"^[A-Z]+\d+$", value) else []
            return picker_label(found[0]) if len(found) == 1 else value
        return value or ""

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if not self.multiple and len(lines) > 1:
            raise forms.ValidationError(_("Give one record only."))
        picked = [self._one(line) for line in lines]
        if self.multiple:
            return list(dict.fromkeys(picked))
        return picked[0] if picked else None

    def _one(self, text):
        kind = self.model._meta.verbose_name
        found = candidates(self.model, text)
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                _("No %(kind)s matches “%(text)s”: give its identifier or another of its names."),
                params={"kind": kind, "text": text[:100]},
            )
        raise forms.ValidationError(
            _("“%(text)s” matches several records: %(list)s. Give the identifier of one."),
            params={"text": text[:100], "list": "; ".join(picker_label(r) for r in found)},
        )

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def form_field(model_field):
    """The form field for one editable model field, or None if it is read-only."""
    if model_field.name in READ_ONLY:
        return None
    label = capfirst(model_field.verbose_name)
    help_text = model_field.help_text
    if model_field.is_relation and model_field.related_model in PICKABLE:
        return RecordPickerField(
            model_field.related_model,
            multiple=model_field.many_to_many,
            required=not model_field.blank,
            label=label,
        )
    if isinstance(model_field, models.BooleanField) and not model_field.null:
        return forms.TypedChoiceField(
            label=label,
            choices=[("True", _("Yes")), ("False", _("No"))],
            coerce=lambda value: value in (True, "True"),
            help_text=help_text,
        )
    field = model_field.formfield()
    if isinstance(field, forms.DateField):
        field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        field.help_text = help_text or _("A date (YYYY-MM-DD); its precision is chosen below it.")
    elif isinstance(field, forms.URLField):
        field.assume_scheme = "https"
    if isinstance(field.widget, forms.Textarea):
        field.widget.attrs.update(rows=3)
    return field


def serialised(model_field, value):
    """A cleaned form value as editorial.values serialises it."""
    if model_field.many_to_many:
        key = values.natural_key_name(model_field.related_model)
        return sorted(getattr(item, key) for item in value or [])
    if model_field.is_relation:
        key = values.natural_key_name(model_field.related_model)
        return None if value is None else getattr(value, key)
    if value is None and not model_field.null:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return values.to_json(value)


class RecordForm(forms.Form):
    """Every editable field of `model`; with a `record`, pre-filled with its published values.

    A field a post leaves out entirely is left alone (never cleared): a form
    may show only some fields.
    """

    def __init__(self, *args, model, record=None, only=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.record = record
        self.model_fields = {
            name: field
            for name, field in values.editable_fields(model).items()
            if (only is None or name in only) and name not in READ_ONLY
        }
        self.current = values.snapshot(record) if record is not None else {}
        for name, model_field in self.model_fields.items():
            field = form_field(model_field)
            if record is not None:
                field.initial = self._initial(model_field, record)
                if self.is_bound and self.add_prefix(name) not in self.data:
                    field.required = False
            self.fields[name] = field
        self.read_only = [
            (capfirst(values.editable_fields(model)[name].verbose_name), why, name)
            for name, why in READ_ONLY.items()
            if name in values.editable_fields(model)
        ]

    def _initial(self, model_field, record):
        if model_field.many_to_many:
            return list(getattr(record, model_field.name).all())
        if model_field.is_relation:
            return getattr(record, model_field.name)
        value = getattr(record, model_field.attname)
        if isinstance(model_field, models.BooleanField) and not model_field.null:
            return str(bool(value))
        return value

    def sent(self, name):
        return self.add_prefix(name) in self.data

    def changed_values(self):
        """The fields whose value differs from the published one, serialised."""
        changed = {}
        for name, model_field in self.model_fields.items():
            if not self.sent(name):
                continue
            value = serialised(model_field, self.cleaned_data.get(name))
            if value != self.current.get(name):
                changed[name] = value
        return changed

    def new_values(self):
        """Every field given, serialised: the fields of a new record."""
        result = {}
        for name, model_field in self.model_fields.items():
            value = serialised(model_field, self.cleaned_data.get(name))
            if value not in (None, "", []):
                result[name] = value
        return result


NEW_SOURCE_FIELDS = [
    "url",
    "title",
    "publisher",
    "author",
    "kind",
    "published_on",
    "published_precision",
    "language",
    "reliability",
    "archive_exemption",
]
# Both languages of the hub's own text: the English and the Ukrainian twin.
CITATION_FIELDS = [
    "locator",
    "quote",
    "quote_translation",
    "quote_translation_uk",
    "stance",
    "note",
    "note_uk",
]


def citation_form(*args, **kwargs):
    return RecordForm(*args, model=Citation, only=CITATION_FIELDS, **kwargs)


def new_source_form(*args, **kwargs):
    form = RecordForm(*args, model=Source, only=NEW_SOURCE_FIELDS, **kwargs)
    form.fields["url"].required = True
    return form
