"""AWS Organizations: an organization, its root and OUs, member accounts, policies and handshakes.

A "target" of a policy is the root (`r-…`), an OU (`ou-…`) or an account (its 12-digit ID), as AWS's
TargetId is: attachments store that string, so one query finds every policy on an account's path.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account
from aws.ids import (
    new_create_account_request_id,
    new_handshake_id,
    new_organization_id,
    new_organizations_policy_id,
    new_ou_id,
    new_resource_policy_id,
    new_root_id,
)

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"
FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
RCP_FULL_AWS_ACCESS_ID = "p-RCPFullAWSAccess"


class PolicyType(models.TextChoices):
    SERVICE_CONTROL_POLICY = SCP, "Service control policy"
    RESOURCE_CONTROL_POLICY = RCP, "Resource control policy"
    # Management policies (aws/management_policies.py): the API has them; the console's pages SCPs and RCPs.
    TAG_POLICY = "TAG_POLICY", "Tag policy"
    BACKUP_POLICY = "BACKUP_POLICY", "Backup policy"
    AISERVICES_OPT_OUT_POLICY = "AISERVICES_OPT_OUT_POLICY", "AI services opt-out policy"
    CHATBOT_POLICY = "CHATBOT_POLICY", "Chat applications policy"
    DECLARATIVE_POLICY_EC2 = "DECLARATIVE_POLICY_EC2", "Declarative policy for EC2"


class Organization(models.Model):
    """An organization with all features; its management account created it. One root per organization."""

    id = models.CharField(primary_key=True, max_length=34, default=new_organization_id, editable=False)
    root_id = models.CharField(max_length=34, default=new_root_id, editable=False)
    management_account = models.OneToOneField(
        Account, on_delete=models.PROTECT, related_name="managed_organization"
    )
    feature_set = models.CharField(max_length=20, default="ALL", editable=False)
    # Policy types enabled in the root (AWS's Root.PolicyTypes with status ENABLED).
    scp_enabled = models.BooleanField(default=False)
    rcp_enabled = models.BooleanField(default=False)
    # The management policy types enabled in the root (TAG_POLICY, …), in the order they were enabled.
    management_policy_types = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.id

    @property
    def arn(self):
        return f"arn:aws:organizations::{self.management_account_id}:organization/{self.id}"

    @property
    def root_arn(self):
        return f"arn:aws:organizations::{self.management_account_id}:root/{self.id}/{self.root_id}"

    def type_enabled(self, policy_type):
        if policy_type == SCP:
            return self.scp_enabled
        if policy_type == RCP:
            return self.rcp_enabled
        return policy_type in self.management_policy_types

    @property
    def enabled_policy_types(self):
        """The policy types enabled in the root, as ListRoots lists them."""
        return [
            *(policy_type for policy_type in (SCP, RCP) if self.type_enabled(policy_type)),
            *self.management_policy_types,
        ]


class OrganizationalUnit(models.Model):
    id = models.CharField(primary_key=True, max_length=68, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )  # None: the root
    name = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", "name", condition=Q(parent__isnull=True), name="ou_name_unique_in_root"
            ),
            models.UniqueConstraint("parent", "name", name="ou_name_unique_in_parent"),
        ]
        verbose_name = "organizational unit"

    def __str__(self):
        return f"{self.name} ({self.id})"

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = new_ou_id(self.organization.root_id)
        super().save(*args, **kwargs)

    @property
    def arn(self):
        org = self.organization
        return f"arn:aws:organizations::{org.management_account_id}:ou/{org.id}/{self.id}"

    @property
    def parent_target_id(self):
        return self.parent_id or self.organization.root_id


class Membership(models.Model):
    """An account in an organization (at most one), under the root or an OU."""

    class JoinedMethod(models.TextChoices):
        INVITED = "INVITED"
        CREATED = "CREATED"

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    parent = models.ForeignKey(
        OrganizationalUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )  # None: the root
    joined_method = models.CharField(max_length=10, choices=JoinedMethod.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account__name"]

    def __str__(self):
        return f"{self.account_id} in {self.organization_id}"

    @property
    def joined_label(self):
        """The Organizations console's word for the date: "Joined" for an invited account, "Created" for
        an account the organization created."""
        return "Created" if self.joined_method == self.JoinedMethod.CREATED else "Joined"

    @property
    def account_arn(self):
        org = self.organization
        return f"arn:aws:organizations::{org.management_account_id}:account/{org.id}/{self.account_id}"


class Policy(models.Model):
    """An SCP or RCP: AWS managed (FullAWSAccess, RCPFullAWSAccess; no organization) or the customer's."""

    id = models.CharField(
        primary_key=True, max_length=130, default=new_organizations_policy_id, editable=False
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="policies"
    )
    type = models.CharField(max_length=32, choices=PolicyType.choices)
    name = models.CharField(max_length=128)
    description = models.CharField(max_length=512, blank=True)
    content = models.TextField()  # as saved: the console minifies it first
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", "type", "name", condition=Q(organization__isnull=False), name="orgpolicy_name"
            )
        ]
        verbose_name_plural = "policies"

    def __str__(self):
        return self.name

    @property
    def aws_managed(self):
        return self.organization_id is None

    @property
    def type_path(self):
        return self.type.lower()

    @property
    def arn(self):
        if self.aws_managed:
            return f"arn:aws:organizations::aws:policy/{self.type_path}/{self.id}"
        org = self.organization
        return (
            f"arn:aws:organizations::{org.management_account_id}:policy/{org.id}/{self.type_path}/{self.id}"
        )


class PolicyAttachment(models.Model):
    """A policy attached to a target of one organization: its root, an OU or an account."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="attachments")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="attachments")
    target_id = models.CharField(max_length=100)
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "id"]
        constraints = [
            models.UniqueConstraint("organization", "target_id", "policy", name="orgpolicyattachment_unique")
        ]

    def __str__(self):
        return f"{self.policy_id} on {self.target_id}"


class Handshake(models.Model):
    """An invitation to join an organization, which the invited account's root accepts or declines."""

    class State(models.TextChoices):
        OPEN = "OPEN"
        ACCEPTED = "ACCEPTED"
        DECLINED = "DECLINED"
        CANCELED = "CANCELED"
        EXPIRED = "EXPIRED"

    id = models.CharField(primary_key=True, max_length=34, default=new_handshake_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="handshakes")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="handshakes")
    # What the inviter typed: ACCOUNT (an ID) or EMAIL, as AWS's HandshakeParty.Type.
    party_type = models.CharField(max_length=10, default="ACCOUNT")
    party_id = models.CharField(max_length=254)
    notes = models.CharField(max_length=1024, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    requested_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.id} {self.state}"

    @property
    def arn(self):
        org = self.organization
        return f"arn:aws:organizations::{org.management_account_id}:handshake/{org.id}/invite/{self.id}"

    @property
    def current_state(self):
        """The state as AWS reports it: an open handshake past its 15 days is EXPIRED."""
        if self.state == self.State.OPEN and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.state


class ResourceTag(models.Model):
    """A tag on an Organizations resource: the root, an OU, an account or a policy, named by its ID
    as TagResource's ResourceId is."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tags")
    resource_id = models.CharField(max_length=130)
    key = models.CharField(max_length=128)
    value = models.CharField(max_length=256, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint("organization", "resource_id", "key", name="orgresourcetag_unique")
        ]

    def __str__(self):
        return f"{self.resource_id} {self.key}={self.value}"


class CreateAccountStatus(models.Model):
    """A CreateAccount request, which DescribeCreateAccountStatus and ListCreateAccountStatus report."""

    class State(models.TextChoices):
        IN_PROGRESS = "IN_PROGRESS"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"

    id = models.CharField(
        primary_key=True, max_length=36, default=new_create_account_request_id, editable=False
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="account_requests")
    account_name = models.CharField(max_length=128)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    failure_reason = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name_plural = "create account statuses"

    def __str__(self):
        return f"{self.id} {self.state}"


class DelegatedAdministrator(models.Model):
    """A member account registered as a delegated administrator for an AWS service."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="delegations")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="delegations")
    service_principal = models.CharField(max_length=128)
    delegated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delegated_at", "id"]
        constraints = [
            models.UniqueConstraint("account", "service_principal", name="delegatedadministrator_unique")
        ]

    def __str__(self):
        return f"{self.account_id} for {self.service_principal}"


class ServiceAccess(models.Model):
    """An AWS service given trusted access to the organization (EnableAWSServiceAccess)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="service_access")
    service_principal = models.CharField(max_length=128)
    enabled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_principal"]
        constraints = [
            models.UniqueConstraint("organization", "service_principal", name="serviceaccess_unique")
        ]

    def __str__(self):
        return f"{self.service_principal} in {self.organization_id}"


class ResourcePolicy(models.Model):
    """The organization's resource-based policy (PutResourcePolicy): at most one per organization."""

    id = models.CharField(primary_key=True, max_length=131, default=new_resource_policy_id, editable=False)
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="resource_policy"
    )
    content = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "resource policies"

    def __str__(self):
        return self.id

    @property
    def arn(self):
        org = self.organization
        return f"arn:aws:organizations::{org.management_account_id}:resourcepolicy/{org.id}/{self.id}"
