"""AWS Organizations' writes: one keyword-only, atomic, audited service per API operation.

Every service is called by the management account (or, for handshakes and leaving, by a member) and
raises the typed errors of organizations/errors.py with the Organizations API's words.
"""

import functools
import json
import re
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import audited
from access.operations import ORGANIZATIONS_SOURCE
from accounts.models import Account
from accounts.selectors import unused_account_id
from aws import management_policies
from aws.organizations_errors import (
    MANAGEMENT_ONLY,
    AccessDeniedException,
    AccountAlreadyClosedException,
    AccountAlreadyRegisteredException,
    AccountNotFoundException,
    AccountNotRegisteredException,
    AlreadyInOrganizationException,
    AWSOrganizationsNotInUseException,
    ConstraintViolationException,
    DestinationParentNotFoundException,
    DuplicateAccountException,
    DuplicateHandshakeException,
    DuplicateOrganizationalUnitException,
    DuplicatePolicyAttachmentException,
    DuplicatePolicyException,
    HandshakeConstraintViolationException,
    InvalidHandshakeTransitionException,
    InvalidInputException,
    MalformedPolicyDocumentException,
    MasterCannotLeaveOrganizationException,
    OrganizationalUnitNotEmptyException,
    OrganizationNotEmptyException,
    ParentNotFoundException,
    PolicyInUseException,
    PolicyNotAttachedException,
    PolicyNotFoundException,
    PolicyTypeAlreadyEnabledException,
    PolicyTypeNotEnabledException,
    ResourcePolicyNotFoundException,
    SourceParentNotFoundException,
    TargetNotFoundException,
)
from policies.engine import jsonpos
from policies.engine.validation import SIZE_LIMITS, validate

from .models import (
    FULL_AWS_ACCESS_ID,
    RCP,
    RCP_FULL_AWS_ACCESS_ID,
    SCP,
    CreateAccountStatus,
    DelegatedAdministrator,
    Handshake,
    Membership,
    Organization,
    OrganizationalUnit,
    Policy,
    PolicyAttachment,
    ResourcePolicy,
    ResourceTag,
    ServiceAccess,
)

ORGANIZATIONS = ORGANIZATIONS_SOURCE
# Organizations' quotas: OUs nest five levels under the root; five policies of a type per target.
MAX_OU_DEPTH = 5
# Policies of one type attached directly to one target: ten SCPs since 15 May 2026, five of the others.
MAX_POLICIES_PER_TARGET = {SCP: 10}
MAX_POLICIES_PER_TARGET_OTHERS = 5
OU_NAME_MAX = 128
POLICY_NAME_MAX = 128
POLICY_DESCRIPTION_MAX = 512
ACCOUNT_NAME_MAX = 50
ACCOUNT_EMAIL_MAX = 64
HANDSHAKE_DAYS = 15
ACCESS_ROLE_NAME = "OrganizationAccountAccessRole"

FULL_ACCESS_DOCUMENT = {
    SCP: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    RCP: {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    },
}
FULL_ACCESS = {
    SCP: (FULL_AWS_ACCESS_ID, "FullAWSAccess", "Allows access to every operation"),
    RCP: (RCP_FULL_AWS_ACCESS_ID, "RCPFullAWSAccess", "Allows access to every resource"),
}
LAST_POLICY = (
    "You cannot remove the last policy attached to the specified target. "
    "You must have at least one attached at all times."
)
TOO_MANY_POLICIES = "You have attached the maximum number of policies to the specified target."
OU_DEPTH = "You have reached the maximum depth of OUs in the organization."


# Organizations' services are audited and authorized (organizations:<Operation>) by IAM's decorator,
# under their own event source.
_audited = functools.partial(audited, event_source=ORGANIZATIONS)


# Who may call: the management account administers its organization; its IAM users and role
# sessions also need organizations:<Operation> allowed, which _audited asks the authorizer.


def _ensure_manages(organization, acting):
    if organization.management_account_id != acting.account.id:
        raise AccessDeniedException(MANAGEMENT_ONLY)


def full_access_policy(policy_type):
    """AWS's FullAWSAccess or RCPFullAWSAccess: one row each for the installation, made on first use."""
    policy_id, name, description = FULL_ACCESS[policy_type]
    policy, _ = Policy.objects.get_or_create(
        id=policy_id,
        defaults={
            "type": policy_type,
            "name": name,
            "description": description,
            "content": json.dumps(FULL_ACCESS_DOCUMENT[policy_type], indent=4),
        },
    )
    return policy


def _attach_full_access(organization, target_ids):
    """FullAWSAccess (and RCPFullAWSAccess) on new targets, for each policy type enabled in the root."""
    rows = []
    for policy_type in (SCP, RCP):
        if organization.type_enabled(policy_type):
            policy = full_access_policy(policy_type)
            rows += [
                PolicyAttachment(organization=organization, policy=policy, target_id=t) for t in target_ids
            ]
    PolicyAttachment.objects.bulk_create(rows, ignore_conflicts=True)


def _detach_target(organization, target_id):
    """A target leaves the organization: its policies, its tags and (an account) its delegations go."""
    PolicyAttachment.objects.filter(organization=organization, target_id=target_id).delete()
    ResourceTag.objects.filter(organization=organization, resource_id=target_id).delete()
    DelegatedAdministrator.objects.filter(organization=organization, account_id=target_id).delete()


# The organization


def _organization_elements(organization):
    return {
        "organization": {
            "id": organization.id,
            "arn": organization.arn,
            "featureSet": organization.feature_set,
            "masterAccountId": organization.management_account_id,
            "masterAccountArn": (
                f"arn:aws:organizations::{organization.management_account_id}:account/"
                f"{organization.id}/{organization.management_account_id}"
            ),
        }
    }


@_audited("CreateOrganization", params=lambda kw: {"featureSet": "ALL"}, response=_organization_elements)
def organization_create(*, acting):
    """Create an organization with all features; the caller's account becomes its management account.
    No policy type is enabled in its root yet, as in AWS (the API's CreateOrganization too, whatever
    its reference says): EnablePolicyType, or the console's Policies page, enables SCPs."""
    account = Account.objects.select_for_update().get(pk=acting.account.pk)
    if Membership.objects.filter(account=account).exists():
        raise AlreadyInOrganizationException("The AWS account is already a member of an organization.")
    organization = Organization.objects.create(management_account=account)
    Membership.objects.create(
        account=account, organization=organization, joined_method=Membership.JoinedMethod.CREATED
    )
    # AWS's own policies are listed (ListPolicies) before their type is enabled.
    for policy_type in (SCP, RCP):
        full_access_policy(policy_type)
    return organization


@_audited("DeleteOrganization", params=lambda kw: None)
def organization_delete(*, organization, acting):
    """Delete an organization left with its management account only."""
    _ensure_manages(organization, acting)
    if organization.memberships.exclude(account_id=organization.management_account_id).exists():
        raise OrganizationNotEmptyException()
    PolicyAttachment.objects.filter(organization=organization).delete()
    Membership.objects.filter(organization=organization).delete()
    # OUs protect their children: delete the deepest first.
    units = list(organization.units.all())
    depth = _depths(units)
    for unit in sorted(units, key=lambda u: -depth[u.id]):
        unit.delete()
    organization.delete()


def _policy_type_params(kw):
    return {"rootId": kw["organization"].root_id, "policyType": kw["policy_type"]}


def _root_elements(organization):
    types = [{"type": policy_type, "status": "ENABLED"} for policy_type in organization.enabled_policy_types]
    return {
        "root": {
            "id": organization.root_id,
            "arn": organization.root_arn,
            "name": "Root",
            "policyTypes": types,
        }
    }


def _check_type(policy_type):
    # Policy types of AWS's list the product does not have (SECURITYHUB_POLICY, …) are refused too.
    if policy_type not in (SCP, RCP, *management_policies.TYPES):
        raise InvalidInputException("You specified an invalid value.", reason="INVALID_ENUM")


def _all_targets(organization):
    return [
        organization.root_id,
        *organization.units.values_list("id", flat=True),
        *organization.memberships.values_list("account_id", flat=True),
    ]


@_audited("EnablePolicyType", params=_policy_type_params, response=_root_elements)
def policy_type_enable(*, organization, policy_type, acting):
    """Enable a policy type in the root: for SCPs and RCPs, the full-access policy of the type is
    attached everywhere (management policy types have no policy of AWS's)."""
    _ensure_manages(organization, acting)
    _check_type(policy_type)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.type_enabled(policy_type):
        raise PolicyTypeAlreadyEnabledException()
    if policy_type in management_policies.TYPES:
        organization.management_policy_types = [*organization.management_policy_types, policy_type]
        organization.save(update_fields=["management_policy_types"])
        return organization
    field = "scp_enabled" if policy_type == SCP else "rcp_enabled"
    setattr(organization, field, True)
    organization.save(update_fields=[field])
    policy = full_access_policy(policy_type)
    PolicyAttachment.objects.bulk_create(
        [
            PolicyAttachment(organization=organization, policy=policy, target_id=target_id)
            for target_id in _all_targets(organization)
        ],
        ignore_conflicts=True,
    )
    return organization


@_audited("DisablePolicyType", params=_policy_type_params, response=_root_elements)
def policy_type_disable(*, organization, policy_type, acting):
    """Disable a policy type: every policy of that type is detached from every target, as in AWS."""
    _ensure_manages(organization, acting)
    _check_type(policy_type)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.type_enabled(policy_type):
        raise PolicyTypeNotEnabledException()
    if policy_type in management_policies.TYPES:
        organization.management_policy_types = [
            each for each in organization.management_policy_types if each != policy_type
        ]
        organization.save(update_fields=["management_policy_types"])
    else:
        field = "scp_enabled" if policy_type == SCP else "rcp_enabled"
        setattr(organization, field, False)
        organization.save(update_fields=[field])
    PolicyAttachment.objects.filter(organization=organization, policy__type=policy_type).delete()
    return organization


# Organizational units


def _depths(units):
    """{ou id: depth} where an OU directly under the root has depth 1."""
    parents = {unit.id: unit.parent_id for unit in units}
    depth = {}

    def of(ou_id):
        if ou_id not in depth:
            parent = parents.get(ou_id)
            depth[ou_id] = 1 if parent is None else of(parent) + 1
        return depth[ou_id]

    for ou_id in parents:
        of(ou_id)
    return depth


def _check_length(value, maximum):
    """InvalidInputException with AWS's reason for a string parameter out of its length bounds."""
    if not value:
        raise InvalidInputException(
            "You provided a string parameter that is shorter than allowed.", reason="MIN_LENGTH_EXCEEDED"
        )
    if len(value) > maximum:
        raise InvalidInputException(
            "You provided a string parameter that is longer than allowed.", reason="MAX_LENGTH_EXCEEDED"
        )
    return value


def _validate_ou_name(name):
    return _check_length(name, OU_NAME_MAX)


def parent_unit(organization, parent_id, error=ParentNotFoundException):
    """None for the root, else the OU `parent_id` names in this organization."""
    if parent_id == organization.root_id:
        return None
    ou = OrganizationalUnit.objects.filter(organization=organization, id=parent_id).first()
    if ou is None:
        raise error()
    return ou


def _ou_elements(ou):
    return {"organizationalUnit": {"id": ou.id, "arn": ou.arn, "name": ou.name}}


@_audited(
    "CreateOrganizationalUnit",
    params=lambda kw: {"parentId": kw["parent_id"], "name": kw["name"]},
    response=_ou_elements,
)
def ou_create(*, organization, parent_id, name, tags=(), acting):
    """Create an OU under the root or another OU, at most five levels deep; names unique per parent."""
    _ensure_manages(organization, acting)
    name = _validate_ou_name(name.strip())
    parent = parent_unit(organization, parent_id)
    if parent is not None:
        depth = _depths(list(organization.units.all()))[parent.id]
        if depth >= MAX_OU_DEPTH:
            raise ConstraintViolationException(OU_DEPTH, reason="OU_DEPTH_LIMIT_EXCEEDED")
    siblings = OrganizationalUnit.objects.filter(organization=organization, parent=parent)
    if siblings.filter(name=name).exists():
        raise DuplicateOrganizationalUnitException()
    try:
        with transaction.atomic():
            ou = OrganizationalUnit.objects.create(organization=organization, parent=parent, name=name)
    except IntegrityError as exc:
        raise DuplicateOrganizationalUnitException() from exc
    _attach_full_access(organization, [ou.id])
    _tags_put(organization, ou.id, tags)
    return ou


@_audited(
    "UpdateOrganizationalUnit",
    params=lambda kw: {"organizationalUnitId": kw["ou"].id, "name": kw["name"]},
    response=_ou_elements,
)
def ou_rename(*, ou, name, acting):
    """Rename an OU; the new name must be free among its siblings."""
    _ensure_manages(ou.organization, acting)
    name = _validate_ou_name(name.strip())
    siblings = OrganizationalUnit.objects.filter(organization=ou.organization, parent=ou.parent_id)
    if siblings.filter(name=name).exclude(pk=ou.pk).exists():
        raise DuplicateOrganizationalUnitException()
    ou.name = name
    try:
        with transaction.atomic():
            ou.save(update_fields=["name"])
    except IntegrityError as exc:
        raise DuplicateOrganizationalUnitException() from exc
    return ou


@_audited("DeleteOrganizationalUnit", params=lambda kw: {"organizationalUnitId": kw["ou"].id})
def ou_delete(*, ou, acting):
    """Delete an OU with no accounts and no child OUs in it."""
    _ensure_manages(ou.organization, acting)
    if ou.children.exists() or ou.memberships.exists():
        raise OrganizationalUnitNotEmptyException()
    _detach_target(ou.organization, ou.id)
    ou.delete()


# Accounts


def _account_elements(membership):
    account = membership.account
    return {
        "account": {
            "id": account.id,
            "arn": membership.account_arn,
            "name": account.name,
            "email": account.root_email,
            "joinedMethod": membership.joined_method,
            "status": account_status(account),
        }
    }


def account_status(account):
    """AWS's Account.Status: ACTIVE, or SUSPENDED once CloseAccount closed it (closure completes at once
    here, so PENDING_CLOSURE is never seen)."""
    return "SUSPENDED" if account.closed_at else "ACTIVE"


def account_state(account):
    """AWS's Account.State, which replaces Status: CLOSED through the 90 days an account its owner closed
    may be reinstated (SUSPENDED there is AWS's own suspension, which the product never makes)."""
    return "CLOSED" if account.closed_at else "ACTIVE"


def access_role_trust_policy(management_account_id):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{management_account_id}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        indent=4,
    )


def _validate_new_account(email, name):
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise InvalidInputException(
            "You specified an invalid email address.", reason="INVALID_EMAIL_ADDRESS_TARGET"
        ) from exc
    # AWS's bounds are 6 to 64 characters; no valid address is shorter than 6 ("a@b.co").
    if len(email) > ACCOUNT_EMAIL_MAX:
        raise InvalidInputException(
            "You provided a string parameter that is longer than allowed.", reason="MAX_LENGTH_EXCEEDED"
        )
    _check_length(name, ACCOUNT_NAME_MAX)
    if Account.objects.with_root_email(email).exists():
        # CreateAccountStatus FAILED with FailureReason EMAIL_ALREADY_EXISTS.
        raise DuplicateAccountException(
            "An account with this email address already exists (EMAIL_ALREADY_EXISTS)."
        )


@_audited(
    "CreateAccount",
    params=lambda kw: {"accountName": kw["name"], "email": kw["email"]},
    response=_account_elements,
)
def account_create(*, organization, name, email, tags=(), acting):
    """Create an AWS account in the organization, under the root (organizations.flows adds its
    OrganizationAccountAccessRole). Its root user has no usable password, as in AWS: "Forgot
    password?" gives it one."""
    _ensure_manages(organization, acting)
    email, name = email.strip(), name.strip()
    _validate_new_account(email, name)
    try:
        with transaction.atomic():
            account = Account.objects.create(
                id=unused_account_id(), name=name, root_email=email, root_password=make_password(None)
            )
    except IntegrityError as exc:
        raise DuplicateAccountException(
            "An account with this email address already exists (EMAIL_ALREADY_EXISTS)."
        ) from exc
    membership = Membership.objects.create(
        account=account, organization=organization, joined_method=Membership.JoinedMethod.CREATED
    )
    _attach_full_access(organization, [account.id])
    _tags_put(organization, account.id, tags)
    return membership


@_audited(
    "MoveAccount",
    params=lambda kw: {
        "accountId": kw["membership"].account_id,
        "sourceParentId": kw["membership"].parent_id or kw["membership"].organization.root_id,
        "destinationParentId": kw["destination_id"],
    },
)
def account_move(*, membership, destination_id, source_id=None, acting):
    """Move an account to the root or another OU: its effective SCPs change at once. `source_id` (the
    API's SourceParentId) must be the account's parent."""
    organization = membership.organization
    _ensure_manages(organization, acting)
    if source_id is not None and source_id != (membership.parent_id or organization.root_id):
        raise SourceParentNotFoundException()
    destination = parent_unit(organization, destination_id, DestinationParentNotFoundException)
    if (destination.id if destination else None) == membership.parent_id:
        raise DuplicateAccountException()
    membership.parent = destination
    membership.save(update_fields=["parent"])
    return membership


@_audited("RemoveAccountFromOrganization", params=lambda kw: {"accountId": kw["membership"].account_id})
def account_remove(*, membership, acting):
    """The management account removes a member account; the management account itself cannot go."""
    organization = membership.organization
    _ensure_manages(organization, acting)
    if membership.account_id == organization.management_account_id:
        raise MasterCannotLeaveOrganizationException()
    _detach_target(organization, membership.account_id)
    membership.delete()


# Organizations closes 10% of the member accounts in 30 days, at least 10 and at most 1000.
CLOSE_QUOTA_DAYS = 30
CLOSE_QUOTA_MIN, CLOSE_QUOTA_MAX = 10, 1000
CLOSE_QUOTA = (
    "You have exceeded the number of accounts that you can close in a rolling 30 day period "
    "(10% of the member accounts, between 10 and 1000)."
)
CLOSE_MANAGEMENT = (
    "You attempted to close the management account. To close the management account for the "
    "organization, you must first either remove or close all member accounts in the organization."
)


def _close_quota(organization):
    members = organization.memberships.exclude(account_id=organization.management_account_id).count()
    return min(max(members // 10, CLOSE_QUOTA_MIN), CLOSE_QUOTA_MAX)


@_audited("CloseAccount", params=lambda kw: {"accountId": kw["membership"].account_id})
def account_close(*, membership, acting):
    """Close a member account: it stays in the organization, SUSPENDED, and refuses every sign-in and
    access key from then on."""
    organization = membership.organization
    _ensure_manages(organization, acting)
    if membership.account_id == organization.management_account_id:
        raise ConstraintViolationException(CLOSE_MANAGEMENT, reason="CANNOT_CLOSE_MANAGEMENT_ACCOUNT")
    account = Account.objects.select_for_update().get(pk=membership.account_id)
    if account.closed_at:
        raise AccountAlreadyClosedException()
    since = timezone.now() - timedelta(days=CLOSE_QUOTA_DAYS)
    recent = organization.memberships.filter(account__closed_at__gte=since).count()
    if recent >= _close_quota(organization):
        raise ConstraintViolationException(CLOSE_QUOTA, reason="CLOSE_ACCOUNT_QUOTA_EXCEEDED")
    account.closed_at = timezone.now()
    account.save(update_fields=["closed_at"])
    membership.account = account
    return membership


@_audited("LeaveOrganization", params=lambda kw: None)
def organization_leave(*, acting):
    """A member account leaves its organization; the management account cannot."""
    membership = Membership.objects.select_related("organization").filter(account=acting.account).first()
    if membership is None:
        raise AWSOrganizationsNotInUseException()
    if membership.organization.management_account_id == acting.account.id:
        raise MasterCannotLeaveOrganizationException()
    _detach_target(membership.organization, membership.account_id)
    membership.delete()


# Handshakes (invitations)


def _handshake_elements(handshake):
    return {
        "handshake": {
            "id": handshake.id,
            "arn": handshake.arn,
            "action": "INVITE",
            "state": handshake.state,
            "parties": [
                {"id": handshake.organization_id, "type": "ORGANIZATION"},
                {"id": handshake.party_id, "type": handshake.party_type},
            ],
            "requestedTimestamp": handshake.requested_at.isoformat() if handshake.requested_at else None,
            "expirationTimestamp": handshake.expires_at.isoformat(),
        }
    }


def _invited_account(target):
    """(account, party type) for an account ID or a root user's email address."""
    target = target.strip()
    if re.fullmatch(r"\d{12}", target):
        return Account.objects.filter(pk=target).first(), "ACCOUNT"
    if "@" in target:
        return Account.objects.with_root_email(target).first(), "EMAIL"
    raise InvalidInputException(
        "You provided a value that does not match the required pattern.", reason="INVALID_PARTY_TYPE_TARGET"
    )


@_audited(
    "InviteAccountToOrganization",
    params=lambda kw: {"target": {"id": kw["target"], "type": "ACCOUNT"}, "notes": kw.get("notes", "")},
    response=_handshake_elements,
)
def handshake_invite(*, organization, target, notes="", acting):
    """Invite an existing account, by its ID or its root user's email address, to join."""
    _ensure_manages(organization, acting)
    account, party_type = _invited_account(target)
    if account is None:
        raise AccountNotFoundException()
    if Membership.objects.filter(account=account).exists():
        raise HandshakeConstraintViolationException(
            "The handshake request is invalid because the account is already a member of an organization.",
            reason="ALREADY_IN_AN_ORGANIZATION",
        )
    if Handshake.objects.filter(
        organization=organization, account=account, state=Handshake.State.OPEN
    ).exists():
        raise DuplicateHandshakeException()
    return Handshake.objects.create(
        organization=organization,
        account=account,
        party_type=party_type,
        party_id=target.strip(),
        notes=notes[:1024],
        expires_at=timezone.now() + timedelta(days=HANDSHAKE_DAYS),
    )


def _open_handshake(handshake):
    handshake = Handshake.objects.select_for_update().get(pk=handshake.pk)
    if handshake.current_state != Handshake.State.OPEN:
        raise InvalidHandshakeTransitionException()
    return handshake


def _ensure_invited(handshake, acting):
    if handshake.account_id != acting.account.id:
        raise AccessDeniedException("You don't have permissions to access this resource.")


@_audited(
    "AcceptHandshake", params=lambda kw: {"handshakeId": kw["handshake"].id}, response=_handshake_elements
)
def handshake_accept(*, handshake, acting):
    """The invited account joins the organization under its root."""
    _ensure_invited(handshake, acting)
    handshake = _open_handshake(handshake)
    # Lock the account, as CreateOrganization does: two invitations accepted at once (or an accept
    # and a CreateOrganization) must not both see it outside any organization.
    Account.objects.select_for_update().filter(pk=handshake.account_id).first()
    if Membership.objects.filter(account_id=handshake.account_id).exists():
        raise HandshakeConstraintViolationException(
            "The handshake request is invalid because the account is already a member of an organization.",
            reason="ALREADY_IN_AN_ORGANIZATION",
        )
    organization = handshake.organization
    Membership.objects.create(
        account_id=handshake.account_id,
        organization=organization,
        joined_method=Membership.JoinedMethod.INVITED,
    )
    _attach_full_access(organization, [handshake.account_id])
    handshake.state = Handshake.State.ACCEPTED
    handshake.save(update_fields=["state"])
    return handshake


@_audited(
    "DeclineHandshake", params=lambda kw: {"handshakeId": kw["handshake"].id}, response=_handshake_elements
)
def handshake_decline(*, handshake, acting):
    _ensure_invited(handshake, acting)
    handshake = _open_handshake(handshake)
    handshake.state = Handshake.State.DECLINED
    handshake.save(update_fields=["state"])
    return handshake


@_audited(
    "CancelHandshake", params=lambda kw: {"handshakeId": kw["handshake"].id}, response=_handshake_elements
)
def handshake_cancel(*, handshake, acting):
    _ensure_manages(handshake.organization, acting)
    handshake = _open_handshake(handshake)
    handshake.state = Handshake.State.CANCELED
    handshake.save(update_fields=["state"])
    return handshake


# Policies


def minify(content):
    """The document without insignificant white space, as the console saves it; unparsable text as is."""
    try:
        return json.dumps(jsonpos.loads(content), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        return content


def _validate_policy(*, policy_type, name, description, content):
    _check_length(name, POLICY_NAME_MAX)
    if len(description) > POLICY_DESCRIPTION_MAX:
        raise InvalidInputException(
            "You provided a string parameter that is longer than allowed.", reason="MAX_LENGTH_EXCEEDED"
        )
    if policy_type in management_policies.TYPES:
        maximum = management_policies.TYPES[policy_type][1]
        if len(content) > maximum:
            raise ConstraintViolationException(
                "You attempted to create a policy that is larger than the maximum size.",
                reason="POLICY_CONTENT_LIMIT_EXCEEDED",
            )
        try:
            management_policies.validate(policy_type, content)
        except management_policies.MalformedManagementPolicy as exc:
            raise MalformedPolicyDocumentException(str(exc)) from exc
        return
    engine_type = "scp" if policy_type == SCP else "rcp"
    verdict = validate(content, engine_type)
    if verdict["malformed"]:
        if len(content) > SIZE_LIMITS[engine_type]:
            raise ConstraintViolationException(verdict["malformed"], reason="POLICY_CONTENT_LIMIT_EXCEEDED")
        raise MalformedPolicyDocumentException(verdict["malformed"])


def _policy_elements(policy):
    return {
        "policy": {
            "policySummary": {
                "id": policy.id,
                "arn": policy.arn,
                "name": policy.name,
                "description": policy.description,
                "type": policy.type,
                "awsManaged": policy.aws_managed,
            },
            "content": policy.content,
        }
    }


@_audited(
    "CreatePolicy",
    params=lambda kw: {
        "content": kw["content"],
        "description": kw.get("description", ""),
        "name": kw["name"],
        "type": kw["policy_type"],
    },
    response=_policy_elements,
)
def policy_create(*, organization, policy_type, name, description="", content, tags=(), acting):
    """Create a customer SCP or RCP; the engine's validator decides what Organizations refuses."""
    _ensure_manages(organization, acting)
    _check_type(policy_type)
    name = name.strip()
    _validate_policy(policy_type=policy_type, name=name, description=description, content=content)
    if Policy.objects.filter(organization=organization, type=policy_type, name=name).exists():
        raise DuplicatePolicyException()
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                organization=organization,
                type=policy_type,
                name=name,
                description=description,
                content=content,
            )
    except IntegrityError as exc:
        raise DuplicatePolicyException() from exc
    _tags_put(organization, policy.id, tags)
    return policy


def _customer_policy(policy, acting):
    if policy.aws_managed:
        raise AccessDeniedException("You can't change or delete an AWS managed policy.")
    _ensure_manages(policy.organization, acting)


@_audited(
    "UpdatePolicy",
    params=lambda kw: {
        "policyId": kw["policy"].id,
        **{key: kw[key] for key in ("name", "description", "content") if kw.get(key) is not None},
    },
    response=_policy_elements,
)
def policy_update(*, policy, name=None, description=None, content=None, acting):
    """Change a customer policy's name, description or content; every account sees the change at once."""
    _customer_policy(policy, acting)
    name = policy.name if name is None else name.strip()
    description = policy.description if description is None else description
    content = policy.content if content is None else content
    _validate_policy(policy_type=policy.type, name=name, description=description, content=content)
    duplicate = Policy.objects.filter(organization=policy.organization, type=policy.type, name=name)
    if duplicate.exclude(pk=policy.pk).exists():
        raise DuplicatePolicyException()
    policy.name, policy.description, policy.content = name, description, content
    try:
        with transaction.atomic():
            policy.save(update_fields=["name", "description", "content", "updated_at"])
    except IntegrityError as exc:  # a concurrent create or rename took the name first
        raise DuplicatePolicyException() from exc
    return policy


@_audited("DeletePolicy", params=lambda kw: {"policyId": kw["policy"].id})
def policy_delete(*, policy, acting):
    """Delete a customer policy attached to nothing."""
    _customer_policy(policy, acting)
    if policy.attachments.exists():
        raise PolicyInUseException()
    policy.delete()


def target_exists(organization, target_id):
    if target_id == organization.root_id:
        return True
    if target_id.startswith("ou-"):
        return organization.units.filter(id=target_id).exists()
    return organization.memberships.filter(account_id=target_id).exists()


def _usable_policy(policy, organization):
    if policy.organization_id not in (None, organization.id):
        raise PolicyNotFoundException()


def _attach_params(kw):
    return {"policyId": kw["policy"].id, "targetId": kw["target_id"]}


@_audited("AttachPolicy", params=_attach_params)
def policy_attach(*, organization, policy, target_id, acting):
    """Attach a policy to the root, an OU or an account: the type must be enabled, ten SCPs (five of
    another type) at most."""
    _ensure_manages(organization, acting)
    _usable_policy(policy, organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.type_enabled(policy.type):
        raise PolicyTypeNotEnabledException()
    if not target_exists(organization, target_id):
        raise TargetNotFoundException()
    attached = PolicyAttachment.objects.filter(
        organization=organization, target_id=target_id, policy__type=policy.type
    )
    if attached.filter(policy=policy).exists():
        raise DuplicatePolicyAttachmentException()
    if attached.count() >= MAX_POLICIES_PER_TARGET.get(policy.type, MAX_POLICIES_PER_TARGET_OTHERS):
        raise ConstraintViolationException(
            TOO_MANY_POLICIES, reason="MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
        )
    return PolicyAttachment.objects.create(organization=organization, policy=policy, target_id=target_id)


@_audited("DetachPolicy", params=_attach_params)
def policy_detach(*, organization, policy, target_id, acting):
    """Detach a policy; a target keeps at least one SCP while SCPs are enabled, and RCPFullAWSAccess stays."""
    _ensure_manages(organization, acting)
    _usable_policy(policy, organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.type_enabled(policy.type):
        raise PolicyTypeNotEnabledException()
    attached = PolicyAttachment.objects.filter(
        organization=organization, target_id=target_id, policy__type=policy.type
    )
    if not attached.filter(policy=policy).exists():
        if not target_exists(organization, target_id):
            raise TargetNotFoundException()
        raise PolicyNotAttachedException()
    if policy.id == RCP_FULL_AWS_ACCESS_ID:
        raise ConstraintViolationException(
            "You can't detach the RCPFullAWSAccess policy: it stays attached while RCPs are enabled.",
            reason="MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
        )
    if policy.type == SCP and attached.count() == 1:
        raise ConstraintViolationException(LAST_POLICY, reason="MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
    attached.filter(policy=policy).delete()


# Tags on the root, OUs, accounts and policies


MAX_TAGS = 50
TAG_LIMIT = "You have exceeded the maximum number of tags allowed on this resource."


def _tags_put(organization, resource_id, tags):
    """Add or overwrite tags ((key, value) pairs) on a resource, 50 at most on it."""
    tags = dict(tags)
    if not tags:
        return
    if any(key.lower().startswith("aws:") for key in tags):
        raise InvalidInputException(
            "You specified a tag key that is a system tag. You can’t add, edit, or delete system tag keys "
            "because they're reserved for Amazon Web Services use.",
            reason="INVALID_SYSTEM_TAGS_PARAMETER",
        )
    existing = set(
        ResourceTag.objects.filter(organization=organization, resource_id=resource_id).values_list(
            "key", flat=True
        )
    )
    if len(existing | set(tags)) > MAX_TAGS:
        raise ConstraintViolationException(TAG_LIMIT, reason="MAX_TAG_LIMIT_EXCEEDED")
    for key, value in tags.items():
        ResourceTag.objects.update_or_create(
            organization=organization, resource_id=resource_id, key=key, defaults={"value": value}
        )


def resource_exists(organization, resource_id):
    """Whether TagResource's ResourceId names a target of the organization, one of its policies or its
    resource policy."""
    if resource_id.startswith("p-"):
        return organization.policies.filter(id=resource_id).exists()
    if resource_id.startswith("rp-"):
        return ResourcePolicy.objects.filter(organization=organization, id=resource_id).exists()
    return target_exists(organization, resource_id)


def _tagged_resource(organization, resource_id, acting):
    _ensure_manages(organization, acting)
    if not resource_exists(organization, resource_id):
        raise TargetNotFoundException()


@_audited(
    "TagResource",
    params=lambda kw: {
        "resourceId": kw["resource_id"],
        "tags": [{"key": key, "value": value} for key, value in kw["tags"]],
    },
)
def resource_tag(*, organization, resource_id, tags, acting):
    """Add or overwrite tags on the root, an OU, an account or a customer policy."""
    _tagged_resource(organization, resource_id, acting)
    _tags_put(organization, resource_id, tags)


@_audited("UntagResource", params=lambda kw: {"resourceId": kw["resource_id"], "tagKeys": list(kw["keys"])})
def resource_untag(*, organization, resource_id, keys, acting):
    """Remove tags by key; a key the resource does not have is no error."""
    _tagged_resource(organization, resource_id, acting)
    ResourceTag.objects.filter(
        organization=organization, resource_id=resource_id, key__in=list(keys)
    ).delete()


# CreateAccount's requests (DescribeCreateAccountStatus)


def account_request_record(*, organization, name, membership=None, failure_reason=""):
    """The status of a CreateAccount request, finished: SUCCEEDED with its account or FAILED with AWS's
    FailureReason. CreateAccount's own event records the call; this row is what its status reads."""
    return CreateAccountStatus.objects.create(
        organization=organization,
        account_name=name,
        state=CreateAccountStatus.State.FAILED if failure_reason else CreateAccountStatus.State.SUCCEEDED,
        account=membership.account if membership else None,
        failure_reason=failure_reason,
        completed_at=timezone.now(),
    )


# Trusted access for AWS services (EnableAWSServiceAccess)

# The service principals of AWS's "AWS services that you can use with AWS Organizations"; any other
# is an unrecognized service principal.
TRUSTED_SERVICES = frozenset(
    {
        "access-analyzer.amazonaws.com",
        "account.amazonaws.com",
        "auditmanager.amazonaws.com",
        "aws-artifact-account-sync.amazonaws.com",
        "backup.amazonaws.com",
        "member.org.stacksets.cloudformation.amazonaws.com",
        "cloudtrail.amazonaws.com",
        "compute-optimizer.amazonaws.com",
        "config.amazonaws.com",
        "config-multiaccountsetup.amazonaws.com",
        "controltower.amazonaws.com",
        "cost-optimization-hub.bcm.amazonaws.com",
        "detective.amazonaws.com",
        "devops-guru.amazonaws.com",
        "ds.amazonaws.com",
        "fms.amazonaws.com",
        "guardduty.amazonaws.com",
        "malware-protection.guardduty.amazonaws.com",
        "health.amazonaws.com",
        "iam.amazonaws.com",
        "inspector2.amazonaws.com",
        "ipam.amazonaws.com",
        "license-manager.amazonaws.com",
        "license-manager.member-account.amazonaws.com",
        "license-manager-linux-subscriptions.amazonaws.com",
        "license-management.marketplace.amazonaws.com",
        "macie.amazonaws.com",
        "mgn.amazonaws.com",
        "ram.amazonaws.com",
        "reachabilityanalyzer.networkinsights.amazonaws.com",
        "reporting.trustedadvisor.amazonaws.com",
        "securityhub.amazonaws.com",
        "securitylake.amazonaws.com",
        "servicecatalog.amazonaws.com",
        "servicequotas.amazonaws.com",
        "sso.amazonaws.com",
        "ssm.amazonaws.com",
        "storage-lens.s3.amazonaws.com",
        "tagpolicies.tag.amazonaws.com",
        "wellarchitected.amazonaws.com",
    }
)


def trusted_service(service_principal):
    """The principal of an AWS service that works with Organizations, or InvalidInputException."""
    if service_principal not in TRUSTED_SERVICES:
        raise InvalidInputException(
            "You specified an unrecognized service principal.", reason="UNRECOGNIZED_SERVICE_PRINCIPAL"
        )
    return service_principal


def _service_access_params(kw):
    return {"servicePrincipal": kw["service_principal"]}


@_audited("EnableAWSServiceAccess", params=_service_access_params)
def service_access_enable(*, organization, service_principal, acting):
    """Give an AWS service trusted access to the organization; enabling it again changes nothing."""
    _ensure_manages(organization, acting)
    access, _ = ServiceAccess.objects.get_or_create(
        organization=organization, service_principal=trusted_service(service_principal)
    )
    return access


@_audited("DisableAWSServiceAccess", params=_service_access_params)
def service_access_disable(*, organization, service_principal, acting):
    """Take an AWS service's trusted access away; a service without it is no error."""
    _ensure_manages(organization, acting)
    ServiceAccess.objects.filter(
        organization=organization, service_principal=trusted_service(service_principal)
    ).delete()


# Delegated administrators


def _delegation_params(kw):
    return {"accountId": kw["account_id"], "servicePrincipal": kw["service_principal"]}


def member_of(organization, account_id):
    """The membership of `account_id` in the organization, or AccountNotFoundException."""
    membership = (
        organization.memberships.select_related("account", "organization")
        .filter(account_id=account_id)
        .first()
    )
    if membership is None:
        raise AccountNotFoundException()
    return membership


# AWS's words, for deregistering the management account too.
MANAGEMENT_NOT_DELEGATED = (
    "You cannot register management account/yourself as delegated administrator for your organization."
)


def _not_the_management_account(organization, account_id):
    if account_id == organization.management_account_id:
        raise ConstraintViolationException(
            MANAGEMENT_NOT_DELEGATED, reason="CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"
        )


@_audited("RegisterDelegatedAdministrator", params=_delegation_params)
def delegated_administrator_register(*, organization, account_id, service_principal, acting):
    """Register a member account as a delegated administrator for an AWS service."""
    _ensure_manages(organization, acting)
    trusted_service(service_principal)
    membership = member_of(organization, account_id)
    _not_the_management_account(organization, account_id)
    delegations = DelegatedAdministrator.objects.filter(organization=organization, account_id=account_id)
    if delegations.filter(service_principal=service_principal).exists():
        raise AccountAlreadyRegisteredException()
    return DelegatedAdministrator.objects.create(
        organization=organization, account=membership.account, service_principal=service_principal
    )


@_audited("DeregisterDelegatedAdministrator", params=_delegation_params)
def delegated_administrator_deregister(*, organization, account_id, service_principal, acting):
    """Remove a member account's delegated administration of an AWS service."""
    _ensure_manages(organization, acting)
    trusted_service(service_principal)
    member_of(organization, account_id)
    _not_the_management_account(organization, account_id)
    deleted, _ = DelegatedAdministrator.objects.filter(
        organization=organization, account_id=account_id, service_principal=service_principal
    ).delete()
    if not deleted:
        raise AccountNotRegisteredException()


# All features

ALL_FEATURES_ALREADY = (
    "The handshake request is invalid because the organization has already enabled all features."
)


@_audited("EnableAllFeatures", params=lambda kw: None)
def organization_enable_all_features(*, organization, acting):
    """EnableAllFeatures: every organization here has all features from its creation, so the handshake
    that would ask the members to approve it is refused, as AWS refuses it for such an organization."""
    _ensure_manages(organization, acting)
    raise HandshakeConstraintViolationException(
        ALL_FEATURES_ALREADY, reason="ORGANIZATION_ALREADY_HAS_ALL_FEATURES"
    )


# The organization's resource policy (which accounts may call its read operations)


def _resource_policy_elements(policy):
    return {
        "resourcePolicy": {
            "resourcePolicySummary": {"id": policy.id, "arn": policy.arn},
            "content": policy.content,
        }
    }


@_audited(
    "PutResourcePolicy",
    params=lambda kw: {"content": kw["content"]},
    response=_resource_policy_elements,
)
def resource_policy_put(*, organization, content, tags=(), acting):
    """Create or replace the organization's resource policy, a resource-based policy document (its
    40,000 characters at most are the API model's bound)."""
    _ensure_manages(organization, acting)
    verdict = validate(content, "resource")
    if verdict["malformed"]:
        raise MalformedPolicyDocumentException(verdict["malformed"])
    policy, _ = ResourcePolicy.objects.update_or_create(
        organization=organization, defaults={"content": content}
    )
    _tags_put(organization, policy.id, tags)
    return policy


@_audited("DeleteResourcePolicy", params=lambda kw: None)
def resource_policy_delete(*, organization, acting):
    """Delete the organization's resource policy."""
    _ensure_manages(organization, acting)
    policy = ResourcePolicy.objects.filter(organization=organization).first()
    if policy is None:
        raise ResourcePolicyNotFoundException()
    ResourceTag.objects.filter(organization=organization, resource_id=policy.id).delete()
    policy.delete()
