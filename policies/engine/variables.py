"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}` `${?}` `${$}`.

AWS ("IAM policy elements: Variables and tags"):
- variables exist only in policies of version 2012-10-17; under 2008-10-17 (or no Version) `${...}`
  is literal text;
- a variable is replaced by the value of the request-context key it names (names are
  case-insensitive); a default written as `${key, 'text'}` is used when the key is absent
  (inside the quotes, `''` stands for one `'`);
- `${*}`, `${?}` and `${$}` stand for the literal characters, for when `*`, `?` or `$` must not be
  read as a wildcard or the start of a variable;
- multivalued keys cannot be used as variables; a variable that cannot be resolved (no value, no
  default) makes the element holding it match nothing.
Substitution happens once: a value or default that itself looks like `${...}` stays literal text,
and a `*` or `?` coming from a value is literal, never a wildcard.
"""

import functools
import re
from collections.abc import Callable

from policies.engine.context import Context

__all__ = [
    "VERSION_WITH_VARIABLES",
    "Literal",
    "Variable",
    "compile_pattern",
    "compile_regex",
    "compile_text",
    "parse",
]

VERSION_WITH_VARIABLES = "2012-10-17"

_SPECIALS = {"*": "*", "?": "?", "$": "$"}

# Pieces of a parsed text: a plain str is text as written (where * and ? are wildcards when the
# text is a pattern); a Literal is text that is never a wildcard; a Variable is looked up.


class Literal(str):
    """Text that stays literal even in a pattern (`${*}`, `${?}`, `${$}`)."""

    __slots__ = ()


class Variable:
    """One `${key}` or `${key, 'default'}`."""

    __slots__ = ("key", "written", "default")

    def __init__(self, key: str, default: str | None):
        self.key = key.lower()  # context keys are case-insensitive
        self.written = key  # as spelled in the policy, for MissingContextValues
        self.default = default

    def resolve(self, ctx: Context) -> str | None:
        values = ctx.values.get(self.key)
        # A multivalued key is not a usable variable (AWS: "you can't use multivalued context keys
        # as policy variables"); its default, if any, applies as for an absent key.
        if values is not None and len(values) == 1:
            return values[0]
        return self.default

    def __repr__(self) -> str:
        return f"Variable({self.key!r}, {self.default!r})"


def _parse_variable(text: str, start: int) -> tuple[Variable | Literal, int] | None:
    """Parse the variable whose `${` is at `start`; (piece, index after `}`) or None if not one."""
    i = start + 2
    n = len(text)
    j = i
    while j < n and text[j] not in ",}":
        j += 1
    if j >= n:
        return None
    key = text[i:j].strip()
    if not key or "{" in key or ("$" in key and key != "$"):
        return None
    if text[j] == "}":
        if key in _SPECIALS:
            return Literal(_SPECIALS[key]), j + 1
        return Variable(key, None), j + 1
    # `${key, 'default'}`: a single-quoted default, `''` inside it standing for one quote.
    j += 1
    while j < n and text[j] == " ":
        j += 1
    if j >= n or text[j] != "'":
        return None
    j += 1
    default: list[str] = []
    while j < n:
        if text[j] == "'":
            if j + 1 < n and text[j + 1] == "'":
                default.append("'")
                j += 2
                continue
            break
        default.append(text[j])
        j += 1
    if j >= n:
        return None
    j += 1
    while j < n and text[j] == " ":
        j += 1
    if j >= n or text[j] != "}" or key in _SPECIALS:
        return None
    return Variable(key, "".join(default)), j + 1


def parse(text: str, *, version: str | None) -> list[str | Literal | Variable]:
    """Split `text` into plain text, literal text and variables (plain text only unless 2012-10-17)."""
    if version != VERSION_WITH_VARIABLES or "${" not in text:
        return [text] if text else []
    pieces: list[str | Literal | Variable] = []
    plain_start = 0
    i = text.find("${")
    while i != -1:
        parsed = _parse_variable(text, i)
        if parsed is None:
            # Not a well-formed variable: the characters stay text as written.
            i = text.find("${", i + 1)
            continue
        piece, end = parsed
        if i > plain_start:
            pieces.append(text[plain_start:i])
        pieces.append(piece)
        plain_start = end
        i = text.find("${", end)
    if plain_start < len(text):
        pieces.append(text[plain_start:])
    return pieces


def _has_variables(pieces: list) -> bool:
    return any(isinstance(p, Variable) for p in pieces)


def compile_text(text: str, *, version: str | None) -> Callable[[Context], str | None] | str:
    """`text` itself when it has no variable, else a function giving it substituted (None: no match)."""
    pieces = parse(text, version=version)
    if not _has_variables(pieces):
        return "".join(pieces)
    frozen = tuple(pieces)

    def substitute(ctx: Context) -> str | None:
        out = []
        for piece in frozen:
            if type(piece) is Variable:
                value = piece.resolve(ctx)
                if value is None:
                    return None
                out.append(value)
            else:
                out.append(piece)
        return "".join(out)

    return substitute


def _wildcards_to_regex(text: str) -> str:
    """Regex source for text as written in a policy: * and ? are wildcards, the rest literal."""
    out = []
    for char in text:
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        else:
            out.append(re.escape(char))
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def _compile(source: str, flags: int) -> re.Pattern:
    # Anchored both ends so that .match(), .fullmatch() and .search() all mean "the whole text".
    return re.compile(rf"\A(?:{source})\Z", flags)


def compile_regex(source: str, *, ignore_case: bool = False) -> re.Pattern:
    """Compile (cached) regex `source`, anchored at both ends, with AWS pattern flags."""
    return _compile(source, pattern_flags(ignore_case))


def pattern_flags(ignore_case: bool) -> int:
    """The regex flags for an AWS wildcard pattern (DOTALL: * matches newlines too)."""
    return re.DOTALL | (re.IGNORECASE if ignore_case else 0)


def compile_pattern(
    text: str, *, version: str | None, ignore_case: bool = False
) -> Callable[[Context], re.Pattern | None] | re.Pattern:
    """`text` as a full-match regex (* and ? wildcards; substituted text literal), or a function giving it."""
    pieces = parse(text, version=version)
    flags = pattern_flags(ignore_case)
    parts: list[str | Variable] = []
    for piece in pieces:
        if type(piece) is Variable:
            parts.append(piece)
        elif type(piece) is Literal:
            parts.append(re.escape(piece))
        else:
            parts.append(_wildcards_to_regex(piece))
    if not _has_variables(parts):
        return _compile("".join(parts), flags)
    frozen = tuple(parts)
    names = tuple(part for part in parts if type(part) is Variable)
    # Compiled regexes by the variables' values: a pattern meets the same few values again and
    # again (one user name per caller), and building a regex costs far more than a dict lookup.
    cache: dict = {}

    if len(names) == 1:  # the usual case (one ${aws:username}): key the cache by the value itself
        (variable,) = names
        resolve = variable.resolve

        def substitute_one(ctx: Context) -> re.Pattern | None:
            value = resolve(ctx)
            if value is None:
                return None
            pattern = cache.get(value)
            if pattern is None:
                source = "".join(re.escape(value) if type(part) is Variable else part for part in frozen)
                if len(cache) >= 1024:
                    cache.clear()
                pattern = cache[value] = _compile(source, flags)
            return pattern

        return substitute_one

    def substitute(ctx: Context) -> re.Pattern | None:
        values = []
        for variable in names:
            value = variable.resolve(ctx)
            if value is None:
                return None
            values.append(value)
        key = tuple(values)
        pattern = cache.get(key)
        if pattern is None:
            resolved = iter(values)
            source = "".join(re.escape(next(resolved)) if type(part) is Variable else part for part in frozen)
            if len(cache) >= 1024:
                cache.clear()
            pattern = cache[key] = _compile(source, flags)
        return pattern

    return substitute
