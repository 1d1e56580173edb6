import pytest
from django.core.exceptions import ValidationError

from accounts.credit_code import check_character, make_code, validate_credit_code


def test_published_code_of_a_real_enterprise():
    validate_credit_code("914403001922038216")  # 华为技术有限公司, as printed on its business licence


def test_make_code_round_trip():
    code = make_code("91440101MA5C00001")
    validate_credit_code(code)
    assert code[-1] == check_character(code[:17])


@pytest.mark.parametrize("code", ["914403001922038216", " 914403001922038216 ", "914403001922038216".lower()])
def test_valid_and_normalised(code):
    validate_credit_code(code.strip().upper())


@pytest.mark.parametrize(
    "code, err",
    [
        ("91440300192203821", "length"),
        ("9144030019220382166", "length"),
        ("91440300192203821I", "character"),
        ("9144O3001922038216", "character"),
        ("91ABCDEF1922038216", "division"),
        ("914403001922038217", "check"),
    ],
)
def test_invalid_codes_name_the_problem(code, err):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == err


def test_check_message_names_expected_character():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("914403001922038217")
    message = exc.value.messages[0]
    assert "6" in message and "7" in message
