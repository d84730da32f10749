"""The Organizations operations beyond the console's pages, through boto3 against the live server:
CloseAccount (the account SUSPENDED, its sign-in and keys refused), AWS services' trusted access,
EnableAllFeatures and the organization's resource policy, each with its errors and its refusal to an
IAM user without permission."""

import datetime
import json

import pytest
from django.contrib.auth.hashers import make_password

from access.acting import Acting
from accounts.models import Account, AuditEvent, LoginProfile
from accounts.services.signin import (
    ACCOUNT_CLOSED,
    Client,
    SignInRefused,
    root_authenticate,
    user_authenticate,
)
from accounts.services.sts import console_switch_role, get_session_token
from aws.errors import AccessDenied
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import IAMUserFactory

from .conftest import allow, client, error_of
from .test_organizations import as_account, keys_of

pytestmark = pytest.mark.django_db(transaction=True)

NOT_PERMITTED = "You don't have permissions to access this resource."
READ_ORGANIZATION = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadOrg",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": ["organizations:DescribeOrganization", "organizations:ListAccounts"],
                "Resource": "*",
            }
        ],
    }
)


@pytest.fixture
def orgs(live_server, root_keys):
    return client(live_server, *root_keys, service="organizations")


@pytest.fixture
def organization(orgs):
    return orgs.create_organization(FeatureSet="ALL")["Organization"]


@pytest.fixture
def member_id(orgs, organization):
    return orgs.create_account(Email="dave@example.com", AccountName="Dave")["CreateAccountStatus"][
        "AccountId"
    ]


def denied_user(live_server, api_account, name, statements=()):
    """An Organizations client signed by an IAM user of the API account allowed only `statements`."""
    user = IAMUserFactory(account=api_account, name=name)
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        inline_policy_put(name="org", document=document, user=user, acting=Acting(account=api_account))
    return client(live_server, *keys_of(api_account, user), service="organizations")


# CloseAccount


def test_a_closed_account_is_suspended_and_refuses_sign_in_and_its_keys(
    orgs, organization, member_id, live_server
):
    member_iam = as_account(live_server, member_id, service="iam")
    assert member_iam.list_users()["Users"] == []
    member = Account.objects.get(pk=member_id)
    issued = get_session_token(user=member, duration_seconds=3600, acting=Acting(account=member))
    member_session = client(
        live_server,
        issued.access_key_id,
        issued.secret_access_key,
        service="sts",
        session_token=issued.session_token,
    )
    assert member_session.get_caller_identity()["Account"] == member_id

    assert orgs.close_account(AccountId=member_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    described = orgs.describe_account(AccountId=member_id)["Account"]
    # Status says SUSPENDED; State, which replaces it, says CLOSED (AWS's SUSPENDED state is its own
    # suspension of an account, not one its owner closed).
    assert (described["Status"], described["State"]) == ("SUSPENDED", "CLOSED")
    # Still in the organization, SUSPENDED, until AWS removes it after 90 days.
    listed = {account["Id"]: account["Status"] for account in orgs.list_accounts()["Accounts"]}
    assert listed == {organization["MasterAccountId"]: "ACTIVE", member_id: "SUSPENDED"}

    # Its access keys and its temporary credentials are refused from then on.
    for call in (member_iam.list_users, member_session.get_caller_identity):
        error, _ = error_of(call)
        assert error["Code"] == "InvalidClientTokenId"
    error, status = error_of(orgs.close_account, AccountId=member_id)
    assert (error["Code"], error["Message"], status) == (
        "AccountAlreadyClosedException",
        "The provided account is already closed.",
        400,
    )
    assert AuditEvent.objects.filter(event_name="CloseAccount", error_code="").count() == 1


def test_a_closed_accounts_roles_cannot_be_assumed_nor_switched_to(
    orgs, organization, api_account, member_id, live_server
):
    admin = IAMUserFactory(account=api_account, name="ops")
    inline_policy_put(
        name="assume",
        document=json.dumps({"Version": "2012-10-17", "Statement": [allow("sts:AssumeRole")]}),
        user=admin,
        acting=Acting(account=api_account),
    )
    sts = client(live_server, *keys_of(api_account, admin), service="sts")
    role_arn = f"arn:aws:iam::{member_id}:role/OrganizationAccountAccessRole"
    # The access role CreateAccount made trusts the management account while the account is open.
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="ops")["AssumedRoleUser"]["Arn"].startswith(
        f"arn:aws:sts::{member_id}:assumed-role/OrganizationAccountAccessRole/"
    )

    orgs.close_account(AccountId=member_id)
    error, status = error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="ops")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: arn:aws:iam::{api_account.id}:user/ops is not authorized to perform: sts:AssumeRole "
        f"on resource: {role_arn}"
    )
    # The console's Switch role is the same AssumeRole.
    with pytest.raises(AccessDenied):
        console_switch_role(
            acting=Acting(account=api_account, user=admin),
            account_identifier=member_id,
            role_name="OrganizationAccountAccessRole",
        )


def test_a_closed_accounts_root_user_and_iam_users_cannot_sign_in(orgs, member_id):
    password = "Correct horse 1!"
    member = Account.objects.get(pk=member_id)
    Account.objects.filter(pk=member_id).update(root_password=make_password(password))
    user = IAMUserFactory(account=member, name="erin")
    LoginProfile.objects.create(user=user, password=make_password(password))
    browser = Client(source_ip="203.0.113.9", user_agent="pytest")
    # Both sign in while the account is open.
    assert root_authenticate(email="dave@example.com", password=password, client=browser) == member
    user_sign_in = {"account": member, "account_identifier": member_id, "user_name": "erin"}
    assert user_authenticate(**user_sign_in, password=password, client=browser).user == user

    orgs.close_account(AccountId=member_id)
    with pytest.raises(SignInRefused) as refused:
        root_authenticate(email="dave@example.com", password=password, client=browser)
    assert refused.value.message == ACCOUNT_CLOSED
    member.refresh_from_db()  # as the sign-in page reads the account on each request
    with pytest.raises(SignInRefused) as refused:
        user_authenticate(**user_sign_in, password=password, client=browser)
    assert refused.value.message == ACCOUNT_CLOSED


def test_close_account_errors(orgs, organization, live_server):
    error, _ = error_of(orgs.close_account, AccountId="111111111112")
    assert (error["Code"], error["Message"]) == (
        "AccountNotFoundException",
        "You specified an account that doesn't exist.",
    )
    response = error_of(orgs.close_account, AccountId=organization["MasterAccountId"])
    assert response[0]["Code"] == "ConstraintViolationException"


def test_close_account_outside_an_organization(orgs, api_account):
    error, _ = error_of(orgs.close_account, AccountId="111111111112")
    assert (error["Code"], error["Message"]) == (
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )


def test_an_iam_user_without_permission_is_refused_each_new_operation(
    live_server, api_account, orgs, member_id
):
    theirs = denied_user(live_server, api_account, "nobody")
    calls = (
        (theirs.close_account, {"AccountId": member_id}),
        (theirs.enable_aws_service_access, {"ServicePrincipal": "config.amazonaws.com"}),
        (theirs.disable_aws_service_access, {"ServicePrincipal": "config.amazonaws.com"}),
        (theirs.list_aws_service_access_for_organization, {}),
        (theirs.enable_all_features, {}),
        (theirs.put_resource_policy, {"Content": READ_ORGANIZATION}),
        (theirs.describe_resource_policy, {}),
        (theirs.delete_resource_policy, {}),
    )
    for call, kwargs in calls:
        error, _ = error_of(call, **kwargs)
        assert (error["Code"], error["Message"]) == ("AccessDeniedException", NOT_PERMITTED)
    # Nothing changed: the member is open, no service has access, there is no resource policy.
    assert orgs.describe_account(AccountId=member_id)["Account"]["Status"] == "ACTIVE"
    assert orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    assert error_of(orgs.describe_resource_policy)[0]["Code"] == "ResourcePolicyNotFoundException"


def test_an_iam_user_allowed_close_account_closes_one(live_server, api_account, orgs, member_id):
    theirs = denied_user(live_server, api_account, "closer", [allow("organizations:CloseAccount")])
    theirs.close_account(AccountId=member_id)
    assert orgs.describe_account(AccountId=member_id)["Account"]["Status"] == "SUSPENDED"


def test_a_member_account_may_not_call_the_management_accounts_operations(orgs, member_id, live_server):
    member = as_account(live_server, member_id)
    for call, kwargs in (
        (member.close_account, {"AccountId": member_id}),
        (member.enable_aws_service_access, {"ServicePrincipal": "config.amazonaws.com"}),
        (member.list_aws_service_access_for_organization, {}),
        (member.put_resource_policy, {"Content": READ_ORGANIZATION}),
        (member.enable_all_features, {}),
    ):
        assert error_of(call, **kwargs)[0]["Code"] == "AccessDeniedException"


# Trusted access for AWS services


def test_service_access_enabled_listed_and_disabled(orgs, organization, member_id, live_server):
    orgs.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    orgs.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    enabled = orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [each["ServicePrincipal"] for each in enabled] == ["config.amazonaws.com", "ram.amazonaws.com"]
    assert isinstance(enabled[0]["DateEnabled"], datetime.datetime)
    # Enabling again changes nothing, not even the date.
    orgs.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    again = orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert again == enabled
    first = orgs.list_aws_service_access_for_organization(MaxResults=1)
    assert [each["ServicePrincipal"] for each in first["EnabledServicePrincipals"]] == [
        "config.amazonaws.com"
    ]
    assert "NextToken" in first

    # A delegated administrator reads the list too.
    orgs.register_delegated_administrator(AccountId=member_id, ServicePrincipal="config.amazonaws.com")
    member = as_account(live_server, member_id)
    assert len(member.list_aws_service_access_for_organization()["EnabledServicePrincipals"]) == 2

    orgs.disable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    orgs.disable_aws_service_access(ServicePrincipal="config.amazonaws.com")  # again: no error
    enabled = orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [each["ServicePrincipal"] for each in enabled] == ["ram.amazonaws.com"]
    assert AuditEvent.objects.filter(event_name="DisableAWSServiceAccess", error_code="").count() == 2


def test_an_unrecognized_service_principal_is_invalid_input(orgs, organization):
    for call in (orgs.enable_aws_service_access, orgs.disable_aws_service_access):
        with pytest.raises(orgs.exceptions.InvalidInputException) as caught:
            call(ServicePrincipal="moto.amazonaws.com")
        response = caught.value.response
        assert response["Error"]["Message"] == "You specified an unrecognized service principal."
        assert response["Reason"] == "UNRECOGNIZED_SERVICE_PRINCIPAL"
    assert orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []


# EnableAllFeatures


def test_enable_all_features_is_refused_for_an_organization_with_all_features(orgs, organization):
    with pytest.raises(orgs.exceptions.HandshakeConstraintViolationException) as caught:
        orgs.enable_all_features()
    response = caught.value.response
    assert response["Error"]["Message"] == (
        "The handshake request is invalid because the organization has already enabled all features."
    )
    assert response["Reason"] == "ORGANIZATION_ALREADY_HAS_ALL_FEATURES"
    assert orgs.list_handshakes_for_organization()["Handshakes"] == []


# The resource policy


def test_resource_policy_put_described_replaced_tagged_and_deleted(
    orgs, organization, member_id, live_server
):
    error, _ = error_of(orgs.describe_resource_policy)
    assert (error["Code"], error["Message"]) == (
        "ResourcePolicyNotFoundException",
        "We can't find a resource policy request with the parameter that you specified.",
    )
    put = orgs.put_resource_policy(Content=READ_ORGANIZATION, Tags=[{"Key": "team", "Value": "blue"}])
    summary = put["ResourcePolicy"]["ResourcePolicySummary"]
    assert summary["Id"].startswith("rp-")
    assert summary["Arn"] == (
        f"arn:aws:organizations::{organization['MasterAccountId']}:resourcepolicy/"
        f"{organization['Id']}/{summary['Id']}"
    )
    assert put["ResourcePolicy"]["Content"] == READ_ORGANIZATION
    assert orgs.describe_resource_policy()["ResourcePolicy"] == put["ResourcePolicy"]
    assert orgs.list_tags_for_resource(ResourceId=summary["Id"])["Tags"] == [{"Key": "team", "Value": "blue"}]

    # A second put replaces the content and keeps the policy's ID.
    narrower = READ_ORGANIZATION.replace(', "organizations:ListAccounts"', "")
    replaced = orgs.put_resource_policy(Content=narrower)["ResourcePolicy"]
    assert (replaced["ResourcePolicySummary"]["Id"], replaced["Content"]) == (summary["Id"], narrower)

    orgs.register_delegated_administrator(AccountId=member_id, ServicePrincipal="config.amazonaws.com")
    member = as_account(live_server, member_id)
    assert member.describe_resource_policy()["ResourcePolicy"]["Content"] == narrower
    assert error_of(member.delete_resource_policy)[0]["Code"] == "AccessDeniedException"

    orgs.delete_resource_policy()
    assert error_of(orgs.describe_resource_policy)[0]["Code"] == "ResourcePolicyNotFoundException"
    assert error_of(orgs.delete_resource_policy)[0]["Code"] == "ResourcePolicyNotFoundException"
    assert (
        error_of(orgs.list_tags_for_resource, ResourceId=summary["Id"])[0]["Code"]
        == "TargetNotFoundException"
    )


def test_a_malformed_or_oversized_resource_policy_is_refused(orgs, organization):
    error, _ = error_of(orgs.put_resource_policy, Content="{not json")
    assert error["Code"] == "MalformedPolicyDocumentException"
    # A resource policy names its principals.
    no_principal = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "organizations:*", "Resource": "*"}],
        }
    )
    assert (
        error_of(orgs.put_resource_policy, Content=no_principal)[0]["Code"]
        == "MalformedPolicyDocumentException"
    )
    padded = READ_ORGANIZATION[:-1] + ', "Padding": "' + "x" * 40000 + '"}'
    with pytest.raises(orgs.exceptions.InvalidInputException) as caught:
        orgs.put_resource_policy(Content=padded)
    assert caught.value.response["Reason"] == "MAX_LENGTH_EXCEEDED"
    assert error_of(orgs.describe_resource_policy)[0]["Code"] == "ResourcePolicyNotFoundException"


# Delegated administrators, in AWS's words


def test_delegated_administrator_errors_in_aws_words(orgs, organization, member_id):
    management = organization["MasterAccountId"]
    for call in (orgs.register_delegated_administrator, orgs.deregister_delegated_administrator):
        with pytest.raises(orgs.exceptions.ConstraintViolationException) as caught:
            call(AccountId=management, ServicePrincipal="ssm.amazonaws.com")
        assert caught.value.response["Error"]["Message"] == (
            "You cannot register management account/yourself as delegated administrator for your organization."
        )
        error, _ = error_of(call, AccountId="000000000000", ServicePrincipal="ssm.amazonaws.com")
        assert error["Code"] == "AccountNotFoundException"

    orgs.register_delegated_administrator(AccountId=member_id, ServicePrincipal="ssm.amazonaws.com")
    error, _ = error_of(
        orgs.register_delegated_administrator, AccountId=member_id, ServicePrincipal="ssm.amazonaws.com"
    )
    assert (
        error["Message"] == "The provided account is already a delegated administrator for your organization."
    )
    orgs.deregister_delegated_administrator(AccountId=member_id, ServicePrincipal="ssm.amazonaws.com")
    error, _ = error_of(
        orgs.deregister_delegated_administrator, AccountId=member_id, ServicePrincipal="ssm.amazonaws.com"
    )
    assert error["Message"] == (
        "The provided account is not a registered delegated administrator for your organization."
    )


def test_list_delegated_administrators_refuses_an_unrecognized_service_principal(orgs, organization):
    error, _ = error_of(orgs.list_delegated_administrators, ServicePrincipal="moto.amazonaws.com")
    assert (error["Code"], error["Message"]) == (
        "InvalidInputException",
        "You specified an unrecognized service principal.",
    )


# Lists in the order things were made, as AWS lists them


def test_accounts_ous_and_policies_are_listed_in_the_order_they_were_made(orgs, organization):
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    names = ["zulu", "alpha", "mike"]
    accounts = [
        orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
        for name in names
    ]
    assert [a["Id"] for a in orgs.list_accounts()["Accounts"]] == [organization["MasterAccountId"], *accounts]
    units = [
        orgs.create_organizational_unit(ParentId=root_id, Name=name)["OrganizationalUnit"]["Id"]
        for name in names
    ]
    listed = orgs.list_organizational_units_for_parent(ParentId=root_id)["OrganizationalUnits"]
    assert [ou["Id"] for ou in listed] == units
    children = orgs.list_children(ParentId=root_id, ChildType="ORGANIZATIONAL_UNIT")["Children"]
    assert [child["Id"] for child in children] == units
    deny = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    )
    for name in names:
        orgs.create_policy(Name=name, Description="", Type="SERVICE_CONTROL_POLICY", Content=deny)
    listed = orgs.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    assert [policy["Name"] for policy in listed] == ["FullAWSAccess", *names]


def test_describe_account_outside_an_organization_is_account_not_found(orgs, api_account):
    """AWS's AccountNotFoundException covers a caller whose account is in no organization."""
    error, _ = error_of(orgs.describe_account, AccountId="111111111112")
    assert (error["Code"], error["Message"]) == (
        "AccountNotFoundException",
        "You specified an account that doesn't exist.",
    )
