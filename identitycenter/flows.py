"""IAM Identity Center's flows: what combines its services with IAM's. Provisioning puts in each
target account what AWS puts there — the SAML provider `AWSSSO_<id>_DO_NOT_DELETE` and the role
`AWSReservedSSO_<PermissionSetName>_<16 hex>` on /aws-reserved/sso.amazonaws.com/ with the permission
set's policies — as the Identity Center service, whose calls no policy of the account bounds and
which CloudTrail records under its name."""

import base64
import json

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction

from access.acting import Acting
from aws.errors import AWSError
from aws.identitycenter_errors import ResourceNotFoundException, ValidationException
from policies.aws_managed.loader import aws_managed_policy
from policies.engine.validation import validate
from policies.models import InlinePolicy, ManagedPolicy, SAMLProvider
from policies.services.permissions import (
    inline_policy_delete,
    inline_policy_put,
    permissions_boundary_delete,
    permissions_boundary_put,
    policy_attach,
    policy_detach,
)
from policies.services.providers import saml_provider_create
from policies.services.roles import SESSION_MAX, role_create, role_delete

from . import portal, selectors, services
from .models import SSO_SERVICE, ProvisionedPermissionSet

INLINE_POLICY_NAME = "AwsSSOInlinePolicy"
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
_AWS_MANAGED_ARN = "arn:aws:iam::aws:policy"


class ProvisioningFailure(AWSError):
    """Why provisioning an account failed: the request's FailureReason."""

    code = "ProvisioningFailure"
    status = 400
    sender_fault = True


def service_acting(account):
    """The Identity Center service acting in `account`."""
    return Acting(account=account, user_agent=SSO_SERVICE, invoked_by=SSO_SERVICE)


# Permission set contents that IAM's vocabulary decides


def aws_managed(arn):
    """The AWS managed policy `arn` names (ResourceNotFoundException when AWS has none)."""
    path_and_name = arn.removeprefix(_AWS_MANAGED_ARN) if arn.startswith(_AWS_MANAGED_ARN + "/") else ""
    path, _, name = path_and_name.rpartition("/")
    try:
        return aws_managed_policy(name, f"{path}/")
    except StopIteration as exc:
        raise ResourceNotFoundException(f"Policy {arn} does not exist.") from exc  # unconfirmed


def managed_policy_attach(*, permission_set, arn, acting):
    return services.managed_policy_attach(
        permission_set=permission_set, policy=aws_managed(arn), acting=acting
    )


def inline_policy_set(*, permission_set, document, acting):
    """PutInlinePolicyToPermissionSet: a policy IAM would accept as a role's inline policy."""
    malformed = validate(document, "inline-role", entity_name=permission_set.name)["malformed"]
    if malformed:
        raise ValidationException(f"The inline policy is not valid: {malformed}")  # unconfirmed
    services.inline_policy_put(permission_set=permission_set, document=document, acting=acting)


def boundary_set(*, permission_set, managed_arn="", name="", path="/", acting):
    if managed_arn:
        aws_managed(managed_arn)
    services.boundary_put(
        permission_set=permission_set, managed_arn=managed_arn, name=name, path=path, acting=acting
    )


# Provisioning


def trust_policy(account_id, provider_name):
    """The reserved role's trust policy as Identity Center writes it."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": f"arn:aws:iam::{account_id}:saml-provider/{provider_name}"},
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    "Condition": {"StringEquals": {"SAML:aud": SAML_AUDIENCE}},
                }
            ],
        },
        indent=4,
    )


def saml_metadata(instance):
    """The access portal's IdP metadata: its entity ID and signing certificate."""
    certificate = x509.load_pem_x509_certificate(instance.certificate_pem.encode())
    der = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{instance.portal_entity_id}">'
        '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        f"<ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
        "</md:KeyDescriptor>"
        "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        f'Location="https://portal.sso.{instance.region}.amazonaws.com/saml/assertion"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


def _customer_policy(account, name, path):
    """The customer managed policy `path``name` of the target account; the request fails without it."""
    policy = ManagedPolicy.objects.filter(
        account=account, arn=f"arn:aws:iam::{account.id}:policy{path}{name}"
    ).first()
    if policy is None:
        # unconfirmed: AWS's FailureReason for a reference the account lacks.
        raise ProvisioningFailure(
            f"Received a 404 status error: Policy with name {name} and path {path} does not exist "
            f"in account {account.id}."
        )
    return policy


def _wanted_boundary(permission_set, account):
    if permission_set.boundary_managed_arn:
        return permission_set.boundary_managed_arn
    if permission_set.boundary_name:
        return _customer_policy(account, permission_set.boundary_name, permission_set.boundary_path).arn
    return ""


def _provision(permission_set, account):
    """Create or bring up to date the permission set's role in `account` (and the provider)."""
    instance = permission_set.instance
    service = service_acting(account)
    wanted = [aws_managed(attached.arn) for attached in permission_set.managed_policies.all()]
    wanted += [
        _customer_policy(account, ref.name, ref.path) for ref in permission_set.customer_policies.all()
    ]
    boundary = _wanted_boundary(permission_set, account)
    if not SAMLProvider.objects.filter(account=account, name=instance.saml_provider_name).exists():
        saml_provider_create(
            account=account,
            name=instance.saml_provider_name,
            metadata_document=saml_metadata(instance),
            acting=service,
        )
    row = services.provisioned_row(permission_set=permission_set, account=account)
    role = row.role
    if role is None:
        role = role_create(
            account=account,
            name=row.role_name,
            path=instance.reserved_path,
            trust_policy=trust_policy(account.id, instance.saml_provider_name),
            # AWS: Identity Center "configures these roles with a maximum session duration of 12
            # hours"; the permission set's own duration bounds the sessions the portal issues.
            max_session_duration=SESSION_MAX,
            permissions_boundary_arn=boundary,
            acting=service,
        )
    elif boundary != role.permissions_boundary_arn:
        if boundary:
            permissions_boundary_put(policy_arn=boundary, role=role, acting=service)
        else:
            permissions_boundary_delete(role=role, acting=service)
    attached = {
        attachment.policy.arn: attachment.policy for attachment in role.attachments.select_related("policy")
    }
    for arn, policy in attached.items():
        if arn not in {policy.arn for policy in wanted}:
            policy_detach(policy=policy, role=role, acting=service)
    for policy in wanted:
        if policy.arn not in attached:
            policy_attach(policy=policy, role=role, acting=service)
    if permission_set.inline_policy:
        inline_policy_put(
            name=INLINE_POLICY_NAME, document=permission_set.inline_policy, role=role, acting=service
        )
    elif InlinePolicy.objects.filter(role=role, name=INLINE_POLICY_NAME).exists():
        inline_policy_delete(name=INLINE_POLICY_NAME, role=role, acting=service)
    services.provisioned_record(row, role)
    return role


def _provision_or_reason(permission_set, account):
    """Provision the account all or nothing: "" when it worked, else the failure's reason."""
    try:
        with transaction.atomic():
            _provision(permission_set, account)
    except AWSError as error:
        return error.message
    return ""


def deprovision(permission_set, account):
    """Remove the permission set's role from the account (its last assignment went)."""
    row = ProvisionedPermissionSet.objects.filter(permission_set=permission_set, account=account).first()
    if row is None:
        return
    role = row.role
    if role is not None:
        service = service_acting(account)
        for attachment in list(role.attachments.select_related("policy")):
            policy_detach(policy=attachment.policy, role=role, acting=service)
        for inline in list(role.inline_policies.all()):
            inline_policy_delete(name=inline.name, role=role, acting=service)
        role_delete(role=role, acting=service)
    services.provisioned_forget(row)


def assignment_create(*, permission_set, account_id, principal_type, principal_id, acting):
    """CreateAccountAssignment: the request, the account provisioned when the permission set is not yet
    there, then the assignment; FAILED with the reason (and nothing made) when provisioning fails."""
    request = services.assignment_request(
        permission_set=permission_set,
        account_id=account_id,
        principal_type=principal_type,
        principal_id=principal_id,
        acting=acting,
    )
    account = selectors.organization_account(permission_set.instance, account_id)
    provisioned = ProvisionedPermissionSet.objects.filter(
        permission_set=permission_set, account=account, role__isnull=False
    ).exists()
    reason = "" if provisioned else _provision_or_reason(permission_set, account)
    if not reason:
        services.assignment_record(request=request, permission_set=permission_set, account=account)
    return services.request_finish(request, reason)


@transaction.atomic
def assignment_delete(*, permission_set, account_id, principal_type, principal_id, acting):
    """DeleteAccountAssignment: the assignment, then the role when it was the account's last one."""
    request = services.assignment_delete(
        permission_set=permission_set,
        account_id=account_id,
        principal_type=principal_type,
        principal_id=principal_id,
        acting=acting,
    )
    if not selectors.assignments(permission_set, account_id).exists():
        deprovision(permission_set, selectors.organization_account(permission_set.instance, account_id))
    return services.request_finish(request)


def provision(*, permission_set, account_id="", acting):
    """ProvisionPermissionSet: one account, or every account it is provisioned to."""
    request = services.provisioning_request(
        permission_set=permission_set, account_id=account_id, acting=acting
    )
    if account_id:
        accounts = [selectors.organization_account(permission_set.instance, account_id)]
    else:
        accounts = [row.account for row in permission_set.provisioned.select_related("account")]
    reasons = [
        reason for reason in (_provision_or_reason(permission_set, account) for account in accounts) if reason
    ]
    return services.request_finish(request, reasons[0] if reasons else "")


# The console's wizards: one write each, all or nothing


# The predefined permission sets: each is one AWS managed policy, named after it.
PREDEFINED = {
    "AdministratorAccess": "arn:aws:iam::aws:policy/AdministratorAccess",
    "Billing": "arn:aws:iam::aws:policy/job-function/Billing",
    "DatabaseAdministrator": "arn:aws:iam::aws:policy/job-function/DatabaseAdministrator",
    "DataScientist": "arn:aws:iam::aws:policy/job-function/DataScientist",
    "NetworkAdministrator": "arn:aws:iam::aws:policy/job-function/NetworkAdministrator",
    "PowerUserAccess": "arn:aws:iam::aws:policy/PowerUserAccess",
    "ReadOnlyAccess": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "SecurityAudit": "arn:aws:iam::aws:policy/SecurityAudit",
    "SupportUser": "arn:aws:iam::aws:policy/job-function/SupportUser",
    "SystemAdministrator": "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
    "ViewOnlyAccess": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
}


@transaction.atomic
def permission_set_create_with_policies(
    *,
    instance,
    name,
    description="",
    session_duration="PT1H",
    relay_state="",
    tags=(),
    managed_arns=(),
    customer_references=(),
    inline_policy="",
    boundary=None,
    acting,
):
    """Create permission set: the set, its AWS managed policies, customer managed policy references
    ((name, path) pairs), inline policy and permissions boundary ({"managed_arn"} or {"name", "path"})."""
    permission_set = services.permission_set_create(
        instance=instance,
        name=name,
        description=description,
        session_duration=session_duration,
        relay_state=relay_state,
        tags=tags,
        acting=acting,
    )
    for arn in managed_arns:
        managed_policy_attach(permission_set=permission_set, arn=arn, acting=acting)
    for reference_name, path in customer_references:
        services.customer_policy_attach(
            permission_set=permission_set, name=reference_name, path=path, acting=acting
        )
    if inline_policy:
        inline_policy_set(permission_set=permission_set, document=inline_policy, acting=acting)
    if boundary:
        boundary_set(permission_set=permission_set, **boundary, acting=acting)
    return permission_set


@transaction.atomic
def user_create_with_groups(
    *,
    instance,
    user_name,
    display_name,
    given_name,
    family_name,
    email,
    groups=(),
    password_mode,
    base_url,
    acting,
):
    """Add user: the user, its memberships, and its password's start: a one-time password (returned,
    shown once) or "" when the user is sent the access portal's password setup link (once the user is
    committed), on this site at `base_url`."""
    user = services.user_create(
        instance=instance,
        user_name=user_name,
        display_name=display_name,
        given_name=given_name,
        family_name=family_name,
        emails=[{"Value": email, "Type": "work", "Primary": True}] if email else [],
        acting=acting,
    )
    for group in groups:
        services.membership_create(group=group, user=user, acting=acting)
    if password_mode == "one_time":
        return user, services.user_password_generate(user=user, acting=acting)
    portal.password_setup_send(user=user, base_url=base_url)
    return user, ""


@transaction.atomic
def group_create_with_members(*, instance, display_name, description="", users=(), acting):
    """Create group: the group and its members."""
    group = services.group_create(
        instance=instance, display_name=display_name, description=description, acting=acting
    )
    for user in users:
        services.membership_create(group=group, user=user, acting=acting)
    return group
