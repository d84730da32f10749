"""IAM Identity Center's writes, one AWS operation each (sso-admin and identitystore), authorized by
the engine as sso:<Operation> or identitystore:<Operation>, atomic and recorded in Event history
with AWS's event source. Provisioning, which changes IAM in the target accounts, is in flows.py; the
request records it reports are written here.

Messages marked "unconfirmed" are this project's wording where AWS's exact text is not documented."""

import datetime
import re
import secrets
import string

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from access import crypto
from access.audit import audited
from access.operations import IDENTITYSTORE_SOURCE, SSO_DIRECTORY_SOURCE, SSO_SOURCE
from aws.identitycenter_errors import (
    AccessDeniedException,
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
)

from . import selectors
from .models import (
    AccountAssignment,
    CustomerPolicyReference,
    DirectoryGroup,
    DirectoryUser,
    GroupMembership,
    Instance,
    ManagedPolicyAttachment,
    PermissionSet,
    ProvisionedPermissionSet,
    ProvisioningRequest,
    ResourceTag,
    iso_duration_seconds,
)

# IAM Identity Center quotas (the user guide's "IAM Identity Center quotas").
MANAGED_POLICIES_PER_PERMISSION_SET = 20
PERMISSION_SETS_PER_INSTANCE = 2000
TAGS_PER_RESOURCE = 50
SESSION_MIN, SESSION_MAX = 3600, 43200
NAME_PATTERN = r"[\w+=,.@-]+"
MANAGEMENT_ONLY = (
    "IAM Identity Center can be enabled for an organization only from its management account."  # unconfirmed
)


def _lower_first(params):
    return {member[:1].lower() + member[1:]: value for member, value in params.items() if value is not None}


def _sso(name, params, **options):
    return audited(name, params=params, event_source=SSO_SOURCE, **options)


def _store(name, params, **options):
    return audited(name, params=params, event_source=IDENTITYSTORE_SOURCE, **options)


# The instance


def _signing_material(instance_id):
    """(certificate PEM, private key PEM) of the access portal's SAML signing key: RSA 2048, ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{instance_id}.portal.iamconsole")])
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem


@_sso(
    "CreateInstance",
    params=lambda kw: _lower_first({"Name": kw.get("name") or None}),
    response=lambda instance: {"instanceArn": instance.arn},
)
def instance_create(*, organization, name="", tags=(), acting):
    """Enable IAM Identity Center for the organization (from its management account): one instance
    per organization, with its identity store."""
    if organization is None or organization.management_account_id != acting.account.id:
        raise AccessDeniedException(MANAGEMENT_ONLY)
    if Instance.objects.filter(organization=organization).exists():
        # unconfirmed
        raise ConflictException("An instance of IAM Identity Center already exists for this organization.")
    instance = Instance(
        organization=organization,
        owner_account=acting.account,
        name=name,
        region=acting.requested_region or "us-east-1",
    )
    certificate, key = _signing_material(instance.id)
    instance.certificate_pem, instance.private_key_encrypted = certificate, crypto.encrypt(key)
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError as exc:
        raise ConflictException(
            "An instance of IAM Identity Center already exists for this organization."
        ) from exc
    _tags_put(instance, instance.arn, tags)
    return instance


@_sso("UpdateInstance", params=lambda kw: {"instanceArn": kw["instance"].arn, "name": kw["name"]})
def instance_update(*, instance, name, acting):
    instance.name = name
    instance.save(update_fields=["name"])
    return instance


# Tags of the instance and its permission sets


def _tags_put(instance, resource_arn, tags):
    tags = list(tags)
    existing = set(ResourceTag.objects.filter(resource_arn=resource_arn).values_list("key", flat=True))
    if len(existing | {key for key, _ in tags}) > TAGS_PER_RESOURCE:
        raise ServiceQuotaExceededException(
            f"The number of tags on the resource exceeds the limit of {TAGS_PER_RESOURCE}."
        )  # unconfirmed
    for key, value in tags:
        ResourceTag.objects.update_or_create(
            resource_arn=resource_arn, key=key, defaults={"instance": instance, "value": value}
        )


@_sso(
    "TagResource",
    params=lambda kw: {
        "instanceArn": kw["instance"].arn,
        "resourceArn": kw["resource_arn"],
        "tags": [{"key": k, "value": v} for k, v in kw["tags"]],
    },
)
def resource_tag(*, instance, resource_arn, tags, acting):
    _tags_put(instance, resource_arn, tags)


@_sso(
    "UntagResource",
    params=lambda kw: {
        "instanceArn": kw["instance"].arn,
        "resourceArn": kw["resource_arn"],
        "tagKeys": list(kw["keys"]),
    },
)
def resource_untag(*, instance, resource_arn, keys, acting):
    ResourceTag.objects.filter(resource_arn=resource_arn, key__in=list(keys)).delete()


# Permission sets


def _session_duration(text):
    """An ISO 8601 duration of 1 to 12 hours, as the API stores it."""
    seconds = iso_duration_seconds(text)
    if seconds is None or not SESSION_MIN <= seconds <= SESSION_MAX:
        # unconfirmed: the API reference gives the range, not the message.
        raise ValidationException(
            f"The session duration {text} is not valid. A session duration must be between 1 hour (PT1H) "
            "and 12 hours (PT12H), in ISO 8601 format."
        )
    return text


def _validate_name(name):
    if not 1 <= len(name) <= 32 or not re.fullmatch(NAME_PATTERN, name, re.ASCII):
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        )
    return name


DESCRIPTION_MAX = 700  # sso-admin's model: PermissionSetDescription
RELAY_STATE_MAX = 240  # sso-admin's model: RelayState


def _validate_lengths(description, relay_state):
    """The permission set's description and relay state within the model's lengths (the console's
    form and the API both come here, so the database never meets a longer value)."""
    for value, field, most in (
        (description, "description", DESCRIPTION_MAX),
        (relay_state, "relayState", RELAY_STATE_MAX),
    ):
        if value is not None and len(value) > most:
            shown = value if len(value) <= 100 else value[:100] + "..."
            raise ValidationException(
                f"1 validation error detected: Value '{shown}' at '{field}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {most}"
            )


def _outdated(permission_set):
    """The permission set changed: every account it is provisioned to needs provisioning again."""
    ProvisionedPermissionSet.objects.filter(permission_set=permission_set).update(current=False)


def permission_set_not_found(arn):
    # unconfirmed
    return ResourceNotFoundException(f"Could not find PermissionSet with PermissionSetArn {arn}.")


@_sso(
    "CreatePermissionSet",
    params=lambda kw: {
        "instanceArn": kw["instance"].arn,
        "name": kw["name"],
        **_lower_first(
            {
                "Description": kw.get("description") or None,
                "SessionDuration": kw.get("session_duration") or None,
                "RelayState": kw.get("relay_state") or None,
            }
        ),
    },
    response=lambda ps: {"permissionSet": {"name": ps.name, "permissionSetArn": ps.arn}},
)
def permission_set_create(
    *, instance, name, description="", session_duration="PT1H", relay_state="", tags=(), acting
):
    _validate_name(name)
    _validate_lengths(description, relay_state)
    session_duration = _session_duration(session_duration or "PT1H")
    if instance.permission_sets.count() >= PERMISSION_SETS_PER_INSTANCE:
        raise ServiceQuotaExceededException(
            f"The number of permission sets exceeds the limit of {PERMISSION_SETS_PER_INSTANCE}."
        )  # unconfirmed
    conflict = ConflictException(f"PermissionSet with name {name} already exists.")  # unconfirmed
    if instance.permission_sets.filter(name__iexact=name).exists():
        raise conflict
    try:
        with transaction.atomic():
            permission_set = PermissionSet.objects.create(
                instance=instance,
                name=name,
                description=description,
                session_duration=session_duration,
                relay_state=relay_state,
            )
    except IntegrityError as exc:
        raise conflict from exc
    _tags_put(instance, permission_set.arn, tags)
    return permission_set


@_sso(
    "UpdatePermissionSet",
    params=lambda kw: {
        "instanceArn": kw["permission_set"].instance.arn,
        "permissionSetArn": kw["permission_set"].arn,
        **_lower_first(
            {
                "Description": kw.get("description"),
                "SessionDuration": kw.get("session_duration"),
                "RelayState": kw.get("relay_state"),
            }
        ),
    },
)
def permission_set_update(
    *, permission_set, description=None, session_duration=None, relay_state=None, acting
):
    _validate_lengths(description, relay_state)
    if session_duration is not None:
        permission_set.session_duration = _session_duration(session_duration)
    if description is not None:
        permission_set.description = description
    if relay_state is not None:
        permission_set.relay_state = relay_state
    permission_set.save()
    _outdated(permission_set)
    return permission_set


def _ps_params(**extra):
    return lambda kw: {
        "instanceArn": kw["permission_set"].instance.arn,
        "permissionSetArn": kw["permission_set"].arn,
        **{name: getter(kw) for name, getter in extra.items()},
    }


@_sso("DeletePermissionSet", params=_ps_params())
def permission_set_delete(*, permission_set, acting):
    """Delete a permission set no account assignment uses (ConflictException otherwise)."""
    if permission_set.assignments.exists() or permission_set.provisioned.exists():
        raise ConflictException(
            "The permission set is provisioned to one or more accounts. Delete its account assignments first."
        )  # unconfirmed
    ResourceTag.objects.filter(resource_arn=permission_set.arn).delete()
    permission_set.delete()


def _policy_count(permission_set):
    """AWS managed policies and customer managed references share the quota of 20."""
    return permission_set.managed_policies.count() + permission_set.customer_policies.count()


@_sso("AttachManagedPolicyToPermissionSet", params=_ps_params(managedPolicyArn=lambda kw: kw["policy"].arn))
def managed_policy_attach(*, permission_set, policy, acting):
    """Attach an AWS managed policy (the catalog's `policy`) to a permission set: at most 20."""
    PermissionSet.objects.select_for_update().filter(pk=permission_set.pk).first()
    attached = permission_set.managed_policies
    if attached.filter(arn=policy.arn).exists():
        raise ConflictException(
            f"Managed policy {policy.arn} is already attached to the permission set."
        )  # unconfirmed
    if _policy_count(permission_set) >= MANAGED_POLICIES_PER_PERMISSION_SET:
        raise ServiceQuotaExceededException(
            f"The number of managed policies attached to the permission set exceeds the limit of "
            f"{MANAGED_POLICIES_PER_PERMISSION_SET}."
        )  # unconfirmed
    ManagedPolicyAttachment.objects.create(permission_set=permission_set, arn=policy.arn, name=policy.name)
    _outdated(permission_set)


@_sso("DetachManagedPolicyFromPermissionSet", params=_ps_params(managedPolicyArn=lambda kw: kw["arn"]))
def managed_policy_detach(*, permission_set, arn, acting):
    deleted, _ = permission_set.managed_policies.filter(arn=arn).delete()
    if not deleted:
        raise ResourceNotFoundException(
            f"Could not find managed policy {arn} attached to the permission set."
        )  # unconfirmed
    _outdated(permission_set)


def _reference(kw):
    return {"name": kw["name"], "path": kw.get("path") or "/"}


@_sso(
    "AttachCustomerManagedPolicyReferenceToPermissionSet",
    params=_ps_params(customerManagedPolicyReference=_reference),
)
def customer_policy_attach(*, permission_set, name, path="/", acting):
    PermissionSet.objects.select_for_update().filter(pk=permission_set.pk).first()
    references = permission_set.customer_policies
    if references.filter(name=name, path=path or "/").exists():
        raise ConflictException(
            f"Customer managed policy reference {path or '/'}{name} is already attached to the permission set."
        )  # unconfirmed
    if _policy_count(permission_set) >= MANAGED_POLICIES_PER_PERMISSION_SET:
        raise ServiceQuotaExceededException(
            f"The number of managed policies attached to the permission set exceeds the limit of "
            f"{MANAGED_POLICIES_PER_PERMISSION_SET}."
        )  # unconfirmed
    CustomerPolicyReference.objects.create(permission_set=permission_set, name=name, path=path or "/")
    _outdated(permission_set)


@_sso(
    "DetachCustomerManagedPolicyReferenceFromPermissionSet",
    params=_ps_params(customerManagedPolicyReference=_reference),
)
def customer_policy_detach(*, permission_set, name, path="/", acting):
    deleted, _ = permission_set.customer_policies.filter(name=name, path=path or "/").delete()
    if not deleted:
        raise ResourceNotFoundException(
            f"Could not find customer managed policy reference {path or '/'}{name} in the permission set."
        )  # unconfirmed
    _outdated(permission_set)


@_sso("PutInlinePolicyToPermissionSet", params=_ps_params(inlinePolicy=lambda kw: kw["document"]))
def inline_policy_put(*, permission_set, document, acting):
    """Set the permission set's inline policy (checked by the flow against IAM's grammar first)."""
    permission_set.inline_policy = document
    permission_set.save(update_fields=["inline_policy"])
    _outdated(permission_set)


@_sso("DeleteInlinePolicyFromPermissionSet", params=_ps_params())
def inline_policy_delete(*, permission_set, acting):
    permission_set.inline_policy = ""
    permission_set.save(update_fields=["inline_policy"])
    _outdated(permission_set)


def _boundary_params(kw):
    if kw.get("managed_arn"):
        return {"managedPolicyArn": kw["managed_arn"]}
    return {"customerManagedPolicyReference": _reference(kw)}


@_sso("PutPermissionsBoundaryToPermissionSet", params=_ps_params(permissionsBoundary=_boundary_params))
def boundary_put(*, permission_set, managed_arn="", name="", path="/", acting):
    """The permissions boundary: an AWS managed policy's ARN, or a customer managed policy's name and path."""
    if bool(managed_arn) == bool(name):
        raise ValidationException(
            "Specify either a ManagedPolicyArn or a CustomerManagedPolicyReference for the permissions boundary."
        )  # unconfirmed
    permission_set.boundary_managed_arn = managed_arn
    permission_set.boundary_name = name
    permission_set.boundary_path = (path or "/") if name else ""
    permission_set.save(update_fields=["boundary_managed_arn", "boundary_name", "boundary_path"])
    _outdated(permission_set)


@_sso("DeletePermissionsBoundaryFromPermissionSet", params=_ps_params())
def boundary_delete(*, permission_set, acting):
    permission_set.boundary_managed_arn = permission_set.boundary_name = permission_set.boundary_path = ""
    permission_set.save(update_fields=["boundary_managed_arn", "boundary_name", "boundary_path"])
    _outdated(permission_set)


# Account assignments: the records; provisioning itself is in flows.py


def _assignment_params(kw):
    return {
        "instanceArn": kw["permission_set"].instance.arn,
        "targetId": kw["account_id"],
        "targetType": "AWS_ACCOUNT",
        "permissionSetArn": kw["permission_set"].arn,
        "principalType": kw["principal_type"],
        "principalId": kw["principal_id"],
    }


def _request_response(request):
    return {"requestId": request.request_id, "status": request.status}


def _request(kind, kw):
    return ProvisioningRequest.objects.create(
        instance=kw["permission_set"].instance,
        kind=kind,
        permission_set_arn=kw["permission_set"].arn,
        target_id=kw["account_id"],
        principal_type=kw.get("principal_type", ""),
        principal_id=kw.get("principal_id", ""),
    )


@_sso("CreateAccountAssignment", params=_assignment_params, response=_request_response)
def assignment_request(*, permission_set, account_id, principal_type, principal_id, acting):
    """CreateAccountAssignment's request, IN_PROGRESS until the flow has provisioned the account. The
    principal must be of the instance's store and the account of its organization."""
    instance = permission_set.instance
    if not selectors.principal_exists(instance, principal_type, principal_id):
        # unconfirmed
        raise ResourceNotFoundException(f"Could not find {principal_type.lower()} with id {principal_id}.")
    if selectors.organization_account(instance, account_id) is None:
        # unconfirmed
        raise ValidationException(f"The target account {account_id} is not a member of the organization.")
    if (
        selectors.assignments(permission_set, account_id)
        .filter(principal_type=principal_type, principal_id=principal_id)
        .exists()
    ):
        raise ConflictException("The account assignment already exists.")  # unconfirmed
    return _request(ProvisioningRequest.Kind.ASSIGNMENT_CREATION, locals())


@_sso("DeleteAccountAssignment", params=_assignment_params, response=_request_response)
def assignment_delete(*, permission_set, account_id, principal_type, principal_id, acting):
    """Remove the assignment; the flow then removes the role when it was the account's last one."""
    deleted, _ = (
        selectors.assignments(permission_set, account_id)
        .filter(principal_type=principal_type, principal_id=principal_id)
        .delete()
    )
    if not deleted:
        raise ResourceNotFoundException("Could not find the account assignment.")  # unconfirmed
    request = _request(ProvisioningRequest.Kind.ASSIGNMENT_DELETION, locals())
    return request


@_sso(
    "ProvisionPermissionSet",
    params=_ps_params(
        targetType=lambda kw: "AWS_ACCOUNT" if kw.get("account_id") else "ALL_PROVISIONED_ACCOUNTS",
        targetId=lambda kw: kw.get("account_id"),
    ),
    response=_request_response,
)
def provisioning_request(*, permission_set, account_id="", acting):
    """ProvisionPermissionSet's request: one account (which must be of the organization) or every
    account the permission set is provisioned to."""
    if account_id and selectors.organization_account(permission_set.instance, account_id) is None:
        # unconfirmed
        raise ValidationException(f"The target account {account_id} is not a member of the organization.")
    return _request(ProvisioningRequest.Kind.PERMISSION_SET_PROVISIONING, locals())


def assignment_record(*, request, permission_set, account):
    """The assignment itself, once its account is provisioned."""
    return AccountAssignment.objects.get_or_create(
        permission_set=permission_set,
        account=account,
        principal_type=request.principal_type,
        principal_id=request.principal_id,
    )[0]


def request_finish(request, failure_reason=""):
    """The request's end: SUCCEEDED, or FAILED with AWS's reason."""
    request.status = (
        ProvisioningRequest.Status.FAILED if failure_reason else ProvisioningRequest.Status.SUCCEEDED
    )
    request.failure_reason = failure_reason
    request.save(update_fields=["status", "failure_reason"])
    return request


def provisioned_row(*, permission_set, account):
    """The record of the permission set in the account (its role's name suffix), made on first use."""
    return ProvisionedPermissionSet.objects.get_or_create(permission_set=permission_set, account=account)[0]


def provisioned_record(row, role):
    """What provisioning made in the account: the role, now current with the permission set."""
    row.role, row.current = role, True
    row.save(update_fields=["role", "current", "provisioned_at"])
    return row


def provisioned_forget(row):
    row.delete()


# The identity store


def _emails(emails):
    return [
        {key: email[key] for key in ("Value", "Type", "Primary") if key in email} for email in emails or []
    ]


def _within(limits):
    """identitystore's length constraints: {field: (value, maximum)}."""
    for field, (value, maximum) in limits.items():
        if len(value) > maximum:
            raise ValidationException(
                f"1 validation error detected: Value at '{field}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {maximum}"
            )


def user_name_conflict():
    return ConflictException("Duplicate UserName")  # unconfirmed


@_store(
    "CreateUser",
    params=lambda kw: {"identityStoreId": kw["instance"].identity_store_id, "userName": kw["user_name"]},
    response=lambda user: {"userId": user.id},
)
def user_create(*, instance, user_name, display_name="", given_name="", family_name="", emails=(), acting):
    """A user of the Identity Center directory: user names unique ignoring case."""
    if not user_name or not display_name or not (given_name and family_name):
        # Identity Center's own directory needs these (the API model leaves them optional).
        raise ValidationException("UserName, DisplayName, Name.GivenName and Name.FamilyName are required.")
    _within(
        {
            "userName": (user_name, 128),
            "displayName": (display_name, 1024),
            "name.givenName": (given_name, 1024),
            "name.familyName": (family_name, 1024),
        }
    )
    if DirectoryUser.objects.filter(instance=instance, user_name__iexact=user_name).exists():
        raise user_name_conflict()
    try:
        with transaction.atomic():
            return DirectoryUser.objects.create(
                instance=instance,
                user_name=user_name,
                display_name=display_name,
                given_name=given_name,
                family_name=family_name,
                emails=_emails(emails),
            )
    except IntegrityError as exc:
        raise user_name_conflict() from exc


_USER_ATTRIBUTES = {
    "userName": "user_name",
    "displayName": "display_name",
    "name.givenName": "given_name",
    "name.familyName": "family_name",
    "emails": "emails",
}


@_store(
    "UpdateUser",
    params=lambda kw: {"identityStoreId": kw["user"].instance.identity_store_id, "userId": kw["user"].id},
)
def user_update(*, user, operations, acting):
    """UpdateUser's Operations: [(AttributePath, AttributeValue)]."""
    return _apply_operations(user, operations, _USER_ATTRIBUTES, "user_name", user_name_conflict)


def _apply_operations(entity, operations, attributes, unique, conflict):
    """UpdateUser's or UpdateGroup's Operations on `entity`: the `unique` field (a user name, a group's
    display name) neither empty nor another's of the store, ignoring case."""
    for path, value in operations:
        field = attributes.get(path)
        if field is None:
            raise ValidationException(f"Invalid attribute path {path}.")  # unconfirmed
        if field == "emails":
            value = _emails(value if isinstance(value, list) else [])
        elif not isinstance(value, str) or (field == unique and not value):
            raise ValidationException(f"Invalid value for attribute path {path}.")  # unconfirmed
        others = type(entity).objects.filter(instance=entity.instance).exclude(pk=entity.pk)
        if field == unique and others.filter(**{f"{unique}__iexact": value}).exists():
            raise conflict()
        setattr(entity, field, value)
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError as exc:  # a concurrent update took the name first
        raise conflict() from exc
    return entity


@_store(
    "DeleteUser",
    params=lambda kw: {"identityStoreId": kw["user"].instance.identity_store_id, "userId": kw["user"].id},
)
def user_delete(*, user, acting):
    user.delete()


def group_name_conflict():
    return ConflictException("Duplicate GroupDisplayName")  # unconfirmed


@_store(
    "CreateGroup",
    params=lambda kw: {
        "identityStoreId": kw["instance"].identity_store_id,
        "displayName": kw["display_name"],
    },
    response=lambda group: {"groupId": group.id},
)
def group_create(*, instance, display_name, description="", acting):
    if not display_name:
        raise ValidationException("DisplayName is required.")  # unconfirmed
    _within({"displayName": (display_name, 1024), "description": (description, 1024)})
    if DirectoryGroup.objects.filter(instance=instance, display_name__iexact=display_name).exists():
        raise group_name_conflict()
    try:
        with transaction.atomic():
            return DirectoryGroup.objects.create(
                instance=instance, display_name=display_name, description=description
            )
    except IntegrityError as exc:
        raise group_name_conflict() from exc


@_store(
    "UpdateGroup",
    params=lambda kw: {"identityStoreId": kw["group"].instance.identity_store_id, "groupId": kw["group"].id},
)
def group_update(*, group, operations, acting):
    attributes = {"displayName": "display_name", "description": "description"}
    return _apply_operations(group, operations, attributes, "display_name", group_name_conflict)


@_store(
    "DeleteGroup",
    params=lambda kw: {"identityStoreId": kw["group"].instance.identity_store_id, "groupId": kw["group"].id},
)
def group_delete(*, group, acting):
    group.delete()


@_store(
    "CreateGroupMembership",
    params=lambda kw: {
        "identityStoreId": kw["group"].instance.identity_store_id,
        "groupId": kw["group"].id,
        "memberId": {"userId": kw["user"].id},
    },
    response=lambda membership: {"membershipId": membership.id},
)
def membership_create(*, group, user, acting):
    conflict = ConflictException("Member is already in the group.")  # unconfirmed
    if GroupMembership.objects.filter(group=group, user=user).exists():
        raise conflict
    try:
        with transaction.atomic():
            return GroupMembership.objects.create(group=group, user=user)
    except IntegrityError as exc:
        raise conflict from exc


@_store(
    "DeleteGroupMembership",
    params=lambda kw: {
        "identityStoreId": kw["membership"].group.instance.identity_store_id,
        "membershipId": kw["membership"].id,
    },
)
def membership_delete(*, membership, acting):
    membership.delete()


# Identity Center's password rules' non-alphanumeric characters.
SPECIAL = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/"


def one_time_password_set(*, user):
    """ "Generate a one-time password that you can share with this user": the user signs in with it and
    must choose a new password at once. Returned once; only its hash is kept."""
    # One of each class the rules ask for, the rest of any; shuffled.
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, SPECIAL[:12])
    alphabet = string.ascii_letters + string.digits
    characters = [secrets.choice(each) for each in classes] + [secrets.choice(alphabet) for _ in range(12)]
    secrets.SystemRandom().shuffle(characters)
    password = "".join(characters)
    DirectoryUser.objects.filter(pk=user.pk).update(
        password=make_password(password),
        password_reset_required=True,
        password_changed_at=timezone.now(),
        setup_token_hash="",
        setup_token_expires_at=None,
    )
    return password


@audited(
    "UpdatePassword",
    params=lambda kw: {"userId": kw["user"].id, "identityStoreId": kw["user"].instance.identity_store_id},
    event_source=SSO_DIRECTORY_SOURCE,
)
def user_password_generate(*, user, acting):
    """The console's "Generate a one-time password": returned once, stored hashed; the user sets a
    password of their own at their first sign-in to the access portal."""
    return one_time_password_set(user=user)
