"""Text from all of Unicode through every way in: stored exactly (in NFC) or refused.

Each way in (the staging services, the staff edit form, the spreadsheet
import, the public correction form) is given generated text, control
characters and unpaired surrogates included. The value is either stored
exactly as given once normalised to NFC, or refused with an error that
names the field; never a raw database error. Every page that shows the
record (public and staff) then answers 200, 404 or 410.
"""

import itertools
import unicodedata
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from editorial import imports, staging
from editorial.models import Change, Correction, CorrectionContact
from entities.models import Firm
from evidence.models import Citation, Claim, Source
from tests.conftest import publish
from tests.editorial.test_staff import edit_form_data
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    SourceFactory,
    correction_form_data,
    csv_file,
    login_verified,
)

pytestmark = pytest.mark.django_db

# Modest in CI: an example publishes an update or makes several requests.
ENTRY = hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
AWKWARD = st.sampled_from(
    [
        "\x00",
        "\ud800",
        "\udfff",
        "\x07",
        "\x1b",
        "\t",
        "\n",
        "\r",
        " ",
        "\u3000",
        "e\u0301",  # e + combining acute: NFC makes it one character
        "\u0958",  # a Devanagari letter NFC decomposes
        "\u212b",  # the angstrom sign: NFC makes it Å
        "\ufeff",
        "\u202e",
        "\x7f",
        "\x85",
    ]
)
TEXT = st.lists(st.one_of(ANY_CHARACTER, AWKWARD), max_size=24).map("".join)
# What an HTTP request or a UTF-8 file can carry: no surrogates.
ENCODABLE = TEXT.map(lambda text: "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF))

# (model, field): single-line and multi-line, required and optional text.
FIELDS = [
    (Firm, "name_en"),
    (Firm, "description"),
    (Source, "title"),
    (Source, "author"),
    (Claim, "statement"),
    (Citation, "locator"),
    (Citation, "quote"),
]
MAKE = {
    Firm: FirmFactory,
    Source: SourceFactory,
    Claim: ClaimFactory,
    Citation: lambda: CitationFactory(claim=ClaimFactory(cite=False)),
}


NUMBERS = itertools.count(100000)


def nfc(text):
    return unicodedata.normalize("NFC", text)


def should_refuse(field, value):
    """The rule, written out independently of hub.text: why `value` must be refused, or ""."""
    multiline = field.get_internal_type() == "TextField"
    for char in value:
        if unicodedata.category(char) == "Cs":
            return "surrogate"
        if ord(char) < 0x20 and not (multiline and char in "\t\n\r"):
            return "control"
    if not field.blank and not nfc(value).strip():
        return "blank"
    return ""


def attempt(call, refusal):
    """(what `call()` returns, None), or (None, the `refusal` exception it raised)."""
    try:
        return call(), None
    except refusal as error:
        return None, error


def pages_answer(record, client):
    """Every public and staff page showing `record` answers 200, 404 or 410."""
    urls = [
        record.get_absolute_url(),
        reverse("editorial:record_history", args=[record.public_id]),
        reverse("downloads:record_json", args=[record.public_id]),
        reverse("editorial:staff_stage", args=[record.public_id]),
        reverse("editorial:staff_changes"),
    ]
    for url in urls:
        status = client.get(url, follow=True).status_code  # a citation's page is on its claim's
        assert status in (200, 404, 410), (url, status)


@pytest.fixture
def staff(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("rhea", is_staff=True)
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


@ENTRY
@given(target=st.sampled_from(FIELDS), value=TEXT)
def test_a_staged_edit_stores_the_text_in_nfc_or_refuses_it_naming_the_field(target, value, staff):
    model, name = target
    record = MAKE[model]()
    field = model._meta.get_field(name)
    before = getattr(record, name)
    pending = Change.objects.count()
    change, error = attempt(
        lambda: staging.stage_edit(record=record, fields={name: value}, user=staff),
        staging.StagingRefused,
    )
    if error is not None:
        if nfc(value) == before:
            assert str(error) == "The proposed values are the ones already published."
        else:
            assert should_refuse(field, value), (value, str(error))
            assert str(error).startswith(f"{name}: "), str(error)
        assert Change.objects.count() == pending
        record.refresh_from_db()
        assert getattr(record, name) == before
    else:
        assert not should_refuse(field, value), value
        assert change.proposed == {name: nfc(value)}
        publish(change, key=uuid.uuid4().hex, published_by=staff)
        record.refresh_from_db()
        assert getattr(record, name) == nfc(value)
    pages_answer(record, login_verified(Client(), staff))


def new_record_fields(model):
    """Serialised values for a new record of `model` that staging accepts."""
    if model is Firm:
        return {"name_en": "New Firm", "kind": "company", "ownership": "private", "country": "CN"}
    if model is Source:
        return {
            "title": "A report",
            "publisher": "A monitor",
            "kind": "ngo_report",
            "language": "en",
            "reliability": "B",
        }
    if model is Claim:
        return {"statement": "A firm did a thing.", "claim_type": "equipment_supply"}
    return {
        "claim": ClaimFactory(cite=False).public_id,
        "source": SourceFactory().public_id,
        "locator": "p. 1",
    }


@ENTRY
@given(target=st.sampled_from(FIELDS), value=TEXT)
def test_a_new_record_is_staged_with_its_text_in_nfc_or_refused_naming_the_field(
    target, value, staff
):
    model, name = target
    field = model._meta.get_field(name)
    fields = {**new_record_fields(model), name: value}
    drafts = model.objects.count()
    change, error = attempt(
        # An identifier of its own: the factories' sequences would meet the next one.
        lambda: staging.stage_new(
            model=model, fields=fields, user=staff, public_id=f"{model.ID_PREFIX}7{next(NUMBERS)}"
        ),
        staging.StagingRefused,
    )
    if error is not None:
        assert should_refuse(field, value), (value, str(error))
        assert f"{name}: " in str(error), str(error)
        assert model.objects.count() == drafts
    else:
        assert not should_refuse(field, value), value
        draft = model.objects.get(pk=change.object_id)
        assert getattr(draft, name) == nfc(value)


@ENTRY
@given(target=st.sampled_from(FIELDS), value=ENCODABLE)
def test_the_staff_edit_form_stores_the_text_in_nfc_or_shows_the_refusal(target, value, staff):
    model, name = target
    record = MAKE[model]()
    field = type(record)._meta.get_field(name)
    client = login_verified(Client(), staff)
    data = {**edit_form_data(record), "action": "edit", f"edit-{name}": value}
    pending = Change.objects.count()
    response = client.post(reverse("editorial:staff_stage", args=[record.public_id]), data)
    typed = value.replace("\r\n", "\n").strip()  # as the form reads a textarea
    if response.status_code == 302:
        assert Change.objects.count() == pending + 1
        change = Change.objects.latest("pk")
        assert change.proposed == {name: nfc(typed)}
        assert not should_refuse(field, typed)
    else:
        assert response.status_code == 400
        assert Change.objects.count() == pending
        page = response.content.decode()
        assert 'role="alert"' in page or 'class="field-errors"' in page
        if nfc(typed) != getattr(record, name) and "\x00" not in typed:
            assert should_refuse(field, typed), typed
            assert f"{name}: " in page or 'class="field-errors"' in page
    pages_answer(record, client)


@ENTRY
@given(column=st.sampled_from(["name_en", "description"]), value=ENCODABLE)
def test_a_spreadsheet_import_stores_the_text_in_nfc_or_reports_the_row_and_field(
    column, value, staff
):
    firm = FirmFactory()
    field = type(firm)._meta.get_field(column)
    content = csv_file(["public_id", column], [[firm.public_id, value]])
    pending = Change.objects.count()
    try:
        sheet = imports.read_table(content, "firms.csv")
    except imports.ImportFileError:
        assert "\x00" in value  # a NUL makes the file binary, not a table
        return
    report = imports.run_import(table="firms", sheet=sheet, user=staff, commit=True)
    read = sheet.rows[0].cells[column]
    typed = read.replace("\r\n", "\n") if isinstance(read, str) else ""
    if report["errors"]:
        assert should_refuse(field, typed), (typed, report["errors"])
        [error] = report["errors"]
        assert error["row"] == 2
        assert error["reason"].startswith(f"{column}: ")
        assert Change.objects.count() == pending
    else:
        assert not should_refuse(field, typed), typed
        if report["staged"]:
            change = Change.objects.latest("pk")
            assert change.proposed == {column: nfc(typed)}
        else:
            assert nfc(typed) == getattr(firm, column)
    pages_answer(firm, login_verified(Client(), staff))


@ENTRY
@given(name=st.sampled_from(["what_is_wrong", "proposed_fix", "name"]), value=ENCODABLE)
def test_the_public_form_stores_the_text_in_nfc_or_shows_the_field_error(name, value):
    cache.clear()  # the form's rate limit counts every example's post
    firm = FirmFactory()
    data = correction_form_data(
        what_is_wrong="The name is wrong.", proposed_fix="It is right.", record=firm.public_id
    )
    data[name] = value
    model = CorrectionContact if name == "name" else Correction
    field = model._meta.get_field(name)
    before = Correction.objects.count()
    response = Client().post(reverse("editorial:correction_new"), data)
    typed = value.strip()  # a form field strips what is typed
    if response.status_code == 302:
        assert not should_refuse(field, typed)
        assert typed or field.blank
        correction = Correction.objects.latest("pk")
        stored = correction.contact.name if name == "name" else getattr(correction, name)
        assert stored == nfc(typed)
        assert Client().get(correction.get_absolute_url()).status_code == 200
    else:
        assert response.status_code == 400
        assert Correction.objects.count() == before
        assert should_refuse(field, typed) or not typed or len(typed) > field.max_length
    assert Client().get(reverse("editorial:correction_log")).status_code == 200
    assert Client().get(firm.get_absolute_url()).status_code == 200


@ENTRY
@given(name=st.sampled_from(["what_is_wrong", "proposed_fix", "evidence"]), value=TEXT)
def test_the_correction_service_refuses_what_the_form_cannot_carry(name, value):
    from editorial import corrections

    fields = {"what_is_wrong": "Wrong.", "proposed_fix": "Right.", "evidence": ""}
    fields[name] = value
    field = Correction._meta.get_field(name)
    before = Correction.objects.count()
    submitted, error = attempt(lambda: corrections.submit_correction(**fields), ValidationError)
    if error is not None:
        assert name in error.message_dict
        assert should_refuse(field, value)
        assert Correction.objects.count() == before
    else:
        assert not should_refuse(field, value)
        correction, _token = submitted
        assert getattr(correction, name) == nfc(value)
