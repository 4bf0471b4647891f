import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.validators import (
    USCC_ALPHABET,
    id_check_char,
    mask_id_number,
    normalize_mobile,
    uscc_check_char,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

# Credit codes of real, publicly registered companies, and the example ID number of GB 11643.
REAL_USCC = ["91350100M000100Y43", "91110000600037341L", "91440300192179585N"]
REAL_ID = ["11010519491231002X"]


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_credit_codes_are_accepted(code):
    validate_uscc(code)
    validate_uscc(code.lower())  # typed in lower case, still the same code


@pytest.mark.parametrize("code", REAL_USCC)
def test_a_mistyped_character_in_a_credit_code_is_caught(code):
    position = 10
    replacement = next(c for c in "0123456789" if c != code[position])
    corrupted = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError) as exc:
        validate_uscc(corrupted)
    assert exc.value.code == "check"
    assert "校验码错误" in str(exc.value.messages[0])


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y43X", "length"),
        ("91350100M0001O0Y43", "alphabet"),  # letter O is not in the alphabet
        ("91ABCDEFM000100Y43", "region"),
    ],
)
def test_malformed_credit_codes_say_why(code, why):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert exc.value.code == why


@given(
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9), st.sampled_from(["140729", "140802"])
)
def test_any_code_with_its_check_character_validates(body, region):
    first17 = "91" + region + body
    validate_uscc(first17 + uscc_check_char(first17))


@pytest.mark.parametrize("number", REAL_ID)
def test_standard_example_id_number_is_accepted(number):
    validate_id_number(number)
    validate_id_number(number.lower())


def test_id_number_with_wrong_check_digit_is_caught():
    with pytest.raises(ValidationError) as exc:
        validate_id_number("110105194912310021")
    assert exc.value.code == "check"
    assert "应为 X" in str(exc.value.messages[0])


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("1101051949123100", "length"),
        ("11010519491331002X", "birth"),
        ("11010519A91231002X", "format"),
    ],
)
def test_malformed_id_numbers_say_why(number, why):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert exc.value.code == why


@given(
    st.dates(
        min_value=__import__("datetime").date(1940, 1, 1),
        max_value=__import__("datetime").date(2005, 12, 31),
    ),
    st.integers(1, 999),
)
def test_generated_id_numbers_validate(birth, seq):
    first17 = f"140729{birth:%Y%m%d}{seq:03d}"
    validate_id_number(first17 + id_check_char(first17))


def test_id_numbers_are_masked_for_display():
    assert mask_id_number("11010519491231002X") == "1101************2X"


@pytest.mark.parametrize(
    "number", ["13912345678", "+86 139 1234 5678", "8613912345678", "19912345678"]
)
def test_mobile_numbers_are_accepted_and_normalised(number):
    validate_mobile(number)
    assert normalize_mobile(number).isdigit() and len(normalize_mobile(number)) == 11


@pytest.mark.parametrize("number", ["12912345678", "1391234567", "0354-1234567", "139123456789"])
def test_bad_mobile_numbers_are_refused(number):
    with pytest.raises(ValidationError):
        validate_mobile(number)
