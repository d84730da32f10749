"""IAM's refusals: what validate() answers in `malformed`, word for word, and the size quotas.

Where the messages come from:
* Identity policies: the table of documents and messages in moto's tests
  (tests/test_iam/test_iam_policies.py), written against real IAM responses, and
  LocalStack's newer validator (partitions, S3 access points, the IAM path message with
  "root"). The Sid and ARN-format messages also appear in CloudTrail records of real
  CreatePolicy calls.
* Trust policies: "This policy contains invalid Json", "Has prohibited field Resource",
  'AssumeRolepolicy contained an invalid principal: "STAR":"*".', 'Invalid principal in
  policy: "SERVICE":"…"', the "balsa" no-principal message and "Cannot exceed quota for
  ACLSizePerRole: 2048" are quoted from real error reports. "AssumeRole policy must not
  contain resources." (NotResource) and "AssumeRole policy must not contain NotPrincipal
  field." come from another clone and are not confirmed.
* Size quotas: "Cannot exceed quota for PolicySize: 6144", "Maximum policy size of N bytes
  exceeded for user|group|role NAME" from real reports.
* Organizations: "The provided policy document does not meet the requirements of the
  specified policy type." and "You have exceeded the maximum policy size." from real reports.
* S3 (the "resource" type): MalformedPolicy messages from real reports ("Policy has invalid
  resource", "Missing required field Principal", the first-byte message).
"""

import io
import json

import pytest

from policies.engine import validation
from policies.engine.validation import messages, size_for_quota, validate


def doc(*statements, version="2012-10-17", **top):
    body = {}
    if version is not None:
        body["Version"] = version
    body.update(top)
    body["Statement"] = list(statements) if len(statements) != 1 else statements[0]
    return json.dumps(body)


def allow(**fields):
    return {"Effect": "Allow", **fields}


S3 = {"Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}
TRUST_OK = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}

# (name, policy text, IAM's message) for managed policies.
MANAGED_REFUSALS = [
    ("not json", "This is not a json document", "Syntax errors in policy."),
    (
        "empty text",
        "",
        "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
    ),
    # json.dumps would escape it; IAM sees the character itself in the request.
    ("character outside Latin-1", doc(allow(Sid="x", **S3)).replace('"x"', '"\u0100"'), messages.CHARSET),
    (
        "Latin-1 is allowed through to the Sid check",
        doc(allow(Sid="x", **S3)).replace('"x"', '"\u00e9"'),
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    ),
    (
        "missing version",
        doc(allow(**S3), version=None),
        "Policy document must be version 2012-10-17 or greater.",
    ),
    (
        "version 2008",
        doc(allow(**S3), version="2008-10-17"),
        "Policy document must be version 2012-10-17 or greater.",
    ),
    ("unknown version", doc(allow(**S3), version="2013-10-17"), "Syntax errors in policy."),
    ("no statement", json.dumps({"Version": "2012-10-17"}), "Syntax errors in policy."),
    ("empty statement list", doc(version="2012-10-17"), "Syntax errors in policy."),
    (
        "statement is a string",
        json.dumps({"Version": "2012-10-17", "Statement": ["afd"]}),
        "Syntax errors in policy.",
    ),
    ("unknown top-level element", doc(allow(**S3), Extra="value"), "Syntax errors in policy."),
    ("unknown statement element", doc(allow(Extra="value", **S3)), "Syntax errors in policy."),
    ("Id not a string", doc(allow(**S3), Id=["x"]), "Syntax errors in policy."),
    ("effect misspelled", doc({"Effect": "invalid", **S3}), "Syntax errors in policy."),
    ("effect missing", doc(dict(S3)), "Syntax errors in policy."),
    (
        "effect in lower case fails legacy parsing",
        doc({"Effect": "denY", **S3}),
        "The policy failed legacy parsing",
    ),
    (
        "action without vendor",
        doc(allow(Action="invalid", Resource="arn:aws:s3:::b")),
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (
        "empty NotAction",
        doc(allow(NotAction="", Resource="arn:aws:s3:::b")),
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (
        "vendor with a space",
        doc(allow(Action="a a:ListBucket", Resource="arn:aws:s3:::b")),
        "Vendor a a is not valid",
    ),
    (
        "two colons",
        doc(allow(Action="s3:List:Bucket", Resource="arn:aws:s3:::b")),
        "Actions/Condition can contain only one colon.",
    ),
    (
        "resource not an ARN",
        doc(allow(Action="s3:ListBucket", Resource="invalid resource")),
        'Resource invalid resource must be in ARN format or "*".',
    ),
    (
        "empty resource",
        doc(allow(Action="s3:ListBucket", Resource="")),
        'Resource  must be in ARN format or "*".',
    ),
    (
        "ECR registry URI instead of an ARN",
        doc(allow(Action="ecr:*", Resource="174313347505.dkr.ecr.us-west-2.amazonaws.com/repo")),
        'Resource 174313347505.dkr.ecr.us-west-2.amazonaws.com/repo must be in ARN format or "*".',
    ),
    (
        "unknown partition, short ARN",
        doc(allow(NotAction="s3s:ListBucket", Resource="a:bsdfdsafsad")),
        'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".',
    ),
    (
        "unknown partition, long ARN",
        doc(allow(NotAction="s3s:ListBucket", Resource="a:b:c:d:e:f:g:h")),
        'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".',
    ),
    (
        "ARN without its arn prefix",
        doc(allow(Action="s3:ListBucket", Resource="aws:s3:::example_bucket")),
        'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".',
    ),
    (
        "of two bad partitions the last in reverse order is reported",
        doc(
            allow(
                Action="s3:ListBucket",
                Resource=["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"],
            )
        ),
        'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".',
    ),
    (
        "ARN cut after the partition",
        doc(allow(Action="s3:ListBucket", Resource="arn:aws")),
        "Resource vendor must be fully qualified and cannot contain regexes.",
    ),
    (
        "IAM resource with a Region",
        doc(allow(Action="s3:ListBucket", Resource="arn:aws:iam:us-east-1::user/x")),
        "IAM resource arn:aws:iam:us-east-1::user/x cannot contain region information.",
    ),
    (
        "S3 resource with a Region",
        doc(allow(Action="s3:ListBucket", Resource="arn:aws:s3:us-east-1::b")),
        "Resource arn:aws:s3:us-east-1::b can not contain region information.",
    ),
    (
        "IAM resource path",
        doc(allow(Action="s3:ListBucket", Resource="arn:aws:iam:::example_bucket")),
        'IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, '
        "instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, "
        "report/, access-report/.",
    ),
    (
        "ARN with too few colons",
        doc(allow(Action="s3:ListBucket", Resource="arn:aws:s3::example_bucket")),
        "The policy failed legacy parsing",
    ),
    (
        "empty service field",
        doc(allow(Action="s3:ListBucket", Resource="arn:aws::fdsasf")),
        "The policy failed legacy parsing",
    ),
    (
        "date that does not parse",
        doc(allow(Condition={"DateGreaterThan": {"a": "sdfdsf"}}, **S3)),
        "The policy failed legacy parsing",
    ),
    (
        "date with a one-digit zone",
        doc(allow(Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+1"}}, **S3)),
        "The policy failed legacy parsing",
    ),
    (
        "epoch beyond a long",
        doc(allow(Condition={"DateLessThan": {"a": "9223372036854775808"}}, **S3)),
        "The policy failed legacy parsing",
    ),
    (
        "duplicate Sid",
        doc(allow(Sid="sdf", **S3), {"Sid": "sdf", "Effect": "Allow"}),
        "Statement IDs (SID) in a single policy must be unique.",
    ),
    (
        "Sid with underscores",
        doc(allow(Sid="Atomic_Red_Team", **S3)),
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    ),
    ("no action", doc(allow(Resource="arn:aws:s3:::b")), "Policy statement must contain actions."),
    (
        "empty action list",
        doc(allow(Action=[], Resource="arn:aws:s3:::b")),
        "Policy statement must contain actions.",
    ),
    ("no resource", doc(allow(Action="s3:ListBucket")), "Policy statement must contain resources."),
    (
        "empty resource list",
        doc(allow(Action="s3:ListBucket", Resource=[])),
        "Policy statement must contain resources.",
    ),
    (
        "vendor error outranks the missing resource",
        doc(allow(Action="invalid")),
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (
        "principal in an identity policy",
        doc(allow(Principal={"AWS": "*"}, **S3)),
        "Policy document should not specify a principal.",
    ),
    (
        "Action with NotAction",
        doc(allow(Action="s3:ListBucket", NotAction="s3:GetObject", Resource="*")),
        "Syntax errors in policy.",
    ),
    (
        "Resource with NotResource",
        doc(allow(Action="s3:ListBucket", Resource="*", NotResource="*")),
        "Syntax errors in policy.",
    ),
    (
        "condition is a list",
        doc(allow(Condition=[{"StringEquals": {"a": "b"}}], **S3)),
        "Syntax errors in policy.",
    ),
    (
        "unknown operator with values",
        doc(allow(Condition={"x": {"a": "1"}}, **S3)),
        "Syntax errors in policy.",
    ),
    (
        "double colon after the qualifier",
        doc(allow(Condition={"ForAnyValue::StringEqualsIfExists": {"a": "x"}}, **S3)),
        "Syntax errors in policy.",
    ),
    (
        "condition value is an object",
        doc(allow(Condition={"DateGreaterThan": {"a": {}}}, **S3)),
        "Syntax errors in policy.",
    ),
    ("Sid not a string", doc(allow(Sid=[], **S3)), "Syntax errors in policy."),
    # Python's int() refuses 4,300 digits and more: the validator crashed with ValueError.
    ("a 5000-digit number", doc(allow(**S3)).replace('"Allow"', "9" * 5000), "Syntax errors in policy."),
    (
        "nested 40 deep",
        doc(allow(Sid="[" * 40 + "]" * 40, **S3)).replace('"[', "[").replace(']"', "]"),
        "Syntax errors in policy.",
    ),
]


@pytest.mark.parametrize("name, text, message", MANAGED_REFUSALS, ids=[c[0] for c in MANAGED_REFUSALS])
def test_managed_policy_refusals(name, text, message):
    assert validate(text, "managed")["malformed"] == message


MANAGED_ACCEPTED = [
    ("minimal", doc(allow(**S3))),
    (
        "action name is not checked by IAM",
        doc(allow(Action="iam: asdf safdsf af ", Resource="arn:aws:s3:::b")),
    ),
    ("unknown service is not checked by IAM", doc(allow(Action="fsx:ListBucket", Resource="arn:aws:s3:::b"))),
    ("short ARN without empty fields", doc(allow(Action="s3:ListBucket", Resource="arn:aws:fdsasf"))),
    (
        "region and account placeholders",
        doc(allow(Action="ec2:*", Resource="arn:aws:ec2:region:account-id:instance/*")),
    ),
    ("empty condition", doc(allow(Condition={}, **S3))),
    ("unknown operator with an empty block", doc(allow(Condition={"x": {}, "y": {}}, **S3))),
    ("date prefix only", doc(allow(Condition={"DateGreaterThan": {"a": "01T"}}, **S3))),
    ("earliest epoch", doc(allow(Condition={"DateLessThan": {"a": "-292275054"}}, **S3))),
    (
        "IAM root is a valid resource",
        doc(allow(Action="iam:GetUser", Resource="arn:aws:iam::123456789012:root")),
    ),
    (
        "S3 access point with a Region",
        doc(allow(Action="s3:GetObject", Resource="arn:aws:s3:us-east-1:123456789012:accesspoint/ap")),
    ),
    ("other partitions", doc(allow(Action="s3:GetObject", Resource="arn:aws-cn:s3:::b/*"))),
    ("empty Sid", doc(allow(Sid="", **S3))),
    ("boolean condition value", doc(allow(Condition={"Bool": {"aws:SecureTransport": False}}, **S3))),
    ("NotAction and NotResource", doc(allow(NotAction="s3:ListBucket", NotResource="*"))),
    ("statement object instead of a list", json.dumps({"Version": "2012-10-17", "Statement": allow(**S3)})),
]


@pytest.mark.parametrize("name, text", MANAGED_ACCEPTED, ids=[c[0] for c in MANAGED_ACCEPTED])
def test_managed_policies_iam_stores(name, text):
    assert validate(text, "managed")["malformed"] is None


@pytest.mark.parametrize("policy_type", ["inline-user", "inline-group", "inline-role"])
@pytest.mark.parametrize("version", [None, "2008-10-17"])
def test_inline_policies_accept_the_old_or_missing_version(policy_type, version):
    # Only CreatePolicy/CreatePolicyVersion insist on 2012-10-17; PutUserPolicy and friends
    # store documents that default to 2008-10-17.
    assert validate(doc(allow(**S3), version=version), policy_type)["malformed"] is None


@pytest.mark.parametrize("version", [None, "2008-10-17"])
def test_session_policies_accept_the_old_or_missing_version_as_inline_ones_do(version):
    # STS's Policy parameter (AssumeRole, GetFederationToken…) predates 2012-10-17 as inline policies do.
    assert validate(doc(allow(**S3), version=version), "session")["malformed"] is None


def test_session_policies_are_refused_as_identity_policies_are():
    assert validate(doc(allow(Principal="*", **S3)), "session")["malformed"] == messages.NO_PRINCIPAL_ALLOWED
    assert validate(doc(allow(**S3), version="2013-10-17"), "session")["malformed"] == messages.SYNTAX


def test_boundary_is_a_managed_policy_and_needs_the_current_version():
    assert validate(doc(allow(**S3), version=None), "boundary")["malformed"] == messages.VERSION


TRUST_REFUSALS = [
    ("invalid json", '{"Version": "2012-10-17",', "This policy contains invalid Json"),
    ("unknown element", doc(dict(TRUST_OK, Extra="x")), "Syntax errors in policy."),
    ("resource", doc(dict(TRUST_OK, Resource="*")), "Has prohibited field Resource"),
    (
        "permissions policy pasted as trust",
        doc(allow(Action="route53:ListHostedZones", Resource="*")),
        "Has prohibited field Resource",
    ),
    ("NotResource", doc(dict(TRUST_OK, NotResource="*")), "AssumeRole policy must not contain resources."),
    (
        "no principal",
        doc(allow(Action="sts:AssumeRole")),
        "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
        "The passed in policy has a statement with no principals!",
    ),
    (
        "star principal",
        doc(allow(Principal="*", Action="sts:AssumeRole")),
        'AssumeRolepolicy contained an invalid principal: "STAR":"*".',
    ),
    (
        "misspelled service principal",
        doc(allow(Principal={"Service": "codepipeiine"}, Action="sts:AssumeRole")),
        'Invalid principal in policy: "SERVICE":"codepipeiine"',
    ),
    (
        "role principal with a wildcard",
        doc(allow(Principal={"AWS": "arn:aws:iam::123456789012:role/*"}, Action="sts:AssumeRole")),
        'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"',
    ),
    (
        "NotPrincipal",
        doc({"Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        "AssumeRole policy must not contain NotPrincipal field.",
    ),
    (
        "non-STS action",
        doc(dict(TRUST_OK, Action="s3:GetObject")),
        "AssumeRole policy may only specify STS AssumeRole actions.",
    ),
    (
        "all actions",
        doc(dict(TRUST_OK, Action="*")),
        "AssumeRole policy may only specify STS AssumeRole actions.",
    ),
    (
        "STS action that is not about the role",
        doc(dict(TRUST_OK, Action="sts:GetCallerIdentity")),
        "AssumeRole policy may only specify STS AssumeRole actions.",
    ),
    (
        "no action",
        doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}),
        "Policy statement must contain actions.",
    ),
    (
        "duplicate Sid",
        doc(dict(TRUST_OK, Sid="A"), dict(TRUST_OK, Sid="A")),
        "Statement IDs (SID) in a single policy must be unique.",
    ),
]


@pytest.mark.parametrize("name, text, message", TRUST_REFUSALS, ids=[c[0] for c in TRUST_REFUSALS])
def test_trust_policy_refusals(name, text, message):
    assert validate(text, "trust")["malformed"] == message


TRUST_ACCEPTED = [
    ("service", doc(TRUST_OK)),
    ("version 2008 is still accepted", doc(TRUST_OK, version="2008-10-17")),
    ("account root", doc(dict(TRUST_OK, Principal={"AWS": "arn:aws:iam::123456789012:root"}))),
    ("account id", doc(dict(TRUST_OK, Principal={"AWS": "123456789012"}))),
    ("any AWS principal", doc(dict(TRUST_OK, Principal={"AWS": "*"}))),
    (
        "web identity",
        doc(
            dict(
                TRUST_OK,
                Principal={"Federated": "cognito-identity.amazonaws.com"},
                Action="sts:AssumeRoleWithWebIdentity",
            )
        ),
    ),
    (
        "SAML provider and tags",
        doc(
            dict(
                TRUST_OK,
                Principal={"Federated": "arn:aws:iam::123456789012:saml-provider/idp"},
                Action=["sts:AssumeRoleWithSAML", "sts:TagSession"],
            )
        ),
    ),
    ("sts wildcard over the role actions", doc(dict(TRUST_OK, Action="sts:AssumeRole*"))),
]


@pytest.mark.parametrize("name, text", TRUST_ACCEPTED, ids=[c[0] for c in TRUST_ACCEPTED])
def test_trust_policies_iam_stores(name, text):
    assert validate(text, "trust")["malformed"] is None


ORG = "The provided policy document does not meet the requirements of the specified policy type."
DENY_ALL_S3 = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
ORG_REFUSALS = [
    ("scp", "scp invalid json", "{", ORG),
    (
        "scp",
        "scp with a principal",
        doc({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}),
        ORG,
    ),
    ("scp", "scp without a resource", doc({"Effect": "Deny", "Action": "s3:*"}), ORG),
    (
        "scp",
        "scp with an old version",
        doc({"Effect": "Deny", "Action": "*", "Resource": "*"}, version="2008-10-17"),
        ORG,
    ),
    (
        "scp",
        "scp with an action without vendor",
        doc({"Effect": "Deny", "Action": "foo", "Resource": "*"}),
        ORG,
    ),
    (
        "rcp",
        "rcp allow with a condition",
        doc(dict(DENY_ALL_S3, Effect="Allow", Condition={"Bool": {"aws:SecureTransport": "false"}})),
        ORG,
    ),
    (
        "rcp",
        "rcp with NotAction",
        doc({"Effect": "Deny", "Principal": "*", "NotAction": "s3:*", "Resource": "*"}),
        ORG,
    ),
    (
        "rcp",
        "rcp naming a principal",
        doc(dict(DENY_ALL_S3, Principal={"AWS": "arn:aws:iam::123456789012:root"})),
        ORG,
    ),
    ("rcp", "rcp with an unsupported service", doc(dict(DENY_ALL_S3, Action="ec2:*")), ORG),
    (
        "rcp",
        "rcp with NotPrincipal",
        doc({"Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"}),
        ORG,
    ),
]


@pytest.mark.parametrize("policy_type, name, text, message", ORG_REFUSALS, ids=[c[1] for c in ORG_REFUSALS])
def test_organizations_refusals(policy_type, name, text, message):
    assert validate(text, policy_type)["malformed"] == message


@pytest.mark.parametrize(
    "policy_type, text",
    [
        (
            "scp",
            doc(
                {
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ),
        ),
        ("scp", doc({"Effect": "Allow", "Action": "*", "Resource": "*"})),
        (
            "scp",
            doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        ),  # full IAM language since 2025
        ("rcp", doc(dict(DENY_ALL_S3, Condition={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}))),
        (
            "rcp",
            doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
        ),  # RCPFullAWSAccess
    ],
)
def test_organizations_policies_stored(policy_type, text):
    assert validate(text, policy_type)["malformed"] is None


BUCKET = "arn:aws:s3:::b/*"
PUBLIC_READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": BUCKET}
RESOURCE_REFUSALS = [
    ("not an object", "[1]", "Policies must be valid JSON and the first byte must be '{'"),
    ("broken json", '{"Version": ', "This policy contains invalid Json"),
    ("bad version", doc(PUBLIC_READ, version="2020-01-01"), "The policy must contain a valid version string"),
    ("no statement", json.dumps({"Version": "2012-10-17"}), "Missing required field Statement"),
    ("empty statement", doc(version="2012-10-17"), "Could not parse the policy: Statement is empty!"),
    (
        "no principal",
        doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": BUCKET}),
        "Missing required field Principal",
    ),
    (
        "no effect",
        doc({"Principal": "*", "Action": "s3:GetObject", "Resource": BUCKET}),
        "Missing required field Effect",
    ),
    ("unknown action", doc(dict(PUBLIC_READ, Action="s3:GetObjectt")), "Policy has invalid action"),
    ("resource not an ARN", doc(dict(PUBLIC_READ, Resource="b/*")), "Policy has invalid resource"),
    ("bad principal", doc(dict(PUBLIC_READ, Principal={"AWS": "nobody"})), "Invalid principal in policy"),
]


@pytest.mark.parametrize("name, text, message", RESOURCE_REFUSALS, ids=[c[0] for c in RESOURCE_REFUSALS])
def test_resource_policy_refusals_follow_s3(name, text, message):
    assert validate(text, "resource")["malformed"] == message


def test_resource_policy_stored():
    assert validate(doc(PUBLIC_READ), "resource")["malformed"] is None


# --- size quotas ---------------------------------------------------------------------


def sized(policy_type, size, *, pretty=False):
    """A valid document of exactly `size` characters as the type's quota counts them."""
    if policy_type == "trust":
        statement = {"Sid": "", **TRUST_OK}
    elif policy_type in ("scp", "rcp"):
        statement = {"Sid": "", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
        if policy_type == "scp":
            del statement["Principal"]
    else:
        statement = {"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    base = (
        doc(statement, version="2012-10-17")
        if not pretty
        else json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)
    )
    counted, _ = size_for_quota(base, policy_type)
    pad = size - counted
    assert pad >= 0
    text = base.replace('"Sid": ""', '"Sid": "' + "A" * pad + '"', 1)
    assert size_for_quota(text, policy_type)[0] == size
    return text


LIMITS = [
    ("managed", 6144, "Cannot exceed quota for PolicySize: 6144"),
    ("boundary", 6144, "Cannot exceed quota for PolicySize: 6144"),
    ("inline-user", 2048, "Maximum policy size of 2048 bytes exceeded for user"),
    ("inline-group", 5120, "Maximum policy size of 5120 bytes exceeded for group"),
    ("inline-role", 10240, "Maximum policy size of 10240 bytes exceeded for role"),
    ("trust", 2048, "Cannot exceed quota for ACLSizePerRole: 2048"),
    ("scp", 10240, "You have exceeded the maximum policy size."),
    ("rcp", 5120, "You have exceeded the maximum policy size."),
]


@pytest.mark.parametrize("policy_type, limit, message", LIMITS)
def test_size_at_the_quota_is_accepted(policy_type, limit, message):
    assert validate(sized(policy_type, limit), policy_type)["malformed"] is None


@pytest.mark.parametrize("policy_type, limit, message", LIMITS)
def test_size_one_over_the_quota_is_refused(policy_type, limit, message):
    assert validate(sized(policy_type, limit + 1), policy_type)["malformed"] == message


@pytest.mark.parametrize("policy_type, limit", [("managed", 6144), ("inline-role", 10240), ("trust", 2048)])
def test_iam_does_not_count_white_space(policy_type, limit):
    text = sized(policy_type, limit, pretty=True)
    assert len(text) > limit  # the indentation would push it over if it counted
    assert validate(text, policy_type)["malformed"] is None


@pytest.mark.parametrize(("policy_type", "limit"), [("scp", 10240), ("rcp", 5120)])
def test_organizations_count_every_character(policy_type, limit):
    text = sized(policy_type, limit, pretty=True)
    assert validate(text, policy_type)["malformed"] is None
    text = text.replace("{", "{ ", 1)  # one more space is one character too many
    assert validate(text, policy_type)["malformed"] == "You have exceeded the maximum policy size."


def test_inline_size_message_names_the_entity():
    result = validate(sized("inline-user", 2049), "inline-user", entity_name="alice")
    assert result["malformed"] == "Maximum policy size of 2048 bytes exceeded for user alice"


@pytest.mark.parametrize("policy_type", ["managed", "inline-role", "trust"])
def test_documents_longer_than_the_parameter_allows_fail_its_validation(policy_type):
    text = sized(policy_type, 2000).replace("{", "{" + " " * 131072, 1)
    assert validate(text, policy_type)["malformed"] == (
        "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
        "Member must have length less than or equal to 131072"
    )


def test_size_for_quota_reports_the_count_and_the_quota():
    assert size_for_quota('{ "a" : "b c" }', "managed") == (10, 6144)
    assert size_for_quota('{ "a" : "b c" }', "scp") == (15, 10240)
    assert size_for_quota("{}", "resource") == (2, None)


def test_unknown_policy_type_is_an_error():
    with pytest.raises(ValueError):
        validate("{}", "bucket")


# --- the command ---------------------------------------------------------------------


def run_main(monkeypatch, capsys, text, *argv):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code = validation.main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_main_prints_the_verdict_and_exits_0_when_stored(monkeypatch, capsys):
    code, out = run_main(monkeypatch, capsys, doc(allow(**S3)), "--type", "managed")
    assert code == 0
    assert out["malformed"] is None
    assert out["findings"] == []


def test_main_exits_1_when_refused(monkeypatch, capsys):
    code, out = run_main(monkeypatch, capsys, doc(allow(**S3), version=None))
    assert code == 1
    assert out["malformed"] == "Policy document must be version 2012-10-17 or greater."


def test_main_reads_utf8_and_passes_the_entity_name(monkeypatch, capsys):
    code, out = run_main(
        monkeypatch, capsys, sized("inline-group", 5121), "--type", "inline-group", "--name", "ops"
    )
    assert code == 1
    assert out["malformed"] == "Maximum policy size of 5120 bytes exceeded for group ops"
