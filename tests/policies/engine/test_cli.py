"""`python -m policies.engine evaluate` over JSON Lines, and the dispatch of `validate`."""

import json
import pathlib
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine import evaluate
from policies.engine.__main__ import RequestDecoder

ROOT = pathlib.Path(__file__).resolve().parents[3]
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def run(*args, stdin: bytes = b""):
    return subprocess.run(
        [sys.executable, "-m", "policies.engine", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )


def test_evaluate_answers_each_line_in_order():
    """One answer a line, same order, same answers as evaluate(); exit 0 whatever the decisions."""
    requests = [
        {"id": "a", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "identityPolicies": [ALLOW_S3]},
        {"id": "b", "action": "ec2:RunInstances", "resource": "*", "identityPolicies": [ALLOW_S3]},
        {
            "id": "c",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::b/k",
            "identityPolicies": [{"Statement": {"Effect": "Permit", "Action": "*", "Resource": "*"}}],
        },
        {"id": "d", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "anonymous"},
    ]
    stdin = "".join(json.dumps(r) + "\n" for r in requests).encode()
    result = run("evaluate", stdin=stdin)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert answers == [evaluate(r) for r in requests]
    assert [a.get("decision") for a in answers] == ["allowed", "implicitDeny", None, "implicitDeny"]
    assert answers[2]["error"]["code"] == "MalformedPolicyDocument"


def test_evaluate_answers_invalid_input_and_goes_on():
    """A line that is not JSON answers InvalidInput; blank lines are skipped; the next line is answered."""
    stdin = b'not json\n\n{"id": "ok", "action": "s3:GetObject", "resource": "*"}\n\xff\xfe\n[1, 2]\n'
    result = run("evaluate", stdin=stdin)
    assert result.returncode == 0
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(answers) == 4
    assert answers[0]["error"]["code"] == "InvalidInput"
    assert answers[1]["id"] == "ok" and answers[1]["decision"] == "implicitDeny"
    assert answers[2]["error"]["code"] == "InvalidInput"
    assert answers[3]["error"]["code"] == "InvalidInput"


def test_evaluate_answers_invalid_input_for_a_key_the_contract_does_not_define():
    """A mistyped key answers InvalidInput naming it, as evaluate() does, and the next line is answered."""
    deny_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    base = {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "identityPolicies": [ALLOW_S3]}
    requests = [
        {"id": "typo", **base, "permissionBoundary": deny_all},
        {"id": "right", **base, "permissionsBoundary": deny_all},
    ]
    # A long line is read field by field: the check must hold on that path as on short lines.
    requests.append({"id": "long", **base, "permissionBoundary": deny_all, "context": {"x:k": "v" * 300}})
    result = run("evaluate", stdin="".join(json.dumps(r) + "\n" for r in requests).encode())
    assert result.returncode == 0
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert answers == [evaluate(r) for r in requests]
    assert answers[0]["id"] == "typo" and answers[0]["error"]["code"] == "InvalidInput"
    assert '"permissionBoundary" (did you mean "permissionsBoundary"?)' in answers[0]["error"]["message"]
    assert answers[1]["decision"] == "explicitDeny"
    assert answers[2]["error"]["code"] == "InvalidInput"


def test_evaluate_answers_a_line_nested_past_the_stack_with_invalid_input():
    """json's decoder raises RecursionError on 100,000 brackets; the command used to die of it."""
    stdin = b"[" * 100_000 + b"\n" + b'{"a":' * 100_000 + b"\n" + b'{"id": "next"}\n'
    result = run("evaluate", stdin=stdin)
    assert result.returncode == 0
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [answer["error"]["code"] for answer in answers[:2]] == ["InvalidInput", "InvalidInput"]
    assert answers[2]["id"] == "next"


def test_validate_command_refuses_deep_nesting_and_huge_numbers():
    for text in ("[" * 50_000 + "]" * 50_000, '{"Version": ' + "9" * 5000 + "}"):
        result = run("validate", "--type", "managed", stdin=text.encode())
        assert result.returncode == 1, result.stderr
        assert json.loads(result.stdout)["malformed"] == "Syntax errors in policy."


def test_evaluate_reads_and_writes_utf8():
    """Non-ASCII text passes through as UTF-8."""
    request = {
        "id": "café",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b/résumé.pdf",
        "identityPolicies": [ALLOW_S3],
    }
    result = run("evaluate", stdin=(json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
    assert json.loads(result.stdout.decode("utf-8"))["id"] == "café"


def test_empty_input_is_no_answer():
    """No lines, no answers, exit 0."""
    result = run("evaluate")
    assert (result.returncode, result.stdout) == (0, b"")


@pytest.mark.parametrize(("args", "status"), [((), 2), (("frobnicate",), 2), (("evaluate", "--extra"), 2)])
def test_usage_errors(args, status):
    """Unknown commands and arguments exit 2 with the usage on stderr."""
    result = run(*args)
    assert result.returncode == status
    assert b"usage" in result.stderr


def test_validate_is_dispatched_to_validation_main(monkeypatch):
    """`validate` hands its arguments to policies.engine.validation.main and returns its status."""
    import types

    from policies.engine import __main__ as cli

    seen = []
    fake = types.ModuleType("policies.engine.validation")
    fake.main = lambda argv: seen.append(argv) or 1
    monkeypatch.setitem(sys.modules, "policies.engine.validation", fake)
    assert cli.main(["validate", "--type", "trust"]) == 1
    assert seen == [["--type", "trust"]]


# --- the line decoder that reuses repeated policy documents ---------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
_fields = st.sampled_from(["identityPolicies", "scps", "resourcePolicy", "context", "id", "action", "x"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(_fields, _json_values, max_size=5), min_size=1, max_size=6),
    st.sampled_from([None, 1, 2, "compact"]),
)
def test_line_decoder_agrees_with_json_loads(objects, indent):
    """Line after line, with policy fields repeating or not, the decoder gives what json.loads gives."""
    from policies.engine import __main__ as cli

    cli._SHORT, short = 0, cli._SHORT  # read every line field by field, however short
    try:
        _decode_all(objects, indent)
    finally:
        cli._SHORT = short


def _decode_all(objects, indent):
    decoder = RequestDecoder()
    for obj in objects + objects:  # the second pass finds every policy field's text remembered
        if indent == "compact":
            line = json.dumps(obj, separators=(",", ":"))
        else:
            line = json.dumps(obj, indent=indent).replace("\n", " ")
        assert decoder.decode(line) == json.loads(line)


@pytest.mark.parametrize(
    "line",
    [
        '{"a": 1',
        '{"a" 1}',
        '{"a": 1,}',
        '{"a": 1} x',
        "{'a': 1}",
        '{"identityPolicies": [}',
        '{"scps": nul}',
        "",
    ],
)
def test_line_decoder_refuses_what_json_refuses(line, monkeypatch):
    """Malformed lines raise ValueError, as json.loads does."""
    from policies.engine import __main__ as cli

    monkeypatch.setattr(cli, "_SHORT", 0)
    with pytest.raises(ValueError):
        json.loads(line)
    with pytest.raises(ValueError):
        RequestDecoder().decode(line)


def test_repeated_policy_text_gives_the_same_objects(monkeypatch):
    """On long lines, a policy field repeated verbatim is the very same object (so compiled once)."""
    from policies.engine import __main__ as cli

    monkeypatch.setattr(cli, "_SHORT", 0)
    decoder = RequestDecoder()
    policy = json.dumps({"identityPolicies": [ALLOW_S3], "context": {"a": 1}})
    first = decoder.decode(policy)
    second = decoder.decode(policy.replace('"a": 1', '"a": 2'))
    assert second["identityPolicies"] is first["identityPolicies"]
    assert second["context"] == {"a": 2}
