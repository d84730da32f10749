"""Contract tables: request -> decision, matched, deniedBy, missingContextValues, written from AWS's docs.

The cases live in `cases/*.yaml`, one file per topic. Each file has `defaults` (merged under every
request) and `cases`; a case has an `id` naming the behaviour, a `doc` naming the AWS page it comes
from, a `request` in the contract's shape and an `expect` block:

    decision: allowed | explicitDeny | implicitDeny     (or `error: MalformedPolicyDocument`)
    matched:  ["identityPolicies[0]#1 Allow", ...]      (PATH#INDEX EFFECT; order does not matter)
    deniedBy: "scp 1" | "identity" | ...                (KIND [LEVEL]; omitted when allowed)
    missing:  [aws:SourceIp] | any                      (omitted: none may be reported)

The YAML is read with BaseLoader so that account ids, versions and "true" stay strings, as they
would in a JSON policy document.
"""

import pathlib
import re

import pytest
import yaml

CASES_DIR = pathlib.Path(__file__).parent / "cases"
DECISIONS = {"allowed", "explicitDeny", "implicitDeny"}
KINDS = {"identity", "resource", "permissionsBoundary", "sessionPolicy", "scp", "rcp"}
MATCHED_RE = re.compile(r"^(?P<path>[A-Za-z]+(?:\[\d+\])*)#(?P<index>\d+) (?P<effect>Allow|Deny)$")


def _load_cases():
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        defaults = data.get("defaults", {})
        for case in data["cases"]:
            request = {**defaults, **case.get("request", {}), "id": case["id"]}
            cases.append({**case, "request": request, "file": path.name})
    return cases


CASES = _load_cases()


def _parse_matched(text):
    match = MATCHED_RE.match(text)
    assert match, f"bad matched entry in table: {text!r}"
    return (match["path"], int(match["index"]), match["effect"])


def _parse_denied_by(text):
    kind, _, level = text.partition(" ")
    assert kind in KINDS, f"bad deniedBy in table: {text!r}"
    return {"kind": kind, "level": int(level)} if level else {"kind": kind}


def _statement(request, path, index):
    """The statement that a `matched` entry points at, looked up in the request."""
    name = re.match(r"[A-Za-z]+", path).group(0)
    node = request[name]
    for position in re.findall(r"\[(\d+)\]", path):
        node = node[int(position)]
    statements = node["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    return statements[index]


def test_tables_are_well_formed():
    """Every case has a unique id, a cited page and an expectation the harness understands."""
    assert len(CASES) >= 200
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for case in CASES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case["id"]), case["id"]
        assert case.get("doc"), f"{case['id']} cites no AWS page"
        expect = case["expect"]
        if "error" in expect:
            continue
        assert expect["decision"] in DECISIONS, case["id"]
        for entry in expect.get("matched", []):
            path, index, effect = _parse_matched(entry)
            statement = _statement(case["request"], path, index)
            assert statement["Effect"] == effect, f"{case['id']}: {entry} is not a {effect}"
        if expect["decision"] == "allowed":
            assert "deniedBy" not in expect, case["id"]
            assert all(e.endswith("Allow") for e in expect.get("matched", [])), case["id"]
        else:
            _parse_denied_by(expect["deniedBy"])
        if expect["decision"] == "explicitDeny":
            assert all(e.endswith("Deny") for e in expect["matched"]), case["id"]
        if expect["decision"] == "implicitDeny":
            assert not expect.get("matched"), case["id"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case(case):
    """One row of the tables: the engine's answer matches what AWS's documentation says."""
    from policies.engine import evaluate

    request = case["request"]
    expect = case["expect"]
    answer = evaluate(request)

    assert answer.get("id") == case["id"]
    if "error" in expect:
        assert "decision" not in answer, answer
        assert answer["error"]["code"] == expect["error"], answer
        assert answer["error"].get("message"), answer
        return

    assert "error" not in answer, answer
    assert answer["decision"] == expect["decision"], answer

    got = sorted((m["policy"], m["statement"], m["effect"]) for m in answer["matched"])
    want = sorted(_parse_matched(entry) for entry in expect.get("matched", []))
    assert got == want, answer
    for entry in answer["matched"]:
        statement = _statement(request, entry["policy"], entry["statement"])
        assert entry.get("sid") == statement.get("Sid"), entry

    if expect["decision"] == "allowed":
        assert "deniedBy" not in answer, answer
    else:
        assert answer["deniedBy"] == _parse_denied_by(expect["deniedBy"]), answer

    missing = expect.get("missing", [])
    if missing != "any":
        got_missing = {key.lower() for key in answer.get("missingContextValues", [])}
        assert got_missing == {key.lower() for key in missing}, answer
