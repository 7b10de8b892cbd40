"""Check characters of the registry identifiers a firm record may carry.

Each identifier below ends in check characters computed from the rest, so a
mistyped character (and most swaps of two) is caught before it is stored:

- Unified Social Credit Code (统一社会信用代码, China), GB 32100-2015: 18
  characters from a 31-character alphabet (digits and capital letters except
  I, O, S, V and Z); the last is 31 minus the weighted sum of the first 17
  modulo 31, written in the same alphabet (31 is written 0).
- Legal Entity Identifier, ISO 17442: 18 letters or digits and two check
  digits; read as a number with A = 10 ... Z = 35, it is 1 modulo 97
  (ISO/IEC 7064 MOD 97-10, as in an IBAN).
- Russian taxpayer number (ИНН): 10 digits for an organisation, one check
  digit; 12 digits for a person or sole trader, two check digits. Each check
  digit is a weighted sum of the digits before it, modulo 11, modulo 10.
- Russian state registration number (ОГРН): 13 digits for an organisation,
  whose last digit is the first 12 read as a number modulo 11, modulo 10;
  15 digits (ОГРНИП, a sole trader), the first 14 modulo 13, modulo 10.

The ``is_valid_*`` functions answer yes or no; the ``validate_*`` functions
are Django validators that raise a ValidationError saying what is wrong, for
model fields (and so the admin, the staff pages and the spreadsheet import).
"""

import re

from django.core.exceptions import ValidationError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_SHAPE = re.compile(f"[{USCC_ALPHABET}]{{18}}")

LEI_SHAPE = re.compile("[0-9A-Z]{18}[0-9]{2}")

INN_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


# Unified Social Credit Code ---------------------------------------------------


def uscc_check_character(first17):
    """The 18th character of a USCC whose first 17 characters are `first17`."""
    total = sum(
        USCC_ALPHABET.index(char) * weight
        for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code):
    return bool(USCC_SHAPE.fullmatch(code)) and uscc_check_character(code[:17]) == code[17]


# Legal Entity Identifier ------------------------------------------------------


def _mod97(text):
    # int(char, 36) reads 0-9 as themselves and A-Z as 10-35.
    return int("".join(str(int(char, 36)) for char in text)) % 97


def lei_check_digits(first18):
    """The two check digits of an LEI whose first 18 characters are `first18`."""
    return f"{98 - _mod97(first18 + '00'):02d}"


def is_valid_lei(code):
    return bool(LEI_SHAPE.fullmatch(code)) and _mod97(code) == 1


# Russian INN and OGRN -------------------------------------------------------


def _inn_digit(digits, weights):
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def inn_check_digits(body):
    """The check digit(s) of an INN: `body` is its first 9 (organisation) or 10 (person) digits."""
    if len(body) == 9:
        return str(_inn_digit(body, INN_WEIGHTS_10))
    first = str(_inn_digit(body, INN_WEIGHTS_11))
    return first + str(_inn_digit(body + first, INN_WEIGHTS_12))


def is_valid_inn(code):
    if not (code.isascii() and code.isdigit() and len(code) in (10, 12)):
        return False
    body = code[:9] if len(code) == 10 else code[:10]
    return inn_check_digits(body) == code[len(body) :]


def ogrn_check_digit(body):
    """The last digit of an OGRN (12 digits before it) or an OGRNIP (14 digits before it)."""
    return str(int(body) % (11 if len(body) == 12 else 13) % 10)


def is_valid_ogrn(code):
    if not (code.isascii() and code.isdigit() and len(code) in (13, 15)):
        return False
    return ogrn_check_digit(code[:-1]) == code[-1]


# Django validators ------------------------------------------------------------


def _shape_error(label, expected, value):
    return ValidationError(
        f"{label}: {value!r} is not {expected}.", code="invalid_shape", params={"value": value}
    )


def _check_error(label, value):
    return ValidationError(
        f"{label}: the check character of {value!r} does not match the rest "
        "(a character is mistyped or two are swapped).",
        code="invalid_check",
        params={"value": value},
    )


def validate_uscc(value):
    label = "Unified Social Credit Code"
    if not USCC_SHAPE.fullmatch(value):
        raise _shape_error(
            label,
            "18 characters of digits and capital letters other than I, O, S, V and Z",
            value,
        )
    if not is_valid_uscc(value):
        raise _check_error(label, value)


def validate_lei(value):
    if not LEI_SHAPE.fullmatch(value):
        raise _shape_error("LEI", "18 capital letters or digits and two check digits", value)
    if not is_valid_lei(value):
        raise _check_error("LEI", value)


def validate_inn(value):
    if not (value.isascii() and value.isdigit() and len(value) in (10, 12)):
        raise _shape_error(
            "INN", "10 digits (an organisation) or 12 digits (a person or sole trader)", value
        )
    if not is_valid_inn(value):
        raise _check_error("INN", value)


def validate_ogrn(value):
    if not (value.isascii() and value.isdigit() and len(value) in (13, 15)):
        raise _shape_error("OGRN", "13 digits (OGRN) or 15 digits (OGRNIP)", value)
    if not is_valid_ogrn(value):
        raise _check_error("OGRN", value)
