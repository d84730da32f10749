"""Condition operators and Condition blocks, compiled once and evaluated per request.

AWS sources (docs.aws.amazon.com/IAM/latest/UserGuide/...):
- reference_policies_elements_condition_operators.html  ("IAM JSON policy elements: Condition operators")
- reference_policies_condition-logic-multiple-context-keys-or-values.html
- reference_policies_condition-single-vs-multi-valued-context-keys.html
- reference_policies_variables.html, reference_policies_condition-keys.html

Evaluation logic, as AWS documents it:
- operators in one block are ANDed, keys within one operator are ANDed, the values listed for one
  key are ORed; for a negated operator (StringNotEquals, NotIpAddress, ArnNotLike...) the listed
  values are NORed: the key must match none of them;
- a key absent from the request makes a positive operator false and a negated operator true;
  `...IfExists` makes an absent key true; `Null` tests presence itself;
- `ForAnyValue:` is true when at least one request value matches; false for an absent key or an
  empty set. `ForAllValues:` is true when every request value matches; true for an absent key or
  an empty set. With a negated operator the negation applies to each request value:
  `ForAllValues:StringNotEquals` means no request value is in the list, `ForAnyValue:StringNotLike`
  means at least one request value matches none of the patterns;
- an operator without a qualifier applied to a multivalued key: a positive operator matches when
  any request value matches, and a negated operator is its exact negation (true when no request
  value matches). AWS asks for a set qualifier there, so this choice only decides odd policies.
- an "empty data set" (an empty list, or an empty string, in AWS's own example) makes
  `ForAllValues:` true and `ForAnyValue:` false, and is null for `Null`.
Policy values that cannot be parsed for their operator (a bad date, IP, number, base-64, a Bool
other than true/false, an ARN pattern without six parts) match nothing, so a negated operator
holding only such values is true. Refusing them is validation's business, not evaluation's.
Operator names are case-sensitive; an unknown one is IAM's "Invalid Condition type : NAME".
"""

import base64
import binascii
import functools
import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from policies.engine import variables
from policies.engine.context import Context
from policies.engine.variables import Literal, Variable

__all__ = ["OPERATORS", "ConditionBlock", "compile_condition_block", "parse_date", "parse_number"]

# match(request_value, ctx): exactly True or False (the qualifier wrappers compare with `is`).
Matcher = Callable[[str, Context], bool]


# ---------------------------------------------------------------------------------------------
# Value parsing (shared by policy values, at compile time, and context values, per request)

# re.ASCII throughout: \d must not accept other scripts' digits, which int() would happily read.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# int() refuses strings past 4,300 digits; a Decimal holds a longer integer just as exactly.
_LONGEST_INT = 1000


def parse_number(text: str) -> int | Decimal | None:
    """An integer or decimal as AWS's Numeric operators read it; None when `text` is not one."""
    if not _NUMBER.fullmatch(text):
        return None
    if text.lstrip("+-").isdigit() and len(text) <= _LONGEST_INT:
        return int(text)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None


# W3C profile of ISO 8601 (www.w3.org/TR/NOTE-datetime), which AWS names: YYYY, YYYY-MM,
# YYYY-MM-DD, then THH:MM, THH:MM:SS or THH:MM:SS.fraction, then Z or +HH:MM / -HH:MM. A missing
# time zone is read as UTC (what AWS's clock, aws:CurrentTime, uses).
_ISO_DATE = re.compile(
    r"(?P<y>\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[Tt](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?)?",
    re.ASCII,
)
# ISO 8601 basic format, as in 20130930T231548Z (seen in AWS's own examples).
_ISO_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})[Tt](?P<h>\d{2})(?P<mi>\d{2})(?:(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_EPOCH = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def parse_date(text: str) -> int | None:
    """A date as microseconds since the epoch: ISO 8601 (W3C) or epoch seconds; None if neither."""
    # All digits is epoch seconds (aws:EpochTime); this takes precedence over a bare year "YYYY".
    if _EPOCH.fullmatch(text):
        if "." in text:
            return int(Decimal(text) * 1_000_000)
        return (int(text) if len(text) <= _LONGEST_INT else int(Decimal(text))) * 1_000_000
    match = _ISO_DATE.fullmatch(text) or _ISO_BASIC.fullmatch(text)
    if not match:
        return None
    parts = match.groupdict()
    tz = parts["tz"]
    if tz is None or tz in "Zz":
        zone = UTC
    else:
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        zone = timezone(-offset if tz[0] == "-" else offset)
    fraction = parts["f"] or ""
    try:
        moment = datetime(
            int(parts["y"]),
            int(parts["mo"] or 1),
            int(parts["d"] or 1),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
            int((fraction + "000000")[:6]),
            tzinfo=zone,
        )
    except ValueError:  # month 13, hour 25, February 30...
        return None
    return (moment - _EPOCH_START) // _MICROSECOND


def _parse_ip_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    # A bare address is its own /32 (or /128). Host bits set under the prefix are ignored, as in
    # 203.0.113.7/24 meaning 203.0.113.0/24.
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _decode_base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _parse_ip_address(text: str) -> tuple[int, int] | None:
    """A request's IP address as (version, integer), or None when it is not one."""
    # IPv4 by hand: ipaddress.ip_address costs several microseconds and this runs per request.
    if ":" not in text:  # not IPv6 (nor IPv4-mapped IPv6, which ipaddress reads below)
        parts = text.split(".")
        if len(parts) != 4:
            return None
        number = 0
        for part in parts:
            # Digits only, no leading zero (as ipaddress: "010" is ambiguous), at most 255.
            if (
                not part.isascii()
                or not part.isdigit()
                or len(part) > 3
                or (len(part) > 1 and part[0] == "0")
            ):
                return None
            octet = int(part)
            if octet > 255:
                return None
            number = number << 8 | octet
        return 4, number
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.version, int(address)


# Request values recur: the same aws:CurrentTime or aws:SourceIp is tested by many statements of
# one request, and by many requests. Parsing is a pure function of the text, so cache it.
_request_number = functools.lru_cache(maxsize=4096)(parse_number)
_request_date = functools.lru_cache(maxsize=4096)(parse_date)
_request_ip = functools.lru_cache(maxsize=4096)(_parse_ip_address)
_request_binary = functools.lru_cache(maxsize=1024)(_decode_base64)


# ---------------------------------------------------------------------------------------------
# Matchers: each operator family compiles the policy's values for one key into a function
# `match(request_value, ctx) -> bool`, true when the request value matches ANY policy value (the
# positive sense; negated operators negate it per request value).


def _split_static(values: list[str], version: str | None, compile_one: Callable) -> tuple[list, list]:
    """Policy values compiled: those without variables (static) and those with (dynamic)."""
    static, dynamic = [], []
    for value in values:
        compiled = compile_one(value, version=version)
        (static if not callable(compiled) else dynamic).append(compiled)
    return static, dynamic


def _string_equals(values: list[str], version: str | None) -> Matcher:
    static, dynamic = _split_static(values, version, variables.compile_text)
    fixed = frozenset(static)
    if not dynamic:
        return lambda value, ctx: value in fixed

    def match(value: str, ctx: Context) -> bool:
        return value in fixed or any(make(ctx) == value for make in dynamic)

    return match


def _string_equals_ignore_case(values: list[str], version: str | None) -> Matcher:
    static, dynamic = _split_static(values, version, variables.compile_text)
    fixed = frozenset(v.lower() for v in static)
    if not dynamic:
        return lambda value, ctx: value.lower() in fixed

    def match(value: str, ctx: Context) -> bool:
        lowered = value.lower()
        if lowered in fixed:
            return True
        for make in dynamic:
            text = make(ctx)
            if text is not None and text.lower() == lowered:
                return True
        return False

    return match


def _has_wildcard(value: str, version: str | None) -> bool:
    """Whether a StringLike value has a * or ? that is a wildcard (not inside ${...})."""
    return any(type(p) is str and ("*" in p or "?" in p) for p in variables.parse(value, version=version))


def _string_like(values: list[str], version: str | None) -> Matcher:
    # Values without wildcards are plain equality (a set lookup, or one substitution): cheaper
    # than a regex, and the usual case for home-directory lists such as ["", "home/"].
    plain = [v for v in values if not _has_wildcard(v, version)]
    equal = _string_equals(plain, version) if plain else None
    static, dynamic = _split_static(
        [v for v in values if _has_wildcard(v, version)], version, variables.compile_pattern
    )
    # One alternation for all fixed patterns: one regex call per request value.
    combined = (
        re.compile("|".join(p.pattern for p in static), variables.pattern_flags(False)) if static else None
    )
    if not dynamic and equal is None:
        if combined is None:
            return lambda value, ctx: False
        fullmatch = combined.match
        return lambda value, ctx: fullmatch(value) is not None

    def match(value: str, ctx: Context) -> bool:
        if equal is not None and equal(value, ctx):
            return True
        if combined is not None and combined.match(value):
            return True
        for make in dynamic:
            pattern = make(ctx)
            if pattern is not None and pattern.match(value):
                return True
        return False

    return match


def _ordered_matcher(
    parse: Callable[[str], Any], compare: Callable[[Any, Any], bool], limits: list
) -> Matcher:
    """Match a request value, once parsed, against any of the policy's parsed values."""
    if len(limits) == 1:  # the usual case: one date or number in the policy
        (limit,) = limits

        def match_one(value: str, ctx: Context) -> bool:
            parsed = parse(value)
            return parsed is not None and compare(parsed, limit)

        return match_one

    def match(value: str, ctx: Context) -> bool:
        parsed = parse(value)
        if parsed is None:
            return False
        for limit in limits:  # noqa: SIM110 - hot path, no generator
            if compare(parsed, limit):
                return True
        return False

    return match


def _numeric(compare: Callable[[Any, Any], bool]) -> Callable[[list[str], str | None], Matcher]:
    def build(values: list[str], version: str | None) -> Matcher:
        # AWS: policy variables are not supported with Numeric operators, so ${...} is just text
        # that is not a number, and a value that is not a number never matches.
        numbers = [n for n in map(parse_number, values) if n is not None]

        return _ordered_matcher(_request_number, compare, numbers)

    return build


def _date(compare: Callable[[Any, Any], bool]) -> Callable[[list[str], str | None], Matcher]:
    def build(values: list[str], version: str | None) -> Matcher:
        # Policy variables are not supported with Date operators either.
        moments = [m for m in map(parse_date, values) if m is not None]

        return _ordered_matcher(_request_date, compare, moments)

    return build


def _bool(values: list[str], version: str | None) -> Matcher:
    static, dynamic = _split_static(values, version, variables.compile_text)
    # "true"/"false" in any case; any other policy value never matches.
    fixed = frozenset(v.lower() for v in static if v.lower() in ("true", "false"))
    if not dynamic:
        return lambda value, ctx: value.lower() in fixed

    def match(value: str, ctx: Context) -> bool:
        lowered = value.lower()
        if lowered in fixed:
            return True
        for make in dynamic:
            text = make(ctx)
            if text is not None and text.lower() in ("true", "false") and text.lower() == lowered:
                return True
        return False

    return match


def _binary(values: list[str], version: str | None) -> Matcher:
    # The policy holds base-64; the request's binary value also travels as base-64 text here, so
    # both are decoded and compared byte for byte (padding/alphabet differences do not matter).
    fixed = frozenset(b for b in map(_decode_base64, values) if b is not None)

    def match(value: str, ctx: Context) -> bool:
        decoded = _request_binary(value)
        return decoded is not None and decoded in fixed

    return match


def _ip_address(values: list[str], version: str | None) -> Matcher:
    networks = [n for n in map(_parse_ip_network, values) if n is not None]
    v4 = [(int(n.network_address), int(n.netmask)) for n in networks if n.version == 4]
    v6 = [(int(n.network_address), int(n.netmask)) for n in networks if n.version == 6]

    def match(value: str, ctx: Context) -> bool:
        parsed = _request_ip(value)
        if parsed is None:
            return False
        version, number = parsed
        for network, mask in v4 if version == 4 else v6:  # noqa: SIM110 - hot path, no generator
            if number & mask == network:
                return True
        return False

    return match


def _arn_regex(pieces: list[tuple[str, bool]]) -> re.Pattern | None:
    """Regex for an ARN pattern, part by part: wildcards never cross the colons between the first
    five parts (arn:partition:service:region:account:), the sixth part (resource) is one part
    that may itself hold colons. `pieces` are (text, wildcards_allowed). None: not six parts."""
    out = []
    colons = 0
    for text, wild in pieces:
        for char in text:
            last_part = colons >= 5
            if char == ":":
                colons += 1
                out.append(":")
            elif wild and char == "*":
                out.append(".*" if last_part else "[^:]*")
            elif wild and char == "?":
                out.append("." if last_part else "[^:]")
            else:
                out.append(re.escape(char))
    if colons < 5:
        return None
    return variables.compile_regex("".join(out), ignore_case=False)


def _arn_like(values: list[str], version: str | None) -> Matcher:
    static: list[re.Pattern] = []
    dynamic: list[tuple] = []
    for value in values:
        pieces = variables.parse(value, version=version)
        if any(type(p) is Variable for p in pieces):
            dynamic.append(tuple(pieces))
            continue
        regex = _arn_regex([(str(p), type(p) is not Literal) for p in pieces])
        if regex is not None:
            static.append(regex)
    combined = re.compile("|".join(p.pattern for p in static), re.DOTALL) if static else None

    def resolve(pieces: tuple, ctx: Context) -> re.Pattern | None:
        parts = []
        for piece in pieces:
            if type(piece) is Variable:
                text = piece.resolve(ctx)
                if text is None:
                    return None
                parts.append((text, False))
            else:
                parts.append((str(piece), type(piece) is not Literal))
        return _arn_regex(parts)

    def match(value: str, ctx: Context) -> bool:
        if combined is not None and combined.match(value):
            return True
        for pieces in dynamic:
            pattern = resolve(pieces, ctx)
            if pattern is not None and pattern.match(value):
                return True
        return False

    return match


# ---------------------------------------------------------------------------------------------
# The operator table: base name -> (matcher builder, negated).

OPERATORS: dict[str, tuple[Callable[[list[str], str | None], Matcher], bool]] = {
    "StringEquals": (_string_equals, False),
    "StringNotEquals": (_string_equals, True),
    "StringEqualsIgnoreCase": (_string_equals_ignore_case, False),
    "StringNotEqualsIgnoreCase": (_string_equals_ignore_case, True),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "NumericEquals": (_numeric(operator.eq), False),
    "NumericNotEquals": (_numeric(operator.eq), True),
    "NumericLessThan": (_numeric(operator.lt), False),
    "NumericLessThanEquals": (_numeric(operator.le), False),
    "NumericGreaterThan": (_numeric(operator.gt), False),
    "NumericGreaterThanEquals": (_numeric(operator.ge), False),
    "DateEquals": (_date(operator.eq), False),
    "DateNotEquals": (_date(operator.eq), True),
    "DateLessThan": (_date(operator.lt), False),
    "DateLessThanEquals": (_date(operator.le), False),
    "DateGreaterThan": (_date(operator.gt), False),
    "DateGreaterThanEquals": (_date(operator.ge), False),
    "Bool": (_bool, False),
    "BinaryEquals": (_binary, False),
    "IpAddress": (_ip_address, False),
    "NotIpAddress": (_ip_address, True),
    "ArnEquals": (_arn_like, False),
    "ArnLike": (_arn_like, False),
    "ArnNotEquals": (_arn_like, True),
    "ArnNotLike": (_arn_like, True),
}

_QUALIFIERS = ("ForAllValues:", "ForAnyValue:")


def parse_operator(name: str) -> tuple[str | None, str, bool]:
    """Split an operator name into (qualifier, base operator, IfExists); ValueError if unknown."""
    if not isinstance(name, str):
        raise ValueError(f"Condition operator must be a string, not {type(name).__name__}")
    qualifier = None
    rest = name
    for prefix in _QUALIFIERS:
        if name.startswith(prefix):
            qualifier = prefix[:-1]
            rest = name[len(prefix) :]
            break
    if_exists = False
    if rest.endswith("IfExists") and rest != "IfExists":
        rest = rest[: -len("IfExists")]
        if_exists = True
    if rest == "Null" and not if_exists:
        return qualifier, rest, False
    if rest not in OPERATORS:
        # IAM's own words (MalformedPolicyDocument), e.g. for the lower-case "stringEquals":
        # "Invalid Condition type : stringEquals". Operator names are case-sensitive.
        raise ValueError(f"Invalid Condition type : {name}")
    return qualifier, rest, if_exists


# ---------------------------------------------------------------------------------------------
# Qualifier / IfExists / negation wrappers: `test(request_values, ctx) -> bool`. Plain loops rather
# than any()/all() over generators: these run for every condition of every request.

Test = Callable[[tuple[str, ...] | None, Context], bool]


def _is_empty_set(values: tuple[str, ...]) -> bool:
    # AWS: "If the key values in the request resolve to an empty data set (for example, an empty
    # string), ForAllValues returns true and ForAnyValue returns false."
    return not values or values == ("",)


def _make_test(match: Matcher, negated: bool, qualifier: str | None, if_exists: bool) -> Test:
    if qualifier is None:
        if negated:

            def test(values, ctx):
                if values is None:
                    return True  # negated operator on an absent key: true (IfExists or not)
                for value in values:  # noqa: SIM110
                    if match(value, ctx):
                        return False
                return True

        else:

            def test(values, ctx):
                if values is None:
                    return if_exists
                for value in values:  # noqa: SIM110
                    if match(value, ctx):
                        return True
                return False

    elif qualifier == "ForAnyValue":

        def test(values, ctx):
            if values is None:
                return if_exists
            if _is_empty_set(values):
                return False
            for value in values:  # noqa: SIM110
                if match(value, ctx) is not negated:
                    return True
            return False

    else:  # ForAllValues

        def test(values, ctx):
            if values is None or _is_empty_set(values):
                return True
            for value in values:  # noqa: SIM110
                if match(value, ctx) is negated:
                    return False
            return True

    return test


def _null_test(values: list[str]) -> Test:
    # Null "true": the key is absent (null); "false": it "exists and its value is not null". A key
    # whose values are an empty set (an empty list, or an empty string, as for ForAllValues) is
    # null: AWS recommends Null "false" next to ForAllValues precisely to stop "missing context
    # keys or context keys with empty values" from making ForAllValues true.
    wanted = {v.lower() for v in values}
    want_null = "true" in wanted
    want_not_null = "false" in wanted

    def test(values, ctx):
        return want_null if values is None or _is_empty_set(values) else want_not_null

    return test


# ---------------------------------------------------------------------------------------------
# Blocks


def _policy_values(operator_name: str, key: str, raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str):
            out.append(item)
        elif isinstance(item, int | float):
            out.append(str(item))
        else:
            raise ValueError(
                f"Condition values must be strings, numbers or booleans "
                f"(operator {operator_name}, key {key}): got {type(item).__name__}"
            )
    return out


class _Check:
    """One (operator, key) pair of a block."""

    __slots__ = ("lkey", "written", "test", "reports_absence", "if_exists", "variable_keys")

    def __init__(self, lkey, written, test, reports_absence, if_exists, variable_keys):
        self.lkey = lkey
        self.written = written
        self.test = test
        self.reports_absence = reports_absence
        self.if_exists = if_exists
        self.variable_keys = variable_keys  # ((lower, written), ...) of variables without default


class ConditionBlock:
    """A compiled Condition element: evaluate(ctx) -> (matches, missing keys)."""

    __slots__ = ("keys", "_checks", "_reportable", "source")

    def __init__(self, checks: list[_Check], source: Mapping | None = None):
        self._checks = tuple(checks)
        self.source = source
        keys = set()
        for check in checks:
            keys.add(check.lkey)
            keys.update(lower for lower, _ in check.variable_keys)
        self.keys = frozenset(keys)
        self._reportable = tuple(c for c in checks if c.reports_absence or c.variable_keys)

    def evaluate(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        """(whether the block matches, condition keys it needed that the request lacks).

        MissingContextValues, as chosen here: a key is reported when the request lacks it and
        - it is the key of an operator without IfExists and other than Null (its absence decided
          the operator: false for a positive one, true for a negated one or ForAllValues), or
        - it is named by a policy variable with no default in a condition value (the value then
          matches nothing), unless that operator is an IfExists one whose own key is absent too
          (the variable is never looked at then).
        Keys are reported as written in the policy, each once, in policy order, whether or not
        the block matched and whatever operator came first: the answer depends only on the block
        and on which keys the request holds, not on evaluation order.
        """
        values = ctx.values
        matched = True
        for check in self._checks:
            if not check.test(values.get(check.lkey), ctx):
                matched = False
                break
        if not self._reportable:
            return matched, ()
        missing: list[str] = []
        for check in self._reportable:
            key_present = check.lkey in values
            if check.reports_absence and not key_present and check.written not in missing:
                missing.append(check.written)
            if check.variable_keys and (key_present or not check.if_exists):
                for lower, written in check.variable_keys:
                    if lower not in values and written not in missing:
                        missing.append(written)
        return matched, tuple(missing)

    def __repr__(self) -> str:
        return f"ConditionBlock({self.source!r})"


def _variable_keys(values: list[str], version: str | None) -> tuple[tuple[str, str], ...]:
    found = []
    for value in values:
        for piece in variables.parse(value, version=version):
            if type(piece) is Variable and piece.default is None:
                entry = (piece.key, piece.written)
                if entry not in found:
                    found.append(entry)
    return tuple(found)


# Operator families whose values take policy variables (AWS: String, Bool and ARN operators).
_VARIABLE_FAMILIES = {"String", "Bool", "Arn"}


def compile_condition_block(block: Mapping[str, Mapping[str, Any]], *, version: str | None) -> ConditionBlock:
    """Compile a statement's Condition element; ValueError on an unknown operator or bad shape."""
    if not isinstance(block, Mapping):
        raise ValueError("Condition must be an object mapping condition operators to {key: values}")
    checks = []
    for operator_name, keyed in block.items():
        qualifier, base, if_exists = parse_operator(operator_name)
        if not isinstance(keyed, Mapping):
            raise ValueError(f"Condition operator {operator_name} must map condition keys to values")
        for key, raw in keyed.items():
            if not isinstance(key, str) or not key:
                raise ValueError(f"Condition operator {operator_name} has an empty or non-string key")
            values = _policy_values(operator_name, key, raw)
            if base == "Null":
                test = _null_test(values)
                checks.append(_Check(key.lower(), key, test, False, False, ()))
                continue
            builder, negated = OPERATORS[base]
            family = next((f for f in _VARIABLE_FAMILIES if base.startswith(f)), None)
            value_version = version if family else None
            match = builder(values, value_version)
            test = _make_test(match, negated, qualifier, if_exists)
            var_keys = _variable_keys(values, value_version)
            checks.append(_Check(key.lower(), key, test, not if_exists, if_exists, var_keys))
    return ConditionBlock(checks, block)
