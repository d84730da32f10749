"""Managed policies and versions, attachments, inline policies and permissions boundaries through boto3
against the live server."""

import datetime
import json

import pytest
from botocore.exceptions import ClientError

from access.acting import Acting
from accounts.models import AuditEvent, IAMUser
from policies.aws_managed.loader import read_history_file
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment
from policies.services.policies import policy_create
from policies.services.roles import role_create
from tests.accounts.factories import AccountFactory
from tests.policies.roles_helpers import trust

from .conftest import allow

pytestmark = pytest.mark.django_db(transaction=True)

READ_S3 = {"Version": "2012-10-17", "Statement": [allow("s3:GetObject")]}
LIST_S3 = {"Version": "2012-10-17", "Statement": [allow("s3:ListBucket")]}
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def arn(account, name, path="/"):
    return f"arn:aws:iam::{account.id}:policy{path}{name}"


def make_role(account, name="app"):
    return role_create(
        account=account,
        name=name,
        trust_policy=trust({"Service": "ec2.amazonaws.com"}),
        acting=Acting(account=account),
    )


def test_create_get_and_delete_a_managed_policy(iam, api_account):
    created = iam.create_policy(
        PolicyName="S3Read",
        Path="/team/",
        PolicyDocument=json.dumps(READ_S3),
        Description="Read objects",
        Tags=[{"Key": "team", "Value": "blue"}],
    )["Policy"]
    assert created["Arn"] == arn(api_account, "S3Read", "/team/") and created["PolicyId"].startswith("ANPA")
    assert (created["DefaultVersionId"], created["AttachmentCount"], created["IsAttachable"]) == (
        "v1",
        0,
        True,
    )
    assert created["PermissionsBoundaryUsageCount"] == 0 and "Description" not in created
    assert created["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert isinstance(created["CreateDate"], datetime.datetime)

    got = iam.get_policy(PolicyArn=created["Arn"])["Policy"]
    assert got["Description"] == "Read objects" and got["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert got["PolicyName"] == "S3Read" and got["Path"] == "/team/"

    iam.delete_policy(PolicyArn=created["Arn"])
    error, status = error_of(iam.get_policy, PolicyArn=created["Arn"])
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"Policy {created['Arn']} does not exist or is not attachable.",
        404,
    )


def test_get_policy_answers_an_empty_tag_list_where_create_and_list_leave_tags_out(iam):
    """IAM's CreatePolicy shows Tags only when the request set some, ListPolicies never, GetPolicy always."""
    created = iam.create_policy(PolicyName="Untagged", PolicyDocument=json.dumps(READ_S3))["Policy"]
    assert "Tags" not in created
    assert iam.get_policy(PolicyArn=created["Arn"])["Policy"]["Tags"] == []
    listed = iam.list_policies(Scope="Local")["Policies"]
    assert [policy["Arn"] for policy in listed] == [created["Arn"]] and "Tags" not in listed[0]


def test_policy_errors_are_aws_errors(iam, iam_unvalidated, api_account):
    iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(READ_S3))
    error, status = error_of(iam.create_policy, PolicyName="P", PolicyDocument=json.dumps(READ_S3))
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "A policy called P already exists. Duplicate names are not allowed.",
        409,
    )
    error, status = error_of(iam.create_policy, PolicyName="bad", PolicyDocument='{"Statement": []}')
    assert (error["Code"], status) == ("MalformedPolicyDocument", 400)
    error, status = error_of(iam_unvalidated.get_policy, PolicyArn="not-an-arn-at-all-really")
    assert (error["Code"], error["Message"], status) == (
        "InvalidInput",
        "ARN not-an-arn-at-all-really is not valid.",
        400,
    )
    error, status = error_of(iam.delete_policy, PolicyArn=READ_ONLY)
    assert (error["Code"], status) == ("NoSuchEntity", 404)


def test_versions_created_read_listed_defaulted_and_deleted(iam, api_account):
    policy_arn = iam.create_policy(PolicyName="v", PolicyDocument=json.dumps(READ_S3))["Policy"]["Arn"]
    made = iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(LIST_S3))[
        "PolicyVersion"
    ]
    assert (made["VersionId"], made["IsDefaultVersion"]) == ("v2", False) and "Document" not in made

    v1 = iam.get_policy_version(PolicyArn=policy_arn, VersionId="v1")["PolicyVersion"]
    assert v1["Document"] == READ_S3 and v1["IsDefaultVersion"] is True  # boto3 decodes the URL-encoded JSON
    listed = iam.list_policy_versions(PolicyArn=policy_arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in listed] == [("v2", False), ("v1", True)]
    assert all("Document" not in v for v in listed)

    iam.set_default_policy_version(PolicyArn=policy_arn, VersionId="v2")
    assert iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"] == "v2"
    error, status = error_of(iam.delete_policy_version, PolicyArn=policy_arn, VersionId="v2")
    assert (error["Code"], error["Message"], status) == (
        "DeleteConflict",
        "Cannot delete the default version of a policy.",
        409,
    )
    error, _ = error_of(iam.delete_policy, PolicyArn=policy_arn)
    assert error["Code"] == "DeleteConflict" and error["Message"].startswith(
        "This policy has more than one version."
    )
    iam.delete_policy_version(PolicyArn=policy_arn, VersionId="v1")
    error, status = error_of(iam.get_policy_version, PolicyArn=policy_arn, VersionId="v1")
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"Policy {policy_arn} version v1 does not exist or is not attachable.",
        404,
    )
    for _ in range(4):
        iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(READ_S3))
    error, status = error_of(
        iam.create_policy_version, PolicyArn=policy_arn, PolicyDocument=json.dumps(READ_S3)
    )
    assert (error["Code"], status) == ("LimitExceeded", 409)
    assert error["Message"].startswith("A managed policy can have up to 5 versions.")


def test_policy_tags(iam):
    policy_arn = iam.create_policy(PolicyName="t", PolicyDocument=json.dumps(READ_S3))["Policy"]["Arn"]
    iam.tag_policy(PolicyArn=policy_arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_policy(PolicyArn=policy_arn, TagKeys=["A"])
    assert iam.list_policy_tags(PolicyArn=policy_arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    assert iam.list_policy_tags(PolicyArn=policy_arn, MaxItems=1)["IsTruncated"] is False


def test_attach_list_and_detach_on_users_groups_and_roles(iam, api_account):
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    make_role(api_account, "r")
    first = iam.create_policy(PolicyName="first", Path="/a/", PolicyDocument=json.dumps(READ_S3))["Policy"][
        "Arn"
    ]
    second = iam.create_policy(PolicyName="second", PolicyDocument=json.dumps(LIST_S3))["Policy"]["Arn"]
    for kind, name in (("user", "u"), ("group", "g"), ("role", "r")):
        Kind = kind.title()
        attach = getattr(iam, f"attach_{kind}_policy")
        attach(**{f"{Kind}Name": name, "PolicyArn": second})
        attach(**{f"{Kind}Name": name, "PolicyArn": first})
        attach(**{f"{Kind}Name": name, "PolicyArn": first})  # again: a no-op, as in IAM
        listed = getattr(iam, f"list_attached_{kind}_policies")
        assert listed(**{f"{Kind}Name": name})["AttachedPolicies"] == [
            {"PolicyName": "first", "PolicyArn": first},
            {"PolicyName": "second", "PolicyArn": second},
        ]
        assert listed(**{f"{Kind}Name": name, "PathPrefix": "/a/"})["AttachedPolicies"] == [
            {"PolicyName": "first", "PolicyArn": first}
        ]
        getattr(iam, f"detach_{kind}_policy")(**{f"{Kind}Name": name, "PolicyArn": first})
        error, status = error_of(
            getattr(iam, f"detach_{kind}_policy"), **{f"{Kind}Name": name, "PolicyArn": first}
        )
        assert (error["Code"], error["Message"], status) == (
            "NoSuchEntity",
            f"Policy {first} was not found.",
            404,
        )
    assert iam.get_policy(PolicyArn=second)["Policy"]["AttachmentCount"] == 3
    assert PolicyAttachment.objects.filter(policy__arn=second).count() == 3
    error, status = error_of(iam.delete_policy, PolicyArn=second)
    assert (error["Code"], error["Message"], status) == (
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
        409,
    )
    error, _ = error_of(iam.attach_role_policy, RoleName="nobody", PolicyArn=second)
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", "The role with name nobody cannot be found.")
    error, _ = error_of(iam.attach_user_policy, UserName="u", PolicyArn=arn(api_account, "missing"))
    assert error["Message"] == f"Policy {arn(api_account, 'missing')} does not exist or is not attachable."


def test_inline_policies_of_users_groups_and_roles(iam, api_account):
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    make_role(api_account, "r")
    for kind, name in (("user", "u"), ("group", "g"), ("role", "r")):
        Kind = kind.title()
        entity = {f"{Kind}Name": name}
        getattr(iam, f"put_{kind}_policy")(**entity, PolicyName="zeta", PolicyDocument=json.dumps(READ_S3))
        getattr(iam, f"put_{kind}_policy")(**entity, PolicyName="alpha", PolicyDocument=json.dumps(LIST_S3))
        got = getattr(iam, f"get_{kind}_policy")(**entity, PolicyName="alpha")
        assert (got[f"{Kind}Name"], got["PolicyName"], got["PolicyDocument"]) == (name, "alpha", LIST_S3)
        assert getattr(iam, f"list_{kind}_policies")(**entity)["PolicyNames"] == ["alpha", "zeta"]
        first = getattr(iam, f"list_{kind}_policies")(**entity, MaxItems=1)
        assert first["PolicyNames"] == ["alpha"] and first["IsTruncated"] is True
        getattr(iam, f"delete_{kind}_policy")(**entity, PolicyName="alpha")
        error, status = error_of(getattr(iam, f"get_{kind}_policy"), **entity, PolicyName="alpha")
        assert (error["Code"], error["Message"], status) == (
            "NoSuchEntity",
            f"The {kind} policy with name alpha cannot be found.",
            404,
        )
        error, _ = error_of(getattr(iam, f"delete_{kind}_policy"), **entity, PolicyName="alpha")
        assert (error["Code"], error["Message"]) == (
            "NoSuchEntity",
            f"The {kind} policy with name alpha cannot be found.",
        )
    assert InlinePolicy.objects.filter(name="zeta").count() == 3
    error, status = error_of(
        iam.put_user_policy, UserName="u", PolicyName="bad", PolicyDocument='{"Statement": []}'
    )
    assert (error["Code"], status) == ("MalformedPolicyDocument", 400)


def test_permissions_boundaries_of_users_and_roles(iam, api_account):
    iam.create_user(UserName="u")
    role = make_role(api_account, "r")
    boundary = iam.create_policy(PolicyName="fence", PolicyDocument=json.dumps(READ_S3))["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="u", PermissionsBoundary=boundary)
    iam.put_role_permissions_boundary(RoleName="r", PermissionsBoundary=boundary)
    assert IAMUser.objects.get(name="u").permissions_boundary_arn == boundary
    role.refresh_from_db()
    assert role.permissions_boundary_arn == boundary
    got = iam.get_policy(PolicyArn=boundary)["Policy"]
    assert (got["AttachmentCount"], got["PermissionsBoundaryUsageCount"]) == (0, 2)
    error, _ = error_of(iam.delete_policy, PolicyArn=boundary)
    assert error["Code"] == "DeleteConflict"
    error, status = error_of(
        iam.put_user_permissions_boundary, UserName="u", PermissionsBoundary=arn(api_account, "nope")
    )
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"Scope ARN: {arn(api_account, 'nope')} does not exist or is not attachable.",
        404,
    )
    iam.delete_user_permissions_boundary(UserName="u")
    iam.delete_role_permissions_boundary(RoleName="r")
    assert iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 0
    iam.delete_policy(PolicyArn=boundary)


def test_list_entities_for_policy_with_filters(iam, api_account):
    iam.create_user(UserName="attached", Path="/eng/")
    iam.create_user(UserName="bounded")
    iam.create_group(GroupName="g")
    make_role(api_account, "r")
    policy_arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(READ_S3))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="attached", PolicyArn=policy_arn)
    iam.attach_group_policy(GroupName="g", PolicyArn=policy_arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=policy_arn)
    iam.put_user_permissions_boundary(UserName="bounded", PermissionsBoundary=policy_arn)

    every = iam.list_entities_for_policy(PolicyArn=policy_arn)
    assert [u["UserName"] for u in every["PolicyUsers"]] == ["attached", "bounded"]
    assert [g["GroupName"] for g in every["PolicyGroups"]] == ["g"] and [
        r["RoleName"] for r in every["PolicyRoles"]
    ] == ["r"]
    assert every["PolicyUsers"][0]["UserId"].startswith("AIDA") and every["PolicyRoles"][0][
        "RoleId"
    ].startswith("AROA")

    def names(**filters):
        found = iam.list_entities_for_policy(PolicyArn=policy_arn, **filters)
        return [
            e.get("UserName") or e.get("GroupName") or e.get("RoleName")
            for key in ("PolicyUsers", "PolicyGroups", "PolicyRoles")
            for e in found[key]
        ]

    assert names(EntityFilter="Role") == ["r"]
    assert names(EntityFilter="User", PolicyUsageFilter="PermissionsPolicy") == ["attached"]
    assert names(PolicyUsageFilter="PermissionsBoundary") == ["bounded"]
    assert names(PathPrefix="/eng/") == ["attached"]
    assert names(EntityFilter="AWSManagedPolicy") == []
    first = iam.list_entities_for_policy(PolicyArn=policy_arn, MaxItems=3)
    assert (
        first["IsTruncated"] is True
        and len(first["PolicyUsers"] + first["PolicyGroups"] + first["PolicyRoles"]) == 3
    )
    rest = iam.list_entities_for_policy(PolicyArn=policy_arn, Marker=first["Marker"])
    assert [r["RoleName"] for r in rest["PolicyRoles"]] == ["r"] and rest["IsTruncated"] is False


def test_list_policies_scopes_attachment_usage_and_pages(iam, api_account, aws_managed_policies):
    local = iam.create_policy(PolicyName="Local1", Path="/mine/", PolicyDocument=json.dumps(READ_S3))[
        "Policy"
    ]["Arn"]
    iam.create_policy(PolicyName="Local2", PolicyDocument=json.dumps(READ_S3))
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=READ_ONLY)
    iam.put_user_permissions_boundary(UserName="u", PermissionsBoundary=local)

    def names(**filters):
        pages = iam.get_paginator("list_policies").paginate(**filters)
        return [p["PolicyName"] for page in pages for p in page["Policies"]]

    aws_count = aws_managed_policies.count()
    assert names(Scope="Local") == ["Local1", "Local2"]
    assert len(names(Scope="AWS")) == aws_count and len(names()) == aws_count + 2
    assert names(Scope="Local", PathPrefix="/mine/") == ["Local1"]
    assert names(OnlyAttached=True) == ["Local1", "ReadOnlyAccess"]
    assert names(OnlyAttached=True, PolicyUsageFilter="PermissionsPolicy") == ["ReadOnlyAccess"]
    assert names(OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary") == ["Local1"]
    assert names(OnlyAttached=True, Scope="AWS") == ["ReadOnlyAccess"]
    attached = iam.list_policies(OnlyAttached=True, Scope="AWS")["Policies"][0]
    assert (attached["Arn"], attached["AttachmentCount"]) == (READ_ONLY, 1) and "Description" not in attached
    first = iam.list_policies(Scope="AWS", MaxItems=2)
    assert len(first["Policies"]) == 2 and first["IsTruncated"] is True
    second = iam.list_policies(Scope="AWS", MaxItems=2, Marker=first["Marker"])
    assert {p["Arn"] for p in first["Policies"]}.isdisjoint(p["Arn"] for p in second["Policies"])
    aws_policy = iam.get_policy(PolicyArn=READ_ONLY)["Policy"]
    assert aws_policy["AttachmentCount"] == 1 and aws_policy["Description"]
    # GetPolicy shows Tags as an empty list too, as IAM does; ListPolicies leaves them out.
    assert aws_policy["Tags"] == [] and "Tags" not in first["Policies"][0]
    document = iam.get_policy_version(PolicyArn=READ_ONLY, VersionId=aws_policy["DefaultVersionId"])
    assert document["PolicyVersion"]["Document"]["Version"] == "2012-10-17"
    error, status = error_of(
        iam.create_policy_version, PolicyArn=READ_ONLY, PolicyDocument=json.dumps(READ_S3)
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: arn:aws:iam::{api_account.id}:root is not authorized to perform: iam:CreatePolicyVersion "
        f"on resource: policy {READ_ONLY}"
    )


def test_enforcement_an_allowed_and_a_refused_call_and_both_recorded(iam, iam_as, api_account):
    policy_arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(READ_S3))["Policy"]["Arn"]
    reader, user = iam_as([allow("iam:GetPolicy", "iam:ListUserPolicies")], name="reader")
    assert reader.get_policy(PolicyArn=policy_arn)["Policy"]["Arn"] == policy_arn
    assert reader.list_user_policies(UserName="reader")["PolicyNames"] == ["api-test"]

    error, status = error_of(reader.attach_user_policy, UserName="reader", PolicyArn=policy_arn)
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:AttachUserPolicy on resource: {user.arn} "
        "because no identity-based policy allows the iam:AttachUserPolicy action"
    )
    assert not PolicyAttachment.objects.filter(user=user).exists()
    error, _ = error_of(reader.get_policy_version, PolicyArn=policy_arn, VersionId="v1")
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:GetPolicyVersion on resource: "
        f"policy {policy_arn} because no identity-based policy allows the iam:GetPolicyVersion action"
    )
    events = AuditEvent.objects.filter(
        account=api_account, event_name__in=["GetPolicy", "AttachUserPolicy", "GetPolicyVersion"]
    )
    recorded = {(event.event_name, event.error_code) for event in events}
    assert recorded == {
        ("GetPolicy", ""),
        ("AttachUserPolicy", "AccessDenied"),
        ("GetPolicyVersion", "AccessDenied"),
    }
    assert all(event.user_identity["arn"] == user.arn for event in events)


def test_a_refused_read_of_a_missing_policy_is_access_denied_before_no_such_entity(iam_as, api_account):
    reader, user = iam_as([allow("iam:GetPolicy", resource=arn(api_account, "allowed"))])
    error, _ = error_of(reader.get_policy, PolicyArn=arn(api_account, "missing"))
    assert error["Code"] == "AccessDenied"
    error, _ = error_of(reader.get_policy, PolicyArn=arn(api_account, "allowed"))
    assert error["Code"] == "NoSuchEntity"


def test_tenant_isolation_another_accounts_policy_does_not_exist(iam, api_account):
    other_account = AccountFactory()
    other = Acting(account=other_account)
    theirs = policy_create(account=other_account, name="theirs", document=json.dumps(READ_S3), acting=other)
    iam.create_user(UserName="u")
    for call, kwargs in (
        (iam.get_policy, {"PolicyArn": theirs.arn}),
        (iam.delete_policy, {"PolicyArn": theirs.arn}),
        (iam.list_entities_for_policy, {"PolicyArn": theirs.arn}),
        (iam.attach_user_policy, {"UserName": "u", "PolicyArn": theirs.arn}),
        (iam.put_user_permissions_boundary, {"UserName": "u", "PermissionsBoundary": theirs.arn}),
    ):
        error, status = error_of(call, **kwargs)
        assert (error["Code"], status) == ("NoSuchEntity", 404)
    assert ManagedPolicy.objects.filter(pk=theirs.pk).exists()
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_list_policies_refused_names_the_policy_path_as_iam_does(iam_as):
    reader, user = iam_as([allow("iam:GetPolicy")])
    error, status = error_of(reader.list_policies, PathPrefix="/team/")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:ListPolicies on resource: policy path /team/ "
        "because no identity-based policy allows the iam:ListPolicies action"
    )
    lister, _ = iam_as([allow("iam:ListPolicies", resource="arn:aws:iam::*:policy/*")])
    assert lister.list_policies(Scope="Local")["Policies"] == []


def test_the_server_checks_names_and_version_ids(iam_unvalidated, api_account):
    iam_unvalidated.create_user(UserName="u")
    error, status = error_of(
        iam_unvalidated.put_user_policy,
        UserName="u",
        PolicyName="bad name",
        PolicyDocument=json.dumps(READ_S3),
    )
    assert (error["Code"], status) == ("ValidationError", 400)
    assert error["Message"] == (
        "1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    )
    policy_arn = iam_unvalidated.create_policy(PolicyName="p", PolicyDocument=json.dumps(READ_S3))["Policy"][
        "Arn"
    ]
    error, _ = error_of(iam_unvalidated.get_policy_version, PolicyArn=policy_arn, VersionId="1")
    assert error["Code"] == "ValidationError"
    assert (
        "at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern"
        in (error["Message"])
    )


def test_an_aws_managed_policys_recorded_versions_are_listed_and_read(iam, aws_managed_policies):
    history = read_history_file()["PowerUserAccess"]
    policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
    default = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]

    listed = iam.list_policy_versions(PolicyArn=policy_arn)["Versions"]

    assert [v["VersionId"] for v in listed] == [default] + [f"v{number}" for number, *_ in history]
    assert [v["IsDefaultVersion"] for v in listed] == [True] + [False] * len(history)
    oldest_number, oldest_date, oldest_document = history[-1]
    oldest = iam.get_policy_version(PolicyArn=policy_arn, VersionId=f"v{oldest_number}")["PolicyVersion"]
    assert oldest["Document"] == json.loads(oldest_document)
    assert oldest["CreateDate"] == datetime.datetime.fromisoformat(oldest_date)
    assert oldest["IsDefaultVersion"] is False
    paged = iam.list_policy_versions(PolicyArn=policy_arn, MaxItems=2)
    assert paged["IsTruncated"] and [v["VersionId"] for v in paged["Versions"]] == [
        v["VersionId"] for v in listed[:2]
    ]
    # Read-only as AWS's own: neither a new version nor a deletion.
    error, status = error_of(iam.delete_policy_version, PolicyArn=policy_arn, VersionId=f"v{oldest_number}")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"].endswith(f"iam:DeletePolicyVersion on resource: policy {policy_arn}")
    missing = next(n for n in range(1, 100) if n not in {number for number, *_ in history})
    error, status = error_of(iam.get_policy_version, PolicyArn=policy_arn, VersionId=f"v{missing}")
    assert (error["Code"], status) == ("NoSuchEntity", 404)
