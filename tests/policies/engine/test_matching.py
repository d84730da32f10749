"""Matching actions, resources and principals as AWS does, and the per-policy action index."""

import pytest

from policies.engine.arn import parse_caller
from policies.engine.context import Context
from policies.engine.document import PrincipalSpec, parse_policy
from policies.engine.matching import (
    ACCOUNT,
    DIRECT,
    NONE,
    ROLE,
    CompiledPolicy,
    PrincipalMatcher,
    action_matches,
    compile_document,
    resource_matches,
)

ACTION_ROWS = [
    # ("IAM JSON policy elements: Action": case-insensitive, * and ? wildcards)
    ("s3:GetObject", "s3:GetObject", True),
    ("s3:getobject", "S3:GETOBJECT", True),
    ("s3:Get*", "s3:GetObject", True),
    ("s3:Get*", "s3:GetObjectAcl", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:*", "s3:PutObject", True),
    ("s3:*", "s3-outposts:GetObject", False),
    ("*", "iam:CreateUser", True),
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:?etObject", "s3:GGetObject", False),
    ("s3:*Object", "s3:GetObject", True),
    ("s3:*Object", "s3:GetObjectAcl", False),
    ("iam:*User*", "iam:ListUserPolicies", True),
    ("iam:*User*", "iam:ListRoles", False),
    ("ec2:Describe*", "ec2:describeinstances", True),
    ("s3:GetObject", "s3:GetObjectAcl", False),
    ("s3:Get", "s3:GetObject", False),
    ("*:GetObject", "s3:GetObject", True),
    ("s3*", "s3:GetObject", True),
    ("sts:AssumeRole*", "sts:AssumeRoleWithSAML", True),
]


@pytest.mark.parametrize(("pattern", "action", "expected"), ACTION_ROWS)
def test_action_matches(pattern, action, expected):
    """Action patterns: case-insensitive, `*` any run, `?` one character."""
    assert action_matches(pattern, action) is expected


B = "arn:aws:s3:::DOC-EXAMPLE-BUCKET"
RESOURCE_ROWS = [
    ("*", "arn:aws:s3:::anything", True),
    ("*", "*", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
    ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-logs/x", True),
    ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x", False),  # case-sensitive
    ("arn:aws:s3:::bucket/x", "arn:aws:s3:::bucket/x", True),
    ("arn:aws:s3:::bucket/x", "arn:aws:s3:::bucket/X", False),
    ("arn:aws:s3:::b?cket", "arn:aws:s3:::bucket", True),
    ("arn:aws:s3:::b?cket", "arn:aws:s3:::bcket", False),
    # The examples of "IAM JSON policy elements: Resource" (* crosses / within the segment).
    (f"{B}/*/test/*", f"{B}/1/test/object.jpg", True),
    (f"{B}/*/test/*", f"{B}/1/2/test/object.jpg", True),
    (f"{B}/*/test/*", f"{B}/1/2/test/3/object.jpg", True),
    (f"{B}/*/test/*", f"{B}/1/2/3/test/4/object.jpg", True),
    (f"{B}/*/test/*", f"{B}/1///test///object.jpg", True),
    (f"{B}/*/test/*", f"{B}/1/test/.jpg", True),
    (f"{B}/*/test/*", f"{B}//test/object.jpg", True),
    (f"{B}/*/test/*", f"{B}/1/test/", True),
    (f"{B}/*/test/*", f"{B}/1-test/object.jpg", False),
    (f"{B}/*/test/*", f"{B}/test/object.jpg", False),
    (f"{B}/*/test/*", f"{B}/1/2/test.jpg", False),
    ("arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/alice", True),
    ("arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:role/alice", False),
    ("arn:aws:iam::*:user/accounting/*", "arn:aws:iam::111122223333:user/accounting/bob", True),
    ("arn:aws:*:*:*:*", "arn:aws:logs:us-east-1:111122223333:log-group:g:*", True),
    ("arn:aws:logs:*:*:log-group:g:*", "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s", True),
    ("arn:aws:ec2:us-*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", True),
    ("arn:aws:ec2:us-*:*:instance/*", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", False),
    # A wildcard within one of the first five segments does not cross a colon: the account segment
    # below is "extra", not 111122223333.
    ("arn:aws:ec2:*:111122223333:*", "arn:aws:ec2:us-east-1:extra:111122223333:instance/x", False),
    ("arn:aws:iam::*:root", "arn:aws:iam::1:2:root", False),
    ("arn:aws:ec2:*:111122223333:*", "arn:aws:ec2:us-east-1:111122223333:instance/x", True),
    ("arn:aws:s3:::*", "*", False),
    ("arn:aws:s3:::bucket/*", "not-an-arn", False),
    ("arn:aws-cn:s3:::bucket/*", "arn:aws:s3:::bucket/x", False),
]


@pytest.mark.parametrize(("pattern", "resource", "expected"), RESOURCE_ROWS)
def test_resource_matches(pattern, resource, expected):
    """Resource patterns: case-sensitive, wildcards kept within ARN segments (the last may hold colons)."""
    assert resource_matches(pattern, resource) is expected


VARIABLE_ROWS = [
    ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/alice/x", {"aws:username": "alice"}, True),
    ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/bob/x", {"aws:username": "alice"}, False),
    ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/alice/x", {}, False),
    ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/alice/x", {"aws:username": "*"}, False),
    ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/*/x", {"aws:username": "*"}, True),
    ("arn:aws:s3:::home/${AWS:UserName}/*", "arn:aws:s3:::home/alice/x", {"aws:username": "alice"}, True),
    ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", {}, True),
    ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", {}, False),
    ("arn:aws:s3:::b/${?}x", "arn:aws:s3:::b/?x", {}, True),
    ("arn:aws:s3:::t/${aws:PrincipalTag/team, 'none'}", "arn:aws:s3:::t/none", {}, True),
    (
        "arn:aws:s3:::t/${aws:PrincipalTag/team, 'none'}",
        "arn:aws:s3:::t/red",
        {"aws:PrincipalTag/team": "red"},
        True,
    ),
    (
        "arn:aws:dynamodb:*:${aws:PrincipalAccount}:table/t",
        "arn:aws:dynamodb:us-east-1:111122223333:table/t",
        {"aws:PrincipalAccount": "111122223333"},
        True,
    ),
    (
        "arn:aws:dynamodb:*:${aws:PrincipalAccount}:table/t",
        "arn:aws:dynamodb:us-east-1:444455556666:table/t",
        {"aws:PrincipalAccount": "111122223333"},
        False,
    ),
    (
        "arn:aws:dynamodb:*:*:table/${aws:username}-*",
        "arn:aws:dynamodb:us-east-1:111122223333:table/alice-data",
        {"aws:username": "alice"},
        True,
    ),
    # A multivalued key is no variable.
    ("arn:aws:s3:::t/${aws:TagKeys}", "arn:aws:s3:::t/a", {"aws:TagKeys": ["a", "b"]}, False),
]


@pytest.mark.parametrize(("pattern", "resource", "context", "expected"), VARIABLE_ROWS)
def test_resource_variables(pattern, resource, context, expected):
    """Policy variables in Resource: substituted as literal text; absent keys match nothing."""
    assert resource_matches(pattern, resource, ctx=Context(context)) is expected


@pytest.mark.parametrize(
    ("version", "resource", "expected"),
    [
        ("2008-10-17", "arn:aws:s3:::home/${aws:username}/x", True),
        ("2008-10-17", "arn:aws:s3:::home/alice/x", False),
        (None, "arn:aws:s3:::home/${aws:username}/x", True),
        ("2012-10-17", "arn:aws:s3:::home/alice/x", True),
    ],
)
def test_variables_are_text_before_2012_10_17(version, resource, expected):
    """Under version 2008-10-17 (or none) `${...}` is literal text."""
    ctx = Context({"aws:username": "alice"})
    assert (
        resource_matches("arn:aws:s3:::home/${aws:username}/*", resource, version=version, ctx=ctx)
        is expected
    )


USER = "arn:aws:iam::111122223333:user/alice"
SESSION = "arn:aws:sts::111122223333:assumed-role/Dev/s1"
ROLE_ARN = "arn:aws:iam::111122223333:role/Dev"
FED = "arn:aws:sts::111122223333:federated-user/carol"

PRINCIPAL_ROWS = [
    # (Principal element, caller, level)
    (PrincipalSpec(wildcard=True), USER, DIRECT),
    (PrincipalSpec(wildcard=True), "anonymous", DIRECT),
    (PrincipalSpec(wildcard=True), "ec2.amazonaws.com", DIRECT),
    (PrincipalSpec(aws=(USER,)), USER, DIRECT),
    (PrincipalSpec(aws=("arn:aws:iam::111122223333:user/Alice",)), USER, NONE),
    (PrincipalSpec(aws=("111122223333",)), USER, ACCOUNT),
    (PrincipalSpec(aws=("arn:aws:iam::111122223333:root",)), USER, ACCOUNT),
    (PrincipalSpec(aws=("444455556666",)), USER, NONE),
    (PrincipalSpec(aws=("111122223333", USER)), USER, DIRECT),
    (PrincipalSpec(aws=(SESSION,)), SESSION, DIRECT),
    (PrincipalSpec(aws=(ROLE_ARN,)), SESSION, ROLE),
    (PrincipalSpec(aws=("arn:aws:iam::111122223333:role/Ops",)), SESSION, NONE),
    (PrincipalSpec(aws=("111122223333",)), SESSION, ACCOUNT),
    (PrincipalSpec(aws=(ROLE_ARN, "111122223333")), SESSION, ROLE),
    (PrincipalSpec(aws=(FED,)), FED, DIRECT),
    (PrincipalSpec(aws=("111122223333",)), FED, ACCOUNT),
    (PrincipalSpec(aws=("111122223333",)), "arn:aws:iam::111122223333:root", ACCOUNT),
    (PrincipalSpec(aws=("111122223333",)), "anonymous", NONE),
    (PrincipalSpec(aws=("111122223333",)), "ec2.amazonaws.com", NONE),
    (PrincipalSpec(service=("ec2.amazonaws.com",)), "ec2.amazonaws.com", DIRECT),
    (PrincipalSpec(service=("ec2.amazonaws.com",)), "lambda.amazonaws.com", NONE),
    (PrincipalSpec(service=("ec2.amazonaws.com",)), USER, NONE),
    (PrincipalSpec(federated=("accounts.google.com",)), "accounts.google.com", DIRECT),
    (PrincipalSpec(aws=("arn:aws:iam::111122223333:user/*",)), USER, NONE),  # no partial wildcards
]


@pytest.mark.parametrize(("spec", "caller", "level"), PRINCIPAL_ROWS)
def test_principal_level(spec, caller, level):
    """How a Principal element names a caller: directly, through its role, through its account, or not."""
    assert PrincipalMatcher(spec).level(parse_caller(caller)) == level


NOT_PRINCIPAL_ROWS = [
    # (NotPrincipal names, caller, every identity named)
    ((USER, "111122223333"), USER, True),
    ((USER,), USER, False),
    (("111122223333",), USER, False),
    ((SESSION, ROLE_ARN, "arn:aws:iam::111122223333:root"), SESSION, True),
    ((ROLE_ARN, "111122223333"), SESSION, False),
    ((SESSION, "111122223333"), SESSION, False),
    (("111122223333",), "arn:aws:iam::111122223333:root", True),
    ((USER, "111122223333"), "anonymous", False),
]


@pytest.mark.parametrize(("names", "caller", "expected"), NOT_PRINCIPAL_ROWS)
def test_not_principal_must_name_every_identity(names, caller, expected):
    """A caller escapes a Deny with NotPrincipal only when its account, role and itself are named."""
    assert PrincipalMatcher(PrincipalSpec(aws=names)).names_every_identity(parse_caller(caller)) is expected


def _policy(*statements):
    return CompiledPolicy(parse_policy({"Version": "2012-10-17", "Statement": list(statements)}))


INDEX_STATEMENTS = [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::a/*"},
    {"Effect": "Allow", "Action": ["s3:Get*", "ec2:Describe*"], "Resource": "*"},
    {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::secret/*"},
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:*Object", "Resource": "*"},
    {"Effect": "Allow", "Action": "*:Describe*", "Resource": "*"},
    {"Effect": "Allow", "NotAction": ["s3:*", "ec2:*"], "NotResource": "arn:aws:iam::*:user/root-*"},
]


@pytest.mark.parametrize(
    ("action", "resource", "positions"),
    [
        ("s3:getobject", "arn:aws:s3:::a/x", [0, 1, 2, 4, 5]),
        ("s3:getobject", "arn:aws:s3:::secret/x", [0, 2, 3, 4, 5]),
        ("s3:putobject", "arn:aws:s3:::b/x", [4, 5]),
        ("ec2:describeinstances", "*", [2, 4, 6]),
        ("iam:createuser", "arn:aws:iam::111122223333:user/x", [7]),
        ("iam:createuser", "arn:aws:iam::111122223333:user/root-x", []),
        ("sqs:sendmessage", "arn:aws:sqs:us-east-1:111122223333:q", [4, 7]),
    ],
)
def test_action_index_finds_exactly_the_matching_statements(action, resource, positions):
    """The index by exact action, service prefix, other patterns and NotAction finds each statement once."""
    policy = _policy(*INDEX_STATEMENTS)
    found = [statement.index for statement, _ in policy.candidates(action, resource)]
    assert found == positions
    # The remembered answer is the same.
    assert [s.index for s, _ in policy.candidates(action, resource)] == positions


def test_statements_with_variable_resources_are_checked_per_request():
    """A Resource with a variable cannot be decided once per resource: it is flagged for each request."""
    policy = _policy({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"})
    ((statement, dynamic),) = policy.candidates("s3:getobject", "arn:aws:s3:::home/alice/x")
    assert dynamic is True
    assert statement.dynamic_resource("arn:aws:s3:::home/alice/x", Context({"aws:username": "alice"}))
    assert not statement.dynamic_resource("arn:aws:s3:::home/alice/x", Context({"aws:username": "bob"}))


def test_compiled_policies_are_cached_by_object_and_by_content():
    """The same dict compiles once; an equal dict reuses the compiled policy; a different one does not."""
    document = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    first = compile_document(document)
    assert compile_document(document) is first
    assert compile_document({**document}) is first
    other = {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}}
    assert compile_document(other) is not first


def test_the_cache_is_safe_to_share_between_threads(monkeypatch):
    """Threads evaluating with a cache too small for their documents get the same answers as one thread."""
    import threading

    from policies.engine import evaluate, matching

    monkeypatch.setattr(matching, "_BY_ID_SIZE", 4)
    monkeypatch.setattr(matching, "_BY_CONTENT_SIZE", 4)
    documents = [
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": f"s3:Get{n}*", "Resource": "*"}],
        }
        for n in range(40)
    ]
    requests = [
        {"action": f"s3:Get{n % 7}Object", "resource": "arn:aws:s3:::b/k", "identityPolicies": [documents[n]]}
        for n in range(40)
    ]
    expected = [evaluate(r)["decision"] for r in requests]
    failures = []

    def work():
        for _ in range(25):
            got = [evaluate(r)["decision"] for r in requests]
            if got != expected:
                failures.append(got)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert expected.count("allowed") == 7  # documents 0..6 allow their own action
