"""Access Advisor's API with boto3 against the live server: a user makes calls with its own key (IAM in
us-east-1, STS in eu-west-2), then the root user's job reports them, at service and action level."""

import json

import boto3
import pytest

from access.acting import Acting
from accounts.models import GroupMembership
from accounts.services.access_keys import access_key_create
from policies.models import Role
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import GroupFactory, IAMUserFactory

from .conftest import NO_RETRIES, allow, client, error_of

pytestmark = pytest.mark.django_db(transaction=True)

DEVELOPER_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [allow("iam:GetUser", "iam:ListUsers", "sts:GetCallerIdentity", "s3:GetObject")],
    }
)


@pytest.fixture
def developer(live_server, api_account):
    """(user "dev", its IAM client, its STS client in eu-west-2): its policy allows IAM, STS and S3."""
    user = IAMUserFactory(account=api_account, name="dev")
    root = Acting(account=api_account)
    inline_policy_put(name="developer", document=DEVELOPER_POLICY, user=user, acting=root)
    key, secret = access_key_create(account=api_account, user=user, acting=root)
    sts = boto3.client(
        "sts",
        endpoint_url=live_server.url,
        aws_access_key_id=key.access_key_id,
        aws_secret_access_key=secret,
        region_name="eu-west-2",
        config=NO_RETRIES,
    )
    return user, client(live_server, key.access_key_id, secret), sts


def _generate(iam, arn, granularity="SERVICE_LEVEL"):
    job_id = iam.generate_service_last_accessed_details(Arn=arn, Granularity=granularity)["JobId"]
    return job_id, iam.get_service_last_accessed_details(JobId=job_id)


def test_service_level_names_the_last_call_its_entity_and_region(iam, developer):
    user, dev_iam, dev_sts = developer
    dev_iam.get_user()
    dev_iam.list_users()
    dev_sts.get_caller_identity()

    _job_id, details = _generate(iam, user.arn)

    assert (details["JobStatus"], details["JobType"]) == ("COMPLETED", "SERVICE_LEVEL")
    assert details["JobCompletionDate"] >= details["JobCreationDate"]
    services = {service["ServiceNamespace"]: service for service in details["ServicesLastAccessed"]}
    assert sorted(services) == ["iam", "s3", "sts"]
    iam_service = services["iam"]
    assert iam_service["ServiceName"] == "AWS Identity and Access Management"
    assert (iam_service["LastAuthenticatedEntity"], iam_service["LastAuthenticatedRegion"]) == (
        user.arn,
        "us-east-1",
    )
    assert iam_service["TotalAuthenticatedEntities"] == 1
    assert services["sts"]["LastAuthenticatedRegion"] == "eu-west-2"
    assert services["sts"]["LastAuthenticated"] >= iam_service["LastAuthenticated"]
    # Allowed, never called: the service is listed without a last access.
    assert "LastAuthenticated" not in services["s3"] and "TotalAuthenticatedEntities" not in services["s3"]
    assert all("TrackedActionsLastAccessed" not in service for service in services.values())


def test_action_level_lists_the_tracked_actions_called(iam, developer):
    user, dev_iam, dev_sts = developer
    dev_iam.get_user()
    dev_sts.get_caller_identity()

    _job_id, details = _generate(iam, user.arn, "ACTION_LEVEL")

    assert details["JobType"] == "ACTION_LEVEL"
    services = {service["ServiceNamespace"]: service for service in details["ServicesLastAccessed"]}
    tracked = {action["ActionName"]: action for action in services["iam"]["TrackedActionsLastAccessed"]}
    assert sorted(tracked) == ["GetUser"]  # ListUsers is allowed but was not called
    assert (tracked["GetUser"]["LastAccessedEntity"], tracked["GetUser"]["LastAccessedRegion"]) == (
        user.arn,
        "us-east-1",
    )
    sts_actions = services["sts"]["TrackedActionsLastAccessed"]
    assert [(a["ActionName"], a["LastAccessedRegion"]) for a in sts_actions] == [
        ("GetCallerIdentity", "eu-west-2")
    ]
    assert "TrackedActionsLastAccessed" not in services["s3"]  # S3's data events are not tracked by action


def test_a_job_is_read_only_by_the_identity_that_generated_it(iam, iam_as, developer):
    user, _dev_iam, _dev_sts = developer
    job_id, _details = _generate(iam, user.arn)
    reader, _reader_user = iam_as(
        [allow("iam:GetServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetailsWithEntities")]
    )

    error, status = error_of(reader.get_service_last_accessed_details, JobId=job_id)
    assert (error["Code"], status) == ("NoSuchEntity", 404)
    error, _status = error_of(
        reader.get_service_last_accessed_details_with_entities, JobId=job_id, ServiceNamespace="iam"
    )
    assert error["Code"] == "NoSuchEntity"
    assert iam.get_service_last_accessed_details(JobId=job_id)["JobStatus"] == "COMPLETED"  # its creator's


def test_generate_is_authorized_on_the_entity(iam_as, developer, api_account):
    user, _dev_iam, _dev_sts = developer
    other = IAMUserFactory(account=api_account, name="other")
    caller, _caller_user = iam_as(
        [
            allow("iam:GenerateServiceLastAccessedDetails", resource=user.arn),
            allow("iam:GetServiceLastAccessedDetails"),
        ]
    )
    job_id = caller.generate_service_last_accessed_details(Arn=user.arn)["JobId"]
    assert caller.get_service_last_accessed_details(JobId=job_id)["JobStatus"] == "COMPLETED"
    error, _status = error_of(caller.generate_service_last_accessed_details, Arn=other.arn)
    assert error["Code"] == "AccessDenied"
    error, _status = error_of(caller.generate_service_last_accessed_details, Arn=user.arn + "-gone")
    assert error["Code"] == "AccessDenied"  # no name probed: refused before it is looked up


def test_with_entities_lists_a_groups_members_who_called_first(iam, live_server, api_account):
    group = GroupFactory(account=api_account, name="developers")
    root = Acting(account=api_account)
    inline_policy_put(
        name="read",
        document=json.dumps({"Version": "2012-10-17", "Statement": [allow("iam:Get*")]}),
        group=group,
        acting=root,
    )
    members = []
    for name in ("ana", "zoe"):
        member = IAMUserFactory(account=api_account, name=name)
        GroupMembership.objects.create(user=member, group=group)
        key, secret = access_key_create(account=api_account, user=member, acting=root)
        members.append((member, client(live_server, key.access_key_id, secret)))
    zoe, zoe_iam = members[1]
    zoe_iam.get_user()

    job_id, details = _generate(iam, group.arn)
    assert details["ServicesLastAccessed"][0]["LastAuthenticatedEntity"] == zoe.arn

    listed = iam.get_service_last_accessed_details_with_entities(JobId=job_id, ServiceNamespace="iam")
    assert listed["JobStatus"] == "COMPLETED"
    entities = listed["EntityDetailsList"]
    assert [(e["EntityInfo"]["Name"], e["EntityInfo"]["Type"]) for e in entities] == [
        ("zoe", "USER"),
        ("ana", "USER"),
    ]
    assert entities[0]["EntityInfo"]["Id"] == zoe.user_id and "LastAuthenticated" in entities[0]
    assert "LastAuthenticated" not in entities[1]

    first = iam.get_service_last_accessed_details_with_entities(
        JobId=job_id, ServiceNamespace="iam", MaxItems=1
    )
    assert first["IsTruncated"] and len(first["EntityDetailsList"]) == 1
    rest = iam.get_service_last_accessed_details_with_entities(
        JobId=job_id, ServiceNamespace="iam", MaxItems=1, Marker=first["Marker"]
    )
    assert [e["EntityInfo"]["Name"] for e in rest["EntityDetailsList"]] == ["ana"]


def test_services_are_paginated(iam, developer):
    user, _dev_iam, _dev_sts = developer
    job_id, _details = _generate(iam, user.arn)
    first = iam.get_service_last_accessed_details(JobId=job_id, MaxItems=2)
    assert first["IsTruncated"] and len(first["ServicesLastAccessed"]) == 2
    rest = iam.get_service_last_accessed_details(JobId=job_id, MaxItems=2, Marker=first["Marker"])
    assert [s["ServiceNamespace"] for s in rest["ServicesLastAccessed"]] == ["sts"]
    assert not rest["IsTruncated"]


def test_a_managed_policys_report_counts_the_users_it_is_attached_to(iam, developer):
    user, dev_iam, _dev_sts = developer
    arn = iam.create_policy(
        PolicyName="lister",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow("iam:List*")]}),
    )["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user.name, PolicyArn=arn)
    dev_iam.list_users()

    _job_id, details = _generate(iam, arn, "ACTION_LEVEL")

    (service,) = details["ServicesLastAccessed"]
    assert (service["ServiceNamespace"], service["LastAuthenticatedEntity"]) == ("iam", user.arn)
    assert [a["ActionName"] for a in service["TrackedActionsLastAccessed"]] == ["ListUsers"]


def test_list_policies_granting_service_access(iam, developer):
    user, _dev_iam, _dev_sts = developer
    arn = iam.create_policy(
        PolicyName="storage",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:*")]}),
    )["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user.name, PolicyArn=arn)

    answer = iam.list_policies_granting_service_access(Arn=user.arn, ServiceNamespaces=["s3", "ec2"])

    by_namespace = {
        entry["ServiceNamespace"]: entry["Policies"] for entry in answer["PoliciesGrantingServiceAccess"]
    }
    assert by_namespace["ec2"] == []
    assert by_namespace["s3"] == [
        {"PolicyName": "storage", "PolicyType": "MANAGED", "PolicyArn": arn},
        {"PolicyName": "developer", "PolicyType": "INLINE", "EntityType": "USER", "EntityName": "dev"},
    ]
    assert answer["IsTruncated"] is False


def test_unknown_and_wrong_kind_arns(iam, api_account):
    error, status = error_of(
        iam.generate_service_last_accessed_details, Arn=f"arn:aws:iam::{api_account.id}:user/nobody"
    )
    assert (error["Code"], status) == ("NoSuchEntity", 404)
    error, _status = error_of(
        iam.list_policies_granting_service_access,
        Arn="arn:aws:iam::aws:policy/AdministratorAccess",
        ServiceNamespaces=["s3"],
    )
    assert error["Code"] == "InvalidInput"
    error, _status = error_of(
        iam.get_service_last_accessed_details, JobId="00000000-0000-0000-0000-000000000000"
    )
    assert error["Code"] == "NoSuchEntity"


def test_a_roles_report_counts_its_sessions_calls(iam, live_server, api_account):
    ops = IAMUserFactory(account=api_account, name="ops")
    root = Acting(account=api_account)
    allow_assume = json.dumps({"Version": "2012-10-17", "Statement": [allow("sts:AssumeRole")]})
    inline_policy_put(name="assume", document=allow_assume, user=ops, acting=root)
    trust = {"Effect": "Allow", "Principal": {"AWS": ops.arn}, "Action": "sts:AssumeRole"}
    role = Role.objects.create(
        account=api_account,
        name="reader",
        trust_policy=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
    )
    reads = json.dumps({"Version": "2012-10-17", "Statement": [allow("iam:ListRoles")]})
    inline_policy_put(name="reads", document=reads, role=role, acting=root)
    key, secret = access_key_create(account=api_account, user=ops, acting=root)
    sts = client(live_server, key.access_key_id, secret, service="sts")
    credentials = sts.assume_role(RoleArn=role.arn, RoleSessionName="night-shift")["Credentials"]
    session_iam = client(
        live_server,
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )
    session_iam.list_roles()

    _job_id, details = _generate(iam, role.arn, "ACTION_LEVEL")

    (service,) = details["ServicesLastAccessed"]
    # The session's calls are the role's: the role is the entity, not the assumed-role session.
    assert (service["ServiceNamespace"], service["LastAuthenticatedEntity"]) == ("iam", role.arn)
    assert [a["ActionName"] for a in service["TrackedActionsLastAccessed"]] == ["ListRoles"]
