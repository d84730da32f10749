"""Reading policy documents into immutable values ("IAM JSON policy element reference")."""

import dataclasses

import pytest

from policies.engine.arn import InvalidPrincipal, account_of_resource, parse_arn, parse_caller
from policies.engine.document import MalformedPolicyDocument, Policy, PrincipalSpec, Statement, parse_policy


def test_a_full_statement_is_read_element_by_element():
    """Every element of a statement lands in its field."""
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Id": "bucket-policy-1",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": ["111122223333", "arn:aws:iam::444455556666:root"],
                        "Service": "s3.amazonaws.com",
                    },
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": "arn:aws:s3:::b/*",
                    "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                }
            ],
        }
    )
    assert policy.version == "2012-10-17"
    assert policy.id == "bucket-policy-1"
    (statement,) = policy.statements
    assert statement.index == 0
    assert statement.sid == "Read"
    assert statement.effect == "Allow" and statement.is_allow
    assert statement.actions == ("s3:GetObject", "s3:ListBucket")
    assert statement.not_actions is None
    assert statement.resources == ("arn:aws:s3:::b/*",)
    assert statement.principal == PrincipalSpec(
        aws=("111122223333", "arn:aws:iam::444455556666:root"), service=("s3.amazonaws.com",)
    )
    assert statement.condition is not None
    assert statement.condition.keys == frozenset({"aws:securetransport"})


@pytest.mark.parametrize(
    ("document", "version", "count"),
    [
        ({"Version": "2012-10-17", "Statement": []}, "2012-10-17", 0),
        (
            {"Version": "2008-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
            "2008-10-17",
            1,
        ),
        ({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, None, 1),
        ('{"Version":"2012-10-17","Statement":[]}', "2012-10-17", 0),
    ],
)
def test_versions_and_statement_shapes(document, version, count):
    """Version 2012-10-17, 2008-10-17 or none; Statement an object or a list; JSON text accepted."""
    policy = parse_policy(document)
    assert policy.version == version
    assert len(policy.statements) == count


def test_statement_indexes_follow_document_order():
    """Each statement keeps its position in the list."""
    policy = parse_policy(
        {"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*"} for _ in range(3)]}
    )
    assert [s.index for s in policy.statements] == [0, 1, 2]


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ("*", PrincipalSpec(wildcard=True)),
        ({"AWS": "*"}, PrincipalSpec(wildcard=True, aws=("*",))),
        ({"AWS": "123456789012"}, PrincipalSpec(aws=("123456789012",))),
        ({"AWS": "arn:aws:iam::123456789012:root"}, PrincipalSpec(aws=("arn:aws:iam::123456789012:root",))),
        (
            {"Service": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"]},
            PrincipalSpec(service=("ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com")),
        ),
        (
            {"Federated": "cognito-identity.amazonaws.com"},
            PrincipalSpec(federated=("cognito-identity.amazonaws.com",)),
        ),
        (
            {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
            PrincipalSpec(
                canonical_user=("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",)
            ),
        ),
    ],
)
def test_principal_forms(element, expected):
    """The forms of the Principal element AWS documents."""
    statement = parse_policy(
        {"Statement": {"Effect": "Allow", "Principal": element, "Action": "*"}}
    ).statements[0]
    assert statement.principal == expected
    assert statement.resources is None and statement.not_resources is None  # a trust policy has none


def test_not_elements_are_read():
    """NotAction, NotResource and NotPrincipal have their own fields."""
    statement = parse_policy(
        {
            "Statement": {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": "111122223333"},
                "NotAction": "iam:*",
                "NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"],
            }
        }
    ).statements[0]
    assert statement.not_principal == PrincipalSpec(aws=("111122223333",))
    assert statement.not_actions == ("iam:*",)
    assert statement.not_resources == ("arn:aws:s3:::a", "arn:aws:s3:::b")
    assert statement.actions is None and statement.resources is None and statement.principal is None


def test_documents_are_immutable():
    """Parsed values are frozen dataclasses with __slots__."""
    policy = parse_policy({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    for value, field in (
        (policy, "version"),
        (policy.statements[0], "effect"),
        (PrincipalSpec(), "wildcard"),
    ):
        assert hasattr(type(value), "__slots__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, field, "x")
    assert isinstance(policy.statements, tuple)
    assert isinstance(policy, Policy) and isinstance(policy.statements[0], Statement)


ALLOW = {"Effect": "Allow", "Action": "*", "Resource": "*"}
MALFORMED = [
    ("not-an-object", ["Statement"], "JSON object"),
    ("not-json", "{", "not valid JSON"),
    ("no-statement", {"Version": "2012-10-17"}, "Missing required field Statement"),
    ("statement-a-string", {"Statement": "Allow"}, "Statement must be"),
    ("statement-item-a-string", {"Statement": ["Allow"]}, "each statement"),
    ("unknown-version", {"Version": "2012-10-18", "Statement": []}, "valid version"),
    ("version-a-number", {"Version": 2012, "Statement": []}, "valid version"),
    ("unknown-top-level-element", {"Statement": [], "Statements": []}, "Statements"),
    ("id-not-a-string", {"Id": 3, "Statement": []}, "Id"),
    ("no-effect", {"Statement": {"Action": "*", "Resource": "*"}}, "Missing required field Effect"),
    ("effect-lower-case", {"Statement": {**ALLOW, "Effect": "allow"}}, "Invalid effect: allow"),
    (
        "no-action",
        {"Statement": {"Effect": "Allow", "Resource": "*"}},
        "Policy statement must contain actions.",
    ),
    ("action-and-not-action", {"Statement": {**ALLOW, "NotAction": "s3:*"}}, "both Action and NotAction"),
    (
        "resource-and-not-resource",
        {"Statement": {**ALLOW, "NotResource": "x"}},
        "both Resource and NotResource",
    ),
    (
        "principal-and-not-principal",
        {"Statement": {**ALLOW, "Principal": "*", "NotPrincipal": "*"}},
        "NotPrincipal",
    ),
    ("action-a-number", {"Statement": {**ALLOW, "Action": 3}}, "Action must be"),
    ("resource-list-with-a-number", {"Statement": {**ALLOW, "Resource": ["*", 3]}}, "Resource must be"),
    ("sid-a-number", {"Statement": {**ALLOW, "Sid": 1}}, "Sid"),
    (
        "principal-a-bare-arn",
        {"Statement": {**ALLOW, "Principal": "arn:aws:iam::111122223333:root"}},
        "principal",
    ),
    ("principal-unknown-type", {"Statement": {**ALLOW, "Principal": {"User": "alice"}}}, "User"),
    ("principal-empty-object", {"Statement": {**ALLOW, "Principal": {}}}, "principal"),
    ("unknown-statement-element", {"Statement": {**ALLOW, "Actions": "*"}}, "Actions"),
    ("condition-not-an-object", {"Statement": {**ALLOW, "Condition": "x"}}, "Condition"),
    ("condition-unknown-operator", {"Statement": {**ALLOW, "Condition": {"StringSort": {"a:b": "c"}}}}, ""),
]


MALFORMED += [
    # As text: json.loads would raise RecursionError, or ValueError past 4,300 digits.
    ("text-nested-100000-deep", "[" * 100_000 + "]" * 100_000, "Syntax errors in policy"),
    ("text-statement-nested-deep", '{"Statement": ' + "[" * 100_000 + "]" * 100_000 + "}", "Syntax"),
    ("text-5000-digit-number", '{"Statement": [], "Id": ' + "9" * 5000 + "}", "Syntax errors in policy"),
    ("text-nan", '{"Statement": [], "Id": NaN}', "Syntax errors in policy"),
]


@pytest.mark.parametrize(("document", "words"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_documents(document, words):
    """Documents the evaluator cannot read raise MalformedPolicyDocument saying why."""
    with pytest.raises(MalformedPolicyDocument) as raised:
        parse_policy(document)
    assert words in str(raised.value)
    assert str(raised.value)


ARN_ROWS = [
    ("arn:aws:s3:::bucket/key", ("aws", "s3", "", "", "bucket/key")),
    (
        "arn:aws:logs:us-east-1:111122223333:log-group:g:*",
        ("aws", "logs", "us-east-1", "111122223333", "log-group:g:*"),
    ),
    ("arn:aws-cn:iam::111122223333:user/a", ("aws-cn", "iam", "", "111122223333", "user/a")),
]


@pytest.mark.parametrize(("text", "parts"), ARN_ROWS)
def test_parse_arn_keeps_colons_in_the_resource(text, parts):
    """Only the first five colons split an ARN."""
    arn = parse_arn(text)
    assert (arn.partition, arn.service, arn.region, arn.account, arn.resource) == parts
    assert str(arn) == text


@pytest.mark.parametrize("text", ["*", "arn:aws:s3", "urn:aws:s3:::b", ""])
def test_parse_arn_rejects_what_is_not_an_arn(text):
    """Fewer than six parts, or no `arn` prefix, is no ARN."""
    assert parse_arn(text) is None


@pytest.mark.parametrize(
    ("resource", "account"),
    [
        ("arn:aws:sqs:us-east-1:111122223333:q", "111122223333"),
        ("arn:aws:s3:::bucket/key", None),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", None),
        ("*", None),
    ],
)
def test_account_of_resource(resource, account):
    """The account a resource ARN names, or None where it names none."""
    assert account_of_resource(resource) == account


CALLER_ROWS = [
    (
        "arn:aws:iam::111122223333:user/alice",
        "user",
        "111122223333",
        "alice",
        "arn:aws:iam::111122223333:user/alice",
    ),
    (
        "arn:aws:iam::111122223333:user/div/alice",
        "user",
        "111122223333",
        "alice",
        "arn:aws:iam::111122223333:user/div/alice",
    ),
    ("arn:aws:iam::111122223333:root", "root", "111122223333", None, "arn:aws:iam::111122223333:root"),
    ("111122223333", "root", "111122223333", None, "arn:aws:iam::111122223333:root"),
    (
        "arn:aws:sts::111122223333:assumed-role/Dev/s1",
        "assumed-role",
        "111122223333",
        "Dev",
        "arn:aws:iam::111122223333:role/Dev",
    ),
    (
        "arn:aws:iam::111122223333:role/team/Dev",
        "role",
        "111122223333",
        "Dev",
        "arn:aws:iam::111122223333:role/team/Dev",
    ),
    (
        "arn:aws:sts::111122223333:federated-user/carol",
        "federated-user",
        "111122223333",
        "carol",
        "arn:aws:sts::111122223333:federated-user/carol",
    ),
    ("ec2.amazonaws.com", "service", None, None, None),
    ("accounts.google.com", "identity-provider", None, None, None),
    (
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        "identity-provider",
        None,
        None,
        None,
    ),
    ("anonymous", "anonymous", None, None, None),
]


@pytest.mark.parametrize(("text", "kind", "account", "name", "principal_arn"), CALLER_ROWS)
def test_callers(text, kind, account, name, principal_arn):
    """Each principal form the contract allows, with the aws:PrincipalArn AWS gives it."""
    caller = parse_caller(text)
    assert (caller.kind, caller.account, caller.name, caller.principal_arn) == (
        kind,
        account,
        name,
        principal_arn,
    )


@pytest.mark.parametrize(
    "text",
    [
        "alice",
        "arn:aws:iam::111122223333:group/admins",
        "arn:aws:iam::nope:user/a",
        "arn:aws:sts::111122223333:assumed-role/Dev",
        "arn:aws:s3:::bucket",
    ],
)
def test_callers_of_no_known_form(text):
    """Anything else is refused."""
    with pytest.raises(InvalidPrincipal):
        parse_caller(text)
