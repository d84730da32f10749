"""A strict JSON parser that remembers where every value and key sits in the text.

Python's json module gives values but no positions; Access Analyzer's findings point
at spans ({line, column, offset}), so the validator parses with this instead.
Positions follow Access Analyzer: line from 1, column from 0, offset from 0, all in
characters; a span's end is exclusive (one past the last character of the value).

Both parsers here, `parse` and the faster `loads` (json.loads within the same bounds), refuse what
no policy holds and what would otherwise crash the caller: nesting deeper than MAX_DEPTH (a policy
is six levels deep at most; 100,000 brackets exhaust Python's stack) and numbers longer than
MAX_NUMBER (past 4,300 digits Python refuses to convert them), as syntax errors.
"""

from __future__ import annotations

import bisect
import json.decoder
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JSONPosError", "MAX_DEPTH", "MAX_NUMBER", "Node", "Document", "loads", "parse"]

MAX_DEPTH = 32  # objects and arrays inside one another
MAX_NUMBER = 1000  # characters of one number

# json's own string scanner handles escapes and rejects control characters (strict).
_scanstring = json.decoder.scanstring
# re.ASCII: RFC 8259's digits are ASCII; \d would take "١" (which int() reads as 1).
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?", re.ASCII)
_WS = " \t\n\r"
TOO_DEEP = "Too deeply nested"
TOO_LONG_NUMBER = "Number too long"


class JSONPosError(ValueError):
    """The text is not JSON; `offset` is where the parser gave up."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} at offset {offset}")
        self.msg = message
        self.offset = offset


@dataclass(slots=True)
class Node:
    """One JSON value with its span; objects keep every member, duplicates included."""

    kind: str  # "object", "array", "string", "number", "true", "false", "null"
    start: int
    end: int
    value: Any = None  # scalars: the Python value; containers: None (see items/members)
    items: list[Node] = field(default_factory=list)  # arrays
    members: list[tuple[Node, Node]] = field(default_factory=list)  # objects: (key, value)

    def get(self, key: str) -> Node | None:
        """The value of `key` in an object (the last one when a key repeats, as json does)."""
        found = None
        for k, v in self.members:
            if k.value == key:
                found = v
        return found

    def keys(self) -> list[str]:
        """Member names in document order."""
        return [k.value for k, _ in self.members]

    def to_python(self) -> Any:
        """The plain Python value, as json.loads would build it."""
        if self.kind == "object":
            return {k.value: v.to_python() for k, v in self.members}
        if self.kind == "array":
            return [item.to_python() for item in self.items]
        return self.value


class Document:
    """A parsed text: its root node and the means to turn offsets into line/column."""

    def __init__(self, text: str, root: Node):
        self.text = text
        self.root = root
        self._line_starts = _line_starts(text)

    def position(self, offset: int) -> dict[str, int]:
        """{line, column, offset} of a character offset (line from 1, column from 0)."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return {"line": index + 1, "column": offset - self._line_starts[index], "offset": offset}

    def span(self, node: Node) -> dict[str, dict[str, int]]:
        """Access Analyzer's span of a node: start and exclusive end."""
        return {"start": self.position(node.start), "end": self.position(node.end)}


def _line_starts(text: str) -> list[int]:
    # \n, \r\n and a lone \r each end a line, as Java's JSON parsers count them.
    starts = [0]
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            starts.append(i + 1)
        elif c == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
            starts.append(i + 1)
        i += 1
    return starts


def position_of(text: str, offset: int) -> dict[str, int]:
    """{line, column, offset} of an offset in `text` without parsing it (for syntax errors)."""
    starts = _line_starts(text)
    index = bisect.bisect_right(starts, offset) - 1
    return {"line": index + 1, "column": offset - starts[index], "offset": offset}


def loads(text: str | bytes) -> Any:
    """json.loads within parse's bounds (MAX_DEPTH, MAX_NUMBER, no NaN/Infinity): JSONPosError beyond."""
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise JSONPosError(TOO_DEEP, 0) from None
    except JSONPosError:
        raise
    except ValueError as exc:
        raise JSONPosError(getattr(exc, "msg", str(exc)), getattr(exc, "pos", 0)) from None
    if _depth(value) > MAX_DEPTH:
        raise JSONPosError(TOO_DEEP, 0)
    return value


def _int(raw: str) -> int:
    if len(raw) > MAX_NUMBER:
        raise JSONPosError(TOO_LONG_NUMBER, 0)
    return int(raw)


def _float(raw: str) -> float:
    if len(raw) > MAX_NUMBER:
        raise JSONPosError(TOO_LONG_NUMBER, 0)
    return float(raw)


def _constant(name: str) -> Any:
    raise JSONPosError("Expecting value", 0)


def _depth(value: Any) -> int:
    """How deep objects and arrays nest in a decoded value (counted without recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse(text: str) -> Document:
    """Parse `text` as one JSON value (RFC 8259, no NaN/Infinity, within MAX_DEPTH and MAX_NUMBER);
    raise JSONPosError."""
    parser = _Parser(text)
    i = parser.skip(0)
    root, i = parser.value(i, 0)
    i = parser.skip(i)
    if i != len(text):
        raise JSONPosError("Extra data", i)
    return Document(text, root)


class _Parser:
    __slots__ = ("text", "n")

    def __init__(self, text: str):
        self.text = text
        self.n = len(text)

    def skip(self, i: int) -> int:
        text, n = self.text, self.n
        while i < n and text[i] in _WS:
            i += 1
        return i

    def value(self, i: int, depth: int) -> tuple[Node, int]:
        text = self.text
        if i >= self.n:
            raise JSONPosError("Expecting value", i)
        c = text[i]
        if c in "{[" and depth >= MAX_DEPTH:
            raise JSONPosError(TOO_DEEP, i)
        if c == "{":
            return self.obj(i, depth + 1)
        if c == "[":
            return self.arr(i, depth + 1)
        if c == '"':
            return self.string(i)
        if c == "t" and text.startswith("true", i):
            return Node("true", i, i + 4, True), i + 4
        if c == "f" and text.startswith("false", i):
            return Node("false", i, i + 5, False), i + 5
        if c == "n" and text.startswith("null", i):
            return Node("null", i, i + 4, None), i + 4
        m = _NUMBER.match(text, i)
        if m and m.end() > i:
            raw = m.group()
            if len(raw) > MAX_NUMBER:
                raise JSONPosError(TOO_LONG_NUMBER, i)
            number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
            return Node("number", i, m.end(), number), m.end()
        raise JSONPosError("Expecting value", i)

    def string(self, i: int) -> tuple[Node, int]:
        try:
            value, end = _scanstring(self.text, i + 1, True)
        except json.decoder.JSONDecodeError as exc:
            raise JSONPosError(exc.msg, exc.pos) from None
        return Node("string", i, end, value), end

    def obj(self, i: int, depth: int) -> tuple[Node, int]:
        node = Node("object", i, i)
        i = self.skip(i + 1)
        if i < self.n and self.text[i] == "}":
            node.end = i + 1
            return node, i + 1
        while True:
            if i >= self.n or self.text[i] != '"':
                raise JSONPosError("Expecting property name enclosed in double quotes", i)
            key, i = self.string(i)
            i = self.skip(i)
            if i >= self.n or self.text[i] != ":":
                raise JSONPosError("Expecting ':' delimiter", i)
            i = self.skip(i + 1)
            value, i = self.value(i, depth)
            node.members.append((key, value))
            i = self.skip(i)
            if i < self.n and self.text[i] == ",":
                i = self.skip(i + 1)
                continue
            if i < self.n and self.text[i] == "}":
                node.end = i + 1
                return node, i + 1
            raise JSONPosError("Expecting ',' delimiter", i)

    def arr(self, i: int, depth: int) -> tuple[Node, int]:
        node = Node("array", i, i)
        i = self.skip(i + 1)
        if i < self.n and self.text[i] == "]":
            node.end = i + 1
            return node, i + 1
        while True:
            item, i = self.value(i, depth)
            node.items.append(item)
            i = self.skip(i)
            if i < self.n and self.text[i] == ",":
                i = self.skip(i + 1)
                continue
            if i < self.n and self.text[i] == "]":
                node.end = i + 1
                return node, i + 1
            raise JSONPosError("Expecting ',' delimiter", i)
