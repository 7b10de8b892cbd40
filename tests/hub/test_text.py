"""The text rule (hub.text): what a text field may hold, where a refusal says it went wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from entities.models import Firm
from hub import text
from tests.factories import FirmFactory, login_verified


def refusal(value, *, multiline=False, required=True):
    with pytest.raises(ValidationError) as caught:
        text.clean_text(value, multiline=multiline, required=required)
    return caught.value.messages[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ab\x00c", "Character 3 is a NUL character"),
        ("\ud83d\ude00", "Character 1 is an unpaired surrogate (U+D83D)"),
        ("a\udfffb", "Character 2 is an unpaired surrogate (U+DFFF)"),
        ("bell\x07", "Character 5 is a control character (U+0007)"),
        ("one\ntwo", "Character 4 is a line break"),
        ("tab\there", "Character 4 is a tab"),
        ("\x1b[31m", "Character 1 is a control character (U+001B)"),
    ],
)
def test_a_refusal_names_the_character_and_its_position(value, message):
    assert refusal(value).startswith(message)


def test_a_multi_line_field_keeps_tabs_and_line_breaks():
    assert text.clean_text("a\tb\r\nc\nd", multiline=True, required=True) == "a\tb\r\nc\nd"
    assert refusal("a\nb\x0bc", multiline=True).startswith("Character 4 is a control character")


def test_text_is_normalised_to_nfc():
    assert text.clean_text("Cafe\u0301", multiline=False, required=True) == "Caf\u00e9"
    assert text.clean_text("\u212b", multiline=False, required=True) == "\u00c5"


def test_required_text_is_not_only_blank_space():
    assert refusal(" \u3000\u00a0") == "This field cannot be only blank space."
    assert refusal("") == "This field cannot be blank."
    assert text.clean_text("  ", multiline=False, required=False) == "  "


def test_a_value_shown_from_before_the_rule_has_every_refused_character_replaced():
    assert text.printable("a\x00b\ud800c\td\n") == "a\ufffdb\ufffdc\td\n"


@pytest.mark.django_db
def test_model_validation_applies_the_rule_to_every_text_field_and_names_each():
    firm = FirmFactory.build(name_en="Bad\x00name", description="Fine\n\tlines", ticker="X\x1f")
    with pytest.raises(ValidationError) as caught:
        firm.full_clean(validate_unique=False, validate_constraints=False)
    errors = caught.value.message_dict
    assert set(errors) == {"name_en", "ticker"}
    assert errors["name_en"] == ["Character 4 is a NUL character, which this field cannot hold."]


@pytest.mark.django_db
def test_model_validation_stores_text_in_nfc():
    firm = FirmFactory.build(name_en="Cafe\u0301 Co.", aliases="A\u030a\nB")
    firm.full_clean(validate_unique=False, validate_constraints=False)
    assert firm.name_en == "Caf\u00e9 Co."
    assert firm.aliases == "\u00c5\nB"


@pytest.mark.django_db
def test_the_admin_refuses_a_control_character_with_a_field_error(admin_user):
    client = login_verified(Client(), admin_user)
    response = client.post(
        "/staff/admin/entities/firm/add/",
        {
            "public_id": "F7000001",
            "name_en": "Bell\x07 Co.",
            "kind": "company",
            "ownership": "private",
            "country": "CN",
            "stage": "1",
        },
    )
    assert response.status_code == 200
    assert "Character 5 is a control character (U+0007)" in response.content.decode()
    assert not Firm.objects.filter(public_id="F7000001").exists()
