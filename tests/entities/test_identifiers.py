"""Registry identifiers are checked against their check characters."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from entities import identifiers
from entities.identifiers import (
    USCC_ALPHABET,
    is_valid_inn,
    is_valid_lei,
    is_valid_ogrn,
    is_valid_uscc,
)

# Codes as their holders and the public registers publish them.
REAL_USCC = [
    "914403001922038216",  # Huawei Technologies Co., Ltd. (Shenzhen)
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems Co., Ltd.
    "91330100716105852F",  # Alibaba (China) Co., Ltd.
]
REAL_LEI = [
    "506700GE1G29325QX363",  # Global Legal Entity Identifier Foundation (GLEIF)
    "7LTWFZYICNSX8D621K86",  # Deutsche Bank AG
    "213800LBQA1Y9L22JB70",  # the example LEI of the ISO 17442 article on Wikipedia
]
REAL_INN = [
    "7707083893",  # Sberbank of Russia
    "7736050003",  # Gazprom
    "7728168971",  # Alfa-Bank
    "500100732259",  # the 12-digit example of the Federal Tax Service's check
]
REAL_OGRN = [
    "1027700132195",  # Sberbank of Russia
    "1027700070518",  # Gazprom
    "304500116000157",  # a sole trader (OGRNIP), 15 digits
]


@pytest.mark.parametrize("code", REAL_USCC)
def test_published_unified_social_credit_codes_are_valid(code):
    assert is_valid_uscc(code)
    identifiers.validate_uscc(code)


@pytest.mark.parametrize("code", REAL_LEI)
def test_published_leis_are_valid(code):
    assert is_valid_lei(code)
    identifiers.validate_lei(code)


@pytest.mark.parametrize("code", REAL_INN)
def test_published_inns_are_valid(code):
    assert is_valid_inn(code)
    identifiers.validate_inn(code)


@pytest.mark.parametrize("code", REAL_OGRN)
def test_published_ogrns_are_valid(code):
    assert is_valid_ogrn(code)
    identifiers.validate_ogrn(code)


@pytest.mark.parametrize(
    ("validator", "value", "words"),
    [
        (identifiers.validate_uscc, "914403001922038217", "Unified Social Credit Code: the check"),
        (identifiers.validate_uscc, "91440300192203821I", "other than I, O, S, V and Z"),
        (identifiers.validate_uscc, "9144030019220382", "18 characters"),
        (identifiers.validate_lei, "506700GE1G29325QX364", "LEI: the check"),
        (identifiers.validate_lei, "506700ge1g29325qx363", "capital letters"),
        (identifiers.validate_inn, "7707083894", "INN: the check"),
        (identifiers.validate_inn, "77070838", "10 digits"),
        (identifiers.validate_inn, "500100732258", "INN: the check"),
        (identifiers.validate_ogrn, "1027700132196", "OGRN: the check"),
    ],
)
def test_a_bad_identifier_is_refused_with_a_message_naming_it(validator, value, words):
    with pytest.raises(ValidationError) as error:
        validator(value)
    assert words in error.value.messages[0]


# Generated cases ---------------------------------------------------------------

uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)
lei_bodies = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=18, max_size=18)
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@given(uscc_bodies)
def test_a_uscc_completed_with_its_check_character_is_valid(body):
    assert is_valid_uscc(body + identifiers.uscc_check_character(body))


@given(st.sampled_from(REAL_USCC), st.integers(0, 17), st.sampled_from(USCC_ALPHABET + "IOSVZa-"))
def test_any_single_character_changed_in_a_uscc_is_caught(code, position, char):
    # The weights are all below 31, a prime: every single substitution changes the sum.
    assume(code[position] != char)
    corrupted = code[:position] + char + code[position + 1 :]
    assert not is_valid_uscc(corrupted)
    with pytest.raises(ValidationError):
        identifiers.validate_uscc(corrupted)


@given(lei_bodies)
def test_an_lei_completed_with_its_check_digits_is_valid(body):
    assert is_valid_lei(body + identifiers.lei_check_digits(body))


@given(st.sampled_from(REAL_LEI), st.integers(0, 19), st.data())
def test_any_digit_for_digit_or_letter_for_letter_change_in_an_lei_is_caught(code, position, data):
    # MOD 97-10 catches every change within a class; a digit swapped for a letter
    # lengthens the number and slips through about once in 97 times, so it is not claimed.
    alphabet = "0123456789" if code[position].isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    char = data.draw(st.sampled_from(alphabet.replace(code[position], "")))
    corrupted = code[:position] + char + code[position + 1 :]
    assert not is_valid_lei(corrupted)


def _weighted_remainder(code, weights):
    return sum(int(d) * w for d, w in zip(code, weights, strict=False)) % 11


@given(st.sampled_from(REAL_INN), st.data())
def test_a_single_digit_changed_in_an_inn_is_caught_unless_its_remainder_is_10(code, data):
    """The check digit is the weighted sum modulo 11, then modulo 10: a change that
    moves the remainder between 0 and 10 keeps the check digit, and only that one."""
    position = data.draw(st.integers(0, len(code) - 1))
    char = data.draw(digits.filter(lambda d: d != code[position]))
    corrupted = code[:position] + char + code[position + 1 :]
    if len(code) == 10:
        checks = [(identifiers.INN_WEIGHTS_10, 9)]
    else:
        checks = [(identifiers.INN_WEIGHTS_11, 10), (identifiers.INN_WEIGHTS_12, 11)]
    matches = [
        int(corrupted[at]) == _weighted_remainder(corrupted[:at], weights) % 10
        for weights, at in checks
    ]
    assert is_valid_inn(corrupted) == all(matches)
    if all(matches):  # it escaped: only through the 0/10 collision of some check
        assert any(
            {_weighted_remainder(corrupted[:at], w), _weighted_remainder(code[:at], w)} == {0, 10}
            for w, at in checks
        )


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_an_organisation_inn_completed_with_its_check_digit_is_valid(body):
    assert is_valid_inn(body + identifiers.inn_check_digits(body))


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_a_personal_inn_completed_with_its_two_check_digits_is_valid(body):
    assert is_valid_inn(body + identifiers.inn_check_digits(body))


@given(st.text(min_size=0, max_size=25))
def test_no_text_makes_a_validator_fail_other_than_by_validation_error(text):
    for validator in (
        identifiers.validate_uscc,
        identifiers.validate_lei,
        identifiers.validate_inn,
        identifiers.validate_ogrn,
    ):
        with contextlib.suppress(ValidationError):
            validator(text)
