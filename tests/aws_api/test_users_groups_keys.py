"""IAM users, groups, memberships and access keys through boto3 against the live server."""

import datetime
import json

import boto3
import pytest

from access.acting import Acting
from accounts.models import AccessKey, AuditEvent, Group, IAMUser
from accounts.services.users import user_create
from aws.errors import ValidationError
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .conftest import NO_RETRIES, allow, client, error_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_get_list_update_delete_a_user(iam, api_account):
    created = iam.create_user(UserName="carol", Path="/team/", Tags=[{"Key": "team", "Value": "blue"}])[
        "User"
    ]
    assert created["Arn"] == f"arn:aws:iam::{api_account.id}:user/team/carol"
    assert created["UserId"].startswith("AIDA") and created["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert isinstance(created["CreateDate"], datetime.datetime)

    assert iam.get_user(UserName="carol")["User"]["Path"] == "/team/"
    assert [user["UserName"] for user in iam.list_users(PathPrefix="/team/")["Users"]] == ["carol"]
    assert iam.list_users(PathPrefix="/other/")["Users"] == []

    iam.update_user(UserName="carol", NewUserName="carla", NewPath="/")
    assert iam.get_user(UserName="carla")["User"]["Arn"].endswith(":user/carla")
    iam.delete_user(UserName="carla")
    assert not IAMUser.objects.filter(account=api_account).exists()


def test_get_user_shows_the_permissions_boundary_and_list_users_leaves_it_out(iam, api_account):
    boundary = iam.create_policy(
        PolicyName="developer-boundary",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.create_user(UserName="alice")
    assert "PermissionsBoundary" not in iam.get_user(UserName="alice")["User"]
    iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=boundary)
    # AWS answers "Policy" here, not the model's enum value (PermissionsBoundaryPolicy).
    assert iam.get_user(UserName="alice")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    # ListUsers omits PermissionsBoundary and Tags (AWS's documentation of ListUsers).
    assert "PermissionsBoundary" not in iam.list_users()["Users"][0]


def test_create_user_sets_a_permissions_boundary_authorized_by_its_condition_key(iam, iam_as, api_account):
    """CreateUser's PermissionsBoundary, as the console's Create user sends it; a policy may allow
    iam:CreateUser only with one boundary through the iam:PermissionsBoundary key."""
    document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )
    allowed = iam.create_policy(PolicyName="developer-boundary", PolicyDocument=document)["Policy"]["Arn"]
    other = iam.create_policy(PolicyName="other-boundary", PolicyDocument=document)["Policy"]["Arn"]
    delegate, _ = iam_as(
        [
            {
                "Effect": "Allow",
                "Action": "iam:CreateUser",
                "Resource": "*",
                "Condition": {"StringEquals": {"iam:PermissionsBoundary": allowed}},
            }
        ]
    )

    created = delegate.create_user(UserName="dev1", PermissionsBoundary=allowed)["User"]

    assert created["PermissionsBoundary"]["PermissionsBoundaryArn"] == allowed
    assert IAMUser.objects.get(account=api_account, name="dev1").permissions_boundary_arn == allowed
    for refused in ({"PermissionsBoundary": other}, {}):
        error, status = error_of(delegate.create_user, UserName="dev2", **refused)
        assert (error["Code"], status) == ("AccessDenied", 403)
    error, _ = error_of(
        iam.create_user, UserName="dev3", PermissionsBoundary=allowed.replace("developer", "missing")
    )
    assert error["Code"] == "NoSuchEntity"
    assert not IAMUser.objects.filter(name__in=["dev2", "dev3"]).exists()


def test_get_user_without_a_name_is_the_caller(iam, iam_as, api_account):
    root = iam.get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{api_account.id}:root" and root["UserId"] == api_account.id
    bob, _ = iam_as([allow("iam:GetUser")], name="bob")
    assert bob.get_user()["User"]["UserName"] == "bob"


def test_errors_are_aws_errors_in_aws_shape(iam):
    error, status = error_of(iam.get_user, UserName="nobody")
    assert (error["Code"], error["Message"], error["Type"], status) == (
        "NoSuchEntity",
        "The user with name nobody cannot be found.",
        "Sender",
        404,
    )
    iam.create_user(UserName="dup")
    error, status = error_of(iam.create_user, UserName="DUP")
    assert (error["Code"], status) == ("EntityAlreadyExists", 409)
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="dup")
    error, status = error_of(iam.delete_user, UserName="dup")
    assert (error["Code"], status) == ("DeleteConflict", 409)


def test_the_models_constraints_answer_validation_errors(iam_unvalidated):
    error, status = error_of(iam_unvalidated.create_user, UserName="bad name!")
    assert status == 400 and error["Code"] == "ValidationError"
    assert error["Message"] == (
        "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    )
    error, _ = error_of(iam_unvalidated.create_user, UserName="x" * 65, Path="/" + "p" * 512 + "/")
    assert error["Message"].startswith("2 validation errors detected: ")
    assert (
        "at 'path' failed to satisfy constraint: Member must have length less than or equal to 512"
        in (error["Message"])
    )
    assert "Member must have length less than or equal to 64" in error["Message"]
    # A path its pattern refuses is answered in IAM's own words for paths, as the console answers it.
    for path in ("nope", "developers/", "/a b/"):
        error, status = error_of(iam_unvalidated.create_user, UserName="ok", Path=path)
        assert (error["Code"], status) == ("ValidationError", 400)
        assert error["Message"] == (
            "The specified value for path is invalid. It must begin and end with / and contain only "
            "alphanumeric characters and/or / characters."
        )
    error, _ = error_of(iam_unvalidated.get_group)
    assert error["Message"] == (
        "1 validation error detected: Value null at 'groupName' failed to satisfy constraint: "
        "Member must not be null"
    )
    error, _ = error_of(iam_unvalidated.list_users, MaxItems=0)
    assert "Member must have value greater than or equal to 1" in error["Message"]
    error, _ = error_of(iam_unvalidated.update_access_key, AccessKeyId="AKIAEXAMPLEEXAMPLE12", Status="On")
    assert "Member must satisfy enum value set: [Active, Inactive, Expired]" in error["Message"]


def test_pagination_with_marker_and_max_items(iam):
    for name in ("u1", "u2", "u3", "u4", "u5"):
        iam.create_user(UserName=name)
    first = iam.list_users(MaxItems=2)
    assert [user["UserName"] for user in first["Users"]] == ["u1", "u2"] and first["IsTruncated"]
    second = iam.list_users(MaxItems=2, Marker=first["Marker"])
    assert [user["UserName"] for user in second["Users"]] == ["u3", "u4"]
    pages = iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})
    assert [len(page["Users"]) for page in pages] == [2, 2, 1]
    last = iam.list_users(MaxItems=10)
    assert not last["IsTruncated"] and "Marker" not in last


def test_user_tags(iam):
    iam.create_user(UserName="t")
    iam.tag_user(UserName="t", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_user(UserName="t", TagKeys=["A"])
    assert iam.list_user_tags(UserName="t")["Tags"] == [{"Key": "b", "Value": "2"}]


def test_groups_and_memberships(iam, api_account):
    iam.create_user(UserName="m1")
    iam.create_user(UserName="m2")
    group = iam.create_group(GroupName="devs", Path="/eng/")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{api_account.id}:group/eng/devs" and group["GroupId"].startswith(
        "AGPA"
    )
    iam.add_user_to_group(GroupName="devs", UserName="m2")
    iam.add_user_to_group(GroupName="devs", UserName="m1")
    got = iam.get_group(GroupName="devs")
    assert [user["UserName"] for user in got["Users"]] == ["m1", "m2"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="m1")["Groups"]] == ["devs"]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/eng/")["Groups"]] == ["devs"]
    iam.remove_user_from_group(GroupName="devs", UserName="m1")
    assert iam.list_groups_for_user(UserName="m1")["Groups"] == []
    error, _ = error_of(iam.delete_group, GroupName="devs")
    assert error["Code"] == "DeleteConflict"
    iam.remove_user_from_group(GroupName="devs", UserName="m2")
    iam.delete_group(GroupName="devs")
    assert error_of(iam.get_group, GroupName="devs")[0]["Code"] == "NoSuchEntity"


def test_access_keys_work_and_record_their_last_use(iam, live_server):
    iam.create_user(UserName="k")
    made = iam.create_access_key(UserName="k")["AccessKey"]
    assert made["AccessKeyId"].startswith("AKIA") and len(made["SecretAccessKey"]) == 40
    assert made["UserName"] == "k" and made["Status"] == "Active"
    listed = iam.list_access_keys(UserName="k")["AccessKeyMetadata"]
    assert [key["AccessKeyId"] for key in listed] == [made["AccessKeyId"]]
    assert "SecretAccessKey" not in listed[0]

    own = client(live_server, made["AccessKeyId"], made["SecretAccessKey"])
    error, status = error_of(own.list_users)
    assert (error["Code"], status) == ("AccessDenied", 403)
    key = AccessKey.objects.get(access_key_id=made["AccessKeyId"])
    assert key.last_used_at is not None and (key.last_used_service, key.last_used_region) == (
        "iam",
        "us-east-1",
    )
    # Within a minute another call to the same service and region writes nothing; another region does,
    # and so does the first call a minute later.
    first = key.last_used_at
    error_of(own.list_users)
    assert AccessKey.objects.get(pk=key.pk).last_used_at == first
    elsewhere = boto3.client(
        "iam",
        endpoint_url=live_server.url,
        aws_access_key_id=made["AccessKeyId"],
        aws_secret_access_key=made["SecretAccessKey"],
        region_name="eu-west-1",
        config=NO_RETRIES,
    )
    error_of(elsewhere.list_users)
    key.refresh_from_db()
    assert key.last_used_region == "eu-west-1" and key.last_used_at > first
    AccessKey.objects.filter(pk=key.pk).update(last_used_at=first - datetime.timedelta(minutes=1))
    error_of(elsewhere.list_users)
    key.refresh_from_db()
    assert key.last_used_at > first

    iam.update_access_key(UserName="k", AccessKeyId=made["AccessKeyId"], Status="Inactive")
    error, status = error_of(own.list_users)
    assert (error["Code"], status) == ("InvalidClientTokenId", 403)
    iam.delete_access_key(UserName="k", AccessKeyId=made["AccessKeyId"])
    assert error_of(iam.delete_access_key, UserName="k", AccessKeyId=made["AccessKeyId"])[0]["Code"] == (
        "NoSuchEntity"
    )


def test_enforcement_an_allowed_and_a_refused_call_and_both_recorded(iam_as, api_account):
    reader, user = iam_as([allow("iam:ListUsers", "iam:GetUser")], name="reader")
    assert "reader" in [u["UserName"] for u in reader.list_users()["Users"]]
    error, status = error_of(reader.create_user, UserName="intruder")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{api_account.id}:user/intruder because no identity-based policy allows the "
        "iam:CreateUser action"
    )
    assert not IAMUser.objects.filter(name="intruder").exists()
    events = AuditEvent.objects.filter(account=api_account, event_name__in=["ListUsers", "CreateUser"])
    recorded = {(event.event_name, event.error_code) for event in events}
    assert recorded == {("ListUsers", ""), ("CreateUser", "AccessDenied")}
    assert all(event.user_identity["arn"] == user.arn for event in events)
    assert {event.user_agent.split("/")[0] for event in events} == {"Boto3"}


def test_tenant_isolation_another_accounts_user_does_not_exist(iam, iam_as, api_account):
    other = IAMUserFactory(account=AccountFactory(), name="elsewhere")
    assert error_of(iam.get_user, UserName=other.name)[0]["Code"] == "NoSuchEntity"
    assert error_of(iam.delete_user, UserName=other.name)[0]["Code"] == "NoSuchEntity"
    assert IAMUser.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("name", ["x" * 65, "bad name!", ""])
def test_the_console_and_the_api_refuse_a_name_in_the_same_words(iam_unvalidated, api_account, name):
    with pytest.raises(ValidationError) as console:
        user_create(account=api_account, name=name, acting=Acting(account=api_account))
    error, status = error_of(iam_unvalidated.create_user, UserName=name)
    assert (error["Code"], status) == ("ValidationError", 400)
    assert error["Message"] == console.value.message


def test_update_group_renames_and_moves_it_with_its_members(iam, api_account):
    iam.create_group(GroupName="devs")
    iam.create_user(UserName="m")
    iam.add_user_to_group(GroupName="devs", UserName="m")
    iam.update_group(GroupName="devs", NewGroupName="builders", NewPath="/eng/")
    group = iam.get_group(GroupName="builders")
    assert group["Group"]["Arn"] == f"arn:aws:iam::{api_account.id}:group/eng/builders"
    assert [user["UserName"] for user in group["Users"]] == ["m"]
    assert error_of(iam.get_group, GroupName="devs")[0]["Message"] == (
        "The group with name devs cannot be found."
    )
    iam.create_group(GroupName="other")
    error, status = error_of(iam.update_group, GroupName="other", NewGroupName="BUILDERS")
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "Group with name BUILDERS already exists.",
        409,
    )
    event = AuditEvent.objects.filter(event_name="UpdateGroup", error_code="").get()
    assert event.request_parameters == {"groupName": "devs", "newGroupName": "builders", "newPath": "/eng/"}


def test_update_group_needs_the_action_on_the_new_name_too(iam, iam_as, api_account):
    iam.create_group(GroupName="devs")
    renamer, user = iam_as([allow("iam:UpdateGroup", resource=f"arn:aws:iam::{api_account.id}:group/devs")])
    error, status = error_of(renamer.update_group, GroupName="devs", NewGroupName="admins")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:UpdateGroup on resource: "
        f"arn:aws:iam::{api_account.id}:group/admins because no identity-based policy allows the "
        "iam:UpdateGroup action"
    )
    assert AuditEvent.objects.get(event_name="UpdateGroup").error_code == "AccessDenied"
    # Moving it to another path is a new ARN as well.
    assert error_of(renamer.update_group, GroupName="devs", NewPath="/devs/")[0]["Code"] == "AccessDenied"
    assert Group.objects.get(account=api_account, name="devs").path == "/"


def test_get_access_key_last_used_answers_n_a_until_the_key_is_used(iam, live_server):
    iam.create_user(UserName="k")
    made = iam.create_access_key(UserName="k")["AccessKey"]
    never = iam.get_access_key_last_used(AccessKeyId=made["AccessKeyId"])
    assert never["UserName"] == "k"
    assert never["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

    error_of(client(live_server, made["AccessKeyId"], made["SecretAccessKey"]).list_users)
    used = iam.get_access_key_last_used(AccessKeyId=made["AccessKeyId"])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "us-east-1")
    assert isinstance(used["LastUsedDate"], datetime.datetime)

    error, status = error_of(iam.get_access_key_last_used, AccessKeyId="AKIAAAAAAAAAAAAAAAAA")
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.",
        404,
    )


def test_get_access_key_last_used_is_authorized_on_the_keys_owner(iam, iam_as, api_account):
    iam.create_user(UserName="k")
    key_id = iam.create_access_key(UserName="k")["AccessKey"]["AccessKeyId"]
    reader, user = iam_as(
        [allow("iam:GetAccessKeyLastUsed", resource=f"arn:aws:iam::{api_account.id}:user/k")]
    )
    assert reader.get_access_key_last_used(AccessKeyId=key_id)["UserName"] == "k"
    own_key = AccessKey.objects.get(user=user).access_key_id
    error, status = error_of(reader.get_access_key_last_used, AccessKeyId=own_key)
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: "
        f"user {user.name} because no identity-based policy allows the iam:GetAccessKeyLastUsed action"
    )
    events = AuditEvent.objects.filter(event_name="GetAccessKeyLastUsed").order_by("pk")
    assert [(event.error_code, event.request_parameters) for event in events] == [
        ("", {"accessKeyId": key_id}),
        ("AccessDenied", {"accessKeyId": own_key}),
    ]


@pytest.mark.parametrize(
    "given",
    [
        {"path": "nope"},
        {"path": "/" + "p" * 512 + "/"},
        {"tags": [{"Key": "bad key!", "Value": "v"}]},
        {"tags": [{"Key": "k" * 129, "Value": "v"}]},
        {"tags": [{"Key": "k", "Value": "v" * 257}]},
    ],
)
def test_the_console_and_the_api_refuse_a_path_or_tags_in_the_same_words(iam_unvalidated, api_account, given):
    """One source of the model's constraints: the console's service and the API say the same."""
    with pytest.raises(ValidationError) as console:
        console_given = (
            {**given, "tags": [(t["Key"], t["Value"]) for t in given["tags"]]} if "tags" in given else given
        )
        user_create(account=api_account, name="same", acting=Acting(account=api_account), **console_given)
    wire = {"Path": given["path"]} if "path" in given else {"Tags": given["tags"]}
    error, status = error_of(iam_unvalidated.create_user, UserName="same", **wire)
    assert (error["Code"], status) == (console.value.code, 400)
    assert error["Message"] == console.value.message
    assert not IAMUser.objects.filter(name="same").exists()
