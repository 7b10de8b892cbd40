"""The one rule for stored text, applied by every model's field validation.

What a text field may hold, whichever way it comes in (the public form,
staff pages, the staging services, the spreadsheet import, the admin):

- no NUL (PostgreSQL cannot store it) and no unpaired surrogate (no
  encoding can write it: a page, a CSV or a SQLite row holding one fails);
- no other C0 control character, except tab and line breaks in a field
  that is multi-line (a TextField);
- Unicode in NFC, so that the same words are stored, searched and compared
  as the same characters; the value is normalised, not refused;
- required text (blank=False) is not only blank space;
- a URL field's value also follows the URL rule (hub.links).

A refusal is a ValidationError on the field naming the character's
position, and nothing is stored. Models get the rule through
``TextRules.clean_fields`` (PublicRecord and the editorial models inherit
it), so ``full_clean`` applies it wherever a model is validated; a plain
form checks a field with ``check_value`` (in its ``clean_<name>``), a service
that writes one field with ``check_field``.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import links

# What a one-line field refuses (every C0 control character, every surrogate),
# and a multi-line one (the same but tab and line breaks). A regular
# expression, not a loop in Python: publishing validates thousands of records.
SINGLE_LINE_REFUSED = re.compile("[\x00-\x1f\ud800-\udfff]")
MULTI_LINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
NAMES = {
    "\x00": _("a NUL character"),
    "\t": _("a tab"),
    "\n": _("a line break"),
    "\r": _("a line break"),
}


def _first_refused(value, *, multiline):
    return (MULTI_LINE_REFUSED if multiline else SINGLE_LINE_REFUSED).search(value)


def _what(char):
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return _("an unpaired surrogate (U+%(code)04X)") % {"code": code}
    if char in NAMES:
        return NAMES[char]
    return _("a control character (U+%(code)04X)") % {"code": code}


def clean_text(value, *, multiline, required):
    """`value` in NFC, or ValidationError saying which character (1-based) it cannot hold."""
    refused = _first_refused(value, multiline=multiline)
    if refused:
        raise ValidationError(
            _("Character %(position)s is %(what)s, which this field cannot hold."),
            code="character",
            params={"position": refused.start() + 1, "what": _what(refused.group())},
        )
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    if required and not value:
        raise ValidationError(_("This field cannot be blank."), code="blank")
    if required and not value.strip():
        raise ValidationError(_("This field cannot be only blank space."), code="blank_space")
    return value


def printable(value):
    """`value` fit to show on a page: each character the rule refuses becomes U+FFFD.

    For values stored before the rule (a staged change of then): a page that
    shows one must still render, so that staff can see and discard it.
    """
    return MULTI_LINE_REFUSED.sub("\ufffd", value)


def is_text_field(field):
    return isinstance(field, (models.CharField, models.TextField)) and not field.is_relation


def clean_value(field, value):
    """`value` of the model `field` under the rule (NFC), or ValidationError."""
    if not isinstance(value, str):
        return value
    value = clean_text(
        value,
        multiline=isinstance(field, models.TextField) and not field.choices,
        required=not field.blank,
    )
    if isinstance(field, models.URLField) and value:
        links.validate_public_url(value)
    return value


def check_value(model, name, value):
    """`value` for `model`'s field `name` under the rule (a form's ``clean_<name>``)."""
    return clean_value(model._meta.get_field(name), value)


def check_field(model, name, value):
    """As check_value, the refusal keyed by the field: ValidationError({name: ...})."""
    try:
        return check_value(model, name, value)
    except ValidationError as error:
        raise ValidationError({name: error.error_list}) from None


def clean_instance(instance, exclude=()):
    """Normalise `instance`'s text fields in place; {field name: [errors]} for those refused."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or not is_text_field(field):
            continue
        try:
            value = clean_value(field, getattr(instance, field.attname))
        except ValidationError as error:
            errors[field.name] = error.error_list
        else:
            setattr(instance, field.attname, value)
    return errors


class TextRules(models.Model):
    """A model whose validation (``full_clean``) applies the text and URL rules to its fields."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        errors = clean_instance(self, exclude)
        try:
            super().clean_fields(exclude=exclude | set(errors))
        except ValidationError as error:
            errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)
