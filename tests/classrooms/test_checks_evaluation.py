"""evaluate_lab: each type of check against a seat, where it passes and the near miss where it must not;
the engine's checks against the simulator's inputs (groups, boundaries, trust policies, SCPs, MFA)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.acting import Acting
from classrooms.checks import evaluate_lab
from organizations import services as organizations_services
from organizations.models import SCP
from policies.models import InlinePolicy
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .labs_fixtures import load_managed_policies, organization_seat
from .solutions import apply_step

pytestmark = pytest.mark.django_db


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **condition):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def iam(account, action, **params):
    return apply_step(account, {"service": "iam", "action": action, "params": params})


def passed(seat_account, /, **check):
    [result] = evaluate_lab([{"id": "c", "label": "L", "hint": "H", "score": 3, **check}], seat_account)
    return result["passed"]


@pytest.fixture
def seat():
    return AccountFactory(name="Seat")


def test_results_carry_the_score_earned_and_the_hint_only_when_failed(seat):
    iam(seat, "CreateUser", UserName="alice")
    checks = [
        {
            "id": "a",
            "type": "user_exists",
            "user": "alice",
            "label": "alice",
            "hint": "Create alice.",
            "score": 2,
        },
        {"id": "b", "type": "user_exists", "user": "bob", "label": "bob", "hint": "Create bob.", "score": 3},
    ]
    assert evaluate_lab(checks, seat) == [
        {"id": "a", "label": "alice", "passed": True, "score": 2, "max_score": 2, "hint": ""},
        {"id": "b", "label": "bob", "passed": False, "score": 0, "max_score": 3, "hint": "Create bob."},
    ]


def test_entities_are_found_in_the_seat_only_and_by_name_ignoring_case(seat):
    IAMUserFactory(name="alice")  # another account's
    assert not passed(seat, type="user_exists", user="alice")
    iam(seat, "CreateUser", UserName="Alice")
    assert passed(seat, type="user_exists", user="alice")


def test_group_membership_needs_the_user_the_group_and_the_membership(seat):
    check = {"type": "user_in_group", "user": "alice", "group": "developers"}
    iam(seat, "CreateUser", UserName="alice")
    assert not passed(seat, **check)
    iam(seat, "CreateGroup", GroupName="developers")
    assert passed(seat, type="group_exists", group="developers")
    assert not passed(seat, **check)
    iam(seat, "AddUserToGroup", UserName="alice", GroupName="developers")
    assert passed(seat, **check)


def test_a_managed_policy_is_attached_by_name_or_arn_to_that_entity_only(seat):
    load_managed_policies()
    iam(seat, "CreateGroup", GroupName="developers")
    iam(seat, "CreateGroup", GroupName="admins")
    iam(
        seat,
        "CreatePolicy",
        PolicyName="allow-s3-read",
        PolicyDocument=json.dumps(doc(allow("s3:GetObject"))),
    )
    arn = f"arn:aws:iam::{seat.id}:policy/allow-s3-read"
    iam(seat, "AttachGroupPolicy", GroupName="admins", PolicyArn=arn)
    check = {"type": "managed_policy_attached", "group": "developers"}
    assert not passed(seat, **check, policy="allow-s3-read")
    iam(seat, "AttachGroupPolicy", GroupName="developers", PolicyArn=arn)
    assert passed(seat, **check, policy="allow-s3-read")
    assert passed(seat, **check, policy="arn:aws:iam::{account}:policy/allow-s3-read")
    assert not passed(seat, **check, policy="arn:aws:iam::111122223333:policy/allow-s3-read")
    iam(
        seat,
        "AttachGroupPolicy",
        GroupName="developers",
        PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess",
    )
    assert passed(seat, **check, policy="IAMReadOnlyAccess")
    assert passed(seat, **check, policy="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert not passed(seat, type="managed_policy_attached", role="developers", policy="IAMReadOnlyAccess")


def test_an_inline_policy_belongs_to_the_entity_named(seat):
    iam(seat, "CreateUser", UserName="Ivan")
    iam(seat, "CreateGroup", GroupName="SuperStars")
    document = json.dumps(doc(allow("s3:CreateBucket")))
    iam(seat, "PutGroupPolicy", GroupName="SuperStars", PolicyName="InlineIsBad", PolicyDocument=document)
    assert not passed(seat, type="inline_policy_exists", user="Ivan", policy="InlineIsBad")
    assert passed(seat, type="inline_policy_exists", group="SuperStars", policy="InlineIsBad")
    iam(seat, "PutUserPolicy", UserName="Ivan", PolicyName="InlineIsBad", PolicyDocument=document)
    assert passed(seat, type="inline_policy_exists", user="Ivan", policy="inlineisbad")


def test_policy_versions_count_and_the_default(seat):
    iam(
        seat,
        "CreatePolicy",
        PolicyName="allow-s3-read",
        PolicyDocument=json.dumps(doc(allow("s3:GetObject"))),
    )
    two = {"type": "policy_version", "policy": "allow-s3-read", "min_versions": 2}
    assert not passed(seat, **two)
    assert passed(seat, type="policy_version", policy="allow-s3-read", default_version="v1")
    arn = f"arn:aws:iam::{seat.id}:policy/allow-s3-read"
    iam(
        seat,
        "CreatePolicyVersion",
        PolicyArn=arn,
        PolicyDocument=json.dumps(doc(allow("s3:*"))),
        SetAsDefault=True,
    )
    assert passed(seat, **two)
    assert not passed(seat, **two, default_version="v1")
    assert passed(
        seat,
        type="policy_version",
        policy="arn:aws:iam::{account}:policy/allow-s3-read",
        default_version="v2",
    )
    assert not passed(seat, type="policy_version", policy="no-such-policy", min_versions=1)


@pytest.mark.parametrize(
    ("principal", "check", "expected"),
    [
        ({"Service": "ec2.amazonaws.com"}, {"service": "ec2.amazonaws.com"}, True),
        ({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, {"service": "ec2.amazonaws.com"}, False),
        (
            {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
            {"service": "ec2.amazonaws.com", "only": False},
            True,
        ),
        ({"Service": "lambda.amazonaws.com"}, {"service": "ec2.amazonaws.com", "only": False}, False),
        ({"AWS": "arn:aws:iam::{account}:root"}, {"account": "{account}"}, True),
        ({"AWS": "{account}"}, {"account": "{account}"}, True),
        ({"AWS": "arn:aws:iam::{account}:user/alice"}, {"account": "{account}"}, False),
        ({"AWS": "*"}, {"account": "{account}", "only": False}, False),
        (
            {"Federated": "cognito-identity.amazonaws.com"},
            {"service": "cognito-identity.amazonaws.com"},
            False,
        ),
    ],
)
def test_a_role_trusts_a_principal_and_perhaps_only_it(seat, principal, check, expected):
    principal = json.loads(json.dumps(principal).replace("{account}", seat.id))
    if "arn:aws:iam::" in json.dumps(principal) and ":user/alice" in json.dumps(principal):
        iam(seat, "CreateUser", UserName="alice")
    trust = doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
    iam(seat, "CreateRole", RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))
    assert passed(seat, type="role_trusts", role="r", **check) is expected


def test_only_allow_statements_for_assume_role_make_a_trust(seat):
    ec2 = {"Service": "ec2.amazonaws.com"}
    lambda_ = {"Service": "lambda.amazonaws.com"}
    trust = doc(
        {"Effect": "Allow", "Principal": ec2, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": lambda_, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": lambda_, "Action": "sts:TagSession"},
    )
    iam(seat, "CreateRole", RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))
    assert passed(seat, type="role_trusts", role="r", service="ec2.amazonaws.com")
    assert not passed(seat, type="role_trusts", role="r", service="lambda.amazonaws.com", only=False)
    assert not passed(seat, type="role_trusts", role="nobody", service="ec2.amazonaws.com")


def test_a_stored_policy_the_engine_cannot_read_allows_nothing(seat):
    iam(seat, "CreateUser", UserName="alice")
    iam(seat, "PutUserPolicy", UserName="alice", PolicyName="all", PolicyDocument=json.dumps(doc(allow("*"))))
    check = {"type": "principal_allowed", "principal": "user/alice", "action": "s3:GetObject"}
    assert passed(seat, **check)
    InlinePolicy.objects.filter(user__account=seat).update(document="{not json")
    assert not passed(seat, **check)
    assert passed(seat, **dict(check, type="principal_denied"))


def test_a_permissions_boundary_is_that_policy(seat):
    for name in ("developer-boundary", "other"):
        iam(seat, "CreatePolicy", PolicyName=name, PolicyDocument=json.dumps(doc(allow("s3:*"))))
    iam(seat, "CreateUser", UserName="alice")
    check = {"type": "permissions_boundary", "user": "alice", "policy": "developer-boundary"}
    assert not passed(seat, **check)
    iam(
        seat,
        "PutUserPermissionsBoundary",
        UserName="alice",
        PermissionsBoundary=f"arn:aws:iam::{seat.id}:policy/other",
    )
    assert not passed(seat, **check)
    iam(
        seat,
        "PutUserPermissionsBoundary",
        UserName="alice",
        PermissionsBoundary=f"arn:aws:iam::{seat.id}:policy/developer-boundary",
    )
    assert passed(seat, **check)
    assert passed(seat, **dict(check, policy="arn:aws:iam::{account}:policy/developer-boundary"))


def test_the_engine_weighs_groups_and_boundaries(seat):
    allowed = {"type": "principal_allowed", "principal": "user/alice", "action": "iam:CreateUser"}
    denied = dict(allowed, type="principal_denied")
    # Neither passes for a principal that does not exist.
    assert not passed(seat, **allowed) and not passed(seat, **denied)
    iam(seat, "CreateUser", UserName="alice")
    assert passed(seat, **denied)
    iam(seat, "CreateGroup", GroupName="admins")
    iam(
        seat,
        "PutGroupPolicy",
        GroupName="admins",
        PolicyName="all",
        PolicyDocument=json.dumps(doc(allow("*"))),
    )
    iam(seat, "AddUserToGroup", UserName="alice", GroupName="admins")
    assert passed(seat, **allowed)
    iam(seat, "CreatePolicy", PolicyName="s3-only", PolicyDocument=json.dumps(doc(allow("s3:*"))))
    iam(
        seat,
        "PutUserPermissionsBoundary",
        UserName="alice",
        PermissionsBoundary=f"arn:aws:iam::{seat.id}:policy/s3-only",
    )
    assert passed(seat, **denied)
    assert passed(seat, **dict(allowed, action="s3:GetObject", resource="arn:aws:s3:::b/k"))


def test_a_roles_own_permissions_are_weighed(seat):
    trust = doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    iam(seat, "CreateRole", RoleName="worker", AssumeRolePolicyDocument=json.dumps(trust))
    check = {"type": "principal_allowed", "principal": "role/worker", "action": "s3:GetObject"}
    assert not passed(seat, **check)
    iam(
        seat,
        "PutRolePolicy",
        RoleName="worker",
        PolicyName="read",
        PolicyDocument=json.dumps(doc(allow("s3:GetObject"))),
    )
    assert passed(seat, **check)


def test_assume_role_is_decided_with_the_roles_trust_policy(seat):
    iam(seat, "CreateUser", UserName="alice")
    role_arn = "arn:aws:iam::{account}:role/admin"
    check = {
        "type": "principal_allowed",
        "principal": "user/alice",
        "action": "sts:AssumeRole",
        "resource": role_arn,
    }
    assert not passed(seat, **check)  # no such role
    trust = doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{seat.id}:root"}, "Action": "sts:AssumeRole"}
    )
    iam(seat, "CreateRole", RoleName="admin", AssumeRolePolicyDocument=json.dumps(trust))
    # Trusting the account delegates to the account's policies: alice's own allows nothing yet.
    assert not passed(seat, **check)
    own = json.dumps(doc(allow("sts:AssumeRole", f"arn:aws:iam::{seat.id}:role/admin")))
    iam(seat, "PutUserPolicy", UserName="alice", PolicyName="switch", PolicyDocument=own)
    assert passed(seat, **check)
    # Trusting alice by name lets her in without a policy of her own.
    iam(seat, "CreateUser", UserName="bob")
    trust_bob = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{seat.id}:user/bob"},
            "Action": "sts:AssumeRole",
        }
    )
    iam(seat, "UpdateAssumeRolePolicy", RoleName="admin", PolicyDocument=json.dumps(trust_bob))
    assert passed(seat, **dict(check, principal="user/bob"))
    assert not passed(seat, **check)  # the trust policy no longer names the account


def test_context_keys_reach_the_engine(seat):
    iam(seat, "CreateUser", UserName="alice")
    policy = doc(
        allow("s3:GetObject", "arn:aws:s3:::my-bucket/*", IpAddress={"aws:SourceIp": "203.0.113.0/24"})
    )
    iam(seat, "PutUserPolicy", UserName="alice", PolicyName="office", PolicyDocument=json.dumps(policy))
    check = {
        "type": "principal_allowed",
        "principal": "user/alice",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::my-bucket/k",
    }
    assert passed(seat, **check, context={"aws:SourceIp": "203.0.113.9"})
    assert not passed(seat, **check, context={"aws:SourceIp": "198.51.100.9"})
    assert not passed(seat, **check)  # no source IP: the condition cannot match


def test_context_values_yaml_reads_as_booleans_and_numbers_reach_the_engine_as_text(seat):
    iam(seat, "CreateUser", UserName="alice")
    policy = doc(
        allow(
            "s3:GetObject",
            Bool={"aws:MultiFactorAuthPresent": "true"},
            NumericLessThan={"aws:MultiFactorAuthAge": "3600"},
        )
    )
    iam(seat, "PutUserPolicy", UserName="alice", PolicyName="mfa", PolicyDocument=json.dumps(policy))
    check = {"type": "principal_allowed", "principal": "user/alice", "action": "s3:GetObject"}
    assert passed(seat, **check, context={"aws:MultiFactorAuthPresent": True, "aws:MultiFactorAuthAge": 60})
    assert not passed(
        seat, **check, context={"aws:MultiFactorAuthPresent": False, "aws:MultiFactorAuthAge": 60}
    )
    assert not passed(
        seat, **check, context={"aws:MultiFactorAuthPresent": True, "aws:MultiFactorAuthAge": 7200}
    )
    assert passed(seat, **check, context={"aws:MultiFactorAuthPresent": [True], "aws:MultiFactorAuthAge": 60})


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        # Allowed only when MFA is present: denied without it, and to long-term keys.
        ([allow("s3:DeleteObject", Bool={"aws:MultiFactorAuthPresent": "true"})], True),
        # Allowed, with a Deny when MFA is absent (IfExists: long-term keys too).
        (
            [
                allow("s3:DeleteObject"),
                {
                    "Effect": "Deny",
                    "Action": "s3:DeleteObject",
                    "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                },
            ],
            True,
        ),
        # AWS's well-known trap: Bool false never matches long-term keys, which send no MFA key.
        (
            [
                allow("s3:DeleteObject"),
                {
                    "Effect": "Deny",
                    "Action": "s3:DeleteObject",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
                },
            ],
            False,
        ),
        ([allow("s3:DeleteObject")], False),
        ([allow("s3:GetObject", Bool={"aws:MultiFactorAuthPresent": "true"})], False),
    ],
)
def test_requires_mfa(seat, statements, expected):
    iam(seat, "CreateUser", UserName="alice")
    iam(seat, "PutUserPolicy", UserName="alice", PolicyName="p", PolicyDocument=json.dumps(doc(*statements)))
    assert (
        passed(
            seat,
            type="requires_mfa",
            principal="user/alice",
            action="s3:DeleteObject",
            resource="arn:aws:s3:::b/k",
        )
        is expected
    )


DENY_CREATE_USER = json.dumps(doc({"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}))


def organizations_call(account, action, **params):
    return apply_step(account, {"service": "organizations", "action": action, "params": params})


def test_an_scp_denies_to_an_ou_or_a_member_account():
    seat = organization_seat()
    to_ou = {"type": "scp_denies", "ou": "Sandbox", "action": "iam:CreateUser"}
    to_account = {"type": "scp_denies", "account": "Sandbox account", "action": "iam:CreateUser"}
    assert not passed(seat, **to_ou) and not passed(seat, **to_account)
    organizations_call(
        seat, "CreatePolicy", Name="NoUsers", Description="", Type=SCP, Content=DENY_CREATE_USER
    )
    organizations_call(seat, "CreateOrganizationalUnit", ParentId="{root}", Name="Production")
    organizations_call(seat, "AttachPolicy", PolicyId="{scp:NoUsers}", TargetId="{ou:Production}")
    assert not passed(seat, **to_ou) and not passed(seat, **to_account)
    assert passed(seat, **dict(to_ou, ou="production"))
    organizations_call(seat, "AttachPolicy", PolicyId="{scp:NoUsers}", TargetId="{root}")
    assert passed(seat, **to_ou) and passed(seat, **to_account)
    assert not passed(seat, **dict(to_ou, action="iam:DeleteUser"))


def test_an_scp_check_needs_the_seat_to_manage_an_organization_with_scps_enabled():
    check = {"type": "scp_denies", "ou": "Sandbox", "action": "iam:CreateUser"}
    assert not passed(AccountFactory(), **check)  # no organization
    seat = organization_seat()
    root = Acting(account=seat)
    organization = seat.managed_organization
    policy = organizations_services.policy_create(
        organization=organization, policy_type=SCP, name="NoUsers", content=DENY_CREATE_USER, acting=root
    )
    organizations_services.policy_attach(
        organization=organization, policy=policy, target_id=organization.root_id, acting=root
    )
    assert passed(seat, **check)
    assert not passed(seat, type="scp_denies", ou="Nowhere", action="iam:CreateUser")
    # The management account is not a member the SCPs bind, nor a name the check can mean.
    assert not passed(seat, type="scp_denies", account="Seat", action="iam:CreateUser")
    organizations_services.policy_type_disable(organization=organization, policy_type=SCP, acting=root)
    assert not passed(seat, **check)
    # A member account's own seat is not the management account: no organization of its own to check.
    member = organization.memberships.exclude(account=seat).get().account
    assert not passed(member, **check)


def every_type(seat_id="{account}"):
    return [
        {"id": "u", "type": "user_exists", "user": "alice"},
        {"id": "g", "type": "group_exists", "group": "developers"},
        {"id": "m", "type": "user_in_group", "user": "alice", "group": "developers"},
        {"id": "a", "type": "managed_policy_attached", "group": "developers", "policy": "allow-s3-read"},
        {"id": "i", "type": "inline_policy_exists", "user": "alice", "policy": "inline"},
        {"id": "v", "type": "policy_version", "policy": "allow-s3-read", "min_versions": 1},
        {"id": "t", "type": "role_trusts", "role": "worker", "service": "ec2.amazonaws.com"},
        {"id": "b", "type": "permissions_boundary", "user": "alice", "policy": "allow-s3-read"},
        {"id": "p1", "type": "principal_allowed", "principal": "user/alice", "action": "s3:GetObject"},
        {"id": "p2", "type": "principal_denied", "principal": "role/worker", "action": "s3:PutObject"},
        {
            "id": "p3",
            "type": "principal_allowed",
            "principal": "user/alice",
            "action": "sts:AssumeRole",
            "resource": f"arn:aws:iam::{seat_id}:role/worker",
        },
        {"id": "f", "type": "requires_mfa", "principal": "user/alice", "action": "s3:DeleteObject"},
        {"id": "s", "type": "scp_denies", "ou": "Sandbox", "action": "iam:CreateUser"},
    ]


def test_evaluation_reads_a_fixed_number_of_rows_whatever_the_account_holds():
    seat = organization_seat()
    iam(seat, "CreateUser", UserName="alice")
    iam(seat, "CreateGroup", GroupName="developers")
    iam(seat, "AddUserToGroup", UserName="alice", GroupName="developers")
    iam(
        seat,
        "CreatePolicy",
        PolicyName="allow-s3-read",
        PolicyDocument=json.dumps(doc(allow("s3:GetObject"))),
    )
    iam(
        seat,
        "AttachGroupPolicy",
        GroupName="developers",
        PolicyArn=f"arn:aws:iam::{seat.id}:policy/allow-s3-read",
    )
    trust = doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    iam(seat, "CreateRole", RoleName="worker", AssumeRolePolicyDocument=json.dumps(trust))
    checks = [dict(check, label="L", hint="H", score=1) for check in every_type()]

    with CaptureQueriesContext(connection) as first:
        evaluate_lab(checks, seat)
    assert len(first) <= 20

    for n in range(30):
        iam(seat, "CreateUser", UserName=f"user{n}")
        iam(seat, "AddUserToGroup", UserName=f"user{n}", GroupName="developers")
    twice = checks + [dict(check, id=f"{check['id']}-again") for check in checks]
    with CaptureQueriesContext(connection) as second:
        evaluate_lab(twice, seat)
    # More users in the account and each check twice: the entities are read once, still.
    assert len(second) == len(first)
