"""IAM Identity Center through boto3 against the live server: sso-admin (the instance, permission sets
and their policies, assignments, provisioning, tags) and identitystore (users, groups, memberships),
with AWS's errors, the engine's refusals, another organization's objects invisible, and what
provisioning makes in the target account."""

import json
import urllib.request

import pytest

from access.acting import Acting
from accounts.models import Account, AuditEvent
from accounts.services.access_keys import access_key_create
from identitycenter.models import Instance
from policies.aws_managed.loader import aws_managed_policy
from policies.models import Role, SAMLProvider
from policies.services.permissions import inline_policy_put
from policies.services.policies import policy_create
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .conftest import allow, client, error_of

pytestmark = pytest.mark.django_db(transaction=True)

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
VIEW_ONLY = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"


def keys_of(account, user=None):
    key, secret = access_key_create(account=account, user=user, acting=Acting(account=account))
    return key.access_key_id, secret


class Center:
    """An organization (the API account manages it, with one member account) and its instance."""

    def __init__(self, live_server, account, region="us-east-1"):
        keys = keys_of(account)
        self.account = account
        self.orgs = client(live_server, *keys, service="organizations")
        self.sso = client(live_server, *keys, service="sso-admin", region=region)
        self.store = client(live_server, *keys, service="identitystore", region=region)
        self.orgs.create_organization(FeatureSet="ALL")
        self.member_id = self.orgs.create_account(
            Email=f"member-{account.id}@example.com", AccountName="Work"
        )["CreateAccountStatus"]["AccountId"]
        self.instance_arn = self.sso.create_instance(Name="main")["InstanceArn"]
        self.store_id = self.sso.describe_instance(InstanceArn=self.instance_arn)["IdentityStoreId"]

    def permission_set(self, name="DeveloperAccess", **extra):
        return self.sso.create_permission_set(InstanceArn=self.instance_arn, Name=name, **extra)[
            "PermissionSet"
        ]["PermissionSetArn"]

    def user(self, name="dana"):
        return self.store.create_user(
            IdentityStoreId=self.store_id,
            UserName=name,
            DisplayName=name.title(),
            Name={"GivenName": name.title(), "FamilyName": "Doe"},
            Emails=[{"Value": f"{name}@example.com", "Type": "work", "Primary": True}],
        )["UserId"]

    def assign(self, permission_set_arn, principal_id, principal_type="USER", account_id=None):
        return self.sso.create_account_assignment(
            InstanceArn=self.instance_arn,
            TargetId=account_id or self.member_id,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=permission_set_arn,
            PrincipalType=principal_type,
            PrincipalId=principal_id,
        )["AccountAssignmentCreationStatus"]


@pytest.fixture
def center(live_server, api_account):
    return Center(live_server, api_account)


def reserved_roles(account_id):
    return list(Role.objects.filter(account_id=account_id, name__startswith="AWSReservedSSO_"))


# The instance


def test_the_management_account_enables_an_instance_and_lists_it(center, api_account):
    instances = center.sso.list_instances()["Instances"]
    assert len(instances) == 1
    instance = instances[0]
    assert instance["InstanceArn"] == center.instance_arn
    assert instance["InstanceArn"].startswith("arn:aws:sso:::instance/ssoins-")
    assert len(instance["InstanceArn"].rsplit("ssoins-", 1)[1]) == 16
    assert instance["IdentityStoreId"].startswith("d-") and len(instance["IdentityStoreId"]) == 12
    assert instance["OwnerAccountId"] == api_account.id
    assert instance["Status"] == "ACTIVE" and instance["Name"] == "main"
    error, _ = error_of(center.sso.create_instance)
    assert error["Code"] == "ConflictException"


def test_a_member_account_cannot_enable_identity_center(center, live_server):
    member = client(live_server, *keys_of(Account.objects.get(pk=center.member_id)), service="sso-admin")
    assert member.list_instances()["Instances"] == []
    error, status = error_of(member.create_instance)
    assert error["Code"] == "AccessDeniedException" and status == 400


# Permission sets


def test_permission_set_create_describe_update_list_and_delete(center):
    arn = center.permission_set(
        Description="Developers", SessionDuration="PT8H", RelayState="https://console.aws.amazon.com/"
    )
    instance_hex = center.instance_arn.rsplit("/", 1)[1]
    assert arn.startswith(f"arn:aws:sso:::permissionSet/{instance_hex}/ps-")
    described = center.sso.describe_permission_set(InstanceArn=center.instance_arn, PermissionSetArn=arn)[
        "PermissionSet"
    ]
    assert described["Name"] == "DeveloperAccess" and described["SessionDuration"] == "PT8H"
    assert described["Description"] == "Developers"
    center.sso.update_permission_set(
        InstanceArn=center.instance_arn, PermissionSetArn=arn, SessionDuration="PT12H"
    )
    described = center.sso.describe_permission_set(InstanceArn=center.instance_arn, PermissionSetArn=arn)
    assert described["PermissionSet"]["SessionDuration"] == "PT12H"
    error, _ = error_of(
        center.sso.create_permission_set, InstanceArn=center.instance_arn, Name="developeraccess"
    )
    assert error["Code"] == "ConflictException"
    assert center.sso.list_permission_sets(InstanceArn=center.instance_arn)["PermissionSets"] == [arn]
    center.sso.delete_permission_set(InstanceArn=center.instance_arn, PermissionSetArn=arn)
    error, _ = error_of(
        center.sso.describe_permission_set, InstanceArn=center.instance_arn, PermissionSetArn=arn
    )
    assert error["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize("duration", ["PT12H1M", "PT59M", "P1D"])
def test_a_session_duration_outside_one_to_twelve_hours_is_refused(center, duration):
    error, status = error_of(
        center.sso.create_permission_set,
        InstanceArn=center.instance_arn,
        Name="Long",
        SessionDuration=duration,
    )
    assert error["Code"] == "ValidationException" and status == 400
    assert duration in error["Message"]
    assert center.sso.list_permission_sets(InstanceArn=center.instance_arn)["PermissionSets"] == []


def test_a_bad_permission_set_name_is_refused_by_the_model_pattern(center, live_server, api_account):
    loose = client(live_server, *keys_of(api_account), service="sso-admin", parameter_validation=False)
    error, _ = error_of(loose.create_permission_set, InstanceArn=center.instance_arn, Name="bad name!")
    assert error["Code"] == "ValidationException"
    assert "failed to satisfy constraint" in error["Message"]


def test_pagination_with_max_results_and_next_token(center):
    arns = [center.permission_set(f"Set{index}") for index in range(3)]
    first = center.sso.list_permission_sets(InstanceArn=center.instance_arn, MaxResults=2)
    assert first["PermissionSets"] == arns[:2]
    second = center.sso.list_permission_sets(
        InstanceArn=center.instance_arn, MaxResults=2, NextToken=first["NextToken"]
    )
    assert second["PermissionSets"] == arns[2:] and "NextToken" not in second


def test_policies_of_a_permission_set(center):
    arn = center.permission_set()
    named = {"InstanceArn": center.instance_arn, "PermissionSetArn": arn}
    center.sso.attach_managed_policy_to_permission_set(**named, ManagedPolicyArn=READ_ONLY)
    center.sso.attach_managed_policy_to_permission_set(**named, ManagedPolicyArn=VIEW_ONLY)
    assert center.sso.list_managed_policies_in_permission_set(**named)["AttachedManagedPolicies"] == [
        {"Name": "ReadOnlyAccess", "Arn": READ_ONLY},
        {"Name": "ViewOnlyAccess", "Arn": VIEW_ONLY},
    ]
    error, _ = error_of(
        center.sso.attach_managed_policy_to_permission_set, **named, ManagedPolicyArn=READ_ONLY
    )
    assert error["Code"] == "ConflictException"
    error, _ = error_of(
        center.sso.attach_managed_policy_to_permission_set,
        **named,
        ManagedPolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere",
    )
    assert error["Code"] == "ResourceNotFoundException"
    center.sso.detach_managed_policy_from_permission_set(**named, ManagedPolicyArn=VIEW_ONLY)
    error, _ = error_of(
        center.sso.detach_managed_policy_from_permission_set, **named, ManagedPolicyArn=VIEW_ONLY
    )
    assert error["Code"] == "ResourceNotFoundException"

    reference = {"Name": "team-policy", "Path": "/teams/"}
    center.sso.attach_customer_managed_policy_reference_to_permission_set(
        **named, CustomerManagedPolicyReference=reference
    )
    listed = center.sso.list_customer_managed_policy_references_in_permission_set(**named)
    assert listed["CustomerManagedPolicyReferences"] == [reference]
    center.sso.detach_customer_managed_policy_reference_from_permission_set(
        **named, CustomerManagedPolicyReference=reference
    )
    error, _ = error_of(
        center.sso.detach_customer_managed_policy_reference_from_permission_set,
        **named,
        CustomerManagedPolicyReference=reference,
    )
    assert error["Code"] == "ResourceNotFoundException"

    document = json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:ListAllMyBuckets")]})
    center.sso.put_inline_policy_to_permission_set(**named, InlinePolicy=document)
    assert center.sso.get_inline_policy_for_permission_set(**named)["InlinePolicy"] == document
    error, _ = error_of(
        center.sso.put_inline_policy_to_permission_set, **named, InlinePolicy='{"Statement": 3}'
    )
    assert error["Code"] == "ValidationException"
    center.sso.delete_inline_policy_from_permission_set(**named)
    assert center.sso.get_inline_policy_for_permission_set(**named).get("InlinePolicy", "") == ""

    center.sso.put_permissions_boundary_to_permission_set(
        **named, PermissionsBoundary={"ManagedPolicyArn": READ_ONLY}
    )
    assert center.sso.get_permissions_boundary_for_permission_set(**named)["PermissionsBoundary"] == {
        "ManagedPolicyArn": READ_ONLY
    }
    center.sso.put_permissions_boundary_to_permission_set(
        **named, PermissionsBoundary={"CustomerManagedPolicyReference": {"Name": "edge", "Path": "/"}}
    )
    assert center.sso.get_permissions_boundary_for_permission_set(**named)["PermissionsBoundary"] == {
        "CustomerManagedPolicyReference": {"Name": "edge", "Path": "/"}
    }
    error, _ = error_of(
        center.sso.put_permissions_boundary_to_permission_set, **named, PermissionsBoundary={}
    )
    assert error["Code"] == "ValidationException"
    center.sso.delete_permissions_boundary_from_permission_set(**named)
    error, _ = error_of(center.sso.get_permissions_boundary_for_permission_set, **named)
    assert error["Code"] == "ResourceNotFoundException"


def test_twenty_managed_policies_at_most(center, live_server):
    arn = center.permission_set()
    named = {"InstanceArn": center.instance_arn, "PermissionSetArn": arn}
    for index in range(20):
        center.sso.attach_customer_managed_policy_reference_to_permission_set(
            **named, CustomerManagedPolicyReference={"Name": f"p{index}", "Path": "/"}
        )
    error, _ = error_of(
        center.sso.attach_managed_policy_to_permission_set, **named, ManagedPolicyArn=READ_ONLY
    )
    assert error["Code"] == "ServiceQuotaExceededException"
    error, _ = error_of(
        center.sso.attach_customer_managed_policy_reference_to_permission_set,
        **named,
        CustomerManagedPolicyReference={"Name": "p20", "Path": "/"},
    )
    assert error["Code"] == "ServiceQuotaExceededException"


def test_tags_of_the_instance_and_a_permission_set(center):
    arn = center.permission_set(Tags=[{"Key": "team", "Value": "dev"}])
    assert center.sso.list_tags_for_resource(InstanceArn=center.instance_arn, ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "dev"}
    ]
    center.sso.tag_resource(
        InstanceArn=center.instance_arn,
        ResourceArn=center.instance_arn,
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    center.sso.untag_resource(InstanceArn=center.instance_arn, ResourceArn=arn, TagKeys=["team"])
    assert center.sso.list_tags_for_resource(InstanceArn=center.instance_arn, ResourceArn=arn)["Tags"] == []
    assert center.sso.list_tags_for_resource(
        InstanceArn=center.instance_arn, ResourceArn=center.instance_arn
    )["Tags"] == [{"Key": "env", "Value": "prod"}]


# The identity store


def test_users_groups_and_memberships(center):
    user_id = center.user("dana")
    described = center.store.describe_user(IdentityStoreId=center.store_id, UserId=user_id)
    assert described["UserName"] == "dana" and described["DisplayName"] == "Dana"
    assert described["Name"] == {"GivenName": "Dana", "FamilyName": "Doe"}
    assert described["Emails"] == [{"Value": "dana@example.com", "Type": "work", "Primary": True}]
    error, _ = error_of(
        center.store.create_user,
        IdentityStoreId=center.store_id,
        UserName="DANA",
        DisplayName="D",
        Name={"GivenName": "D", "FamilyName": "D"},
    )
    assert error["Code"] == "ConflictException"
    error, _ = error_of(center.store.create_user, IdentityStoreId=center.store_id, UserName="nobody")
    assert error["Code"] == "ValidationException"
    center.store.update_user(
        IdentityStoreId=center.store_id,
        UserId=user_id,
        Operations=[{"AttributePath": "displayName", "AttributeValue": "Dana D."}],
    )
    assert (
        center.store.describe_user(IdentityStoreId=center.store_id, UserId=user_id)["DisplayName"]
        == "Dana D."
    )
    found = center.store.get_user_id(
        IdentityStoreId=center.store_id,
        AlternateIdentifier={"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "dana"}},
    )
    assert found["UserId"] == user_id
    assert [
        user["UserName"] for user in center.store.list_users(IdentityStoreId=center.store_id)["Users"]
    ] == ["dana"]

    group_id = center.store.create_group(IdentityStoreId=center.store_id, DisplayName="developers")["GroupId"]
    error, _ = error_of(center.store.create_group, IdentityStoreId=center.store_id, DisplayName="Developers")
    assert error["Code"] == "ConflictException"
    assert (
        center.store.get_group_id(
            IdentityStoreId=center.store_id,
            AlternateIdentifier={
                "UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": "developers"}
            },
        )["GroupId"]
        == group_id
    )
    membership_id = center.store.create_group_membership(
        IdentityStoreId=center.store_id, GroupId=group_id, MemberId={"UserId": user_id}
    )["MembershipId"]
    error, _ = error_of(
        center.store.create_group_membership,
        IdentityStoreId=center.store_id,
        GroupId=group_id,
        MemberId={"UserId": user_id},
    )
    assert error["Code"] == "ConflictException"
    memberships = center.store.list_group_memberships(IdentityStoreId=center.store_id, GroupId=group_id)
    assert [each["MemberId"] for each in memberships["GroupMemberships"]] == [{"UserId": user_id}]
    results = center.store.is_member_in_groups(
        IdentityStoreId=center.store_id, MemberId={"UserId": user_id}, GroupIds=[group_id]
    )["Results"]
    assert results[0]["MembershipExists"] is True
    center.store.delete_group_membership(IdentityStoreId=center.store_id, MembershipId=membership_id)
    error, _ = error_of(
        center.store.delete_group_membership, IdentityStoreId=center.store_id, MembershipId=membership_id
    )
    assert error["Code"] == "ResourceNotFoundException"
    center.store.delete_group(IdentityStoreId=center.store_id, GroupId=group_id)
    center.store.delete_user(IdentityStoreId=center.store_id, UserId=user_id)
    error, _ = error_of(center.store.describe_user, IdentityStoreId=center.store_id, UserId=user_id)
    assert error["Code"] == "ResourceNotFoundException"


# Assignments and provisioning


def test_an_assignment_provisions_exactly_the_role_and_the_provider(center):
    arn = center.permission_set(SessionDuration="PT8H")
    named = {"InstanceArn": center.instance_arn, "PermissionSetArn": arn}
    center.sso.attach_managed_policy_to_permission_set(**named, ManagedPolicyArn=READ_ONLY)
    document = json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:ListAllMyBuckets")]})
    center.sso.put_inline_policy_to_permission_set(**named, InlinePolicy=document)
    user_id = center.user()
    status = center.assign(arn, user_id)
    assert status["Status"] == "SUCCEEDED" and status["PrincipalId"] == user_id
    described = center.sso.describe_account_assignment_creation_status(
        InstanceArn=center.instance_arn, AccountAssignmentCreationRequestId=status["RequestId"]
    )["AccountAssignmentCreationStatus"]
    assert described["Status"] == "SUCCEEDED" and described["TargetId"] == center.member_id

    instance_hex = center.instance_arn.rsplit("ssoins-", 1)[1]
    provider_name = f"AWSSSO_{instance_hex}_DO_NOT_DELETE"
    assert list(SAMLProvider.objects.filter(account_id=center.member_id).values_list("name", flat=True)) == [
        provider_name
    ]
    (role,) = reserved_roles(center.member_id)
    assert role.path == "/aws-reserved/sso.amazonaws.com/"
    assert role.name.startswith("AWSReservedSSO_DeveloperAccess_") and len(role.name.rsplit("_", 1)[1]) == 16
    # As AWS configures them: 12 hours; the permission set's 8 bound the portal's sessions.
    assert role.max_session_duration == 12 * 3600
    trust = json.loads(role.trust_policy)["Statement"][0]
    assert trust["Principal"] == {
        "Federated": f"arn:aws:iam::{center.member_id}:saml-provider/{provider_name}"
    }
    assert trust["Action"] == ["sts:AssumeRoleWithSAML", "sts:TagSession"]
    assert trust["Condition"] == {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    assert [attachment.policy.arn for attachment in role.attachments.all()] == [READ_ONLY]
    assert [inline.name for inline in role.inline_policies.all()] == ["AwsSSOInlinePolicy"]
    # Nothing else in the management account.
    assert reserved_roles(center.account.id) == []
    assert center.sso.list_account_assignments(**named, AccountId=center.member_id)["AccountAssignments"] == [
        {
            "AccountId": center.member_id,
            "PermissionSetArn": arn,
            "PrincipalType": "USER",
            "PrincipalId": user_id,
        }
    ]
    assert center.sso.list_accounts_for_provisioned_permission_set(**named)["AccountIds"] == [
        center.member_id
    ]
    assert center.sso.list_permission_sets_provisioned_to_account(
        InstanceArn=center.instance_arn, AccountId=center.member_id
    )["PermissionSets"] == [arn]
    # The service's calls are recorded in the member account, as the service.
    identities = [
        event.user_identity
        for event in AuditEvent.objects.filter(
            account_id=center.member_id, event_name__in=["CreateRole", "CreateSAMLProvider"]
        )
    ]
    assert identities.count({"type": "AWSService", "invokedBy": "sso.amazonaws.com"}) == 2
    error, _ = error_of(center.sso.delete_permission_set, **named)
    assert error["Code"] == "ConflictException"


def test_a_group_assignment_and_a_second_one_share_the_role_until_the_last_goes(center):
    arn = center.permission_set()
    user_id = center.user()
    group_id = center.store.create_group(IdentityStoreId=center.store_id, DisplayName="developers")["GroupId"]
    center.assign(arn, user_id)
    assert center.assign(arn, group_id, "GROUP")["Status"] == "SUCCEEDED"
    assert len(reserved_roles(center.member_id)) == 1
    error, _ = error_of(
        center.sso.create_account_assignment,
        InstanceArn=center.instance_arn,
        TargetId=center.member_id,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=arn,
        PrincipalType="GROUP",
        PrincipalId=group_id,
    )
    assert error["Code"] == "ConflictException"
    common = {
        "InstanceArn": center.instance_arn,
        "TargetId": center.member_id,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": arn,
    }
    deleted = center.sso.delete_account_assignment(**common, PrincipalType="USER", PrincipalId=user_id)
    assert deleted["AccountAssignmentDeletionStatus"]["Status"] == "SUCCEEDED"
    assert len(reserved_roles(center.member_id)) == 1
    last = center.sso.delete_account_assignment(**common, PrincipalType="GROUP", PrincipalId=group_id)
    assert reserved_roles(center.member_id) == []
    status = center.sso.describe_account_assignment_deletion_status(
        InstanceArn=center.instance_arn,
        AccountAssignmentDeletionRequestId=last["AccountAssignmentDeletionStatus"]["RequestId"],
    )["AccountAssignmentDeletionStatus"]
    assert status["Status"] == "SUCCEEDED"
    error, _ = error_of(
        center.sso.delete_account_assignment, **common, PrincipalType="GROUP", PrincipalId=group_id
    )
    assert error["Code"] == "ResourceNotFoundException"


def test_an_assignment_needs_a_principal_of_the_store_and_an_account_of_the_organization(center):
    arn = center.permission_set()
    error, _ = error_of(center.assign, arn, "0123456789-00000000-0000-0000-0000-000000000000")
    assert error["Code"] == "ResourceNotFoundException"
    outsider = AccountFactory()
    error, _ = error_of(center.assign, arn, center.user(), account_id=outsider.id)
    assert error["Code"] == "ValidationException"
    assert reserved_roles(outsider.id) == []


def test_re_provisioning_after_a_policy_is_added(center):
    arn = center.permission_set()
    named = {"InstanceArn": center.instance_arn, "PermissionSetArn": arn}
    center.assign(arn, center.user())
    (role,) = reserved_roles(center.member_id)
    assert list(role.attachments.all()) == []
    center.sso.attach_managed_policy_to_permission_set(**named, ManagedPolicyArn=READ_ONLY)
    center.sso.update_permission_set(**named, SessionDuration="PT4H")
    assert center.sso.list_accounts_for_provisioned_permission_set(
        **named, ProvisioningStatus="LATEST_PERMISSION_SET_NOT_PROVISIONED"
    )["AccountIds"] == [center.member_id]
    status = center.sso.provision_permission_set(**named, TargetType="ALL_PROVISIONED_ACCOUNTS")[
        "PermissionSetProvisioningStatus"
    ]
    assert status["Status"] == "SUCCEEDED"
    described = center.sso.describe_permission_set_provisioning_status(
        InstanceArn=center.instance_arn, ProvisionPermissionSetRequestId=status["RequestId"]
    )["PermissionSetProvisioningStatus"]
    assert described["Status"] == "SUCCEEDED" and described["PermissionSetArn"] == arn
    role.refresh_from_db()
    assert [attachment.policy.arn for attachment in role.attachments.all()] == [READ_ONLY]
    assert role.max_session_duration == 12 * 3600
    assert center.sso.list_accounts_for_provisioned_permission_set(
        **named, ProvisioningStatus="LATEST_PERMISSION_SET_PROVISIONED"
    )["AccountIds"] == [center.member_id]
    # One account named, and a policy taken away again.
    center.sso.detach_managed_policy_from_permission_set(**named, ManagedPolicyArn=READ_ONLY)
    status = center.sso.provision_permission_set(**named, TargetType="AWS_ACCOUNT", TargetId=center.member_id)
    assert status["PermissionSetProvisioningStatus"]["AccountId"] == center.member_id
    assert list(role.attachments.all()) == []


def test_a_missing_customer_managed_policy_fails_the_assignment_and_leaves_nothing(center):
    arn = center.permission_set()
    named = {"InstanceArn": center.instance_arn, "PermissionSetArn": arn}
    center.sso.attach_customer_managed_policy_reference_to_permission_set(
        **named, CustomerManagedPolicyReference={"Name": "team-policy", "Path": "/"}
    )
    user_id = center.user()
    status = center.assign(arn, user_id)
    assert status["Status"] == "FAILED"
    assert "team-policy" in status["FailureReason"] and center.member_id in status["FailureReason"]
    assert reserved_roles(center.member_id) == []
    assert (
        center.sso.list_account_assignments(**named, AccountId=center.member_id)["AccountAssignments"] == []
    )

    # Once the account has the policy, the assignment provisions with it.
    member = Account.objects.get(pk=center.member_id)
    document = json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:GetObject")]})
    policy = policy_create(
        account=member, name="team-policy", document=document, acting=Acting(account=member)
    )
    assert center.assign(arn, user_id)["Status"] == "SUCCEEDED"
    (role,) = reserved_roles(center.member_id)
    assert [attachment.policy for attachment in role.attachments.all()] == [policy]

    # A later reference the account lacks fails the re-provisioning and changes nothing there.
    center.sso.attach_customer_managed_policy_reference_to_permission_set(
        **named, CustomerManagedPolicyReference={"Name": "other", "Path": "/x/"}
    )
    status = center.sso.provision_permission_set(**named, TargetType="ALL_PROVISIONED_ACCOUNTS")[
        "PermissionSetProvisioningStatus"
    ]
    assert status["Status"] == "FAILED" and "other" in status["FailureReason"]
    assert [attachment.policy for attachment in role.attachments.all()] == [policy]


def test_the_region_goes_into_the_reserved_path_outside_us_east_1(live_server, api_account):
    center = Center(live_server, api_account, region="eu-west-1")
    center.assign(center.permission_set(), center.user())
    (role,) = reserved_roles(center.member_id)
    assert role.path == "/aws-reserved/sso.amazonaws.com/eu-west-1/"


# IAM protects the reserved roles


def test_iam_refuses_changes_to_a_reserved_role_with_unmodifiable_entity(center, live_server):
    arn = center.permission_set()
    center.assign(arn, center.user())
    (role,) = reserved_roles(center.member_id)
    aws_managed_policy("AdministratorAccess")
    aws_managed_policy("ReadOnlyAccess")
    iam = client(live_server, *keys_of(Account.objects.get(pk=center.member_id)))
    message = f"Cannot perform the operation on the protected role '{role.name}' - this role is only modifiable by AWS"
    calls = [
        (iam.delete_role, {"RoleName": role.name}),
        (
            iam.attach_role_policy,
            {"RoleName": role.name, "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        ),
        (iam.detach_role_policy, {"RoleName": role.name, "PolicyArn": READ_ONLY}),
        (
            iam.put_role_policy,
            {
                "RoleName": role.name,
                "PolicyName": "x",
                "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [allow("*")]}),
            },
        ),
        (iam.update_assume_role_policy, {"RoleName": role.name, "PolicyDocument": role.trust_policy}),
        (iam.update_role, {"RoleName": role.name, "MaxSessionDuration": 7200}),
        (iam.put_role_permissions_boundary, {"RoleName": role.name, "PermissionsBoundary": READ_ONLY}),
    ]
    for call, arguments in calls:
        error, status = error_of(call, **arguments)
        assert (error["Code"], error["Message"], status) == ("UnmodifiableEntity", message, 400)
    assert Role.objects.filter(pk=role.pk).exists()
    error, _ = error_of(
        iam.create_role,
        RoleName="Sneaky",
        Path="/aws-reserved/sso.amazonaws.com/",
        AssumeRolePolicyDocument=role.trust_policy,
    )
    assert error["Code"] == "InvalidInput"


# Enforcement, isolation, Event history


def test_an_iam_user_without_permission_is_refused(center, live_server, api_account):
    user = IAMUserFactory(account=api_account, name="nobody")
    denied = client(live_server, *keys_of(api_account, user), service="sso-admin")
    store = client(live_server, *keys_of(api_account, user), service="identitystore")
    error, _ = error_of(denied.list_instances)
    assert error["Code"] == "AccessDeniedException"
    assert "sso:ListInstances" in error["Message"]
    error, _ = error_of(denied.create_permission_set, InstanceArn=center.instance_arn, Name="Nope")
    assert error["Code"] == "AccessDeniedException"
    error, _ = error_of(store.list_users, IdentityStoreId=center.store_id)
    assert error["Code"] == "AccessDeniedException"
    assert center.sso.list_permission_sets(InstanceArn=center.instance_arn)["PermissionSets"] == []
    refused = AuditEvent.objects.filter(event_name="CreatePermissionSet", error_code="AccessDenied")
    assert refused.count() == 1 and refused.get().event_source == "sso.amazonaws.com"


def test_an_iam_user_allowed_sso_and_identitystore_may_call_them(center, live_server, api_account):
    user = IAMUserFactory(account=api_account, name="admin")
    document = json.dumps({"Version": "2012-10-17", "Statement": [allow("sso:*", "identitystore:*")]})
    inline_policy_put(name="sso", document=document, user=user, acting=Acting(account=api_account))
    allowed = client(live_server, *keys_of(api_account, user), service="sso-admin")
    assert allowed.list_instances()["Instances"][0]["InstanceArn"] == center.instance_arn
    allowed.create_permission_set(InstanceArn=center.instance_arn, Name="Allowed")
    store = client(live_server, *keys_of(api_account, user), service="identitystore")
    assert store.list_users(IdentityStoreId=center.store_id)["Users"] == []


def test_another_organizations_instance_is_invisible(center, live_server):
    arn = center.permission_set()
    user_id = center.user()
    center.assign(arn, user_id)
    other = Center(live_server, AccountFactory(name="Other", root_email="other@example.com"))
    assert [each["InstanceArn"] for each in other.sso.list_instances()["Instances"]] == [other.instance_arn]
    error, _ = error_of(other.sso.describe_instance, InstanceArn=center.instance_arn)
    assert error["Code"] == "ResourceNotFoundException"
    error, _ = error_of(other.sso.list_permission_sets, InstanceArn=center.instance_arn)
    assert error["Code"] == "ResourceNotFoundException"
    error, _ = error_of(
        other.sso.describe_permission_set, InstanceArn=other.instance_arn, PermissionSetArn=arn
    )
    assert error["Code"] == "ResourceNotFoundException"
    error, _ = error_of(other.store.describe_user, IdentityStoreId=center.store_id, UserId=user_id)
    assert error["Code"] == "ResourceNotFoundException"
    error, _ = error_of(other.store.describe_user, IdentityStoreId=other.store_id, UserId=user_id)
    assert error["Code"] == "ResourceNotFoundException"
    error, _ = error_of(
        other.sso.list_account_assignments,
        InstanceArn=center.instance_arn,
        AccountId=center.member_id,
        PermissionSetArn=arn,
    )
    assert error["Code"] == "ResourceNotFoundException"
    # Its own permission set cannot be assigned to an account of the first organization.
    error, _ = error_of(other.assign, other.permission_set(), other.user(), account_id=center.member_id)
    assert error["Code"] == "ValidationException"


def test_calls_are_in_event_history_with_the_services_event_sources(center, api_account):
    center.permission_set()
    center.sso.list_permission_sets(InstanceArn=center.instance_arn)
    center.user()
    events = AuditEvent.objects.filter(account=api_account)
    assert events.get(event_name="CreatePermissionSet").event_source == "sso.amazonaws.com"
    listed = events.get(event_name="ListPermissionSets")
    assert listed.event_source == "sso.amazonaws.com" and listed.read_only
    assert events.get(event_name="CreateUser", event_source="identitystore.amazonaws.com")


def test_identity_store_lookups_filters_and_their_errors(center):
    user_id = center.user("dana")
    center.user("erin")
    store = {"IdentityStoreId": center.store_id}
    filtered = center.store.list_users(
        **store, Filters=[{"AttributePath": "UserName", "AttributeValue": "ERIN"}]
    )
    assert [user["UserName"] for user in filtered["Users"]] == ["erin"]
    error, _ = error_of(
        center.store.list_users, **store, Filters=[{"AttributePath": "Title", "AttributeValue": "x"}]
    )
    assert error["Code"] == "ValidationException"
    unknown = {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "nobody"}}
    assert error_of(center.store.get_user_id, **store, AlternateIdentifier=unknown)[0]["Code"] == (
        "ResourceNotFoundException"
    )
    wrong = {"UniqueAttribute": {"AttributePath": "emails.value", "AttributeValue": "dana@example.com"}}
    assert (
        error_of(center.store.get_user_id, **store, AlternateIdentifier=wrong)[0]["Code"]
        == "ValidationException"
    )

    group_id = center.store.create_group(**store, DisplayName="developers", Description="Builders")["GroupId"]
    described = center.store.describe_group(**store, GroupId=group_id)
    assert (described["DisplayName"], described["Description"]) == ("developers", "Builders")
    center.store.update_group(
        **store, GroupId=group_id, Operations=[{"AttributePath": "displayName", "AttributeValue": "devs"}]
    )
    listed = center.store.list_groups(
        **store, Filters=[{"AttributePath": "DisplayName", "AttributeValue": "devs"}]
    )
    assert [group["GroupId"] for group in listed["Groups"]] == [group_id]
    assert (
        error_of(center.store.describe_group, **store, GroupId=user_id)[0]["Code"]
        == "ResourceNotFoundException"
    )
    gone = {"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": "nobody"}}
    assert error_of(center.store.get_group_id, **store, AlternateIdentifier=gone)[0]["Code"] == (
        "ResourceNotFoundException"
    )
    wrong = {"UniqueAttribute": {"AttributePath": "description", "AttributeValue": "Builders"}}
    assert (
        error_of(center.store.get_group_id, **store, AlternateIdentifier=wrong)[0]["Code"]
        == "ValidationException"
    )
    error, _ = error_of(center.store.list_users, **store, NextToken="not-a-token")
    assert error["Code"] == "ValidationException"


def test_instance_name_request_ids_and_provisioning_targets(center):
    center.sso.update_instance(InstanceArn=center.instance_arn, Name="renamed")
    assert center.sso.describe_instance(InstanceArn=center.instance_arn)["Name"] == "renamed"
    error, _ = error_of(
        center.sso.describe_account_assignment_creation_status,
        InstanceArn=center.instance_arn,
        AccountAssignmentCreationRequestId="00000000-0000-0000-0000-000000000000",
    )
    assert error["Code"] == "ResourceNotFoundException"
    arn = center.permission_set()
    error, _ = error_of(
        center.sso.provision_permission_set,
        InstanceArn=center.instance_arn,
        PermissionSetArn=arn,
        TargetType="AWS_ACCOUNT",
    )
    assert error["Code"] == "ValidationException"
    # A tag call naming a permission set of the instance that does not exist.
    error, _ = error_of(
        center.sso.list_tags_for_resource,
        InstanceArn=center.instance_arn,
        ResourceArn=arn[:-1] + ("1" if arn.endswith("0") else "0"),
    )
    assert error["Code"] == "ResourceNotFoundException"


def test_request_histories_and_a_principals_assignments(center):
    arn = center.permission_set()
    failing = center.permission_set("Failing")
    center.sso.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=center.instance_arn,
        PermissionSetArn=failing,
        CustomerManagedPolicyReference={"Name": "missing"},
    )
    user_id = center.user()
    made = center.assign(arn, user_id)
    failed = center.assign(failing, user_id)
    history = center.sso.list_account_assignment_creation_status(InstanceArn=center.instance_arn)
    assert [each["RequestId"] for each in history["AccountAssignmentsCreationStatus"]] == [
        failed["RequestId"],
        made["RequestId"],
    ]
    only_failed = center.sso.list_account_assignment_creation_status(
        InstanceArn=center.instance_arn, Filter={"Status": "FAILED"}
    )["AccountAssignmentsCreationStatus"]
    assert [(each["RequestId"], each["Status"]) for each in only_failed] == [(failed["RequestId"], "FAILED")]
    assert center.sso.list_account_assignments_for_principal(
        InstanceArn=center.instance_arn,
        PrincipalId=user_id,
        PrincipalType="USER",
        Filter={"AccountId": center.member_id},
    )["AccountAssignments"] == [
        {
            "AccountId": center.member_id,
            "PermissionSetArn": arn,
            "PrincipalId": user_id,
            "PrincipalType": "USER",
        }
    ]
    center.sso.delete_account_assignment(
        InstanceArn=center.instance_arn,
        TargetId=center.member_id,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=arn,
        PrincipalType="USER",
        PrincipalId=user_id,
    )
    deletions = center.sso.list_account_assignment_deletion_status(InstanceArn=center.instance_arn)
    assert [each["Status"] for each in deletions["AccountAssignmentsDeletionStatus"]] == ["SUCCEEDED"]
    center.sso.provision_permission_set(
        InstanceArn=center.instance_arn, PermissionSetArn=arn, TargetType="ALL_PROVISIONED_ACCOUNTS"
    )
    provisioning = center.sso.list_permission_set_provisioning_status(InstanceArn=center.instance_arn)
    assert [each["Status"] for each in provisioning["PermissionSetsProvisioningStatus"]] == ["SUCCEEDED"]


def test_local_modes_reset_takes_identity_center_with_the_accounts(center, live_server, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    center.assign(center.permission_set(), center.user())
    request = urllib.request.Request(f"{live_server.url}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200
    assert not Account.objects.exists()
    assert not Instance.objects.exists() and not Role.objects.exists()


def test_a_policy_naming_one_permission_set_allows_that_one_only(center, live_server, api_account):
    mine, other = center.permission_set("Mine"), center.permission_set("Other")
    user = IAMUserFactory(account=api_account, name="scoped")
    statements = [
        allow("sso:DescribePermissionSet", resource=mine),
        allow("sso:ListPermissionSets", resource=center.instance_arn),
    ]
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    inline_policy_put(name="scoped", document=document, user=user, acting=Acting(account=api_account))
    scoped = client(live_server, *keys_of(api_account, user), service="sso-admin")
    assert scoped.list_permission_sets(InstanceArn=center.instance_arn)["PermissionSets"] == [mine, other]
    described = scoped.describe_permission_set(InstanceArn=center.instance_arn, PermissionSetArn=mine)
    assert described["PermissionSet"]["Name"] == "Mine"
    error, _ = error_of(
        scoped.describe_permission_set, InstanceArn=center.instance_arn, PermissionSetArn=other
    )
    assert error["Code"] == "AccessDeniedException" and other in error["Message"]
