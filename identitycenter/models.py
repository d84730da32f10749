"""IAM Identity Center: an organization's instance, its identity store (users, groups, memberships),
permission sets, account assignments, what provisioning made in each account, and the provisioning
requests as AWS reports them.

The instance is also the SAML identity provider of the AWS access portal: its signing certificate is
the metadata of the `AWSSSO_…_DO_NOT_DELETE` provider that provisioning puts in each account.
"""

import re

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Account
from aws.ids import (
    new_directory_id,
    new_identity_store_id,
    new_permission_set_id,
    new_request_id,
    new_reserved_role_suffix,
    new_sso_instance_id,
)
from organizations.models import Organization
from policies.models import Role

SSO_SERVICE = "sso.amazonaws.com"
RESERVED_PATH = "/aws-reserved/sso.amazonaws.com/"
DEFAULT_SESSION_DURATION = "PT1H"


class Instance(models.Model):
    """An organization instance of IAM Identity Center, enabled from its management account."""

    class Status(models.TextChoices):
        CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
        DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
        ACTIVE = "ACTIVE"

    id = models.CharField(primary_key=True, max_length=23, default=new_sso_instance_id, editable=False)
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="identity_center"
    )
    owner_account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    identity_store_id = models.CharField(max_length=12, unique=True, default=new_identity_store_id)
    name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # The Region it was enabled in: the reserved roles' path names it outside us-east-1.
    region = models.CharField(max_length=32, default="us-east-1")
    # The access portal's SAML signing certificate (PEM) and its private key (encrypted at rest).
    certificate_pem = models.TextField()
    private_key_encrypted = models.TextField()
    # Settings > Authentication > Multi-factor authentication, "If a user does not yet have a
    # registered MFA device": True is "Require them to register an MFA device at sign in", False
    # "Allow them to sign in" (the portal asks for a code once they have registered one).
    mfa_registration_required = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.id

    @property
    def arn(self):
        return f"arn:aws:sso:::instance/{self.id}"

    @property
    def hex_id(self):
        return self.id.removeprefix("ssoins-")

    @property
    def identity_store_arn(self):
        return f"arn:aws:identitystore::{self.owner_account_id}:identitystore/{self.identity_store_id}"

    @property
    def portal_entity_id(self):
        """The access portal's SAML issuer (the provider metadata's entityID)."""
        return f"https://portal.sso.{self.region}.amazonaws.com/saml/assertion/{self.id}"

    @property
    def reserved_path(self):
        return RESERVED_PATH if self.region == "us-east-1" else f"{RESERVED_PATH}{self.region}/"

    @property
    def saml_provider_name(self):
        return f"AWSSSO_{self.hex_id}_DO_NOT_DELETE"


class DirectoryUser(models.Model):
    """A user of the instance's identity store (Identity Center directory)."""

    id = models.CharField(primary_key=True, max_length=47, default=new_directory_id, editable=False)
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="users")
    user_name = models.CharField(max_length=128)
    display_name = models.CharField(max_length=1024, blank=True)
    given_name = models.CharField(max_length=1024, blank=True)
    family_name = models.CharField(max_length=1024, blank=True)
    # Identitystore's Emails: [{"Value", "Type", "Primary"}].
    emails = models.JSONField(default=list, blank=True)
    # The access portal's password (Django's hash): set through the emailed link, or a one-time
    # password the administrator shares (to be changed at the first sign-in); unusable until then.
    password = models.CharField(max_length=128, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    password_reset_required = models.BooleanField(default=False)
    # The emailed password-setup link: the SHA-256 of its token, valid until it expires or is used.
    setup_token_hash = models.CharField(max_length=64, blank=True)
    setup_token_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("user_name")]
        constraints = [
            models.UniqueConstraint("instance", Lower("user_name"), name="directoryuser_name_unique_ci")
        ]

    def __str__(self):
        return self.user_name

    @property
    def arn(self):
        return f"{self.instance.identity_store_arn}/user/{self.id}"

    @property
    def primary_email(self):
        for email in self.emails:
            if email.get("Primary"):
                return email.get("Value", "")
        return self.emails[0].get("Value", "") if self.emails else ""


class PortalMFADevice(models.Model):
    """An authenticator app a directory user registered in the access portal: a TOTP seed encrypted at
    rest, like IAM's virtual MFA devices; the portal asks for its code once one is registered."""

    user = models.ForeignKey(DirectoryUser, on_delete=models.CASCADE, related_name="mfa_devices")
    name = models.CharField(max_length=64)
    seed_encrypted = models.TextField()
    # None until the user confirmed a code from the app.
    registered_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.name} of {self.user_id}"


class DirectoryGroup(models.Model):
    id = models.CharField(primary_key=True, max_length=47, default=new_directory_id, editable=False)
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="groups")
    display_name = models.CharField(max_length=1024)
    description = models.CharField(max_length=1024, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("display_name")]
        constraints = [
            models.UniqueConstraint("instance", Lower("display_name"), name="directorygroup_name_unique_ci")
        ]

    def __str__(self):
        return self.display_name

    @property
    def arn(self):
        return f"{self.instance.identity_store_arn}/group/{self.id}"


class GroupMembership(models.Model):
    id = models.CharField(primary_key=True, max_length=47, default=new_directory_id, editable=False)
    group = models.ForeignKey(DirectoryGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(DirectoryUser, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint("group", "user", name="directorygroupmembership_unique")]

    def __str__(self):
        return f"{self.user_id} in {self.group_id}"

    @property
    def arn(self):
        return f"{self.group.instance.identity_store_arn}/groupmembership/{self.id}"


class PermissionSet(models.Model):
    id = models.CharField(primary_key=True, max_length=19, default=new_permission_set_id, editable=False)
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="permission_sets")
    name = models.CharField(max_length=32)
    description = models.CharField(max_length=700, blank=True)
    session_duration = models.CharField(max_length=100, default=DEFAULT_SESSION_DURATION)
    relay_state = models.CharField(max_length=240, blank=True)
    inline_policy = models.TextField(blank=True)
    # The permissions boundary: an AWS managed policy's ARN, or a customer managed policy's name and path.
    boundary_managed_arn = models.CharField(max_length=2048, blank=True)
    boundary_name = models.CharField(max_length=128, blank=True)
    boundary_path = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint("instance", Lower("name"), name="permissionset_name_unique_ci")
        ]

    def __str__(self):
        return self.name

    @property
    def arn(self):
        return f"arn:aws:sso:::permissionSet/{self.instance_id}/{self.id}"

    @property
    def session_seconds(self):
        """The session duration in seconds (ISO 8601 as the services stored it: PT#H#M#S)."""
        return iso_duration_seconds(self.session_duration)


def iso_duration_seconds(text):
    """Seconds of an ISO 8601 duration PTnHnMnS (None when it is not one)."""
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?", text or "")
    if not match or text == "PT":
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


class ManagedPolicyAttachment(models.Model):
    """An AWS managed policy of a permission set."""

    permission_set = models.ForeignKey(
        PermissionSet, on_delete=models.CASCADE, related_name="managed_policies"
    )
    arn = models.CharField(max_length=2048)
    name = models.CharField(max_length=128)
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "id"]
        constraints = [models.UniqueConstraint("permission_set", "arn", name="psmanagedpolicy_unique")]

    def __str__(self):
        return self.arn


class CustomerPolicyReference(models.Model):
    """A customer managed policy a permission set names, resolved by name and path in each account."""

    permission_set = models.ForeignKey(
        PermissionSet, on_delete=models.CASCADE, related_name="customer_policies"
    )
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "id"]
        constraints = [
            models.UniqueConstraint("permission_set", "name", "path", name="pscustomerpolicy_unique")
        ]

    def __str__(self):
        return f"{self.path}{self.name}"


class ResourceTag(models.Model):
    """A tag of the instance or of a permission set (sso-admin's TagResource)."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="tags")
    resource_arn = models.CharField(max_length=2048)
    key = models.CharField(max_length=128)
    value = models.CharField(max_length=256, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint("resource_arn", "key", name="ssotag_unique")]

    def __str__(self):
        return f"{self.resource_arn} {self.key}={self.value}"


class AccountAssignment(models.Model):
    """A user or group × a permission set × an account of the organization."""

    class PrincipalType(models.TextChoices):
        USER = "USER"
        GROUP = "GROUP"

    permission_set = models.ForeignKey(PermissionSet, on_delete=models.CASCADE, related_name="assignments")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sso_assignments")
    principal_type = models.CharField(max_length=5, choices=PrincipalType.choices)
    principal_id = models.CharField(max_length=47)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "permission_set", "account", "principal_type", "principal_id", name="accountassignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.principal_type} {self.principal_id} {self.permission_set_id} {self.account_id}"


class ProvisionedPermissionSet(models.Model):
    """A permission set provisioned to an account: its AWSReservedSSO_ role there. `current` is False
    once the permission set changed after the last provisioning (ProvisioningStatus
    LATEST_PERMISSION_SET_NOT_PROVISIONED)."""

    permission_set = models.ForeignKey(PermissionSet, on_delete=models.CASCADE, related_name="provisioned")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sso_provisioned")
    role_suffix = models.CharField(max_length=16, default=new_reserved_role_suffix)
    role = models.ForeignKey(Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    current = models.BooleanField(default=True)
    provisioned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_id"]
        constraints = [
            models.UniqueConstraint("permission_set", "account", name="provisionedpermissionset_unique")
        ]

    def __str__(self):
        return f"{self.permission_set_id} in {self.account_id}"

    @property
    def role_name(self):
        return f"AWSReservedSSO_{self.permission_set.name}_{self.role_suffix}"


class ProvisioningRequest(models.Model):
    """An asynchronous sso-admin request as AWS reports it: AccountAssignmentCreationStatus,
    AccountAssignmentDeletionStatus or PermissionSetProvisioningStatus."""

    class Kind(models.TextChoices):
        ASSIGNMENT_CREATION = "ASSIGNMENT_CREATION"
        ASSIGNMENT_DELETION = "ASSIGNMENT_DELETION"
        PERMISSION_SET_PROVISIONING = "PERMISSION_SET_PROVISIONING"

    class Status(models.TextChoices):
        IN_PROGRESS = "IN_PROGRESS"
        FAILED = "FAILED"
        SUCCEEDED = "SUCCEEDED"

    request_id = models.CharField(primary_key=True, max_length=36, default=new_request_id, editable=False)
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    failure_reason = models.TextField(blank=True)
    permission_set_arn = models.CharField(max_length=1224)
    target_id = models.CharField(max_length=12, blank=True)
    principal_type = models.CharField(max_length=5, blank=True)
    principal_id = models.CharField(max_length=47, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.request_id} {self.status}"


# The sso-oidc service (`aws sso login`): registered clients, device authorizations and the access
# tokens they become. Every secret is kept as its SHA-256 only (clients and tokens are looked up by it).


class OidcClient(models.Model):
    """A client registered with RegisterClient (the CLI registers one and keeps it for 90 days)."""

    client_id = models.CharField(primary_key=True, max_length=64)
    secret_hash = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    client_type = models.CharField(max_length=16, default="public")
    scopes = models.JSONField(default=list, blank=True)
    grant_types = models.JSONField(default=list, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    secret_expires_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_at"]

    def __str__(self):
        return f"{self.name} ({self.client_id})"


class DeviceAuthorization(models.Model):
    """StartDeviceAuthorization's device code and user code, until the user allows it in the portal
    and the client redeems it with CreateToken."""

    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE, related_name="device_authorizations")
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="device_authorizations")
    device_code_hash = models.CharField(max_length=64, unique=True)
    user_code = models.CharField(max_length=9, db_index=True)
    interval = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    last_polled_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        DirectoryUser, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.user_code


class AccessToken(models.Model):
    """An access token (and its refresh token) of a directory user for a client: the `sso` API's
    bearer token."""

    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(DirectoryUser, on_delete=models.CASCADE, related_name="access_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    refresh_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"token of {self.user_id}"
