"""Contract checks that do not fit the YAML tables: typed context values, no cached decisions,
and the `python -m policies.engine evaluate` JSON Lines command."""

import json
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
ALICE = "arn:aws:iam::111122223333:user/alice"


def _request(context, condition, effect="Allow", **extra):
    """A request whose only identity policy is one statement with `condition` on s3:GetObject."""
    statement = {"Effect": effect, "Action": "s3:GetObject", "Resource": "*", "Condition": condition}
    policies = [{"Version": "2012-10-17", "Statement": [statement]}]
    if effect == "Deny":
        allow = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
        policies.insert(0, {"Version": "2012-10-17", "Statement": [allow]})
    return {
        "principal": ALICE,
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/2026/q3.csv",
        "context": context,
        "identityPolicies": policies,
        **extra,
    }


# The contract: "Values are strings, numbers, booleans, or lists of those for multivalued keys."
# AWS compares them as the JSON policy's strings ("true", "5"), whatever JSON type the caller used.
TYPED_CONTEXT = [
    # id, context, condition, effect, decision
    (
        "bool-true-matches-bool-true",
        {"aws:MultiFactorAuthPresent": True},
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        "Allow",
        "allowed",
    ),
    (
        "bool-false-does-not-match-bool-true",
        {"aws:MultiFactorAuthPresent": False},
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        "Allow",
        "implicitDeny",
    ),
    (
        "bool-false-triggers-mfa-deny",
        {"aws:MultiFactorAuthPresent": False},
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        "Deny",
        "explicitDeny",
    ),
    (
        "integer-below-numeric-limit",
        {"s3:max-keys": 5},
        {"NumericLessThanEquals": {"s3:max-keys": "10"}},
        "Allow",
        "allowed",
    ),
    (
        "integer-above-numeric-limit",
        {"s3:max-keys": 50},
        {"NumericLessThanEquals": {"s3:max-keys": "10"}},
        "Allow",
        "implicitDeny",
    ),
    (
        "integer-compared-as-string",
        {"aws:PrincipalTag/level": 3},
        {"StringEquals": {"aws:PrincipalTag/level": "3"}},
        "Allow",
        "allowed",
    ),
    (
        "list-is-multivalued-any",
        {"aws:TagKeys": ["env", "owner"]},
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "owner"}},
        "Allow",
        "allowed",
    ),
    (
        "list-is-multivalued-all",
        {"aws:TagKeys": ["env", "owner"]},
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner", "cost-center"]}},
        "Allow",
        "allowed",
    ),
    (
        "list-with-unlisted-value-fails-all",
        {"aws:TagKeys": ["env", "secret"]},
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner"]}},
        "Allow",
        "implicitDeny",
    ),
    (
        "boolean-policy-value-in-json",
        {"aws:SecureTransport": "true"},
        {"Bool": {"aws:SecureTransport": True}},
        "Allow",
        "allowed",
    ),
]


@pytest.mark.parametrize(
    "context, condition, effect, decision",
    [row[1:] for row in TYPED_CONTEXT],
    ids=[row[0] for row in TYPED_CONTEXT],
)
def test_typed_context_values(context, condition, effect, decision):
    """Booleans, numbers and lists in the request context compare as AWS's strings."""
    from policies.engine import evaluate

    answer = evaluate(_request(context, condition, effect))
    assert answer["decision"] == decision, answer


def test_same_policy_objects_decide_each_request_afresh():
    """Shared policy dicts (cached compilation) still give each request its own decision."""
    from policies.engine import evaluate

    condition = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    inside = _request({"aws:SourceIp": "203.0.113.7"}, condition)
    outside = {**inside, "context": {"aws:SourceIp": "198.51.100.9"}}
    for _ in range(3):
        assert evaluate(inside)["decision"] == "allowed"
        assert evaluate(outside)["decision"] == "implicitDeny"


def test_same_policy_objects_different_principals():
    """Shared policy dicts with variables are substituted per request, not once."""
    from policies.engine import evaluate

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}
        ],
    }
    for name in ("alice", "bob", "alice"):
        request = {
            "principal": f"arn:aws:iam::111122223333:user/{name}",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::home/alice/notes.txt",
            "identityPolicies": [policy],
        }
        expected = "allowed" if name == "alice" else "implicitDeny"
        assert evaluate(request)["decision"] == expected


def _run_command(stdin: bytes):
    return subprocess.run(
        [sys.executable, "-m", "policies.engine", "evaluate"],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_command_answers_each_line_in_order_and_exits_0():
    """JSON Lines in, one answer a line out, ids echoed, order kept, bad lines answered, exit 0."""
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    malformed = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}],
    }
    base = {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/x.csv"}
    lines = [
        json.dumps({**base, "id": "first", "identityPolicies": [allow]}),
        "{this is not json",
        json.dumps({**base, "id": "no-policies"}),
        json.dumps({**base, "id": "broken", "identityPolicies": [malformed]}),
        json.dumps({**base, "id": "last", "identityPolicies": [allow], "scps": [[]]}),
    ]
    result = _run_command(("\n".join(lines) + "\n").encode("utf-8"))

    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(answers) == 5
    assert answers[0] == {**answers[0], "id": "first", "decision": "allowed"}
    assert answers[1]["error"]["code"] == "InvalidInput"
    assert "decision" not in answers[1]
    assert answers[2]["id"] == "no-policies"
    assert answers[2]["decision"] == "implicitDeny"
    assert answers[2]["deniedBy"] == {"kind": "identity"}
    assert answers[3]["id"] == "broken"
    assert answers[3]["error"]["code"] == "MalformedPolicyDocument"
    assert answers[4]["id"] == "last"
    assert answers[4]["deniedBy"] == {"kind": "scp", "level": 0}


def test_command_gives_the_same_answers_as_evaluate():
    """The command and evaluate() take the same objects and give the same answers."""
    from policies.engine import evaluate

    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Get", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}],
    }
    requests = [
        {
            "id": str(i),
            "principal": ALICE,
            "action": action,
            "resource": "arn:aws:s3:::reports/x.csv",
            "identityPolicies": [allow],
        }
        for i, action in enumerate(["s3:GetObject", "s3:PutObject", "s3:GetObjectAcl"])
    ]
    stdin = "".join(json.dumps(r) + "\n" for r in requests).encode("utf-8")
    result = _run_command(stdin)

    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert answers == [evaluate(r) for r in requests]


def test_command_reads_utf8():
    """Requests are UTF-8: a one-character wildcard matches one non-ASCII character."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/caf?.csv"}
        ],
    }
    request = {
        "id": "café",
        "principal": ALICE,
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/café.csv",
        "identityPolicies": [policy],
    }
    result = _run_command((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))

    assert result.returncode == 0, result.stderr
    (answer,) = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert answer["id"] == "café"
    assert answer["decision"] == "allowed"


def test_command_with_no_input_exits_0():
    """An empty input is read completely: no answers, exit status 0."""
    result = _run_command(b"")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
