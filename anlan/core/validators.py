"""Validators for Chinese identification codes.

- 统一社会信用代码 (unified social credit code, USCC), GB 32100-2015: 18 characters from a
  31-symbol alphabet (digits and upper-case letters without I, O, Z, S, V); the last one is a
  check character computed modulo 31 over the first 17.
- 公民身份号码 (citizen ID number), GB 11643-1999: 17 digits (6 region, 8 birth date, 3 sequence)
  and an ISO 7064 MOD 11-2 check character (0-9 or X).
- Mainland mobile numbers: 11 digits starting 13-19, optionally written with +86 / 86.

Each ``validate_*`` raises ``django.core.exceptions.ValidationError`` with a message that says
why; each ``normalize_*`` returns the canonical form (upper case, no spaces).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _compact(value: str) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).upper()


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return _compact(value)


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(code)},
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("The character(s) %(chars)s cannot appear in a unified social credit code."),
            code="alphabet",
            params={"chars": " ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _(
                "Characters 3 to 8 of a unified social credit code are the region code and must be digits."
            ),
            code="region",
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong (expected %(expected)s): the code was mistyped."),
            code="check",
            params={"expected": expected},
        )


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return _compact(value)


def validate_id_number(value: str) -> None:
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("A citizen ID number has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A citizen ID number is 17 digits followed by a digit or X."), code="format"
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Digits 7 to 14 of a citizen ID number must be a real date of birth."), code="birth"
        ) from None
    if birth.year < 1900 or birth > dt.date.today():  # noqa: DTZ011 (a calendar date, no zone)
        raise ValidationError(
            _("The date of birth in the ID number is not plausible."), code="birth"
        )
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check digit is wrong (expected %(expected)s): the number was mistyped."),
            code="check",
            params={"expected": expected},
        )


def mask_id_number(value: str) -> str:
    """Show only the first 4 and last 2 characters, as public notices do."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def normalize_mobile(value: str) -> str:
    number = re.sub(r"[\s()-]", "", str(value or ""))
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    return number


def validate_mobile(value: str) -> None:
    number = normalize_mobile(value)
    if not MOBILE_RE.match(number):
        raise ValidationError(
            _("A mobile number is 11 digits starting with 13 to 19 (optionally after +86)."),
            code="mobile",
        )
