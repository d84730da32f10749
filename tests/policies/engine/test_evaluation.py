"""AWS's evaluation logic, request by request: decision, deniedBy and the statements behind it.

Each row names the behaviour it pins down and, in a comment, the AWS page it comes from. Account
111122223333 is "ours"; 444455556666 is another account. Unless a row says otherwise the caller is
the IAM user alice of our account asking for s3:GetObject on an object of a bucket (S3 ARNs name
no account, so the bucket is in the caller's account).
"""

import pytest

from policies.engine import evaluate
from policies.engine.evaluation import REQUEST_KEYS

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
OTHER_USER = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Dev"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/alice-session"
OTHER_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/bob-session"
FEDERATED = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
REMOTE_USER = f"arn:aws:iam::{OTHER}:user/dave"
REMOTE_ROOT = f"arn:aws:iam::{OTHER}:root"
OBJECT = "arn:aws:s3:::reports/2026/q3.csv"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
REMOTE_QUEUE = f"arn:aws:sqs:us-east-1:{OTHER}:jobs"
TARGET_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Target"
REMOTE_ROLE = f"arn:aws:iam::{OTHER}:role/Target"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SLR = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMR"


def stmt(effect="Allow", action="s3:GetObject", resource="*", **extra):
    """One statement; extra keys (Sid, Condition, Principal, NotAction...) are added as given."""
    out = {"Effect": effect}
    if "NotAction" not in extra:
        out["Action"] = action
    if resource is not None and "NotResource" not in extra:
        out["Resource"] = resource
    out.update(extra)
    return out


def allow(action="s3:GetObject", resource="*", **extra):
    return stmt("Allow", action, resource, **extra)


def deny(action="s3:GetObject", resource="*", **extra):
    return stmt("Deny", action, resource, **extra)


def doc(*statements, version="2012-10-17"):
    out = {"Statement": list(statements)}
    if version is not None:
        out["Version"] = version
    return out


def grant(principal, effect="Allow", action="s3:GetObject", resource="*", **extra):
    """A resource-based policy of one statement naming `principal` ("*" or {"AWS": ...} etc.)."""
    if isinstance(principal, str) and principal != "*":
        principal = {"AWS": principal}
    return doc(stmt(effect, action, resource, Principal=principal, **extra))


ALLOW_S3 = doc(allow("s3:*"))
ALLOW_GET = doc(allow("s3:GetObject"))
ALLOW_EC2 = doc(allow("ec2:*"))
ALLOW_ALL = doc(allow("*"))
DENY_S3 = doc(deny("s3:*"))
FULL_ACCESS = doc(allow("*"))  # FullAWSAccess, the SCP AWS attaches by default

# (id, request fields, decision, deniedBy, matched as {"path#index effect"}; None: not checked)
ROWS = [
    # --- identity-based policies ("Policy evaluation logic": implicit deny, explicit allow/deny) ---
    ("no-policy-at-all-is-an-implicit-deny", {}, "implicitDeny", "identity", set()),
    (
        "identity-allow-grants",
        {"identityPolicies": [ALLOW_GET]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "identity-allow-for-another-action",
        {"identityPolicies": [ALLOW_EC2]},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "explicit-deny-beats-allow-in-the-same-policy",
        {"identityPolicies": [doc(allow("s3:*"), deny("s3:GetObject"))]},
        "explicitDeny",
        "identity",
        {"identityPolicies[0]#1 Deny"},
    ),
    (
        "explicit-deny-beats-allow-in-another-policy",
        {"identityPolicies": [ALLOW_S3, DENY_S3]},
        "explicitDeny",
        "identity",
        {"identityPolicies[1]#0 Deny"},
    ),
    (
        "every-matching-deny-is-listed",
        {"identityPolicies": [DENY_S3, doc(deny("s3:Get*"), allow())]},
        "explicitDeny",
        "identity",
        {"identityPolicies[0]#0 Deny", "identityPolicies[1]#0 Deny"},
    ),
    (
        "every-matching-allow-is-listed",
        {"identityPolicies": [ALLOW_S3, doc(allow("ec2:*"), allow("s3:Get*"))]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "identityPolicies[1]#1 Allow"},
    ),
    (
        "action-names-are-case-insensitive",
        {"identityPolicies": [doc(allow("S3:getobject"))]},
        "allowed",
        None,
        None,
    ),
    (
        "statement-as-a-single-object-has-index-0",
        {"identityPolicies": [{"Version": "2012-10-17", "Statement": allow()}]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    ("empty-statement-list-allows-nothing", {"identityPolicies": [doc()]}, "implicitDeny", "identity", set()),
    (
        "not-action-allow-covers-other-services",
        {"identityPolicies": [doc(allow(NotAction="iam:*"))]},
        "allowed",
        None,
        None,
    ),
    (
        "not-action-allow-leaves-out-the-listed-actions",
        {"identityPolicies": [doc(allow(NotAction=["s3:Get*", "iam:*"]))]},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "not-action-deny-denies-everything-else",
        {"identityPolicies": [ALLOW_ALL, doc(deny(NotAction="iam:*"))]},
        "explicitDeny",
        "identity",
        {"identityPolicies[1]#0 Deny"},
    ),
    (
        "not-resource-allow-covers-other-resources",
        {"identityPolicies": [doc(allow(NotResource="arn:aws:s3:::secrets/*"))]},
        "allowed",
        None,
        None,
    ),
    (
        "not-resource-allow-leaves-out-the-listed-resources",
        {"identityPolicies": [doc(allow(NotResource="arn:aws:s3:::reports/*"))]},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "not-resource-deny-denies-everything-else",
        {"identityPolicies": [ALLOW_ALL, doc(deny("s3:*", NotResource="arn:aws:s3:::public/*"))]},
        "explicitDeny",
        "identity",
        None,
    ),
    (
        "resource-wildcard-within-the-bucket",
        {"identityPolicies": [doc(allow(resource="arn:aws:s3:::reports/*"))]},
        "allowed",
        None,
        None,
    ),
    (
        "resource-of-another-bucket-does-not-match",
        {"identityPolicies": [doc(allow(resource="arn:aws:s3:::archive/*"))]},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "resource-arns-are-case-sensitive",
        {"identityPolicies": [doc(allow(resource="arn:aws:s3:::Reports/*"))]},
        "implicitDeny",
        "identity",
        set(),
    ),
    # --- conditions and context ("IAM JSON policy elements: Condition operators") ---
    (
        "condition-met-allows",
        {
            "identityPolicies": [doc(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
            "context": {"aws:SourceIp": "203.0.113.7"},
        },
        "allowed",
        None,
        None,
    ),
    (
        "condition-not-met-does-not-allow",
        {
            "identityPolicies": [doc(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
            "context": {"aws:SourceIp": "198.51.100.1"},
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "condition-key-names-are-case-insensitive",
        {
            "identityPolicies": [doc(allow(Condition={"IpAddress": {"aws:sourceip": "203.0.113.0/24"}}))],
            "context": {"AWS:SOURCEIP": "203.0.113.7"},
        },
        "allowed",
        None,
        None,
    ),
    (
        "conditional-deny-applies-when-met",
        {
            "identityPolicies": [
                ALLOW_S3,
                doc(deny("s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}})),
            ],
            "context": {"aws:SecureTransport": False},
        },
        "explicitDeny",
        "identity",
        {"identityPolicies[1]#0 Deny"},
    ),
    (
        "conditional-deny-does-not-apply-when-not-met",
        {
            "identityPolicies": [
                ALLOW_S3,
                doc(deny("s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}})),
            ],
            "context": {"aws:SecureTransport": True},
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "aws-username-is-derived-for-iam-users",
        {"identityPolicies": [doc(allow(Condition={"StringEquals": {"aws:username": "alice"}}))]},
        "allowed",
        None,
        None,
    ),
    (
        "aws-principalaccount-is-derived",
        {"identityPolicies": [doc(allow(Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}))]},
        "allowed",
        None,
        None,
    ),
    (
        "aws-principalarn-of-a-user-is-its-arn",
        {"identityPolicies": [doc(allow(Condition={"ArnEquals": {"aws:PrincipalArn": USER}}))]},
        "allowed",
        None,
        None,
    ),
    (
        "aws-principalarn-of-a-session-is-its-role-arn",
        {
            "principal": SESSION,
            "identityPolicies": [doc(allow(Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}}))],
        },
        "allowed",
        None,
        None,
    ),
    (
        "aws-principalarn-given-with-the-role-path-is-kept",
        {
            "principal": SESSION,
            "context": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/team/Dev"},
            "identityPolicies": [
                doc(allow(Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/team/*"}}))
            ],
        },
        "allowed",
        None,
        None,
    ),
    (
        "aws-currenttime-is-derived-from-the-clock",
        {
            "identityPolicies": [
                doc(allow(Condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}))
            ]
        },
        "allowed",
        None,
        None,
    ),
    (
        "aws-epochtime-is-derived-from-the-clock",
        {"identityPolicies": [doc(allow(Condition={"NumericGreaterThan": {"aws:EpochTime": "1577836800"}}))]},
        "allowed",
        None,
        None,
    ),
    (
        "a-time-given-in-the-context-wins-over-the-clock",
        {
            "identityPolicies": [
                doc(allow(Condition={"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}))
            ],
            "context": {"aws:CurrentTime": "2019-06-01T00:00:00Z"},
        },
        "allowed",
        None,
        None,
    ),
    (
        "a-context-key-given-as-null-is-absent-and-derived",
        {
            "identityPolicies": [doc(allow(Condition={"StringEquals": {"aws:username": "alice"}}))],
            "context": {"aws:username": None},
        },
        "allowed",
        None,
        None,
    ),
    (
        "a-context-value-overrides-a-derived-one",
        {
            "identityPolicies": [doc(allow(Condition={"StringEquals": {"aws:username": "alice"}}))],
            "context": {"AWS:UserName": "mallory"},
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "aws-username-is-not-derived-for-a-session",
        {
            "principal": SESSION,
            "identityPolicies": [doc(allow(Condition={"StringEquals": {"aws:username": "alice"}}))],
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    # --- policy variables ("IAM policy elements: Variables and tags") ---
    (
        "resource-variable-is-the-caller-user-name",
        {
            "resource": "arn:aws:s3:::home/alice/notes.txt",
            "identityPolicies": [doc(allow(resource="arn:aws:s3:::home/${aws:username}/*"))],
        },
        "allowed",
        None,
        None,
    ),
    (
        "resource-variable-of-another-user-does-not-match",
        {
            "resource": "arn:aws:s3:::home/bob/notes.txt",
            "identityPolicies": [doc(allow(resource="arn:aws:s3:::home/${aws:username}/*"))],
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "variables-are-literal-text-under-version-2008",
        {
            "resource": "arn:aws:s3:::home/alice/notes.txt",
            "identityPolicies": [
                doc(allow(resource="arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")
            ],
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "variables-are-literal-text-without-a-version",
        {
            "resource": "arn:aws:s3:::home/alice/notes.txt",
            "identityPolicies": [doc(allow(resource="arn:aws:s3:::home/${aws:username}/*"), version=None)],
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "a-variable-value-with-a-star-is-no-wildcard",
        {
            "resource": "arn:aws:s3:::home/alice/notes.txt",
            "context": {"aws:PrincipalTag/home": "*"},
            "identityPolicies": [doc(allow(resource="arn:aws:s3:::home/${aws:PrincipalTag/home}/*"))],
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "a-variable-default-is-used-when-the-key-is-absent",
        {
            "resource": "arn:aws:s3:::teams/none/x",
            "identityPolicies": [
                doc(allow(resource="arn:aws:s3:::teams/${aws:PrincipalTag/team, 'none'}/*"))
            ],
        },
        "allowed",
        None,
        None,
    ),
    (
        "a-variable-without-its-key-matches-nothing",
        {
            "resource": "arn:aws:s3:::teams/red/x",
            "identityPolicies": [doc(allow(resource="arn:aws:s3:::teams/${aws:PrincipalTag/team}/*"))],
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "a-variable-in-the-account-segment",
        {
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "identityPolicies": [doc(allow("sqs:*", resource="arn:aws:sqs:*:${aws:PrincipalAccount}:*"))],
        },
        "allowed",
        None,
        None,
    ),
    # --- the root user ("By default, all requests are implicitly denied with the exception of the
    # AWS account root user, which has full access"; SCPs apply to member accounts' root users) ---
    ("root-user-has-full-access-in-its-account", {"principal": ROOT}, "allowed", None, set()),
    (
        "root-user-has-no-identity-based-policies",
        {"principal": ROOT, "identityPolicies": [DENY_S3]},
        "allowed",
        None,
        set(),
    ),
    ("scps-limit-the-root-user", {"principal": ROOT, "scps": [[]]}, "implicitDeny", "scp 0", set()),
    (
        "scp-deny-applies-to-the-root-user",
        {"principal": ROOT, "scps": [[FULL_ACCESS, DENY_S3]]},
        "explicitDeny",
        "scp 0",
        {"scps[0][1]#0 Deny"},
    ),
    (
        "resource-policy-deny-applies-to-the-root-user",
        {"principal": ROOT, "resourcePolicy": grant("*", "Deny", "s3:*")},
        "explicitDeny",
        "resource",
        {"resourcePolicy#0 Deny"},
    ),
    (
        "root-user-of-another-account-needs-the-resource-policy",
        {"principal": REMOTE_ROOT, "action": "sqs:SendMessage", "resource": QUEUE},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "root-user-of-another-account-allowed-by-a-policy-naming-its-account",
        {
            "principal": REMOTE_ROOT,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "resourcePolicy": grant(OTHER, action="sqs:SendMessage"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "root-user-needs-the-key-policy",
        {"principal": ROOT, "action": "kms:Decrypt", "resource": KEY},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "root-user-allowed-by-a-key-policy-naming-the-account",
        {
            "principal": ROOT,
            "action": "kms:Decrypt",
            "resource": KEY,
            "resourcePolicy": grant(ROOT, action="kms:*"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "root-user-cannot-assume-a-role",  # STS: "Roles may not be assumed by root accounts"
        {
            "principal": ROOT,
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "resourcePolicy": grant(ACCOUNT, action="sts:AssumeRole"),
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    # --- resource-based policies within one account ("How AWS enforcement code logic evaluates
    # requests": "If either the identity-based policy or the resource-based policy within the same
    # account allows the request and the other doesn't, the request is still allowed") ---
    (
        "resource-policy-naming-the-user-grants-without-identity-policy",
        {"resourcePolicy": grant(USER)},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-the-user-is-not-limited-by-a-boundary",
        {"resourcePolicy": grant(USER), "permissionsBoundary": ALLOW_EC2},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-the-user-with-an-allowing-identity-policy",
        {"resourcePolicy": grant(USER), "identityPolicies": [ALLOW_GET]},
        "allowed",
        None,
        {"resourcePolicy#0 Allow", "identityPolicies[0]#0 Allow"},
    ),
    (
        "resource-policy-naming-the-account-needs-an-identity-allow",  # "delegates authority to the account"
        {"resourcePolicy": grant(ACCOUNT)},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "resource-policy-naming-the-account-root-arn-is-the-account",
        {"resourcePolicy": grant(ROOT)},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "resource-policy-naming-the-account-with-identity-allow",
        {"resourcePolicy": grant(ACCOUNT), "identityPolicies": [ALLOW_GET]},
        "allowed",
        None,
        {"resourcePolicy#0 Allow", "identityPolicies[0]#0 Allow"},
    ),
    (
        "resource-policy-naming-the-account-is-limited-by-the-boundary",
        {"resourcePolicy": grant(ACCOUNT), "identityPolicies": [ALLOW_GET], "permissionsBoundary": ALLOW_EC2},
        "implicitDeny",
        "permissionsBoundary",
        set(),
    ),
    (
        "public-resource-policy-grants-without-identity-policy",  # "no other permissions are required"
        {"resourcePolicy": grant("*")},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "aws-star-principal-is-the-same-as-star",
        {"resourcePolicy": grant({"AWS": "*"})},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "public-resource-policy-is-not-limited-by-a-boundary",
        {"resourcePolicy": grant("*"), "permissionsBoundary": ALLOW_EC2},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-another-user-grants-nothing",
        {"resourcePolicy": grant(OTHER_USER)},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "principal-user-names-are-case-sensitive",
        {"resourcePolicy": grant(f"arn:aws:iam::{ACCOUNT}:user/Alice")},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "user-with-a-path-is-named-by-its-full-arn",
        {
            "principal": f"arn:aws:iam::{ACCOUNT}:user/division/alice",
            "resourcePolicy": grant(f"arn:aws:iam::{ACCOUNT}:user/division/alice"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-deny-naming-the-user-beats-identity-allow",
        {"resourcePolicy": grant(USER, "Deny"), "identityPolicies": [ALLOW_S3]},
        "explicitDeny",
        "resource",
        {"resourcePolicy#0 Deny"},
    ),
    (
        "resource-policy-deny-naming-the-account-covers-its-users",
        {"resourcePolicy": grant(ACCOUNT, "Deny"), "identityPolicies": [ALLOW_S3]},
        "explicitDeny",
        "resource",
        {"resourcePolicy#0 Deny"},
    ),
    (
        "resource-policy-deny-naming-another-user-does-not-apply",
        {"resourcePolicy": grant(OTHER_USER, "Deny"), "identityPolicies": [ALLOW_S3]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "resource-policy-with-unmet-condition-grants-nothing",
        {
            "resourcePolicy": grant(USER, Condition={"Bool": {"aws:SecureTransport": "true"}}),
            "context": {"aws:SecureTransport": "false"},
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "resource-policy-for-another-resource-grants-nothing",
        {"resourcePolicy": grant(USER, resource="arn:aws:s3:::archive/*")},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "resource-policy-under-version-2008-is-evaluated",  # still found in bucket policies
        {"resourcePolicy": {"Version": "2008-10-17", "Statement": [allow(Principal={"AWS": USER})]}},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    # --- role sessions ("IAM role session ... Permissions granted directly to a session are not
    # limited by an implicit deny in an identity-based policy, a permissions boundary, or session
    # policy"; "IAM role ... limited by an implicit deny in a permissions boundary or session policy") ---
    (
        "session-with-identity-allow",
        {"principal": SESSION, "identityPolicies": [ALLOW_GET]},
        "allowed",
        None,
        None,
    ),
    ("session-without-policies", {"principal": SESSION}, "implicitDeny", "identity", set()),
    (
        "resource-policy-naming-the-session-grants-without-identity-policy",
        {"principal": SESSION, "resourcePolicy": grant(SESSION)},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-the-session-is-not-limited-by-the-boundary",
        {"principal": SESSION, "resourcePolicy": grant(SESSION), "permissionsBoundary": ALLOW_EC2},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-the-session-is-not-limited-by-the-session-policy",
        {"principal": SESSION, "resourcePolicy": grant(SESSION), "sessionPolicy": ALLOW_EC2},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-another-session-of-the-role-grants-nothing",
        {"principal": SESSION, "resourcePolicy": grant(OTHER_SESSION)},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "resource-policy-naming-the-role-grants-its-sessions",
        {"principal": SESSION, "resourcePolicy": grant(ROLE)},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-the-role-is-limited-by-the-boundary",
        {"principal": SESSION, "resourcePolicy": grant(ROLE), "permissionsBoundary": ALLOW_EC2},
        "implicitDeny",
        "permissionsBoundary",
        set(),
    ),
    (
        "resource-policy-naming-the-role-within-the-boundary",
        {"principal": SESSION, "resourcePolicy": grant(ROLE), "permissionsBoundary": ALLOW_S3},
        "allowed",
        None,
        {"resourcePolicy#0 Allow", "permissionsBoundary#0 Allow"},
    ),
    (
        "resource-policy-naming-the-role-is-limited-by-the-session-policy",
        {"principal": SESSION, "resourcePolicy": grant(ROLE), "sessionPolicy": ALLOW_EC2},
        "implicitDeny",
        "sessionPolicy",
        set(),
    ),
    (
        "resource-policy-naming-the-role-within-the-session-policy",
        {"principal": SESSION, "resourcePolicy": grant(ROLE), "sessionPolicy": ALLOW_GET},
        "allowed",
        None,
        {"resourcePolicy#0 Allow", "sessionPolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-another-role-grants-nothing",
        {"principal": SESSION, "resourcePolicy": grant(f"arn:aws:iam::{ACCOUNT}:role/Ops")},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "resource-policy-naming-the-role-by-its-path-arn",
        {
            "principal": SESSION,
            "context": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/team/Dev"},
            "resourcePolicy": grant(f"arn:aws:iam::{ACCOUNT}:role/team/Dev"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "star-principal-with-principalarn-condition-is-not-limited-by-boundary",
        {
            "principal": SESSION,
            "permissionsBoundary": ALLOW_EC2,
            "sessionPolicy": ALLOW_EC2,
            "resourcePolicy": grant("*", Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}}),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "resource-policy-naming-the-account-for-a-session-needs-identity-allow",
        {"principal": SESSION, "resourcePolicy": grant(ACCOUNT)},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "account-grant-with-identity-allow-is-limited-by-the-session-policy",
        {
            "principal": SESSION,
            "resourcePolicy": grant(ACCOUNT),
            "identityPolicies": [ALLOW_GET],
            "sessionPolicy": ALLOW_EC2,
        },
        "implicitDeny",
        "sessionPolicy",
        set(),
    ),
    # --- session policies ("Session policies": the intersection with identity-based policies) ---
    (
        "session-policy-and-identity-policy-both-allow",
        {"principal": SESSION, "identityPolicies": [ALLOW_S3], "sessionPolicy": ALLOW_GET},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "sessionPolicy#0 Allow"},
    ),
    (
        "session-policy-limits-the-identity-policy",
        {"principal": SESSION, "identityPolicies": [ALLOW_S3], "sessionPolicy": ALLOW_EC2},
        "implicitDeny",
        "sessionPolicy",
        set(),
    ),
    (
        "session-policy-never-grants-by-itself",
        {"principal": SESSION, "sessionPolicy": ALLOW_ALL},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "session-policies-as-a-list-any-may-allow",
        {"principal": SESSION, "identityPolicies": [ALLOW_S3], "sessionPolicy": [ALLOW_EC2, ALLOW_GET]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "sessionPolicy[1]#0 Allow"},
    ),
    (
        "session-policies-as-a-list-none-allows",
        {"principal": SESSION, "identityPolicies": [ALLOW_S3], "sessionPolicy": [ALLOW_EC2]},
        "implicitDeny",
        "sessionPolicy",
        set(),
    ),
    (
        "session-policy-deny-is-an-explicit-deny",
        {
            "principal": SESSION,
            "identityPolicies": [ALLOW_S3],
            "sessionPolicy": doc(allow("*"), deny("s3:*")),
        },
        "explicitDeny",
        "sessionPolicy",
        {"sessionPolicy#1 Deny"},
    ),
    (
        "session-policy-is-not-in-play-for-an-iam-user",  # only session principals have session policies
        {"identityPolicies": [ALLOW_GET], "sessionPolicy": ALLOW_EC2},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "session-limited-by-boundary-and-session-policy-needs-all-three",
        {
            "principal": SESSION,
            "identityPolicies": [ALLOW_S3],
            "permissionsBoundary": ALLOW_S3,
            "sessionPolicy": ALLOW_GET,
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "permissionsBoundary#0 Allow", "sessionPolicy#0 Allow"},
    ),
    # --- permissions boundaries ("Permissions boundaries for IAM entities") ---
    (
        "boundary-and-identity-policy-both-allow",
        {"identityPolicies": [ALLOW_GET], "permissionsBoundary": ALLOW_S3},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "permissionsBoundary#0 Allow"},
    ),
    (
        "boundary-limits-the-identity-policy",  # Shirley and iam:CreateUser
        {
            "action": "iam:CreateUser",
            "resource": f"arn:aws:iam::{ACCOUNT}:user/new",
            "identityPolicies": [doc(allow("iam:CreateUser"))],
            "permissionsBoundary": doc(allow(["s3:*", "cloudwatch:*", "ec2:*"])),
        },
        "implicitDeny",
        "permissionsBoundary",
        set(),
    ),
    (
        "boundary-never-grants-by-itself",
        {"permissionsBoundary": ALLOW_ALL},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "boundary-deny-is-an-explicit-deny",
        {"identityPolicies": [ALLOW_S3], "permissionsBoundary": doc(allow("*"), deny("s3:GetObject"))},
        "explicitDeny",
        "permissionsBoundary",
        {"permissionsBoundary#1 Deny"},
    ),
    (
        "explicit-deny-in-boundary-beats-a-direct-resource-grant",
        {"resourcePolicy": grant(USER), "permissionsBoundary": doc(deny("s3:*"))},
        "explicitDeny",
        "permissionsBoundary",
        {"permissionsBoundary#0 Deny"},
    ),
    (
        "denied-by-names-identity-before-boundary",
        {"identityPolicies": [DENY_S3], "permissionsBoundary": DENY_S3},
        "explicitDeny",
        "identity",
        {"identityPolicies[0]#0 Deny", "permissionsBoundary#0 Deny"},
    ),
    (
        "boundary-applies-to-role-sessions",
        {"principal": SESSION, "identityPolicies": [ALLOW_S3], "permissionsBoundary": ALLOW_EC2},
        "implicitDeny",
        "permissionsBoundary",
        set(),
    ),
    # --- NotPrincipal ("AWS JSON policy elements: NotPrincipal") ---
    (
        "not-principal-deny-spares-the-named-user-and-account",
        {
            "identityPolicies": [ALLOW_GET],
            "resourcePolicy": doc(deny("s3:*", NotPrincipal={"AWS": [USER, ROOT]})),
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "not-principal-deny-without-the-account-denies-the-user",  # "you must also specify the account ARN"
        {"identityPolicies": [ALLOW_GET], "resourcePolicy": doc(deny("s3:*", NotPrincipal={"AWS": USER}))},
        "explicitDeny",
        "resource",
        {"resourcePolicy#0 Deny"},
    ),
    (
        "not-principal-deny-spares-a-session-named-with-role-and-account",
        {
            "principal": SESSION,
            "identityPolicies": [ALLOW_GET],
            "resourcePolicy": doc(deny("s3:*", NotPrincipal={"AWS": [SESSION, ROLE, ROOT]})),
        },
        "allowed",
        None,
        None,
    ),
    (
        "not-principal-deny-naming-only-role-and-account-denies-the-session",
        {
            "principal": SESSION,
            "identityPolicies": [ALLOW_GET],
            "resourcePolicy": doc(deny("s3:*", NotPrincipal={"AWS": [ROLE, ROOT]})),
        },
        "explicitDeny",
        "resource",
        {"resourcePolicy#0 Deny"},
    ),
    (
        "not-principal-deny-always-denies-a-principal-with-a-boundary",  # documented pitfall
        {
            "identityPolicies": [ALLOW_GET],
            "permissionsBoundary": ALLOW_S3,
            "resourcePolicy": doc(deny("s3:*", NotPrincipal={"AWS": [USER, ROOT]})),
        },
        "explicitDeny",
        "resource",
        {"resourcePolicy#0 Deny"},
    ),
    (
        "not-principal-deny-naming-others-denies-the-caller",
        {
            "identityPolicies": [ALLOW_GET],
            "resourcePolicy": doc(deny("s3:*", NotPrincipal={"AWS": [OTHER_USER]})),
        },
        "explicitDeny",
        "resource",
        None,
    ),
    (
        "not-principal-deny-denies-anonymous-callers",
        {
            "principal": "anonymous",
            "resourcePolicy": doc(allow(Principal="*"), deny(NotPrincipal={"AWS": ACCOUNT})),
        },
        "explicitDeny",
        "resource",
        {"resourcePolicy#1 Deny"},
    ),
    (
        "not-principal-allow-grants-whoever-is-not-named",
        {"resourcePolicy": doc(allow(NotPrincipal={"AWS": OTHER_USER}))},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "not-principal-allow-leaves-out-whoever-is-named",
        {"resourcePolicy": doc(allow(NotPrincipal={"AWS": USER}))},
        "implicitDeny",
        "identity",
        set(),
    ),
    # --- AWS STS federated users (GetFederationToken) ---
    (
        "federated-user-with-identity-and-session-policy",
        {"principal": FEDERATED, "identityPolicies": [ALLOW_S3], "sessionPolicy": ALLOW_GET},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "sessionPolicy#0 Allow"},
    ),
    (
        "federated-user-without-session-policy-has-no-permissions",
        {"principal": FEDERATED, "identityPolicies": [ALLOW_S3]},
        "implicitDeny",
        "sessionPolicy",
        set(),
    ),
    (
        "federated-user-named-directly-by-a-resource-policy",
        {"principal": FEDERATED, "resourcePolicy": grant(FEDERATED)},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "federated-user-is-of-its-account",
        {
            "principal": FEDERATED,
            "identityPolicies": [ALLOW_S3],
            "sessionPolicy": ALLOW_S3,
            "resourcePolicy": grant(ACCOUNT, "Deny"),
        },
        "explicitDeny",
        "resource",
        {"resourcePolicy#0 Deny"},
    ),
    # --- SCPs ("Service control policies": every level must allow; they never grant) ---
    (
        "scp-full-access-at-one-level",
        {"identityPolicies": [ALLOW_GET], "scps": [[FULL_ACCESS]]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "scps[0][0]#0 Allow"},
    ),
    (
        "organization-root-without-any-scp-denies-everything",
        {"identityPolicies": [ALLOW_GET], "scps": [[]]},
        "implicitDeny",
        "scp 0",
        set(),
    ),
    (
        "scps-allowing-at-every-level",
        {"identityPolicies": [ALLOW_GET], "scps": [[FULL_ACCESS], [ALLOW_S3], [ALLOW_GET]]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "scps[0][0]#0 Allow", "scps[1][0]#0 Allow", "scps[2][0]#0 Allow"},
    ),
    (
        "scp-at-the-ou-not-allowing",
        {"identityPolicies": [ALLOW_GET], "scps": [[FULL_ACCESS], [ALLOW_EC2], [FULL_ACCESS]]},
        "implicitDeny",
        "scp 1",
        set(),
    ),
    (
        "scp-at-the-account-not-allowing",
        {"identityPolicies": [ALLOW_GET], "scps": [[FULL_ACCESS], [FULL_ACCESS], [ALLOW_EC2]]},
        "implicitDeny",
        "scp 2",
        set(),
    ),
    (
        "one-scp-of-a-level-allowing-is-enough",
        {"identityPolicies": [ALLOW_GET], "scps": [[ALLOW_EC2, ALLOW_S3]]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "scps[0][1]#0 Allow"},
    ),
    (
        "scp-deny-is-an-explicit-deny",
        {"identityPolicies": [ALLOW_GET], "scps": [[FULL_ACCESS], [FULL_ACCESS], [FULL_ACCESS, DENY_S3]]},
        "explicitDeny",
        "scp 2",
        {"scps[2][1]#0 Deny"},
    ),
    (
        "scp-denies-at-two-levels-names-the-first",
        {
            "identityPolicies": [ALLOW_GET],
            "scps": [[FULL_ACCESS, DENY_S3], [FULL_ACCESS], [FULL_ACCESS, DENY_S3]],
        },
        "explicitDeny",
        "scp 0",
        {"scps[0][1]#0 Deny", "scps[2][1]#0 Deny"},
    ),
    (
        "scp-never-grants-by-itself",
        {"scps": [[FULL_ACCESS]]},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "scp-with-not-action-allows-the-rest",
        {"identityPolicies": [ALLOW_GET], "scps": [[doc(allow(NotAction="iam:*"))]]},
        "allowed",
        None,
        None,
    ),
    (
        "scp-limits-a-direct-resource-grant",
        {"resourcePolicy": grant(USER), "scps": [[ALLOW_EC2]]},
        "implicitDeny",
        "scp 0",
        set(),
    ),
    (
        "scp-denied-before-identity",
        {"scps": [[ALLOW_EC2]]},
        "implicitDeny",
        "scp 0",
        set(),
    ),
    (
        "scps-do-not-apply-to-service-linked-roles",
        {
            "principal": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForEMR/emr",
            "context": {"aws:PrincipalArn": SLR},
            "identityPolicies": [ALLOW_GET],
            "scps": [[]],
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "scps-apply-to-a-caller-reaching-into-another-account",
        {
            "principal": USER,
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "resourcePolicy": grant(ACCOUNT, action="sqs:*"),
            "scps": [[ALLOW_S3]],
        },
        "implicitDeny",
        "scp 0",
        set(),
    ),
    (
        "scps-do-not-apply-to-anonymous-callers",
        {"principal": "anonymous", "resourcePolicy": grant("*"), "scps": [[]]},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    # --- RCPs ("Resource control policies": RCPFullAWSAccess at every level; supported services) ---
    (
        "rcps-with-only-rcpfullawsaccess-allow",
        {"identityPolicies": [ALLOW_GET], "rcps": [[], []]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "rcp-deny-is-an-explicit-deny",
        {"identityPolicies": [ALLOW_GET], "rcps": [[], [grant("*", "Deny", "s3:*")]]},
        "explicitDeny",
        "rcp 1",
        {"rcps[1][0]#0 Deny"},
    ),
    (
        "rcp-deny-does-not-touch-unsupported-services",
        {
            "action": "ec2:StartInstances",
            "resource": f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1",
            "identityPolicies": [ALLOW_EC2],
            "rcps": [[grant("*", "Deny", "*")]],
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "rcps-apply-to-sts",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
            "resourcePolicy": grant(ACCOUNT, action="sts:AssumeRole"),
            "rcps": [[grant("*", "Deny", "sts:*")]],
        },
        "explicitDeny",
        "rcp 0",
        {"rcps[0][0]#0 Deny"},
    ),
    (
        "rcps-do-not-impact-kms-retiregrant",
        {
            "action": "kms:RetireGrant",
            "resource": KEY,
            "resourcePolicy": grant(USER, action="kms:*"),
            "rcps": [[grant("*", "Deny", "kms:*")]],
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "rcps-do-not-apply-to-service-linked-roles",
        {
            "principal": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForEMR/emr",
            "context": {"aws:PrincipalArn": SLR},
            "identityPolicies": [ALLOW_GET],
            "rcps": [[grant("*", "Deny", "s3:*")]],
        },
        "allowed",
        None,
        None,
    ),
    (
        "rcps-apply-to-the-root-user",
        {"principal": ROOT, "rcps": [[grant("*", "Deny", "s3:*")]]},
        "explicitDeny",
        "rcp 0",
        {"rcps[0][0]#0 Deny"},
    ),
    (
        "rcps-apply-to-anonymous-callers",
        {"principal": "anonymous", "resourcePolicy": grant("*"), "rcps": [[grant("*", "Deny", "s3:*")]]},
        "explicitDeny",
        "rcp 0",
        None,
    ),
    (
        "rcp-perimeter-denies-principals-outside-the-organization",
        {
            "principal": REMOTE_USER,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "resourcePolicy": grant(OTHER, action="sqs:*"),
            "rcps": [
                [
                    grant(
                        "*",
                        "Deny",
                        "sqs:*",
                        Condition={
                            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"},
                            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                        },
                    )
                ]
            ],
            "context": {"aws:PrincipalOrgID": "o-other"},
        },
        "explicitDeny",
        "rcp 0",
        {"rcps[0][0]#0 Deny"},
    ),
    (
        "rcp-perimeter-lets-the-organization-in",
        {
            "principal": REMOTE_USER,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "resourcePolicy": grant(OTHER, action="sqs:*"),
            "rcps": [
                [
                    grant(
                        "*",
                        "Deny",
                        "sqs:*",
                        Condition={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}},
                    )
                ]
            ],
            "context": {"aws:PrincipalOrgID": "o-abc123"},
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "resourcePolicy#0 Allow"},
    ),
    (
        "rcp-deny-is-named-before-scp-deny",
        {
            "identityPolicies": [ALLOW_GET],
            "scps": [[FULL_ACCESS, DENY_S3]],
            "rcps": [[grant("*", "Deny", "s3:*")]],
        },
        "explicitDeny",
        "rcp 0",
        {"scps[0][1]#0 Deny", "rcps[0][0]#0 Deny"},
    ),
    (
        "rcp-deny-is-named-before-resource-policy-deny",
        {
            "identityPolicies": [ALLOW_GET],
            "resourcePolicy": grant("*", "Deny"),
            "rcps": [[grant("*", "Deny")]],
        },
        "explicitDeny",
        "rcp 0",
        {"resourcePolicy#0 Deny", "rcps[0][0]#0 Deny"},
    ),
    (
        "scp-deny-is-named-before-resource-policy-deny",
        {
            "identityPolicies": [ALLOW_GET],
            "resourcePolicy": grant("*", "Deny"),
            "scps": [[FULL_ACCESS, DENY_S3]],
        },
        "explicitDeny",
        "scp 0",
        {"resourcePolicy#0 Deny", "scps[0][1]#0 Deny"},
    ),
    # --- across accounts ("Cross-account policy evaluation logic": both sides must allow) ---
    (
        "cross-account-identity-allow-without-resource-policy",
        {"action": "sqs:SendMessage", "resource": REMOTE_QUEUE, "identityPolicies": [doc(allow("sqs:*"))]},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "cross-account-resource-policy-without-identity-allow",
        {
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "resourcePolicy": grant(ACCOUNT, action="sqs:*"),
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "cross-account-both-sides-allow",
        {
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "resourcePolicy": grant(ACCOUNT, action="sqs:*"),
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "resourcePolicy#0 Allow"},
    ),
    (
        "cross-account-naming-the-user-still-needs-its-identity-allow",
        {
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "resourcePolicy": grant(USER, action="sqs:*"),
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "cross-account-naming-the-session-still-needs-its-identity-allow",
        {
            "principal": SESSION,
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "resourcePolicy": grant(SESSION, action="sqs:*"),
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "cross-account-boundary-limits-even-a-named-user",
        {
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "permissionsBoundary": ALLOW_S3,
            "resourcePolicy": grant(USER, action="sqs:*"),
        },
        "implicitDeny",
        "permissionsBoundary",
        set(),
    ),
    (
        "cross-account-resource-policy-naming-another-account",
        {
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "resourcePolicy": grant("999988887777", action="sqs:*"),
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "cross-account-public-resource-policy-with-identity-allow",
        {
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "resourcePolicy": grant("*", action="sqs:*"),
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "resourcePolicy#0 Allow"},
    ),
    (
        "cross-account-resource-deny",
        {
            "action": "sqs:SendMessage",
            "resource": REMOTE_QUEUE,
            "identityPolicies": [doc(allow("sqs:*"))],
            "resourcePolicy": doc(
                allow("sqs:*", Principal={"AWS": ACCOUNT}), deny("sqs:*", Principal={"AWS": USER})
            ),
        },
        "explicitDeny",
        "resource",
        {"resourcePolicy#1 Deny"},
    ),
    (
        "cross-account-bucket-by-resource-account",  # S3 ARNs name no account: the request says whose
        {"resourceAccount": OTHER, "identityPolicies": [ALLOW_GET]},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "cross-account-bucket-with-bucket-policy",
        {"resourceAccount": OTHER, "identityPolicies": [ALLOW_GET], "resourcePolicy": grant(USER)},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "resourcePolicy#0 Allow"},
    ),
    (
        "resource-account-equal-to-the-callers-is-same-account",
        {"resourceAccount": ACCOUNT, "resourcePolicy": grant(USER)},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    # --- role trust policies ("must explicitly allow access for principals" even within the account) ---
    (
        "trust-policy-naming-the-user-lets-it-assume-the-role",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "resourcePolicy": grant(USER, action="sts:AssumeRole"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "trust-policy-naming-the-user-still-needs-its-boundary",  # "Update a role trust policy", Notes
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "permissionsBoundary": ALLOW_S3,
            "resourcePolicy": grant(USER, action="sts:AssumeRole"),
        },
        "implicitDeny",
        "permissionsBoundary",
        set(),
    ),
    (
        "trust-policy-naming-the-user-within-its-boundary",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "permissionsBoundary": doc(allow("sts:AssumeRole")),
            "resourcePolicy": grant(USER, action="sts:AssumeRole"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow", "permissionsBoundary#0 Allow"},
    ),
    (
        "trust-policy-naming-the-account-needs-identity-allow",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "resourcePolicy": grant(ACCOUNT, action="sts:AssumeRole"),
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "trust-policy-naming-the-account-with-identity-allow",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
            "resourcePolicy": grant(ACCOUNT, action="sts:AssumeRole"),
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "resourcePolicy#0 Allow"},
    ),
    (
        "without-trust-policy-identity-allow-is-not-enough",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "trust-policy-not-naming-the-caller",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
            "resourcePolicy": grant(OTHER_USER, action="sts:AssumeRole"),
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "trust-policy-deny",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
            "resourcePolicy": doc(
                allow("sts:AssumeRole", None, Principal={"AWS": ACCOUNT}),
                deny("sts:AssumeRole", None, Principal={"AWS": USER}),
            ),
        },
        "explicitDeny",
        "resource",
        {"resourcePolicy#1 Deny"},
    ),
    (
        "trust-policy-without-resource-element-covers-the-role",
        {
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "resourcePolicy": doc(allow("sts:AssumeRole", None, Principal={"AWS": USER})),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "cross-account-assume-role-both-sides",
        {
            "action": "sts:AssumeRole",
            "resource": REMOTE_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
            "resourcePolicy": grant(ACCOUNT, action="sts:AssumeRole"),
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "resourcePolicy#0 Allow"},
    ),
    (
        "cross-account-assume-role-trusted-but-not-allowed-at-home",
        {
            "action": "sts:AssumeRole",
            "resource": REMOTE_ROLE,
            "resourcePolicy": grant(USER, action="sts:AssumeRole"),
        },
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "trust-policy-needed-for-tag-session",
        {
            "action": "sts:TagSession",
            "resource": TARGET_ROLE,
            "identityPolicies": [doc(allow("sts:*"))],
            "resourcePolicy": grant(USER, action="sts:AssumeRole"),
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "trust-policy-needed-for-set-source-identity",
        {
            "action": "sts:SetSourceIdentity",
            "resource": TARGET_ROLE,
            "identityPolicies": [doc(allow("sts:*"))],
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "service-principal-assumes-its-service-role",
        {
            "principal": "ec2.amazonaws.com",
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "resourcePolicy": grant({"Service": "ec2.amazonaws.com"}, action="sts:AssumeRole"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "service-principal-not-trusted",
        {
            "principal": "lambda.amazonaws.com",
            "action": "sts:AssumeRole",
            "resource": TARGET_ROLE,
            "resourcePolicy": grant({"Service": "ec2.amazonaws.com"}, action="sts:AssumeRole"),
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "web-identity-provider-trusted-by-federated-principal",
        {
            "principal": "accounts.google.com",
            "action": "sts:AssumeRoleWithWebIdentity",
            "resource": TARGET_ROLE,
            "resourcePolicy": grant(
                {"Federated": "accounts.google.com"}, action="sts:AssumeRoleWithWebIdentity"
            ),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "saml-provider-trusted-by-federated-principal",
        {
            "principal": f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta",
            "action": "sts:AssumeRoleWithSAML",
            "resource": TARGET_ROLE,
            "resourcePolicy": grant(
                {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"}, action="sts:AssumeRoleWithSAML"
            ),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "trust-condition-on-external-id-missing",
        {
            "action": "sts:AssumeRole",
            "resource": REMOTE_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
            "resourcePolicy": grant(
                ACCOUNT, action="sts:AssumeRole", Condition={"StringEquals": {"sts:ExternalId": "Unique-1"}}
            ),
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "trust-condition-on-external-id-given",
        {
            "action": "sts:AssumeRole",
            "resource": REMOTE_ROLE,
            "identityPolicies": [doc(allow("sts:AssumeRole"))],
            "context": {"sts:ExternalId": "Unique-1"},
            "resourcePolicy": grant(
                ACCOUNT, action="sts:AssumeRole", Condition={"StringEquals": {"sts:ExternalId": "Unique-1"}}
            ),
        },
        "allowed",
        None,
        None,
    ),
    # --- KMS key policies ("must explicitly allow access for principals" even within the account) ---
    (
        "key-policy-absent-identity-allow-is-not-enough",
        {"action": "kms:Decrypt", "resource": KEY, "identityPolicies": [doc(allow("kms:*"))]},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "key-policy-enabling-iam-policies-with-identity-allow",
        {
            "action": "kms:Decrypt",
            "resource": KEY,
            "identityPolicies": [doc(allow("kms:Decrypt"))],
            "resourcePolicy": grant(ROOT, action="kms:*"),
        },
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow", "resourcePolicy#0 Allow"},
    ),
    (
        "key-policy-enabling-iam-policies-without-identity-allow",
        {"action": "kms:Decrypt", "resource": KEY, "resourcePolicy": grant(ROOT, action="kms:*")},
        "implicitDeny",
        "identity",
        set(),
    ),
    (
        "key-policy-naming-the-user-grants-directly",
        {"action": "kms:Decrypt", "resource": KEY, "resourcePolicy": grant(USER, action="kms:Decrypt")},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "kms-create-key-has-no-key-policy-to-pass",
        {"action": "kms:CreateKey", "resource": "*", "identityPolicies": [doc(allow("kms:CreateKey"))]},
        "allowed",
        None,
        {"identityPolicies[0]#0 Allow"},
    ),
    (
        "key-policy-deny",
        {
            "action": "kms:Decrypt",
            "resource": KEY,
            "identityPolicies": [doc(allow("kms:*"))],
            "resourcePolicy": doc(
                allow("kms:*", Principal={"AWS": ROOT}), deny("kms:Decrypt", Principal="*")
            ),
        },
        "explicitDeny",
        "resource",
        {"resourcePolicy#1 Deny"},
    ),
    # --- anonymous callers and AWS services ("All principals": "*" grants public access) ---
    (
        "anonymous-caller-of-a-public-bucket",
        {"principal": "anonymous", "resourcePolicy": grant("*")},
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "anonymous-caller-without-resource-policy",
        {"principal": "anonymous"},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "anonymous-caller-is-not-of-any-account",
        {"principal": "anonymous", "resourcePolicy": grant(ACCOUNT)},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "anonymous-caller-has-no-identity-policies",
        {"principal": "anonymous", "identityPolicies": [ALLOW_ALL]},
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "service-principal-allowed-by-a-topic-policy",
        {
            "principal": "s3.amazonaws.com",
            "action": "sns:Publish",
            "resource": f"arn:aws:sns:us-east-1:{ACCOUNT}:t",
            "resourcePolicy": grant({"Service": "s3.amazonaws.com"}, action="sns:Publish"),
        },
        "allowed",
        None,
        {"resourcePolicy#0 Allow"},
    ),
    (
        "service-principal-not-named-by-an-account-grant",
        {
            "principal": "s3.amazonaws.com",
            "action": "sns:Publish",
            "resource": f"arn:aws:sns:us-east-1:{ACCOUNT}:t",
            "resourcePolicy": grant(ACCOUNT, action="sns:Publish"),
        },
        "implicitDeny",
        "resource",
        set(),
    ),
    (
        "resource-statement-without-principal-names-nobody",
        {"resourcePolicy": ALLOW_GET},
        "implicitDeny",
        "identity",
        set(),
    ),
]


def _matched(answer):
    return {f"{m['policy']}#{m['statement']} {m['effect']}" for m in answer["matched"]}


@pytest.mark.parametrize(
    ("request_fields", "decision", "denied_by", "matched"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_decision(request_fields, decision, denied_by, matched):
    """The row's request gets AWS's decision, deniedBy and matched statements."""
    request = {"id": "row", "principal": USER, "action": "s3:GetObject", "resource": OBJECT, **request_fields}
    answer = evaluate(request)
    assert "error" not in answer, answer
    assert answer["id"] == "row"
    assert answer["decision"] == decision, answer
    if denied_by is None:
        assert "deniedBy" not in answer, answer
    else:
        kind, _, level = denied_by.partition(" ")
        assert answer["deniedBy"] == ({"kind": kind, "level": int(level)} if level else {"kind": kind}), (
            answer
        )
    if decision == "implicitDeny":
        assert answer["matched"] == []
    if matched is not None:
        assert _matched(answer) == matched, answer


def test_row_ids_are_unique():
    """Each row names one behaviour."""
    ids = [row[0] for row in ROWS]
    assert len(ids) == len(set(ids))


# --- missingContextValues ---------------------------------------------------------------------

MISSING_ROWS = [
    (
        "absent-key-of-an-allow-condition-is-reported",
        {"identityPolicies": [doc(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))]},
        ["aws:SourceIp"],
    ),
    (
        "present-key-is-not-reported",
        {
            "identityPolicies": [doc(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
            "context": {"aws:SourceIp": "198.51.100.1"},
        },
        [],
    ),
    (
        "absent-key-of-a-deny-condition-is-reported",
        {
            "identityPolicies": [
                ALLOW_GET,
                doc(deny(Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}})),
            ]
        },
        ["aws:MultiFactorAuthPresent"],
    ),
    (
        "if-exists-keys-are-not-reported",
        {"identityPolicies": [doc(allow(Condition={"StringEqualsIfExists": {"aws:RequestTag/env": "dev"}}))]},
        [],
    ),
    (
        "derived-keys-are-never-missing",
        {
            "identityPolicies": [
                doc(
                    allow(
                        Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT, "aws:username": "alice"}}
                    )
                )
            ]
        },
        [],
    ),
    (
        "keys-of-statements-for-other-actions-are-not-asked-for",
        {"identityPolicies": [doc(allow("ec2:*", Condition={"StringEquals": {"ec2:Region": "us-east-1"}}))]},
        [],
    ),
    (
        "keys-are-reported-once-as-written",
        {
            "identityPolicies": [
                doc(allow(Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}})),
                doc(allow(Condition={"StringEquals": {"AWS:RequestedRegion": "eu-west-1"}})),
            ]
        },
        ["aws:RequestedRegion"],
    ),
    (
        "keys-asked-for-by-scps-and-resource-policies-count",
        {
            "identityPolicies": [ALLOW_GET],
            "scps": [[doc(allow("*", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))]],
            "resourcePolicy": grant("*", "Deny", Condition={"Bool": {"aws:SecureTransport": "false"}}),
        },
        ["aws:RequestedRegion", "aws:SecureTransport"],
    ),
]


@pytest.mark.parametrize(
    ("request_fields", "missing"), [r[1:] for r in MISSING_ROWS], ids=[r[0] for r in MISSING_ROWS]
)
def test_missing_context_values(request_fields, missing):
    """MissingContextValues: the keys conditions looked up that the request lacks."""
    request = {"principal": USER, "action": "s3:GetObject", "resource": OBJECT, **request_fields}
    answer = evaluate(request)
    assert sorted(answer["missingContextValues"]) == sorted(missing), answer


# --- answers that are errors ------------------------------------------------------------------

ERROR_ROWS = [
    (
        "effect-in-lower-case",
        {"identityPolicies": [doc({"Effect": "allow", "Action": "*", "Resource": "*"})]},
        "MalformedPolicyDocument",
    ),
    (
        "statement-without-action",
        {"identityPolicies": [doc({"Effect": "Allow", "Resource": "*"})]},
        "MalformedPolicyDocument",
    ),
    (
        "unknown-version",
        {"identityPolicies": [{"Version": "2012-10-18", "Statement": []}]},
        "MalformedPolicyDocument",
    ),
    (
        "unknown-condition-operator",
        {"identityPolicies": [doc(allow(Condition={"StringSort": {"a:b": "c"}}))]},
        "MalformedPolicyDocument",
    ),
    ("malformed-scp", {"scps": [[FULL_ACCESS], [{"Statement": "nope"}]]}, "MalformedPolicyDocument"),
    ("malformed-resource-policy", {"resourcePolicy": {"Version": "2012-10-17"}}, "MalformedPolicyDocument"),
    ("policy-that-is-not-json-text", {"identityPolicies": ["{not json"]}, "MalformedPolicyDocument"),
    ("policy-that-is-a-number", {"permissionsBoundary": 7}, "MalformedPolicyDocument"),
    ("no-action", {"action": None}, "InvalidInput"),
    ("no-resource", {"resource": ""}, "InvalidInput"),
    ("principal-of-no-known-form", {"principal": "alice"}, "InvalidInput"),
    ("identity-policies-not-a-list", {"identityPolicies": ALLOW_GET}, "InvalidInput"),
    ("scps-not-a-list-of-levels", {"scps": [FULL_ACCESS]}, "InvalidInput"),
    ("context-not-an-object", {"context": ["aws:SourceIp"]}, "InvalidInput"),
]


@pytest.mark.parametrize(
    ("request_fields", "code"), [r[1:] for r in ERROR_ROWS], ids=[r[0] for r in ERROR_ROWS]
)
def test_error_answers(request_fields, code):
    """Requests that cannot be evaluated answer an error with AWS's code, echoing the id."""
    request = {"id": 7, "principal": USER, "action": "s3:GetObject", "resource": OBJECT, **request_fields}
    answer = evaluate(request)
    assert answer == {"id": 7, "error": {"code": code, "message": answer["error"]["message"]}}
    assert answer["error"]["message"]


MISTYPED_KEYS = [
    # (key written, the contract's key it was meant to be, or None)
    ("permissionBoundary", "permissionsBoundary"),
    ("Context", "context"),
    ("scp", "scps"),
    ("resourcePolicies", "resourcePolicy"),
    ("sessionPolicies", "sessionPolicy"),
    ("mfa", None),
]


@pytest.mark.parametrize(("key", "meant"), MISTYPED_KEYS, ids=[k for k, _ in MISTYPED_KEYS])
def test_a_key_the_contract_does_not_define_answers_invalid_input_naming_it(key, meant):
    """A mistyped key never silently leaves a policy out: InvalidInput names it (and the likely key)."""
    request = {"id": "k", "principal": USER, "action": "s3:GetObject", "resource": OBJECT}
    request |= {"identityPolicies": [ALLOW_GET], key: DENY_S3}
    answer = evaluate(request)
    assert answer == {"id": "k", "error": {"code": "InvalidInput", "message": answer["error"]["message"]}}
    assert f'"{key}"' in answer["error"]["message"]
    if meant:
        assert f'did you mean "{meant}"' in answer["error"]["message"]
    # Without the stray key, the same request is evaluated.
    del request[key]
    assert evaluate(request)["decision"] == "allowed"


def test_every_unknown_key_is_named():
    answer = evaluate({"action": "s3:GetObject", "resource": OBJECT, "permissionBoundary": {}, "foo": 1})
    message = answer["error"]["message"]
    assert answer["error"]["code"] == "InvalidInput"
    assert '"permissionBoundary"' in message and '"foo"' in message and "keys" in message


def test_every_key_of_the_contract_is_accepted():
    """All twelve keys of the contract at once: evaluated, not refused."""
    request = {
        "id": "all",
        "principal": USER,
        "action": "s3:GetObject",
        "resource": OBJECT,
        "resourceAccount": ACCOUNT,
        "context": {"aws:SourceIp": "203.0.113.7"},
        "identityPolicies": [ALLOW_GET],
        "permissionsBoundary": ALLOW_GET,
        "sessionPolicy": ALLOW_GET,
        "scps": [[FULL_ACCESS]],
        "rcps": [[]],
        "resourcePolicy": None,
    }
    assert set(request) == REQUEST_KEYS
    assert evaluate(request)["decision"] == "allowed"


def test_a_mapping_request_with_an_unknown_key_is_refused_too():
    from types import MappingProxyType

    answer = evaluate(MappingProxyType({"action": "s3:GetObject", "resource": OBJECT, "principl": USER}))
    assert answer["error"]["code"] == "InvalidInput"
    assert '"principl" (did you mean "principal"?)' in answer["error"]["message"]


def test_policy_given_as_json_text_is_evaluated():
    """A policy may be passed as its JSON text."""
    answer = evaluate(
        {
            "action": "s3:GetObject",
            "resource": OBJECT,
            "principal": USER,
            "identityPolicies": [
                '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}'
            ],
        }
    )
    assert answer["decision"] == "allowed"


def test_request_that_is_not_an_object():
    """evaluate() answers InvalidInput for a request that is not an object."""
    assert evaluate(["s3:GetObject"])["error"]["code"] == "InvalidInput"


def test_default_principal_is_the_simulated_user():
    """Without a principal the caller is arn:aws:iam::111122223333:user/simulated."""
    answer = evaluate(
        {
            "action": "s3:GetObject",
            "resource": OBJECT,
            "resourcePolicy": grant("arn:aws:iam::111122223333:user/simulated"),
        }
    )
    assert answer["decision"] == "allowed"
    assert "id" not in answer


def test_sid_is_echoed():
    """matched entries carry the statement's Sid (null without one)."""
    answer = evaluate(
        {
            "action": "s3:GetObject",
            "resource": OBJECT,
            "identityPolicies": [doc(allow(Sid="ReadReports"), allow("s3:*"))],
        }
    )
    assert answer["matched"] == [
        {"policy": "identityPolicies[0]", "statement": 0, "sid": "ReadReports", "effect": "Allow"},
        {"policy": "identityPolicies[0]", "statement": 1, "sid": None, "effect": "Allow"},
    ]


def test_same_document_objects_are_reused_across_requests():
    """Requests sharing one dict give answers that follow each request's own context."""
    policy = doc(allow(Condition={"StringEquals": {"aws:PrincipalTag/team": "red"}}))
    answers = [
        evaluate(
            {
                "action": "s3:GetObject",
                "resource": OBJECT,
                "identityPolicies": [policy],
                "context": {"aws:PrincipalTag/team": team},
            }
        )["decision"]
        for team in ("red", "blue", "red")
    ]
    assert answers == ["allowed", "implicitDeny", "allowed"]
