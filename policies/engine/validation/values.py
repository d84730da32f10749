"""How validation reads values that both IAM's refusals and Access Analyzer's checks look at:
wildcards, globs (an action or resource pattern covering another) and dates as IAM's legacy parser
reads them."""

import re
from functools import lru_cache


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _glob(pattern: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@lru_cache(maxsize=8192)
def _glob_regex(pattern: str, ignore_case: bool) -> re.Pattern:
    return re.compile(_glob(pattern), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def glob_covers(general: str, specific: str, *, ignore_case: bool) -> bool:
    """Whether every string `specific` (itself a glob) matches is matched by `general`."""
    if "*" not in general and "?" not in general:
        return general.lower() == specific.lower() if ignore_case else general == specific
    return _glob_regex(general, ignore_case).fullmatch(specific) is not None


_ISO_DATE_LIMITS = (-292275054, 292278993)


def legacy_date_ok(value: str) -> bool:
    try:
        if "t" in value or "-" in value:
            return _iso_ok(value)
        return 0 <= int(value) <= 9223372036854775807
    except (ValueError, IndexError):
        return False


def _iso_ok(value: str) -> bool:
    date, _, time = value.partition("t")
    negative = date.startswith("-")
    parts = (date[1:] if negative else date).split("-")
    year = int(("-" if negative else "") + parts[0])
    if not _ISO_DATE_LIMITS[0] <= year <= _ISO_DATE_LIMITS[1] or len(parts) > 3:
        return False
    if len(parts) > 1 and not 1 <= int(parts[1]) <= 12:
        return False
    if len(parts) > 2 and not 1 <= int(parts[2]) <= 31:
        return False
    hms = time.split(":")
    if hms[0] != "" and not 0 <= int(hms[0]) <= 23:
        return False
    if len(hms) > 1 and not 0 <= int(hms[1]) <= 59:
        return False
    if len(hms) > 2:
        tail = hms[2]
        if "z" in tail:
            seconds, _, after = tail.partition("z")
            if after:
                return False
        elif "+" in tail:
            seconds, _, zone = tail.partition("+")
            zh, colon, zm = zone.partition(":")
            if len(zh) != 2 or not 0 <= int(zh) <= 23:
                return False
            if colon and (len(zm) != 2 or not 0 <= int(zm) <= 59):
                return False
        else:
            seconds = tail
        whole, dot, fraction = seconds.partition(".")
        if not 0 <= int(whole) <= 59:
            return False
        if dot and not 0 <= int(fraction) <= 999999999:
            return False
    return True
