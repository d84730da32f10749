"""Request values that the views turn into numbers and searches, bounded as AWS bounds its parameters.

Every number a request sends is read here, in ASCII digits only. `str.isdigit()` and `int()` accept
far more: "²" passes isdigit() and then fails int() (a server error), int() reads "٣", "1_000" and
" 7 ", float() reads "inf" and "nan", and a number of thousands of digits is past Python's conversion
limit (and any database column).
"""

import re
from decimal import Decimal

# 18 digits fit every integer column (a signed 64-bit integer holds 19).
_INTEGER = re.compile(r"[0-9]{1,18}")
_DECIMAL = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,18})?")


def ascii_int(value):
    """The non-negative integer that `value` writes in ASCII digits, or None for anything else."""
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def ascii_decimal(value):
    """The non-negative decimal that `value` writes in ASCII digits (with an optional fraction), or None."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


# A search longer than the longest text it looks in (a description: 1,000 characters) finds nothing,
# whatever follows; cut there, it never reaches the database as a LIKE pattern too long to compile
# (SQLite refuses patterns of 50,000 bytes).
SEARCH_MAX = 1001


def search_text(data, key="q"):
    """A list's search box (`key` of a GET or POST QueryDict), stripped and bounded."""
    return data.get(key, "").strip()[:SEARCH_MAX]
