"""GetAccountAuthorizationDetails and the policy simulator's operations through boto3 against the live
server."""

import json

import pytest
from botocore.exceptions import ClientError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.acting import Acting
from accounts.models import AuditEvent
from iamconsole.aws_api.iam.details import get_account_authorization_details
from policies.models import PolicyAttachment
from policies.services.instance_profiles import instance_profile_add_role, instance_profile_create
from policies.services.permissions import inline_policy_put, permissions_boundary_put, policy_attach
from policies.services.policies import policy_create, policy_version_create
from policies.services.roles import role_create
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.policies.permissions_helpers import EC2_TRUST, make_policy

from .conftest import allow

pytestmark = pytest.mark.django_db(transaction=True)


def policy_text(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


READ_S3 = policy_text({"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
DENY_DELETE = policy_text({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"})


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def root(api_account):
    return Acting(account=api_account)


@pytest.fixture
def furnished(iam, api_account, root):
    """alice in developers with an inline policy, a customer policy and an AWS managed one attached,
    a boundary and a tag; the role ec2-s3-read in an instance profile; one AWS managed policy unused."""
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}])
    iam.create_group(GroupName="developers", Path="/eng/")
    iam.add_user_to_group(GroupName="developers", UserName="alice")
    read_only = make_policy(name="ReadOnlyAccess")
    make_policy(name="UnusedAWSPolicy")
    own = policy_create(account=api_account, name="allow-s3-read", document=READ_S3, acting=root)
    policy_version_create(policy=own, document=DENY_DELETE, set_as_default=True, acting=root)
    boundary = policy_create(account=api_account, name="developer-boundary", document=READ_S3, acting=root)
    alice = api_account.users.get(name="alice")
    developers = api_account.groups.get(name="developers")
    inline_policy_put(name="InlineIsBad", document=READ_S3, user=alice, acting=root)
    inline_policy_put(name="GroupInline", document=DENY_DELETE, group=developers, acting=root)
    policy_attach(policy=own, user=alice, acting=root)
    policy_attach(policy=read_only, group=developers, acting=root)
    permissions_boundary_put(policy_arn=boundary.arn, user=alice, acting=root)
    role = role_create(account=api_account, name="ec2-s3-read", trust_policy=EC2_TRUST, acting=root)
    policy_attach(policy=own, role=role, acting=root)
    profile = instance_profile_create(account=api_account, name="ec2-s3-read", acting=root)
    instance_profile_add_role(profile=profile, role=role, acting=root)
    return {"own": own, "boundary": boundary, "read_only": read_only, "role": role, "profile": profile}


def test_authorization_details_of_every_user_group_role_and_policy(iam, api_account, furnished):
    details = iam.get_account_authorization_details()
    assert not details["IsTruncated"]

    [alice] = details["UserDetailList"]
    assert alice["Arn"] == f"arn:aws:iam::{api_account.id}:user/alice"
    assert alice["GroupList"] == ["developers"]
    assert alice["UserPolicyList"] == [{"PolicyName": "InlineIsBad", "PolicyDocument": json.loads(READ_S3)}]
    assert alice["AttachedManagedPolicies"] == [
        {"PolicyName": "allow-s3-read", "PolicyArn": furnished["own"].arn}
    ]
    assert alice["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": furnished["boundary"].arn,
    }
    assert alice["Tags"] == [{"Key": "team", "Value": "blue"}]

    [developers] = details["GroupDetailList"]
    assert developers["Arn"] == f"arn:aws:iam::{api_account.id}:group/eng/developers"
    assert developers["GroupPolicyList"] == [
        {"PolicyName": "GroupInline", "PolicyDocument": json.loads(DENY_DELETE)}
    ]
    assert developers["AttachedManagedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
    ]

    [role] = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"] == json.loads(EC2_TRUST)  # URL-encoded on the wire
    assert role["RolePolicyList"] == [] and role["RoleLastUsed"] == {}
    assert "PermissionsBoundary" not in role and "Tags" not in role
    [profile] = role["InstanceProfileList"]
    assert profile["InstanceProfileName"] == "ec2-s3-read" and profile["InstanceProfileId"].startswith("AIPA")
    assert [r["RoleName"] for r in profile["Roles"]] == ["ec2-s3-read"]
    assert profile["Roles"][0]["AssumeRolePolicyDocument"] == json.loads(EC2_TRUST)

    # The account's own policies, and of AWS's only those attached here.
    by_name = {policy["PolicyName"]: policy for policy in details["Policies"]}
    assert sorted(by_name) == ["ReadOnlyAccess", "allow-s3-read", "developer-boundary"]
    own = by_name["allow-s3-read"]
    assert (own["AttachmentCount"], own["PermissionsBoundaryUsageCount"], own["DefaultVersionId"]) == (
        2,
        0,
        "v2",
    )
    assert own["IsAttachable"] is True and own["PolicyId"].startswith("ANPA")
    assert [(v["VersionId"], v["IsDefaultVersion"], v["Document"]) for v in own["PolicyVersionList"]] == [
        ("v2", True, json.loads(DENY_DELETE)),
        ("v1", False, json.loads(READ_S3)),
    ]
    assert (
        by_name["developer-boundary"]["AttachmentCount"],
        by_name["developer-boundary"]["PermissionsBoundaryUsageCount"],
    ) == (0, 1)
    assert by_name["ReadOnlyAccess"]["AttachmentCount"] == 1


def test_the_filter_chooses_the_lists_and_only_it_brings_every_aws_managed_policy(iam, furnished):
    roles = iam.get_account_authorization_details(Filter=["Role"])
    assert [r["RoleName"] for r in roles["RoleDetailList"]] == ["ec2-s3-read"]
    assert roles["UserDetailList"] == roles["GroupDetailList"] == roles["Policies"] == []

    local = iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])["Policies"]
    assert [p["PolicyName"] for p in local] == ["allow-s3-read", "developer-boundary"]
    aws = iam.get_account_authorization_details(Filter=["AWSManagedPolicy"])["Policies"]
    assert [(p["PolicyName"], p["AttachmentCount"]) for p in aws] == [
        ("ReadOnlyAccess", 1),
        ("UnusedAWSPolicy", 0),
    ]
    both = iam.get_account_authorization_details(Filter=["User", "Group"])
    assert [
        len(both[name]) for name in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
    ] == [
        1,
        1,
        0,
        0,
    ]


def test_authorization_details_pages_through_every_list(iam, furnished):
    first = iam.get_account_authorization_details(MaxItems=2)
    assert first["IsTruncated"]
    assert (len(first["UserDetailList"]), len(first["GroupDetailList"]), len(first["RoleDetailList"])) == (
        1,
        1,
        0,
    )
    pages = list(
        iam.get_paginator("get_account_authorization_details").paginate(PaginationConfig={"PageSize": 2})
    )
    assert [
        sum(len(page[name]) for name in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
        for page in pages
    ] == [2, 2, 2]


def test_another_accounts_entities_are_not_in_the_details(iam, api_account):
    IAMUserFactory(account=AccountFactory(), name="elsewhere")
    iam.create_user(UserName="here")
    names = [user["UserName"] for user in iam.get_account_authorization_details()["UserDetailList"]]
    assert names == ["here"]


def test_authorization_details_are_enforced_and_recorded(iam_as, api_account):
    reader, reader_user = iam_as([allow("iam:GetAccountAuthorizationDetails")], name="auditor")
    assert [u["UserName"] for u in reader.get_account_authorization_details()["UserDetailList"]] == [
        "auditor"
    ]
    other, other_user = iam_as([allow("iam:ListUsers")], name="nosy")
    error, status = error_of(other.get_account_authorization_details)
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {other_user.arn} is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: "
        "* because no identity-based policy allows the iam:GetAccountAuthorizationDetails action"
    )
    events = AuditEvent.objects.filter(account=api_account, event_name="GetAccountAuthorizationDetails")
    assert sorted((event.user_identity["arn"], event.error_code) for event in events) == sorted(
        [(reader_user.arn, ""), (other_user.arn, "AccessDenied")]
    )


# The simulator


def test_simulate_principal_policy_weighs_the_users_policies_groups_and_boundary(iam, api_account, furnished):
    alice_arn = f"arn:aws:iam::{api_account.id}:user/alice"
    results = iam.simulate_principal_policy(
        PolicySourceArn=alice_arn, ActionNames=["s3:GetObject", "s3:DeleteObject", "s3:PutObject"]
    )["EvaluationResults"]
    by_action = {result["EvalActionName"]: result for result in results}
    assert {action: r["EvalDecision"] for action, r in by_action.items()} == {
        "s3:GetObject": "allowed",
        "s3:DeleteObject": "explicitDeny",
        "s3:PutObject": "implicitDeny",
    }
    assert all(r["EvalResourceName"] == "*" for r in results)
    allowed = by_action["s3:GetObject"]
    assert {(m["SourcePolicyId"], m["SourcePolicyType"]) for m in allowed["MatchedStatements"]} >= {
        ("user_alice_InlineIsBad", "user")
    }
    inline = next(m for m in allowed["MatchedStatements"] if m["SourcePolicyId"] == "user_alice_InlineIsBad")
    # READ_S3 is one line: the statement runs from its brace to just past the closing one.
    start = READ_S3.index('{"Sid"')
    assert inline["StartPosition"] == {"Line": 1, "Column": start + 1}
    assert inline["EndPosition"] == {"Line": 1, "Column": READ_S3.index("}]") + 2}
    assert allowed["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    denied = by_action["s3:DeleteObject"]
    assert {(m["SourcePolicyId"], m["SourcePolicyType"]) for m in denied["MatchedStatements"]} == {
        ("allow-s3-read", "user-managed"),
        ("group_developers_GroupInline", "group"),
    }


def test_simulate_principal_policy_with_more_policies_a_boundary_context_and_resources(iam, api_account):
    iam.create_user(UserName="bob")
    conditional = policy_text(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        }
    )
    bob_arn = f"arn:aws:iam::{api_account.id}:user/bob"
    results = iam.simulate_principal_policy(
        PolicySourceArn=bob_arn,
        PolicyInputList=[conditional],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::a/1", "arn:aws:s3:::b/2"],
        ContextEntries=[
            {
                "ContextKeyName": "aws:RequestedRegion",
                "ContextKeyValues": ["eu-west-1"],
                "ContextKeyType": "string",
            }
        ],
    )["EvaluationResults"]
    assert [(r["EvalResourceName"], r["EvalDecision"]) for r in results] == [
        ("arn:aws:s3:::a/1", "allowed"),
        ("arn:aws:s3:::b/2", "allowed"),
    ]
    assert results[0]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"
    bounded = iam.simulate_principal_policy(
        PolicySourceArn=bob_arn,
        PolicyInputList=[conditional],
        PermissionsBoundaryPolicyInputList=[DENY_DELETE],
        ActionNames=["s3:GetObject"],
        ContextEntries=[
            {
                "ContextKeyName": "aws:RequestedRegion",
                "ContextKeyValues": ["eu-west-1"],
                "ContextKeyType": "string",
            }
        ],
    )["EvaluationResults"]
    assert bounded[0]["EvalDecision"] == "implicitDeny"
    assert bounded[0]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    missing = iam.simulate_principal_policy(
        PolicySourceArn=bob_arn, PolicyInputList=[conditional], ActionNames=["s3:GetObject"]
    )["EvaluationResults"]
    assert (missing[0]["EvalDecision"], missing[0]["MissingContextValues"]) == (
        "implicitDeny",
        ["aws:RequestedRegion"],
    )


def test_simulate_principal_policy_of_a_role_and_a_group(iam, api_account, furnished):
    role = iam.simulate_principal_policy(
        PolicySourceArn=furnished["role"].arn, ActionNames=["s3:DeleteObject"]
    )["EvaluationResults"]
    assert role[0]["EvalDecision"] == "explicitDeny"
    group_arn = f"arn:aws:iam::{api_account.id}:group/eng/developers"
    # ReadOnlyAccess as make_policy writes it: s3:GetObject on my-bucket's objects.
    group = iam.simulate_principal_policy(
        PolicySourceArn=group_arn, ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::my-bucket/key"]
    )
    assert group["EvaluationResults"][0]["EvalDecision"] == "allowed"
    assert group["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"


def test_simulate_principal_policy_pages_its_results(iam, api_account):
    iam.create_user(UserName="bob")
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    arn = f"arn:aws:iam::{api_account.id}:user/bob"
    first = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=actions, MaxItems=2)
    assert [r["EvalActionName"] for r in first["EvaluationResults"]] == actions[:2] and first["IsTruncated"]
    rest = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=actions, Marker=first["Marker"])
    assert [r["EvalActionName"] for r in rest["EvaluationResults"]] == actions[2:] and not rest["IsTruncated"]


def test_a_principal_that_does_not_exist_here_is_no_such_entity(iam, api_account):
    other = IAMUserFactory(account=AccountFactory(), name="elsewhere")
    error, status = error_of(
        iam.simulate_principal_policy, PolicySourceArn=other.arn, ActionNames=["s3:GetObject"]
    )
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "The user with name elsewhere cannot be found.",
        404,
    )
    error, _ = error_of(
        iam.simulate_principal_policy,
        PolicySourceArn=f"arn:aws:iam::{api_account.id}:role/ghost",
        ActionNames=["s3:GetObject"],
    )
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", "The role with name ghost cannot be found.")
    error, status = error_of(
        iam.get_context_keys_for_principal_policy, PolicySourceArn="arn:aws:s3:::not-a-principal-bucket"
    )
    assert (error["Code"], error["Message"], status) == (
        "InvalidInput",
        "ARN arn:aws:s3:::not-a-principal-bucket is not valid.",
        400,
    )


def test_simulate_custom_policy_with_a_boundary_and_an_scp(iam):
    results = iam.simulate_custom_policy(
        PolicyInputList=[READ_S3, DENY_DELETE], ActionNames=["s3:GetObject", "s3:DeleteObject"]
    )["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [
        ("s3:GetObject", "allowed"),
        ("s3:DeleteObject", "explicitDeny"),
    ]
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in results[1]["MatchedStatements"]] == [
        ("PolicyInputList.2", "none")
    ]
    assert "PermissionsBoundaryDecisionDetail" not in results[0]
    capped = iam.simulate_custom_policy(
        PolicyInputList=[READ_S3],
        OrderedOrganizationPolicyInputList=[{"ServiceControlPolicyInputList": [DENY_DELETE]}],
        ActionNames=["s3:GetObject"],
    )["EvaluationResults"]
    assert capped[0]["EvalDecision"] == "implicitDeny"
    assert capped[0]["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}


def test_a_malformed_custom_policy_is_refused(iam):
    error, status = error_of(
        iam.simulate_custom_policy, PolicyInputList=["{not json"], ActionNames=["s3:GetObject"]
    )
    assert (error["Code"], status) == ("MalformedPolicyDocument", 400)
    assert error["Message"].startswith("Custom policy 1: the policy is not valid JSON")


def test_context_keys_of_custom_and_principal_policies(iam, api_account):
    tagged = policy_text(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::home/${aws:username}/*",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        }
    )
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[tagged])["ContextKeyNames"]
    assert keys == ["aws:SourceIp", "aws:username"]
    iam.create_user(UserName="carol")
    carol = api_account.users.get(name="carol")
    inline_policy_put(name="home", document=tagged, user=carol, acting=Acting(account=api_account))
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    extra = policy_text({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": mfa})
    keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=carol.arn, PolicyInputList=[extra])
    assert keys["ContextKeyNames"] == ["aws:MultiFactorAuthPresent", "aws:SourceIp", "aws:username"]


def test_the_simulator_is_enforced_on_the_principals_arn_and_recorded(iam, iam_as, api_account):
    iam.create_user(UserName="target")
    target_arn = f"arn:aws:iam::{api_account.id}:user/target"
    tester, tester_user = iam_as(
        [allow("iam:SimulatePrincipalPolicy", "iam:GetContextKeysForPrincipalPolicy", resource=target_arn)],
        name="tester",
    )
    assert (
        tester.simulate_principal_policy(PolicySourceArn=target_arn, ActionNames=["s3:GetObject"])[
            "EvaluationResults"
        ][0]["EvalDecision"]
        == "implicitDeny"
    )
    error, status = error_of(
        tester.simulate_principal_policy, PolicySourceArn=tester_user.arn, ActionNames=["s3:GetObject"]
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {tester_user.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: "
        f"user {tester_user.name} because no identity-based policy allows the iam:SimulatePrincipalPolicy action"
    )
    error, _ = error_of(
        tester.simulate_custom_policy, PolicyInputList=[READ_S3], ActionNames=["s3:GetObject"]
    )
    assert error["Message"] == (
        f"User: {tester_user.arn} is not authorized to perform: iam:SimulateCustomPolicy on resource: * "
        "because no identity-based policy allows the iam:SimulateCustomPolicy action"
    )
    events = AuditEvent.objects.filter(account=api_account, event_name__startswith="Simulate")
    assert sorted((event.event_name, event.error_code) for event in events) == [
        ("SimulateCustomPolicy", "AccessDenied"),
        ("SimulatePrincipalPolicy", ""),
        ("SimulatePrincipalPolicy", "AccessDenied"),
    ]
    assert not PolicyAttachment.objects.exists()


def test_authorization_details_take_as_many_queries_for_many_entities_as_for_one(
    iam, api_account, root, furnished
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            get_account_authorization_details(root, {})
        return len(captured)

    few = queries()
    for n in range(4):
        iam.create_user(UserName=f"more{n}", Tags=[{"Key": "n", "Value": str(n)}])
        iam.add_user_to_group(GroupName="developers", UserName=f"more{n}")
        role = role_create(account=api_account, name=f"role{n}", trust_policy=EC2_TRUST, acting=root)
        policy_attach(policy=furnished["own"], role=role, acting=root)
    assert queries() == few
