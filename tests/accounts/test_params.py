"""Request values read as AWS reads its parameters: numbers in ASCII digits, searches bounded."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from aws.params import SEARCH_MAX, ascii_decimal, ascii_int, search_text


@pytest.mark.parametrize(
    "value, number",
    [
        ("0", 0),
        ("7", 7),
        ("007", 7),
        ("999999999999999999", 999999999999999999),
        ("9999999999999999999", None),  # 19 digits: past what every integer column holds
        ("9" * 5000, None),  # past int()'s 4,300 digits
        ("²", None),  # passes str.isdigit(), and int() refuses it
        ("٣", None),  # int() reads it as 3
        ("１", None),
        ("1_000", None),
        (" 7", None),
        ("7\n", None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("0x1", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_ascii_int(value, number):
    assert ascii_int(value) == number


@pytest.mark.parametrize(
    "value, number",
    [
        ("12", Decimal(12)),
        ("1.5", Decimal("1.5")),
        ("0.25", Decimal("0.25")),
        ("inf", None),
        ("nan", None),
        ("1e3", None),
        ("1.", None),
        (".5", None),
        ("١.٥", None),
        ("9" * 19, None),
        ("-1", None),
    ],
)
def test_ascii_decimal(value, number):
    assert ascii_decimal(value) == number


def test_search_text_is_stripped_and_bounded():
    assert search_text(QueryDict("q=+alice+")) == "alice"
    assert search_text(QueryDict("copy_q=bob"), "copy_q") == "bob"
    assert search_text(QueryDict("")) == ""
    assert len(search_text(QueryDict("q=" + "x" * 60_000))) == SEARCH_MAX
