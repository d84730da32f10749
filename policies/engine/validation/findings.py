"""Findings in Access Analyzer's shape, and where they point: a path of steps into the document and
the span of the value at its end (line from 1, column from 0, offset from 0, end exclusive).

`Findings` collects them for one document; the checks (condition_checks, checker) build on it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from policies.engine.jsonpos import Document, JSONPosError, Node, position_of
from policies.engine.validation.check_reference import CHECKS, learn_more


def json_finding(text: str, exc: JSONPosError) -> dict:
    pos = position_of(text, exc.offset)
    details = CHECKS["JSON_SYNTAX_ERROR"][1].format(index=exc.offset, line=pos["line"], column=pos["column"])
    return {
        "findingType": "ERROR",
        "issueCode": "JSON_SYNTAX_ERROR",
        "findingDetails": details,
        "learnMoreLink": learn_more("JSON_SYNTAX_ERROR", "ERROR"),
        "locations": [{"path": [], "span": {"start": pos, "end": pos}}],
    }


Path = list  # of {"value": str} / {"index": int}


@dataclass(slots=True)
class Loc:
    path: Path
    node: Node


@dataclass(slots=True)
class StatementNode:
    path: Path
    node: Node
    index: int

    def at(self, *steps: Any) -> Path:
        return self.path + [{"value": s} if isinstance(s, str) else {"index": s} for s in steps]


_VARIABLE = re.compile(r"\$\{")


class Findings:
    """The findings of one document, in the order of their first location in its text."""

    def __init__(self, doc: Document, policy_type: str):
        self.doc = doc
        self.type = policy_type
        self.findings: list[tuple[int, int, dict]] = []
        self.root = doc.root
        self.version: str | None = None

    # -- output ----------------------------------------------------------------------

    def add(self, code: str, locs: Iterable[Loc], **fmt: Any) -> None:
        finding_type, template = CHECKS[code]
        locations = [{"path": loc.path, "span": self.doc.span(loc.node)} for loc in locs]
        finding = {
            "findingType": finding_type,
            "issueCode": code,
            "findingDetails": template.format(**fmt),
            "learnMoreLink": learn_more(code, finding_type),
            "locations": locations,
        }
        first = locations[0]["span"]["start"]["offset"] if locations else 0
        self.findings.append((first, len(self.findings), finding))

    def _sorted(self) -> list[dict]:
        return [f for _, _, f in sorted(self.findings, key=lambda t: (t[0], t[1]))]

    # -- reading statement elements ------------------------------------------------------

    def _entries(self, st: StatementNode, key: str) -> list[Loc]:
        node = st.node.get(key)
        if node is None:
            return []
        if node.kind == "array":
            out = []
            for i, item in enumerate(node.items):
                if item.kind == "string":
                    out.append(Loc(st.at(key, i), item))
                else:
                    self.add("DATA_TYPE_MISMATCH", [Loc(st.at(key, i), item)], data_type="String")
            return out
        if node.kind == "string":
            return [Loc(st.at(key), node)]
        self.add("DATA_TYPE_MISMATCH", [Loc(st.at(key), node)], data_type="String")
        return []

    @staticmethod
    def _string_nodes(node: Node) -> list[Node]:
        if node.kind == "string":
            return [node]
        if node.kind == "array":
            return [n for n in node.items if n.kind == "string"]
        return []

    def _entries_quiet(self, st: StatementNode, key: str) -> list[Loc]:
        node = st.node.get(key)
        if node is None:
            return []
        if node.kind == "string":
            return [Loc(st.at(key), node)]
        if node.kind == "array":
            return [Loc(st.at(key, i), n) for i, n in enumerate(node.items) if n.kind == "string"]
        return []

    # -- variables -------------------------------------------------------------------

    def check_variables(self, entry: Loc, text: str) -> bool:
        """Report malformed ${...} variables in `text`; False when one was reported."""
        ok = True
        for m in _VARIABLE.finditer(text):
            end = text.find("}", m.end())
            if end == -1:
                self.add("MISSING_BRACE_IN_VARIABLE", [entry])
                return False
            inner = text[m.end() : end]
            if inner in ("*", "?", "$"):
                continue
            if not inner.strip():
                self.add("EMPTY_VARIABLE", [entry])
                ok = False
                continue
            name, comma, default = inner.partition(",")
            if " " in name.strip() or name != name.strip():
                self.add("UNSUPPORTED_SPACE_IN_VARIABLE", [entry])
                ok = False
                continue
            if comma:
                default = default.strip()
                if len(default) < 2 or not (default.startswith("'") and default.endswith("'")):
                    self.add("MISSING_QUOTE_IN_VARIABLE", [entry])
                    ok = False
                    continue
            if self.version != "2012-10-17":
                self.add("VARIABLE_UNSUPPORTED_IN_VERSION", [entry])
                ok = False
        return ok
