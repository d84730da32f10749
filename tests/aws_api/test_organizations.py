"""AWS Organizations through boto3 against the live server (JSON 1.1): the organization, its OUs and
accounts, invitations, SCPs and RCPs, tags, delegated administrators, pagination, Organizations' errors,
the engine's refusals (SCPs included) and authentication errors in the JSON protocol's words."""

import datetime
import json
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from access.acting import Acting
from accounts.models import Account, AuditEvent, TemporaryCredential
from accounts.services.access_keys import access_key_create
from accounts.services.sts import get_session_token
from iamconsole.aws_api.organizations import HANDLERS
from organizations.models import Organization
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .conftest import allow, client, error_of

pytestmark = pytest.mark.django_db(transaction=True)

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"
NOT_IN_USE = "Your account is not a member of an organization."
NOT_PERMITTED = "You don't have permissions to access this resource."
DENY_CREATE_USER = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}
)


def keys_of(account, user=None):
    key, secret = access_key_create(account=account, user=user, acting=Acting(account=account))
    return key.access_key_id, secret


@pytest.fixture
def orgs(live_server, root_keys):
    """boto3's Organizations client signed with the API account's root user keys."""
    return client(live_server, *root_keys, service="organizations")


@pytest.fixture
def orgs_unvalidated(live_server, root_keys):
    return client(live_server, *root_keys, service="organizations", parameter_validation=False)


@pytest.fixture
def organization(orgs):
    return orgs.create_organization(FeatureSet="ALL")["Organization"]


@pytest.fixture
def root_id(orgs, organization):
    """The root's ID, with SCPs enabled in it (a new organization has none enabled)."""
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root_id, PolicyType=SCP)
    return root_id


@pytest.fixture
def member_id(orgs, organization):
    status = orgs.create_account(Email="dave@example.com", AccountName="Dave's workload")[
        "CreateAccountStatus"
    ]
    return status["AccountId"]


def as_account(live_server, account_id, service="organizations"):
    """A client signed with the root user keys of the account `account_id`."""
    return client(live_server, *keys_of(Account.objects.get(pk=account_id)), service=service)


def full_error(call, **kwargs):
    """(Error, HTTP status, response headers) of the ClientError the call raises."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (
        response,
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["ResponseMetadata"]["HTTPHeaders"],
    )


# The organization


def test_an_account_outside_any_organization_gets_the_json_error_shape(orgs, api_account):
    response, status, headers = full_error(orgs.describe_organization)
    assert response["Error"] == {"Code": "AWSOrganizationsNotInUseException", "Message": NOT_IN_USE}
    assert status == 400
    assert headers["x-amzn-errortype"] == "AWSOrganizationsNotInUseException"
    assert headers["content-type"] == "application/x-amz-json-1.1"


def test_create_describe_and_delete_an_organization(orgs, api_account):
    created = orgs.create_organization(FeatureSet="ALL")["Organization"]
    assert created["Id"].startswith("o-")
    assert created["MasterAccountId"] == api_account.id
    assert created["MasterAccountEmail"] == api_account.root_email
    assert created["Arn"] == f"arn:aws:organizations::{api_account.id}:organization/{created['Id']}"
    assert orgs.describe_organization()["Organization"] == created

    assert created["AvailablePolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    root = orgs.list_roots()["Roots"][0]
    # As AWS creates an organization with all features: no policy type enabled in the root yet; enabling
    # SCPs attaches FullAWSAccess to the root and the management account.
    assert root["Id"].startswith("r-") and root["Name"] == "Root"
    assert root["PolicyTypes"] == []
    assert orgs.list_policies_for_target(TargetId=root["Id"], Filter=SCP)["Policies"] == []
    enabled = orgs.enable_policy_type(RootId=root["Id"], PolicyType=SCP)["Root"]
    assert enabled["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    for target in (root["Id"], api_account.id):
        attached = orgs.list_policies_for_target(TargetId=target, Filter="SERVICE_CONTROL_POLICY")["Policies"]
        assert [policy["Name"] for policy in attached] == ["FullAWSAccess"]

    error, status = error_of(orgs.create_organization)
    assert error["Code"] == "AlreadyInOrganizationException" and status == 400

    orgs.delete_organization()
    assert error_of(orgs.describe_organization)[0]["Code"] == "AWSOrganizationsNotInUseException"
    assert not Organization.objects.exists()


def test_an_organization_with_members_cannot_be_deleted(orgs, member_id):
    error, _ = error_of(orgs.delete_organization)
    assert error["Code"] == "OrganizationNotEmptyException"


# Organizational units and the tree


def test_organizational_units_create_describe_rename_list_and_delete(orgs, root_id):
    prod = orgs.create_organizational_unit(ParentId=root_id, Name="Prod")["OrganizationalUnit"]
    assert prod["Id"].startswith(f"ou-{root_id[2:]}-") and prod["Name"] == "Prod"
    web = orgs.create_organizational_unit(ParentId=prod["Id"], Name="Web")["OrganizationalUnit"]
    assert orgs.describe_organizational_unit(OrganizationalUnitId=web["Id"])["OrganizationalUnit"] == web

    renamed = orgs.update_organizational_unit(OrganizationalUnitId=web["Id"], Name="Frontend")
    assert renamed["OrganizationalUnit"]["Name"] == "Frontend"
    assert [
        ou["Name"]
        for ou in orgs.list_organizational_units_for_parent(ParentId=prod["Id"])["OrganizationalUnits"]
    ] == ["Frontend"]
    assert orgs.list_children(ParentId=root_id, ChildType="ORGANIZATIONAL_UNIT")["Children"] == [
        {"Id": prod["Id"], "Type": "ORGANIZATIONAL_UNIT"}
    ]
    assert orgs.list_parents(ChildId=web["Id"])["Parents"] == [
        {"Id": prod["Id"], "Type": "ORGANIZATIONAL_UNIT"}
    ]
    assert orgs.list_parents(ChildId=prod["Id"])["Parents"] == [{"Id": root_id, "Type": "ROOT"}]

    error, _ = error_of(orgs.create_organizational_unit, ParentId=root_id, Name="Prod")
    assert error["Code"] == "DuplicateOrganizationalUnitException"
    error, _ = error_of(orgs.delete_organizational_unit, OrganizationalUnitId=prod["Id"])
    assert error["Code"] == "OrganizationalUnitNotEmptyException"

    orgs.delete_organizational_unit(OrganizationalUnitId=web["Id"])
    error, _ = error_of(orgs.describe_organizational_unit, OrganizationalUnitId=web["Id"])
    assert (error["Code"], error["Message"]) == (
        "OrganizationalUnitNotFoundException",
        "You specified an organizational unit that doesn't exist.",
    )


def test_unknown_parents_and_children_are_not_found(orgs, root_id):
    error, _ = error_of(orgs.list_organizational_units_for_parent, ParentId="ou-abcd-12345678")
    assert error["Code"] == "ParentNotFoundException"
    error, _ = error_of(orgs.list_parents, ChildId="123456789012")
    assert error["Code"] == "ChildNotFoundException"


# Malformed requests: Organizations' InvalidInputException with its reason


def test_a_malformed_request_is_invalid_input_with_its_reason(orgs_unvalidated, root_id):
    response, status, _ = full_error(orgs_unvalidated.create_organizational_unit, ParentId=root_id)
    assert response["Error"] == {
        "Code": "InvalidInputException",
        "Message": "You must specify a value for all required parameters.",
    }
    assert (response["Reason"], status) == ("INPUT_REQUIRED", 400)

    response, _, _ = full_error(orgs_unvalidated.create_organizational_unit, ParentId="root", Name="x")
    assert (response["Error"]["Code"], response["Reason"]) == ("InvalidInputException", "INVALID_PATTERN")
    assert response["Error"]["Message"] == "You provided a value that does not match the required pattern."

    response, _, _ = full_error(orgs_unvalidated.list_accounts, MaxResults=21)
    assert response["Reason"] == "MAX_VALUE_EXCEEDED"
    response, _, _ = full_error(orgs_unvalidated.list_accounts, NextToken="not a token")
    assert response["Reason"] == "INVALID_NEXT_TOKEN"
    response, _, _ = full_error(
        orgs_unvalidated.attach_policy, PolicyId="p-FullAWSAccess", TargetId="nowhere"
    )
    assert response["Reason"] == "INVALID_PATTERN_TARGET_ID"


# Accounts


def test_create_account_reports_its_status_and_the_account_joins_under_the_root(orgs, organization, root_id):
    status = orgs.create_account(Email="dave@example.com", AccountName="Dave")["CreateAccountStatus"]
    assert status["Id"].startswith("car-")
    assert (status["State"], status["AccountName"]) == ("SUCCEEDED", "Dave")
    assert isinstance(status["RequestedTimestamp"], datetime.datetime)
    polled = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    assert polled == status

    taken = orgs.create_account(Email="dave@example.com", AccountName="Dave again")["CreateAccountStatus"]
    assert (taken["State"], taken["FailureReason"]) == ("FAILED", "EMAIL_ALREADY_EXISTS")
    assert "AccountId" not in taken
    failed = orgs.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
    assert [each["Id"] for each in failed] == [taken["Id"]]

    account = orgs.describe_account(AccountId=status["AccountId"])["Account"]
    assert account["Email"] == "dave@example.com" and account["JoinedMethod"] == "CREATED"
    assert account["Arn"] == (
        f"arn:aws:organizations::{organization['MasterAccountId']}:account/{organization['Id']}/{account['Id']}"
    )
    assert account["Id"] in [
        each["Id"] for each in orgs.list_accounts_for_parent(ParentId=root_id)["Accounts"]
    ]

    error, _ = error_of(orgs.describe_create_account_status, CreateAccountRequestId="car-abcdefgh12")
    assert error["Code"] == "CreateAccountStatusNotFoundException"


def test_the_new_account_has_the_access_role_the_request_names(orgs, organization, live_server):
    status = orgs.create_account(Email="erin@example.com", AccountName="Erin", RoleName="OrgAdmin")
    member_iam = as_account(live_server, status["CreateAccountStatus"]["AccountId"], service="iam")
    assert member_iam.get_role(RoleName="OrgAdmin")["Role"]["RoleName"] == "OrgAdmin"


def test_move_and_remove_an_account(orgs, root_id, member_id):
    ou = orgs.create_organizational_unit(ParentId=root_id, Name="Prod")["OrganizationalUnit"]
    error, _ = error_of(
        orgs.move_account, AccountId=member_id, SourceParentId=ou["Id"], DestinationParentId=root_id
    )
    assert error["Code"] == "SourceParentNotFoundException"
    orgs.move_account(AccountId=member_id, SourceParentId=root_id, DestinationParentId=ou["Id"])
    assert [a["Id"] for a in orgs.list_accounts_for_parent(ParentId=ou["Id"])["Accounts"]] == [member_id]
    assert orgs.list_parents(ChildId=member_id)["Parents"] == [
        {"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}
    ]
    error, _ = error_of(
        orgs.move_account, AccountId=member_id, SourceParentId=ou["Id"], DestinationParentId=ou["Id"]
    )
    assert error["Code"] == "DuplicateAccountException"

    orgs.remove_account_from_organization(AccountId=member_id)
    error, _ = error_of(orgs.describe_account, AccountId=member_id)
    assert (error["Code"], error["Message"]) == (
        "AccountNotFoundException",
        "You specified an account that doesn't exist.",
    )
    error, _ = error_of(
        orgs.remove_account_from_organization,
        AccountId=orgs.describe_organization()["Organization"]["MasterAccountId"],
    )
    assert error["Code"] == "MasterCannotLeaveOrganizationException"


def test_list_accounts_pages_with_next_token_and_max_results(orgs, organization):
    for name in ("a", "b", "c"):
        orgs.create_account(Email=f"{name}@example.com", AccountName=name)
    everyone = [account["Id"] for account in orgs.list_accounts()["Accounts"]]
    assert len(everyone) == 4

    first = orgs.list_accounts(MaxResults=3)
    assert [a["Id"] for a in first["Accounts"]] == everyone[:3]
    rest = orgs.list_accounts(MaxResults=3, NextToken=first["NextToken"])
    assert [a["Id"] for a in rest["Accounts"]] == everyone[3:] and "NextToken" not in rest

    pages = orgs.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 1})
    assert [a["Id"] for page in pages for a in page["Accounts"]] == everyone


def test_list_accounts_reads_a_fixed_number_of_queries(
    organization, api_account, orgs, django_assert_max_num_queries
):
    """Authorize, the organization, the page of accounts, the event with its last accessed rollup in one
    transaction (BEGIN, INSERT, upsert, COMMIT on SQLite): however many accounts there are."""
    acting = Acting(account=api_account)
    for count, name in enumerate(("one", "two", "three"), start=2):
        orgs.create_account(Email=f"{name}@example.com", AccountName=name)
        with django_assert_max_num_queries(7):
            assert len(HANDLERS["ListAccounts"](acting, {})["Accounts"]) == count


# Invitations


def test_invite_accept_and_leave(orgs, organization, live_server):
    invited = AccountFactory(name="Charlie", root_email="charlie@example.com")
    handshake = orgs.invite_account_to_organization(
        Target={"Id": invited.id, "Type": "ACCOUNT"}, Notes="Join us"
    )["Handshake"]
    assert (handshake["State"], handshake["Action"]) == ("OPEN", "INVITE")
    assert handshake["Parties"] == [
        {"Id": organization["Id"], "Type": "ORGANIZATION"},
        {"Id": invited.id, "Type": "ACCOUNT"},
    ]
    assert {"Value": "Join us", "Type": "NOTES"} in handshake["Resources"]
    assert [h["Id"] for h in orgs.list_handshakes_for_organization()["Handshakes"]] == [handshake["Id"]]
    error, _ = error_of(orgs.invite_account_to_organization, Target={"Id": invited.id, "Type": "ACCOUNT"})
    assert error["Code"] == "DuplicateHandshakeException"

    theirs = as_account(live_server, invited.id)
    assert [h["Id"] for h in theirs.list_handshakes_for_account()["Handshakes"]] == [handshake["Id"]]
    assert theirs.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "OPEN"
    assert theirs.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "ACCEPTED"
    error, _ = error_of(theirs.accept_handshake, HandshakeId=handshake["Id"])
    assert error["Code"] == "InvalidHandshakeTransitionException"

    assert theirs.describe_organization()["Organization"]["Id"] == organization["Id"]
    assert orgs.describe_account(AccountId=invited.id)["Account"]["JoinedMethod"] == "INVITED"
    # A member account may not call the management account's operations.
    error, _ = error_of(theirs.list_accounts)
    assert error["Code"] == "AccessDeniedException"

    theirs.leave_organization()
    assert error_of(theirs.describe_organization)[0]["Code"] == "AWSOrganizationsNotInUseException"


def test_handshakes_declined_canceled_and_hidden_from_outsiders(orgs, organization, live_server):
    first, second = AccountFactory(name="One"), AccountFactory(name="Two")
    declined = orgs.invite_account_to_organization(Target={"Id": first.id, "Type": "ACCOUNT"})["Handshake"]
    canceled = orgs.invite_account_to_organization(Target={"Id": second.root_email, "Type": "EMAIL"})[
        "Handshake"
    ]
    assert canceled["Parties"][1] == {"Id": second.root_email, "Type": "EMAIL"}
    response, _, _ = full_error(
        orgs.invite_account_to_organization, Target={"Id": organization["Id"], "Type": "ORGANIZATION"}
    )
    assert (response["Error"]["Code"], response["Reason"]) == (
        "InvalidInputException",
        "INVALID_PARTY_TYPE_TARGET",
    )

    assert as_account(live_server, first.id).decline_handshake(HandshakeId=declined["Id"])["Handshake"][
        "State"
    ] == ("DECLINED")
    assert orgs.cancel_handshake(HandshakeId=canceled["Id"])["Handshake"]["State"] == "CANCELED"
    error, _ = error_of(as_account(live_server, second.id).accept_handshake, HandshakeId=canceled["Id"])
    assert error["Code"] == "InvalidHandshakeTransitionException"
    # Someone else's handshake is not there for an outsider.
    error, _ = error_of(
        as_account(live_server, AccountFactory().id).describe_handshake, HandshakeId=declined["Id"]
    )
    assert error["Code"] == "HandshakeNotFoundException"


# Policies


def test_policy_types_policies_attachments_and_targets(orgs, root_id, member_id):
    # The root_id fixture enabled SCPs already.
    error, _ = error_of(orgs.enable_policy_type, RootId=root_id, PolicyType=SCP)
    assert error["Code"] == "PolicyTypeAlreadyEnabledException"
    error, _ = error_of(orgs.enable_policy_type, RootId="r-zzzz", PolicyType=SCP)
    assert error["Code"] == "RootNotFoundException"

    policy = orgs.create_policy(
        Name="DenyCreateUser", Description="no new users", Type=SCP, Content=DENY_CREATE_USER
    )["Policy"]
    summary = policy["PolicySummary"]
    assert (summary["Name"], summary["AwsManaged"], summary["Type"]) == ("DenyCreateUser", False, SCP)
    assert orgs.describe_policy(PolicyId=summary["Id"])["Policy"] == policy
    names = [p["Name"] for p in orgs.list_policies(Filter=SCP)["Policies"]]
    assert names == ["FullAWSAccess", "DenyCreateUser"]

    orgs.attach_policy(PolicyId=summary["Id"], TargetId=member_id)
    attached = orgs.list_policies_for_target(TargetId=member_id, Filter=SCP)["Policies"]
    assert {p["Name"] for p in attached} == {"FullAWSAccess", "DenyCreateUser"}
    targets = orgs.list_targets_for_policy(PolicyId=summary["Id"])["Targets"]
    assert [(t["TargetId"], t["Type"], t["Name"]) for t in targets] == [
        (member_id, "ACCOUNT", "Dave's workload")
    ]
    error, _ = error_of(orgs.attach_policy, PolicyId=summary["Id"], TargetId=member_id)
    assert error["Code"] == "DuplicatePolicyAttachmentException"
    error, _ = error_of(orgs.delete_policy, PolicyId=summary["Id"])
    assert error["Code"] == "PolicyInUseException"

    updated = orgs.update_policy(PolicyId=summary["Id"], Description="still no new users")["Policy"]
    assert updated["PolicySummary"]["Description"] == "still no new users"
    orgs.detach_policy(PolicyId=summary["Id"], TargetId=member_id)
    error, _ = error_of(orgs.detach_policy, PolicyId=summary["Id"], TargetId=member_id)
    assert error["Code"] == "PolicyNotAttachedException"
    orgs.delete_policy(PolicyId=summary["Id"])
    # The reads and the writes word a missing policy differently, as AWS does.
    for write in (orgs.delete_policy, orgs.update_policy):
        error, _ = error_of(write, PolicyId=summary["Id"])
        assert error["Message"] == "We can't find a policy with the PolicyId that you specified."
    error, _ = error_of(orgs.list_targets_for_policy, PolicyId=summary["Id"])
    assert error["Message"] == "You specified a policy that doesn't exist."
    error, _ = error_of(orgs.describe_policy, PolicyId=summary["Id"])
    assert (error["Code"], error["Message"]) == (
        "PolicyNotFoundException",
        "You specified a policy that doesn't exist.",
    )

    assert orgs.disable_policy_type(RootId=root_id, PolicyType=SCP)["Root"]["PolicyTypes"] == []


def test_malformed_documents_unknown_policies_and_rcp_full_access_detach_are_refused(orgs, root_id):
    error, _ = error_of(orgs.create_policy, Name="x", Description="", Type=SCP, Content="{not json")
    assert error["Code"] == "MalformedPolicyDocumentException"
    orgs.enable_policy_type(RootId=root_id, PolicyType=RCP)
    rcp = orgs.list_policies(Filter=RCP)["Policies"][0]
    assert (rcp["Name"], rcp["AwsManaged"]) == ("RCPFullAWSAccess", True)
    error, _ = error_of(orgs.detach_policy, PolicyId=rcp["Id"], TargetId=root_id)
    assert error["Code"] == "ConstraintViolationException"
    error, _ = error_of(orgs.attach_policy, PolicyId="p-abcdefgh12", TargetId=root_id)
    assert error["Code"] == "PolicyNotFoundException"


def test_effective_policies_do_not_apply_to_scps_or_rcps(orgs_unvalidated, member_id):
    for policy_type in (SCP, RCP):
        response, status, _ = full_error(
            orgs_unvalidated.describe_effective_policy, PolicyType=policy_type, TargetId=member_id
        )
        assert response["Error"] == {
            "Code": "InvalidInputException",
            "Message": "You specified an invalid policy type string.",
        }
        assert (response["Reason"], status) == ("INVALID_ENUM_POLICY_TYPE", 400)
    error, _ = error_of(
        orgs_unvalidated.describe_effective_policy, PolicyType="TAG_POLICY", TargetId=member_id
    )
    assert error["Code"] == "EffectivePolicyNotFoundException"


# Tags


def test_a_resource_holds_fifty_tags_at_most(orgs, member_id):
    orgs.tag_resource(ResourceId=member_id, Tags=[{"Key": f"k{n}", "Value": "v"} for n in range(49)])
    # Overwriting a key adds nothing; the 50th key fits, the 51st does not.
    orgs.tag_resource(ResourceId=member_id, Tags=[{"Key": "k0", "Value": "w"}, {"Key": "k49", "Value": "v"}])
    error, status = error_of(orgs.tag_resource, ResourceId=member_id, Tags=[{"Key": "k50", "Value": "v"}])
    assert (error["Code"], status) == ("ConstraintViolationException", 400)
    assert len(orgs.list_tags_for_resource(ResourceId=member_id)["Tags"]) == 50


def test_tags_set_on_create_added_overwritten_removed_and_listed_on_ous_accounts_and_policies(
    orgs, root_id, member_id
):
    ou = orgs.create_organizational_unit(
        ParentId=root_id, Name="Prod", Tags=[{"Key": "env", "Value": "prod"}]
    )
    ou_id = ou["OrganizationalUnit"]["Id"]
    assert orgs.list_tags_for_resource(ResourceId=ou_id)["Tags"] == [{"Key": "env", "Value": "prod"}]

    orgs.tag_resource(
        ResourceId=member_id, Tags=[{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "7"}]
    )
    orgs.tag_resource(ResourceId=member_id, Tags=[{"Key": "team", "Value": "red"}])
    assert orgs.list_tags_for_resource(ResourceId=member_id)["Tags"] == [
        {"Key": "cost", "Value": "7"},
        {"Key": "team", "Value": "red"},
    ]
    orgs.untag_resource(ResourceId=member_id, TagKeys=["cost", "absent"])
    assert orgs.list_tags_for_resource(ResourceId=member_id)["Tags"] == [{"Key": "team", "Value": "red"}]

    policy = orgs.create_policy(
        Name="p", Description="", Type=SCP, Content=DENY_CREATE_USER, Tags=[{"Key": "k", "Value": "v"}]
    )["Policy"]
    assert orgs.list_tags_for_resource(ResourceId=policy["PolicySummary"]["Id"])["Tags"] == [
        {"Key": "k", "Value": "v"}
    ]

    error, _ = error_of(orgs.tag_resource, ResourceId="ou-abcd-12345678", Tags=[{"Key": "a", "Value": "b"}])
    assert error["Code"] == "TargetNotFoundException"
    error, _ = error_of(orgs.tag_resource, ResourceId=member_id, Tags=[{"Key": "aws:x", "Value": "b"}])
    assert error["Code"] == "InvalidInputException"


# Delegated administrators


def test_delegated_administrators_register_list_and_deregister_with_their_errors(
    orgs, organization, member_id
):
    service = "securityhub.amazonaws.com"
    orgs.register_delegated_administrator(AccountId=member_id, ServicePrincipal=service)
    admins = orgs.list_delegated_administrators()["DelegatedAdministrators"]
    assert [(a["Id"], a["Name"]) for a in admins] == [(member_id, "Dave's workload")]
    assert isinstance(admins[0]["DelegationEnabledDate"], datetime.datetime)
    assert (
        orgs.list_delegated_administrators(ServicePrincipal="guardduty.amazonaws.com")[
            "DelegatedAdministrators"
        ]
        == []
    )
    delegated = orgs.list_delegated_services_for_account(AccountId=member_id)["DelegatedServices"]
    assert [d["ServicePrincipal"] for d in delegated] == [service]

    error, _ = error_of(orgs.register_delegated_administrator, AccountId=member_id, ServicePrincipal=service)
    assert error["Code"] == "AccountAlreadyRegisteredException"
    error, _ = error_of(
        orgs.register_delegated_administrator,
        AccountId=organization["MasterAccountId"],
        ServicePrincipal=service,
    )
    assert error["Code"] == "ConstraintViolationException"
    error, _ = error_of(
        orgs.register_delegated_administrator, AccountId=member_id, ServicePrincipal="nothing"
    )
    assert error["Code"] == "InvalidInputException"

    orgs.deregister_delegated_administrator(AccountId=member_id, ServicePrincipal=service)
    error, _ = error_of(
        orgs.deregister_delegated_administrator, AccountId=member_id, ServicePrincipal=service
    )
    assert error["Code"] == "AccountNotRegisteredException"
    error, _ = error_of(orgs.list_delegated_services_for_account, AccountId=member_id)
    assert error["Code"] == "AccountNotRegisteredException"


def test_a_delegated_administrator_may_read_the_organization_but_not_change_it(orgs, member_id, live_server):
    member = as_account(live_server, member_id)
    assert error_of(member.list_accounts)[0]["Code"] == "AccessDeniedException"
    orgs.register_delegated_administrator(AccountId=member_id, ServicePrincipal="securityhub.amazonaws.com")

    assert len(member.list_accounts()["Accounts"]) == 2
    assert member.list_roots()["Roots"][0]["Id"].startswith("r-")
    error, _ = error_of(
        member.create_organizational_unit, ParentId=member.list_roots()["Roots"][0]["Id"], Name="x"
    )
    assert error["Code"] == "AccessDeniedException"

    orgs.deregister_delegated_administrator(AccountId=member_id, ServicePrincipal="securityhub.amazonaws.com")
    assert error_of(member.list_accounts)[0]["Code"] == "AccessDeniedException"


# Enforcement


def test_an_iam_user_without_organizations_permissions_is_refused(live_server, api_account, organization):
    user = IAMUserFactory(account=api_account, name="nobody")
    theirs = client(live_server, *keys_of(api_account, user), service="organizations")
    for call, kwargs in (
        (theirs.list_accounts, {}),
        (theirs.create_organizational_unit, {"ParentId": "r-abcd", "Name": "x"}),
    ):
        response, status, _ = full_error(call, **kwargs)
        assert response["Error"] == {"Code": "AccessDeniedException", "Message": NOT_PERMITTED}
        assert status == 400
    # Refused before the parent is looked up: r-abcd does not exist, yet the answer is AccessDenied.
    refused = AuditEvent.objects.filter(event_source="organizations.amazonaws.com", error_code="AccessDenied")
    assert sorted(refused.values_list("event_name", flat=True)) == [
        "CreateOrganizationalUnit",
        "ListAccounts",
    ]


def test_an_iam_user_allowed_organizations_calls_them(live_server, api_account, organization):
    user = IAMUserFactory(account=api_account, name="orgadmin")
    inline_policy_put(
        name="org",
        document=json.dumps({"Version": "2012-10-17", "Statement": [allow("organizations:List*")]}),
        user=user,
        acting=Acting(account=api_account),
    )
    theirs = client(live_server, *keys_of(api_account, user), service="organizations")
    assert len(theirs.list_accounts()["Accounts"]) == 1
    assert error_of(theirs.describe_organization)[0]["Code"] == "AccessDeniedException"
    recorded = AuditEvent.objects.get(event_name="ListAccounts", error_code="")
    assert (recorded.read_only, recorded.event_source) == (True, "organizations.amazonaws.com")


def test_an_scp_denies_a_member_accounts_iam_call_and_its_organizations_call(
    orgs, root_id, member_id, live_server
):
    deny = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Action": ["iam:CreateUser", "organizations:Describe*"], "Resource": "*"}
            ],
        }
    )
    policy = orgs.create_policy(Name="deny", Description="", Type=SCP, Content=deny)["Policy"]
    member_iam = as_account(live_server, member_id, service="iam")
    member_orgs = as_account(live_server, member_id)
    member_iam.create_user(UserName="before")
    assert member_orgs.describe_organization()["Organization"]["Id"]

    orgs.attach_policy(PolicyId=policy["PolicySummary"]["Id"], TargetId=member_id)
    error, _ = error_of(member_iam.create_user, UserName="after")
    assert error["Code"] == "AccessDenied"
    assert "with an explicit deny in a service control policy" in error["Message"]
    response, _, _ = full_error(member_orgs.describe_organization)
    assert response["Error"] == {"Code": "AccessDeniedException", "Message": NOT_PERMITTED}
    # The management account is never bound by its SCPs.
    assert orgs.describe_organization()["Organization"]["Id"]


def test_writes_are_recorded_under_organizations_event_source(orgs, root_id):
    orgs.create_organizational_unit(ParentId=root_id, Name="Audited")
    event = AuditEvent.objects.get(event_name="CreateOrganizationalUnit")
    assert event.event_source == "organizations.amazonaws.com"
    assert event.request_parameters == {"parentId": root_id, "name": "Audited"}


# Authentication, in the JSON protocol's words


def test_an_unknown_key_is_unrecognized_client(live_server, api_account):
    theirs = client(live_server, "AKIAIOSFODNN7EXAMPLE", "x" * 40, service="organizations")
    response, status, _ = full_error(theirs.describe_organization)
    assert response["Error"] == {
        "Code": "UnrecognizedClientException",
        "Message": "The security token included in the request is invalid.",
    }
    assert status == 400


def test_a_wrong_secret_is_an_invalid_signature(live_server, root_keys):
    theirs = client(live_server, root_keys[0], "x" * 40, service="organizations")
    response, _, _ = full_error(theirs.describe_organization)
    assert response["Error"]["Code"] == "InvalidSignatureException"
    assert response["Error"]["Message"].startswith("The request signature we calculated does not match")


def test_expired_session_credentials_are_an_expired_token(live_server, api_account):
    issued = get_session_token(user=api_account, duration_seconds=3600, acting=Acting(account=api_account))
    TemporaryCredential.objects.filter(pk=issued.credential.pk).update(
        expiration=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    theirs = boto3.client(
        "organizations",
        endpoint_url=live_server.url,
        aws_access_key_id=issued.access_key_id,
        aws_secret_access_key=issued.secret_access_key,
        aws_session_token=issued.session_token,
        region_name="us-east-1",
    )
    response, _, _ = full_error(theirs.describe_organization)
    assert response["Error"] == {
        "Code": "ExpiredTokenException",
        "Message": "The security token included in the request is expired",
    }


def test_an_unsigned_call_and_an_unknown_target(live_server, orgs):
    unsigned = urllib.request.Request(
        live_server.url + "/",
        data=b"{}",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSOrganizationsV20161128.DescribeOrganization",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(unsigned, timeout=10)  # noqa: S310 — the live server's own URL
    assert answer.value.code == 400
    assert json.loads(answer.value.read()) == {
        "__type": "MissingAuthenticationTokenException",
        "Message": "Missing Authentication Token",
    }
    # An operation of the model the endpoint does not answer (or no such operation) is unknown.
    error, _ = error_of(orgs.create_gov_cloud_account, Email="gov@example.com", AccountName="gov")
    assert error["Code"] == "UnknownOperationException"


def test_new_ous_and_accounts_get_the_full_access_policies_of_the_enabled_types(orgs, organization):
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    before = orgs.create_organizational_unit(ParentId=root_id, Name="Before")["OrganizationalUnit"]["Id"]
    # Nothing is attached while no policy type is enabled (moto attaches them anyway).
    assert orgs.list_policies_for_target(TargetId=before, Filter=SCP)["Policies"] == []
    orgs.enable_policy_type(RootId=root_id, PolicyType=SCP)
    orgs.enable_policy_type(RootId=root_id, PolicyType=RCP)
    ou = orgs.create_organizational_unit(ParentId=root_id, Name="After")["OrganizationalUnit"]["Id"]
    account = orgs.create_account(Email="erin@example.com", AccountName="Erin")["CreateAccountStatus"][
        "AccountId"
    ]
    for target in (before, ou, account):
        for policy_type, name in ((SCP, "FullAWSAccess"), (RCP, "RCPFullAWSAccess")):
            attached = orgs.list_policies_for_target(TargetId=target, Filter=policy_type)["Policies"]
            assert [policy["Name"] for policy in attached] == [name]


def test_every_list_pages_twenty_at_most_unless_max_results_says_fewer(orgs, root_id):
    made = [
        orgs.create_organizational_unit(ParentId=root_id, Name=f"ou{number:02}")["OrganizationalUnit"]["Id"]
        for number in range(21)
    ]
    # Without MaxResults a page holds 20, AWS's most for these operations.
    first = orgs.list_organizational_units_for_parent(ParentId=root_id)
    assert [ou["Id"] for ou in first["OrganizationalUnits"]] == made[:20]
    rest = orgs.list_organizational_units_for_parent(ParentId=root_id, NextToken=first["NextToken"])
    assert [ou["Id"] for ou in rest["OrganizationalUnits"]] == made[20:] and "NextToken" not in rest

    children = orgs.get_paginator("list_children").paginate(
        ParentId=root_id, ChildType="ORGANIZATIONAL_UNIT", PaginationConfig={"PageSize": 7}
    )
    assert [len(page["Children"]) for page in children] == [7, 7, 7]

    for name in ("One", "Two"):
        orgs.create_policy(Name=name, Description="", Type=SCP, Content=DENY_CREATE_USER)
    policies = orgs.list_policies(Filter=SCP, MaxResults=2)
    assert [p["Name"] for p in policies["Policies"]] == ["FullAWSAccess", "One"]
    last = orgs.list_policies(Filter=SCP, MaxResults=2, NextToken=policies["NextToken"])
    assert [p["Name"] for p in last["Policies"]] == ["Two"] and "NextToken" not in last
    targets = orgs.list_targets_for_policy(PolicyId="p-FullAWSAccess", MaxResults=20)
    assert len(targets["Targets"]) == 20 and targets["NextToken"]


def padded(document, size):
    """`document` (JSON text with a "Sid": "") padded to exactly `size` characters through its Sid."""
    text = document.replace('"Sid": ""', '"Sid": "' + "A" * (size - len(document)) + '"', 1)
    assert len(text) == size
    return text


def test_scps_hold_10240_characters_and_ten_attach_to_a_target_rcps_keep_5120(orgs, root_id):
    """AWS doubled both SCP quotas on 15 May 2026; RCPs' stayed."""
    scp = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
        }
    )
    rcp = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
        }
    )
    orgs.enable_policy_type(RootId=root_id, PolicyType=RCP)
    orgs.create_policy(Name="big", Description="", Type=SCP, Content=padded(scp, 10240))
    error, _ = error_of(
        orgs.create_policy, Name="bigger", Description="", Type=SCP, Content=padded(scp, 10241)
    )
    assert error["Code"] == "ConstraintViolationException"
    orgs.create_policy(Name="rcp", Description="", Type=RCP, Content=padded(rcp, 5120))
    error, _ = error_of(orgs.create_policy, Name="rcp2", Description="", Type=RCP, Content=padded(rcp, 5121))
    assert error["Code"] == "ConstraintViolationException"

    # FullAWSAccess and nine more on the root; the eleventh is refused.
    for number in range(9):
        policy = orgs.create_policy(Name=f"deny{number}", Description="", Type=SCP, Content=scp)
        orgs.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=root_id)
    eleventh = orgs.create_policy(Name="deny9", Description="", Type=SCP, Content=scp)["Policy"][
        "PolicySummary"
    ]
    error, _ = error_of(orgs.attach_policy, PolicyId=eleventh["Id"], TargetId=root_id)
    assert (error["Code"], error["Message"]) == (
        "ConstraintViolationException",
        "You have attached the maximum number of policies to the specified target.",
    )
