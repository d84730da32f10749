"""Roles, instance profiles, service-linked roles and identity providers through boto3 against the
live server."""

import datetime
import json

import pytest
from django.utils import timezone

from access.acting import Acting
from accounts.models import AuditEvent
from policies.models import (
    InstanceProfile,
    OpenIDConnectProvider,
    Role,
    SAMLProvider,
    ServiceLinkedRoleDeletion,
)
from policies.services.permissions import inline_policy_put
from policies.services.policies import policy_create
from policies.services.roles import role_create
from tests.accounts.factories import AccountFactory

from .conftest import allow, error_of

pytestmark = pytest.mark.django_db(transaction=True)

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
OTHER_THUMBPRINT = "a" * 40


def saml_metadata(entity_id="https://idp.example.com/saml"):
    """A SAML 2.0 metadata document of more than the 1,000 characters IAM requires."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        f"<ds:X509Data><ds:X509Certificate>MIIC{'A' * 1000}</ds:X509Certificate></ds:X509Data>"
        "</ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        'Location="https://idp.example.com/sso"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


def create_role(iam, name, **more):
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), **more)["Role"]


def events_of(account, *names):
    """(event name, error code, caller's ARN) of the account's Event history records of those names."""
    events = AuditEvent.objects.filter(account=account, event_name__in=names)
    return {(event.event_name, event.error_code, event.user_identity["arn"]) for event in events}


def refusal(user, action, resource):
    return (
        f"User: {user.arn} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )


# Roles


def test_create_get_list_update_delete_a_role(iam, api_account):
    boundary = policy_create(
        account=api_account,
        name="Boundary",
        document=json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:*")]}),
        acting=Acting(account=api_account),
    )
    created = create_role(
        iam,
        "app",
        Path="/svc/",
        Description="The app",
        MaxSessionDuration=7200,
        PermissionsBoundary=boundary.arn,
        Tags=[{"Key": "team", "Value": "blue"}],
    )
    assert created["Arn"] == f"arn:aws:iam::{api_account.id}:role/svc/app"
    assert created["RoleId"].startswith("AROA") and isinstance(created["CreateDate"], datetime.datetime)
    assert created["AssumeRolePolicyDocument"] == TRUST
    assert (created["Description"], created["MaxSessionDuration"]) == ("The app", 7200)
    assert created["Tags"] == [{"Key": "team", "Value": "blue"}]

    got = iam.get_role(RoleName="app")["Role"]
    assert got["AssumeRolePolicyDocument"] == TRUST  # URL-encoded on the wire, decoded by boto3
    assert got["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary.arn,
    }
    assert got["RoleLastUsed"] == {} and got["Tags"] == [{"Key": "team", "Value": "blue"}]

    listed = iam.list_roles(PathPrefix="/svc/")["Roles"]
    assert [role["RoleName"] for role in listed] == ["app"]
    assert (
        "Tags" not in listed[0] and "RoleLastUsed" not in listed[0] and "PermissionsBoundary" not in listed[0]
    )
    assert iam.list_roles(PathPrefix="/other/")["Roles"] == []

    iam.update_role(RoleName="app", Description="Changed", MaxSessionDuration=43200)
    described = iam.update_role_description(RoleName="app", Description="Again")["Role"]
    # UpdateRoleDescription's Role leaves MaxSessionDuration out, as IAM does; GetRole shows it.
    assert described["Description"] == "Again" and "MaxSessionDuration" not in described
    assert iam.get_role(RoleName="app")["Role"]["MaxSessionDuration"] == 43200
    trust = {
        **TRUST,
        "Statement": [{**TRUST["Statement"][0], "Principal": {"Service": "lambda.amazonaws.com"}}],
    }
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=json.dumps(trust))
    assert iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"] == trust

    iam.delete_role(RoleName="app")
    assert not Role.objects.filter(account=api_account).exists()


def test_create_role_answers_what_the_request_set(iam):
    # IAM's CreateRole leaves MaxSessionDuration out unless the request set it; GetRole and ListRoles
    # show it.
    created = create_role(iam, "plain")
    assert "MaxSessionDuration" not in created and "Description" not in created and "Tags" not in created
    assert iam.get_role(RoleName="plain")["Role"]["MaxSessionDuration"] == 3600
    assert iam.list_roles()["Roles"][0]["MaxSessionDuration"] == 3600


def test_get_role_shows_when_and_where_it_was_last_used(iam):
    create_role(iam, "used")
    moment = timezone.now().replace(microsecond=0)
    Role.objects.filter(name="used").update(last_used_at=moment, last_used_region="eu-west-1")
    assert iam.get_role(RoleName="used")["Role"]["RoleLastUsed"] == {
        "LastUsedDate": moment,
        "Region": "eu-west-1",
    }


def test_role_errors_are_aws_errors(iam, iam_unvalidated):
    error, status = error_of(iam.get_role, RoleName="nobody")
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "The role with name nobody cannot be found.",
        404,
    )
    create_role(iam, "dup")
    error, status = error_of(create_role, iam, "DUP")
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "Role with name DUP already exists.",
        409,
    )
    error, status = error_of(iam.create_role, RoleName="bad", AssumeRolePolicyDocument="{nope")
    assert (error["Code"], status) == ("MalformedPolicyDocument", 400)
    error, status = error_of(create_role, iam_unvalidated, "short", MaxSessionDuration=60)
    assert (error["Code"], error["Message"], status) == (
        "ValidationError",
        "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: "
        "Member must have value greater than or equal to 3600",
        400,
    )
    error, _ = error_of(create_role, iam, "signin", MaxSigninSessionDuration=3600)
    assert (error["Code"], error["Message"]) == (
        "InvalidInput",
        "MaxSigninSessionDuration is not supported by this installation.",
    )
    assert not Role.objects.filter(name__in=["bad", "short", "signin"]).exists()


def test_delete_role_refuses_while_it_has_instance_profiles_or_policies(iam, api_account):
    create_role(iam, "busy")
    iam.create_instance_profile(InstanceProfileName="busy-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="busy-profile", RoleName="busy")
    error, status = error_of(iam.delete_role, RoleName="busy")
    assert (error["Code"], error["Message"], status) == (
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
        409,
    )
    iam.remove_role_from_instance_profile(InstanceProfileName="busy-profile", RoleName="busy")
    inline_policy_put(
        name="inline",
        document=json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:GetObject")]}),
        role=Role.objects.get(name="busy"),
        acting=Acting(account=api_account),
    )
    error, _ = error_of(iam.delete_role, RoleName="busy")
    assert (error["Code"], error["Message"]) == (
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
    )
    assert Role.objects.filter(name="busy").exists()


def test_role_tags_and_pagination(iam):
    create_role(iam, "t")
    iam.tag_role(RoleName="t", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_role(RoleName="t", TagKeys=["A"])
    assert iam.list_role_tags(RoleName="t")["Tags"] == [{"Key": "b", "Value": "2"}]
    for name in ("r1", "r2", "r3", "r4"):
        create_role(iam, name)
    pages = iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 2})
    assert [[role["RoleName"] for role in page["Roles"]] for page in pages] == [
        ["r1", "r2"],
        ["r3", "r4"],
        ["t"],
    ]


def test_roles_allowed_and_refused_through_a_users_own_keys(iam, iam_as, api_account):
    create_role(iam, "seen")
    reader, user = iam_as([allow("iam:GetRole", "iam:ListRoles")], name="role-reader")
    assert reader.get_role(RoleName="seen")["Role"]["AssumeRolePolicyDocument"] == TRUST
    error, status = error_of(create_role, reader, "intruder")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(user, "iam:CreateRole", f"arn:aws:iam::{api_account.id}:role/intruder")
    assert not Role.objects.filter(name="intruder").exists()
    recorded = events_of(api_account, "GetRole", "CreateRole")
    assert recorded == {
        ("CreateRole", "", f"arn:aws:iam::{api_account.id}:root"),
        ("GetRole", "", user.arn),
        ("CreateRole", "AccessDenied", user.arn),
    }


def test_another_accounts_role_and_profile_do_not_exist(iam, api_account):
    other = AccountFactory()
    role_create(account=other, name="theirs", trust_policy=json.dumps(TRUST), acting=Acting(account=other))
    InstanceProfile.objects.create(account=other, name="theirs")
    error, _ = error_of(iam.get_role, RoleName="theirs")
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", "The role with name theirs cannot be found.")
    assert error_of(iam.delete_role, RoleName="theirs")[0]["Code"] == "NoSuchEntity"
    error, _ = error_of(iam.delete_instance_profile, InstanceProfileName="theirs")
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", "Instance Profile theirs cannot be found.")
    assert (
        Role.objects.filter(account=other).exists() and InstanceProfile.objects.filter(account=other).exists()
    )


# Instance profiles


def test_instance_profiles_hold_one_role(iam, api_account):
    created = iam.create_instance_profile(InstanceProfileName="web", Path="/ec2/")["InstanceProfile"]
    assert created["Arn"] == f"arn:aws:iam::{api_account.id}:instance-profile/ec2/web"
    assert created["InstanceProfileId"].startswith("AIPA") and created["Roles"] == []
    assert "Tags" not in created
    create_role(iam, "web-role")
    create_role(iam, "second")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web-role")
    got = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert [role["RoleName"] for role in got["Roles"]] == ["web-role"]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == TRUST
    # As in IAM: GetInstanceProfile shows Tags even when empty; its roles leave MaxSessionDuration out.
    assert got["Tags"] == [] and "MaxSessionDuration" not in got["Roles"][0]
    error, status = error_of(iam.add_role_to_instance_profile, InstanceProfileName="web", RoleName="second")
    assert (error["Code"], error["Message"], status) == (
        "LimitExceeded",
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
        409,
    )
    listed = iam.list_instance_profiles(PathPrefix="/ec2/")["InstanceProfiles"]
    assert [profile["InstanceProfileName"] for profile in listed] == ["web"]
    assert iam.list_instance_profiles(PathPrefix="/none/")["InstanceProfiles"] == []
    for_role = iam.list_instance_profiles_for_role(RoleName="web-role")["InstanceProfiles"]
    assert [profile["Arn"] for profile in for_role] == [created["Arn"]]
    assert iam.list_instance_profiles_for_role(RoleName="second")["InstanceProfiles"] == []

    error, _ = error_of(iam.delete_instance_profile, InstanceProfileName="web")
    assert (error["Code"], error["Message"]) == (
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
    )
    iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="web-role")
    iam.delete_instance_profile(InstanceProfileName="web")
    error, status = error_of(iam.get_instance_profile, InstanceProfileName="web")
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "Instance Profile web cannot be found.",
        404,
    )


def test_instance_profiles_allowed_and_refused_through_a_users_own_keys(iam, iam_as, api_account):
    profile_arn = iam.create_instance_profile(InstanceProfileName="p")["InstanceProfile"]["Arn"]
    reader, user = iam_as([allow("iam:GetInstanceProfile")], name="profile-reader")
    assert reader.get_instance_profile(InstanceProfileName="p")["InstanceProfile"]["Arn"] == profile_arn
    error, status = error_of(reader.delete_instance_profile, InstanceProfileName="p")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(user, "iam:DeleteInstanceProfile", profile_arn)
    assert InstanceProfile.objects.filter(name="p").exists()
    recorded = events_of(api_account, "GetInstanceProfile", "DeleteInstanceProfile")
    assert recorded == {
        ("GetInstanceProfile", "", user.arn),
        ("DeleteInstanceProfile", "AccessDenied", user.arn),
    }


# Service-linked roles


def test_service_linked_role_is_created_and_deleted_by_a_task(iam, api_account):
    role = iam.create_service_linked_role(
        AWSServiceName="autoscaling.amazonaws.com", Description="Scaling", CustomSuffix="web"
    )["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling_web"
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    assert role["Description"] == "Scaling" and "MaxSessionDuration" not in role
    # As IAM writes it (the EC2 Auto Scaling User Guide shows this answer): one-element lists.
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": ["sts:AssumeRole"],
            "Principal": {"Service": ["autoscaling.amazonaws.com"]},
            "Effect": "Allow",
        }
    ]
    error, status = error_of(iam.delete_role, RoleName=role["RoleName"])
    assert (error["Code"], error["Message"], status) == (
        "UnmodifiableEntity",
        "Cannot perform the operation on the protected role 'AWSServiceRoleForAutoScaling_web' "
        "- this role is only modifiable by AWS",
        400,
    )
    task_id = iam.delete_service_linked_role(RoleName=role["RoleName"])["DeletionTaskId"]
    assert task_id.startswith(
        "task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_web/"
    )
    # Without a broker the task runs when the call commits.
    status_now = iam.get_service_linked_role_deletion_status(DeletionTaskId=task_id)
    assert status_now["Status"] == "SUCCEEDED" and "Reason" not in status_now
    assert not Role.objects.filter(account=api_account).exists()
    error, _ = error_of(iam.get_service_linked_role_deletion_status, DeletionTaskId=task_id + "x")
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", f"Deletion task {task_id}x cannot be found.")


@pytest.mark.parametrize(
    ("service", "name"),
    [
        (
            "custom-resource.application-autoscaling.amazonaws.com",
            "AWSServiceRoleForApplicationAutoScaling_CustomResource",
        ),
        (
            "dynamodb.application-autoscaling.amazonaws.com",
            "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
        ),
        ("ecs.application-autoscaling.amazonaws.com", "AWSServiceRoleForApplicationAutoScaling_ECSService"),
    ],
)
def test_application_auto_scaling_has_a_service_linked_role_per_scaled_service(iam, service, name):
    role = iam.create_service_linked_role(AWSServiceName=service)["Role"]
    assert (role["RoleName"], role["Path"]) == (name, f"/aws-service-role/{service}/")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": [service]}


def test_a_service_without_service_linked_roles_is_refused(iam, api_account):
    error, status = error_of(iam.create_service_linked_role, AWSServiceName="other.amazonaws.com")
    assert (error["Code"], status) == ("InvalidInput", 400)
    assert not Role.objects.filter(account=api_account).exists()


def test_a_failed_deletion_reports_its_reason(iam, api_account):
    role = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]
    ServiceLinkedRoleDeletion.objects.create(
        account=api_account,
        role=Role.objects.get(name=role["RoleName"]),
        role_name=role["RoleName"],
        role_arn=role["Arn"],
        task_id="task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/failed",
        status=ServiceLinkedRoleDeletion.Status.FAILED,
        reason="The role is in use.",
    )
    answer = iam.get_service_linked_role_deletion_status(
        DeletionTaskId="task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/failed"
    )
    assert (answer["Status"], answer["Reason"]) == ("FAILED", {"Reason": "The role is in use."})


# OpenID Connect providers


def test_oidc_provider_lifecycle(iam, api_account):
    arn = iam.create_open_id_connect_provider(
        Url="https://token.example.com/id", ClientIDList=["app"], ThumbprintList=[THUMBPRINT]
    )["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{api_account.id}:oidc-provider/token.example.com/id"
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert (got["Url"], got["ClientIDList"], got["ThumbprintList"]) == (
        "token.example.com/id",
        ["app"],
        [THUMBPRINT],
    )
    assert isinstance(got["CreateDate"], datetime.datetime)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == [{"Arn": arn}]

    iam.update_open_id_connect_provider_thumbprint(
        OpenIDConnectProviderArn=arn, ThumbprintList=[OTHER_THUMBPRINT]
    )
    for _ in range(2):  # adding an audience twice is not an error
        iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="mobile")
    for _ in range(2):  # nor is removing one twice
        iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="app")
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert (got["ClientIDList"], got["ThumbprintList"]) == (["mobile"], [OTHER_THUMBPRINT])

    error, status = error_of(
        iam.create_open_id_connect_provider, Url="https://token.example.com/id", ClientIDList=["a"]
    )
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "Provider with url https://token.example.com/id already exists.",
        409,
    )
    error, status = error_of(
        iam.update_open_id_connect_provider_thumbprint,
        OpenIDConnectProviderArn=arn,
        ThumbprintList=["z" * 40],
    )
    assert (error["Code"], status) == ("InvalidInput", 400)
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    error, status = error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"OpenIDConnect Provider not found for arn {arn}",
        404,
    )


@pytest.mark.parametrize(
    "url",
    ["http://token.example.com", "token.example.com", "https://token.example.com/oidc?tenant=1"],
)
def test_an_oidc_provider_url_must_be_https_without_query_parameters(iam, api_account, url):
    """IAM: "The URL must begin with https:// … path components are allowed but query parameters are
    not"."""
    error, status = error_of(iam.create_open_id_connect_provider, Url=url, ThumbprintList=[THUMBPRINT])
    assert (error["Code"], error["Message"], status) == (
        "ValidationError",
        "Invalid Open ID Connect Provider URL",
        400,
    )
    assert not OpenIDConnectProvider.objects.filter(account=api_account).exists()


def test_a_list_of_strings_breaking_its_members_constraints_is_one_error_naming_them_all(
    iam_unvalidated, api_account
):
    """IAM answers a list whose strings are too long (or too short) with one error at the list, its
    members' constraints listed together, beside the errors of the other members."""
    url, thumbprint, client_id = "https://" + "b" * 250, "b" * 41, "c" * 256
    error, status = error_of(
        iam_unvalidated.create_open_id_connect_provider,
        Url=url,
        ThumbprintList=[THUMBPRINT, thumbprint],
        ClientIDList=[client_id],
    )
    assert (error["Code"], status) == ("ValidationError", 400)
    assert error["Message"] == (
        f"3 validation errors detected: Value '{url}' at 'url' failed to satisfy constraint: "
        "Member must have length less than or equal to 255; "
        f"Value '[{client_id}]' at 'clientIDList' failed to satisfy constraint: Member must satisfy "
        "constraint: [Member must have length less than or equal to 255, Member must have length greater "
        "than or equal to 1]; "
        f"Value '[{THUMBPRINT}, {thumbprint}]' at 'thumbprintList' failed to satisfy constraint: Member "
        "must satisfy constraint: [Member must have length less than or equal to 40, Member must have "
        "length greater than or equal to 40]"
    )
    assert not OpenIDConnectProvider.objects.filter(account=api_account).exists()


def test_deleting_an_oidc_provider_that_does_not_exist_succeeds_for_a_caller_allowed_to(
    iam, iam_as, api_account
):
    """IAM: DeleteOpenIDConnectProvider "does not fail or return an error if you call the operation for
    a provider that does not exist"; the call is still authorized, on the ARN it names."""
    arn = iam.create_open_id_connect_provider(Url="https://token.example.com")["OpenIDConnectProviderArn"]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    deletes = AuditEvent.objects.filter(account=api_account, event_name="DeleteOpenIDConnectProvider")
    assert [event.error_code for event in deletes] == ["", ""]

    missing = f"arn:aws:iam::{api_account.id}:oidc-provider/gone.example.com"
    allowed, _ = iam_as([allow("iam:DeleteOpenIDConnectProvider", resource=missing)])
    allowed.delete_open_id_connect_provider(OpenIDConnectProviderArn=missing)
    refused, user = iam_as([allow("iam:GetOpenIDConnectProvider")])
    error, status = error_of(refused.delete_open_id_connect_provider, OpenIDConnectProviderArn=missing)
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(user, "iam:DeleteOpenIDConnectProvider", missing)


def test_another_accounts_providers_do_not_exist(iam):
    other = AccountFactory()
    theirs = OpenIDConnectProvider.objects.create(account=other, url="token.example.com")
    saml = SAMLProvider.objects.create(account=other, name="Theirs", metadata_document=saml_metadata())
    error, _ = error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=theirs.arn)
    assert (error["Code"], error["Message"]) == (
        "NoSuchEntity",
        f"OpenIDConnect Provider not found for arn {theirs.arn}",
    )
    # Deleting it answers as for any provider the account does not have (IAM's delete is idempotent),
    # and leaves theirs alone.
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=theirs.arn)
    error, _ = error_of(iam.get_saml_provider, SAMLProviderArn=saml.arn)
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", f"Manifest not found for arn {saml.arn}")
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    assert OpenIDConnectProvider.objects.filter(pk=theirs.pk).exists()


# SAML providers


def test_saml_provider_lifecycle(iam, api_account):
    arn = iam.create_saml_provider(Name="Okta", SAMLMetadataDocument=saml_metadata())["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{api_account.id}:saml-provider/Okta"
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == saml_metadata() and isinstance(got["CreateDate"], datetime.datetime)
    # Metadata without validUntil: IAM shows 100 years after the creation.
    assert got["ValidUntil"] == got["CreateDate"].replace(year=got["CreateDate"].year + 100)
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert listed == [{"Arn": arn, "ValidUntil": got["ValidUntil"], "CreateDate": got["CreateDate"]}]

    changed = saml_metadata("https://idp.example.com/other")
    assert (
        iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=changed)["SAMLProviderArn"] == arn
    )
    assert iam.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"] == changed
    error, status = error_of(iam.update_saml_provider, SAMLProviderArn=arn, SAMLMetadataDocument="x" * 1000)
    assert (error["Code"], error["Message"], status) == ("InvalidInput", "Could not parse metadata", 400)
    assert iam.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"] == changed

    error, status = error_of(iam.create_saml_provider, Name="Okta", SAMLMetadataDocument=saml_metadata())
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "Provider with name Okta already exists.",
        409,
    )
    iam.delete_saml_provider(SAMLProviderArn=arn)
    error, status = error_of(iam.get_saml_provider, SAMLProviderArn=arn)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"Manifest not found for arn {arn}",
        404,
    )


def test_providers_allowed_and_refused_through_a_users_own_keys(iam, iam_as, api_account):
    iam.create_saml_provider(Name="Idp", SAMLMetadataDocument=saml_metadata())
    reader, user = iam_as([allow("iam:ListSAMLProviders")], name="provider-reader")
    assert [entry["Arn"] for entry in reader.list_saml_providers()["SAMLProviderList"]] == [
        f"arn:aws:iam::{api_account.id}:saml-provider/Idp"
    ]
    error, status = error_of(
        reader.create_open_id_connect_provider, Url="https://token.example.com", ClientIDList=["a"]
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(
        user,
        "iam:CreateOpenIDConnectProvider",
        f"arn:aws:iam::{api_account.id}:oidc-provider/token.example.com",
    )
    assert not OpenIDConnectProvider.objects.exists()
    recorded = events_of(api_account, "ListSAMLProviders", "CreateOpenIDConnectProvider")
    assert recorded == {
        ("ListSAMLProviders", "", user.arn),
        ("CreateOpenIDConnectProvider", "AccessDenied", user.arn),
    }


def test_adding_a_role_to_a_profile_also_needs_pass_role(iam, iam_as, api_account):
    iam.create_instance_profile(InstanceProfileName="ec2")
    role_arn = create_role(iam, "ec2-role")["Arn"]
    caller, user = iam_as([allow("iam:AddRoleToInstanceProfile")], name="no-pass")
    error, status = error_of(
        caller.add_role_to_instance_profile, InstanceProfileName="ec2", RoleName="ec2-role"
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(user, "iam:PassRole", role_arn)
    assert InstanceProfile.objects.get(name="ec2").role is None
    passer, _ = iam_as([allow("iam:AddRoleToInstanceProfile", "iam:PassRole")], name="passer")
    passer.add_role_to_instance_profile(InstanceProfileName="ec2", RoleName="ec2-role")
    assert InstanceProfile.objects.get(name="ec2").role.name == "ec2-role"


def test_lists_are_refused_on_the_path_they_name(iam_as, api_account):
    caller, user = iam_as([], name="nothing")
    error, _ = error_of(caller.list_roles, PathPrefix="/svc/")
    assert error["Message"] == refusal(user, "iam:ListRoles", f"arn:aws:iam::{api_account.id}:role/svc/")
    error, _ = error_of(caller.list_instance_profiles)
    assert error["Message"] == refusal(
        user, "iam:ListInstanceProfiles", f"arn:aws:iam::{api_account.id}:instance-profile/"
    )


def test_a_missing_role_name_is_the_servers_validation_error(iam_unvalidated):
    error, status = error_of(iam_unvalidated.get_role)
    assert (error["Code"], error["Message"], status) == (
        "ValidationError",
        "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: "
        "Member must not be null",
        400,
    )
