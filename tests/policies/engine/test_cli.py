"""`python -m policies.engine evaluate` over JSON Lines, and the dispatch of `validate`."""

import json
import pathlib
import subprocess
import sys

import pytest

from policies.engine import evaluate

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
