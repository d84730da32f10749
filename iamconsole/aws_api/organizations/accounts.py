"""The organization's accounts: listing and describing them, CreateAccount and its status, MoveAccount,
RemoveAccountFromOrganization, invitations (handshakes) and delegated administrators."""

from django.db.models import Q

from aws.organizations_errors import (
    AccountNotFoundException,
    AccountNotRegisteredException,
    AWSOrganizationsNotInUseException,
    CreateAccountStatusNotFoundException,
    HandshakeNotFoundException,
    InvalidInputException,
)
from organizations import flows, services
from organizations.models import CreateAccountStatus, DelegatedAdministrator, Handshake, Membership

from .common import account_shape, administered, managed, operation, page, tag_pairs


def _memberships(organization):
    # In the order the accounts joined, as AWS lists them.
    return (
        Membership.objects.filter(organization=organization)
        .select_related("account", "organization")
        .order_by("joined_at", "account_id")
    )


@operation("ListAccounts", read_only=True)
def list_accounts(acting, params):
    return page([account_shape(m) for m in _memberships(administered(acting))], params, "Accounts")


@operation("ListAccountsForParent", read_only=True)
def list_accounts_for_parent(acting, params):
    organization = administered(acting)
    parent = services.parent_unit(organization, params["ParentId"])
    memberships = _memberships(organization).filter(parent=parent)
    return page([account_shape(m) for m in memberships], params, "Accounts")


@operation("DescribeAccount", read_only=True)
def describe_account(acting, params):
    try:
        organization = administered(acting)
    except AWSOrganizationsNotInUseException as exc:
        # AWS's AccountNotFoundException also covers "the account whose credentials you used to make
        # this request isn't a member of an organization".
        raise AccountNotFoundException() from exc
    return {"Account": account_shape(services.member_of(organization, params["AccountId"]))}


@operation("MoveAccount")
def move_account(acting, params):
    membership = services.member_of(managed(acting), params["AccountId"])
    services.account_move(
        membership=membership,
        source_id=params["SourceParentId"],
        destination_id=params["DestinationParentId"],
        acting=acting,
    )
    return {}


@operation("RemoveAccountFromOrganization")
def remove_account_from_organization(acting, params):
    services.account_remove(
        membership=services.member_of(managed(acting), params["AccountId"]), acting=acting
    )
    return {}


@operation("CloseAccount")
def close_account(acting, params):
    services.account_close(membership=services.member_of(managed(acting), params["AccountId"]), acting=acting)
    return {}


# CreateAccount and its status


def _status_shape(status):
    shape = {
        "Id": status.id,
        "AccountName": status.account_name,
        "State": status.state,
        "RequestedTimestamp": status.requested_at,
        "CompletedTimestamp": status.completed_at,
        "AccountId": status.account_id,
    }
    if status.failure_reason:
        shape["FailureReason"] = status.failure_reason
    return shape


@operation("CreateAccount")
def create_account(acting, params):
    status = flows.account_create_requested(
        organization=managed(acting),
        name=params["AccountName"],
        email=params["Email"],
        role_name=params.get("RoleName", services.ACCESS_ROLE_NAME),
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"CreateAccountStatus": _status_shape(status)}


@operation("DescribeCreateAccountStatus", read_only=True)
def describe_create_account_status(acting, params):
    status = CreateAccountStatus.objects.filter(
        organization=administered(acting), id=params["CreateAccountRequestId"]
    ).first()
    if status is None:
        raise CreateAccountStatusNotFoundException()
    return {"CreateAccountStatus": _status_shape(status)}


@operation("ListCreateAccountStatus", read_only=True)
def list_create_account_status(acting, params):
    statuses = CreateAccountStatus.objects.filter(organization=administered(acting))
    if params.get("States"):
        statuses = statuses.filter(state__in=params["States"])
    return page([_status_shape(status) for status in statuses], params, "CreateAccountStatuses")


# Invitations (handshakes)


def _handshake_shape(handshake):
    organization = handshake.organization
    management = organization.management_account
    party_type = handshake.party_type
    resources = [
        {
            "Value": organization.id,
            "Type": "ORGANIZATION",
            "Resources": [
                {"Value": management.root_email, "Type": "MASTER_EMAIL"},
                {"Value": management.name, "Type": "MASTER_NAME"},
                {"Value": organization.feature_set, "Type": "ORGANIZATION_FEATURE_SET"},
            ],
        },
        {"Value": handshake.party_id, "Type": party_type},
    ]
    if handshake.notes:
        resources.append({"Value": handshake.notes, "Type": "NOTES"})
    return {
        "Id": handshake.id,
        "Arn": handshake.arn,
        "Parties": [
            {"Id": organization.id, "Type": "ORGANIZATION"},
            {"Id": handshake.party_id, "Type": party_type},
        ],
        "State": handshake.current_state,
        "RequestedTimestamp": handshake.requested_at,
        "ExpirationTimestamp": handshake.expires_at,
        "Action": "INVITE",
        "Resources": resources,
    }


def _handshakes():
    return Handshake.objects.select_related("organization__management_account")


def _handshake(acting, handshake_id):
    """A handshake the caller's account may see: one it was sent, or one its organization sent."""
    visible = Q(account=acting.account) | Q(organization__management_account=acting.account)
    handshake = _handshakes().filter(visible, id=handshake_id).first()
    if handshake is None:
        raise HandshakeNotFoundException()
    return handshake


def _filtered(handshakes, params):
    # Every handshake here is an invitation (INVITE) with no parent handshake.
    wanted = params.get("Filter", {})
    if wanted.get("ParentHandshakeId") or wanted.get("ActionType", "INVITE") != "INVITE":
        return []
    return [_handshake_shape(handshake) for handshake in handshakes]


@operation("InviteAccountToOrganization")
def invite_account_to_organization(acting, params):
    target = params["Target"]
    if target["Type"] not in ("ACCOUNT", "EMAIL"):
        raise InvalidInputException(
            "You specified the wrong type of entity (account, organization, or email) as a party.",
            reason="INVALID_PARTY_TYPE_TARGET",
        )
    handshake = services.handshake_invite(
        organization=managed(acting), target=target["Id"], notes=params.get("Notes", ""), acting=acting
    )
    return {"Handshake": _handshake_shape(handshake)}


@operation("ListHandshakesForOrganization", read_only=True)
def list_handshakes_for_organization(acting, params):
    handshakes = _handshakes().filter(organization=administered(acting))
    return page(_filtered(handshakes, params), params, "Handshakes")


@operation("ListHandshakesForAccount", read_only=True)
def list_handshakes_for_account(acting, params):
    # Any account may list the invitations it received, in an organization or not.
    handshakes = _handshakes().filter(account=acting.account)
    return page(_filtered(handshakes, params), params, "Handshakes")


@operation("DescribeHandshake", read_only=True)
def describe_handshake(acting, params):
    return {"Handshake": _handshake_shape(_handshake(acting, params["HandshakeId"]))}


@operation("AcceptHandshake")
def accept_handshake(acting, params):
    handshake = services.handshake_accept(handshake=_handshake(acting, params["HandshakeId"]), acting=acting)
    return {"Handshake": _handshake_shape(handshake)}


@operation("DeclineHandshake")
def decline_handshake(acting, params):
    handshake = services.handshake_decline(handshake=_handshake(acting, params["HandshakeId"]), acting=acting)
    return {"Handshake": _handshake_shape(handshake)}


@operation("CancelHandshake")
def cancel_handshake(acting, params):
    handshake = services.handshake_cancel(handshake=_handshake(acting, params["HandshakeId"]), acting=acting)
    return {"Handshake": _handshake_shape(handshake)}


# Delegated administrators


@operation("RegisterDelegatedAdministrator")
def register_delegated_administrator(acting, params):
    services.delegated_administrator_register(
        organization=managed(acting),
        account_id=params["AccountId"],
        service_principal=params["ServicePrincipal"],
        acting=acting,
    )
    return {}


@operation("DeregisterDelegatedAdministrator")
def deregister_delegated_administrator(acting, params):
    services.delegated_administrator_deregister(
        organization=managed(acting),
        account_id=params["AccountId"],
        service_principal=params["ServicePrincipal"],
        acting=acting,
    )
    return {}


@operation("ListDelegatedAdministrators", read_only=True)
def list_delegated_administrators(acting, params):
    organization = administered(acting)
    delegations = DelegatedAdministrator.objects.filter(organization=organization).select_related(
        "account__membership__organization"
    )
    if "ServicePrincipal" in params:
        delegations = delegations.filter(
            service_principal=services.trusted_service(params["ServicePrincipal"])
        )
    administrators = {}
    for delegation in delegations:
        # One entry per account: the date it first became a delegated administrator.
        administrators.setdefault(
            delegation.account_id,
            {
                **account_shape(delegation.account.membership),
                "DelegationEnabledDate": delegation.delegated_at,
            },
        )
    return page(list(administrators.values()), params, "DelegatedAdministrators")


@operation("ListDelegatedServicesForAccount", read_only=True)
def list_delegated_delegatedfor_account(acting, params):
    organization = administered(acting)
    membership = services.member_of(organization, params["AccountId"])
    delegations = DelegatedAdministrator.objects.filter(organization=organization, account=membership.account)
    delegated = [
        {"ServicePrincipal": delegation.service_principal, "DelegationEnabledDate": delegation.delegated_at}
        for delegation in delegations
    ]
    if not delegated:
        raise AccountNotRegisteredException()
    return page(delegated, params, "DelegatedServices")
