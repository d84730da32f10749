"""Managed and inline policies, attachments, roles, instance profiles and identity providers."""

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import Account, EntityTag, Group, IAMUser
from aws.ids import new_instance_profile_id, new_policy_id, new_role_id
from aws.job_functions import JOB_FUNCTION_POLICY_ARNS

AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy"


def _one_entity_constraint(name):
    """Exactly one of user, group and role is set (attachments and inline policies belong to one entity)."""
    return models.CheckConstraint(
        condition=(
            Q(user__isnull=False, group__isnull=True, role__isnull=True)
            | Q(user__isnull=True, group__isnull=False, role__isnull=True)
            | Q(user__isnull=True, group__isnull=True, role__isnull=False)
        ),
        name=name,
    )


class ManagedPolicy(models.Model):
    """A customer managed policy (with its account) or an AWS managed policy (account empty)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="policies"
    )
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    # Names and paths of IAM policies never change, so the ARN is stored for lookups and uniqueness.
    arn = models.CharField(max_length=2048, unique=True)
    policy_id = models.CharField(max_length=21, unique=True, default=new_policy_id)
    description = models.CharField(max_length=1000, blank=True)
    default_version_number = models.PositiveIntegerField(default=1)
    # Version numbers are never reused: v1, v2, … even after deletions.
    next_version_number = models.PositiveIntegerField(default=2)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), condition=Q(account__isnull=False), name="policy_name_unique_ci"
            )
        ]
        # The policies list pages through some 3,000 rows (AWS's and the account's) ordered by name.
        indexes = [models.Index(Lower("name"), "id", name="policy_name_order")]
        verbose_name_plural = "managed policies"

    def __str__(self):
        return self.name

    @property
    def is_aws_managed(self):
        return self.account_id is None

    @property
    def is_job_function(self):
        """One of the User Guide's "AWS managed policies for job functions" (not the whole path)."""
        return self.is_aws_managed and self.arn in JOB_FUNCTION_POLICY_ARNS

    @property
    def default_version_id(self):
        return f"v{self.default_version_number}"


class PolicyVersion(models.Model):
    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.TextField()  # as submitted; IAM returns it URL-encoded, the console pretty-printed
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint("policy", "number", name="policyversion_unique")]

    def __str__(self):
        return f"{self.policy.name} {self.version_id}"

    @property
    def version_id(self):
        return f"v{self.number}"

    @property
    def is_default(self):
        return self.number == self.policy.default_version_number

    @property
    def date_recorded(self):
        """False for a later version of an AWS managed policy dated at the policy's creation: the public
        record its history comes from put that date where it did not know the real one."""
        return not (
            self.policy.is_aws_managed and self.number > 1 and self.created_at == self.policy.created_at
        )


class PolicyTag(models.Model):
    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="tags")
    key = models.CharField(max_length=128)
    value = models.CharField(max_length=256, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint("policy", Lower("key"), name="policytag_key_unique_ci")]

    def __str__(self):
        return f"{self.key}={self.value}"


class Role(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=64)
    path = models.CharField(max_length=512, default="/")
    role_id = models.CharField(max_length=21, unique=True, default=new_role_id)
    description = models.CharField(max_length=1000, blank=True)
    max_session_duration = models.PositiveIntegerField(default=3600)  # seconds, 3600-43200
    trust_policy = models.TextField()
    permissions_boundary_arn = models.CharField(max_length=2048, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint("account", Lower("name"), name="role_name_unique_ci")]

    def __str__(self):
        return self.name

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account_id}:role{self.path}{self.name}"

    @property
    def is_service_linked(self):
        return self.path.startswith("/aws-service-role/")


class RoleTag(EntityTag):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="tags")

    class Meta(EntityTag.Meta):
        constraints = [models.UniqueConstraint("role", Lower("key"), name="roletag_key_unique_ci")]


class PolicyAttachment(models.Model):
    """A managed policy attached to exactly one user, group or role."""

    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="attachments")
    user = models.ForeignKey(
        IAMUser, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            _one_entity_constraint("policyattachment_one_entity"),
            models.UniqueConstraint("policy", "user", name="policyattachment_user_unique"),
            models.UniqueConstraint("policy", "group", name="policyattachment_group_unique"),
            models.UniqueConstraint("policy", "role", name="policyattachment_role_unique"),
        ]

    def __str__(self):
        return f"{self.policy} on {self.user or self.group or self.role}"


class InlinePolicy(models.Model):
    """A policy embedded in exactly one user, group or role."""

    name = models.CharField(max_length=128)
    document = models.TextField()
    user = models.ForeignKey(
        IAMUser, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name")]
        verbose_name_plural = "inline policies"
        constraints = [
            _one_entity_constraint("inlinepolicy_one_entity"),
            models.UniqueConstraint("user", "name", name="inlinepolicy_user_name_unique"),
            models.UniqueConstraint("group", "name", name="inlinepolicy_group_name_unique"),
            models.UniqueConstraint("role", "name", name="inlinepolicy_role_name_unique"),
        ]

    def __str__(self):
        return self.name


class InstanceProfile(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="instance_profiles")
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    instance_profile_id = models.CharField(max_length=21, unique=True, default=new_instance_profile_id)
    # AWS allows at most one role per instance profile.
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="instance_profiles"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="instanceprofile_name_unique_ci")
        ]

    def __str__(self):
        return self.name

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account_id}:instance-profile{self.path}{self.name}"


class InstanceProfileTag(EntityTag):
    profile = models.ForeignKey(InstanceProfile, on_delete=models.CASCADE, related_name="tags")

    class Meta(EntityTag.Meta):
        constraints = [
            models.UniqueConstraint("profile", Lower("key"), name="instanceprofiletag_key_unique_ci")
        ]


class OpenIDConnectProvider(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="oidc_providers")
    url = models.CharField(max_length=255)  # without https://, as the ARN shows it
    client_ids = models.JSONField(default=list)
    thumbprints = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        constraints = [models.UniqueConstraint("account", "url", name="oidcprovider_url_unique")]
        verbose_name = "OpenID Connect provider"

    def __str__(self):
        return self.url

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account_id}:oidc-provider/{self.url}"


class OpenIDConnectProviderTag(EntityTag):
    provider = models.ForeignKey(OpenIDConnectProvider, on_delete=models.CASCADE, related_name="tags")

    class Meta(EntityTag.Meta):
        constraints = [
            models.UniqueConstraint("provider", Lower("key"), name="oidcprovidertag_key_unique_ci")
        ]


class SAMLProvider(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="saml_providers")
    name = models.CharField(max_length=128)
    metadata_document = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("account", "name", name="samlprovider_name_unique")]
        verbose_name = "SAML provider"

    def __str__(self):
        return self.name

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account_id}:saml-provider/{self.name}"


class SAMLProviderTag(EntityTag):
    provider = models.ForeignKey(SAMLProvider, on_delete=models.CASCADE, related_name="tags")

    class Meta(EntityTag.Meta):
        constraints = [
            models.UniqueConstraint("provider", Lower("key"), name="samlprovidertag_key_unique_ci")
        ]


class ServiceLinkedRoleDeletion(models.Model):
    """A DeleteServiceLinkedRole task: the role goes in a Celery task whose status the caller polls."""

    class Status(models.TextChoices):
        NOT_STARTED = "NOT_STARTED"
        IN_PROGRESS = "IN_PROGRESS"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="slr_deletions")
    # The role row is gone once the task succeeds; its name and ARN stay for the status page.
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="deletion_tasks"
    )
    role_name = models.CharField(max_length=64)
    role_arn = models.CharField(max_length=2048)
    # task/aws-service-role/SERVICE/ROLE-NAME/UUID, as GetServiceLinkedRoleDeletionStatus takes it.
    task_id = models.CharField(max_length=1000, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "service-linked role deletion"

    def __str__(self):
        return f"{self.role_name} {self.status}"


class SimulationRun(models.Model):
    """A whole-service (or all-services) simulation, run by a Celery task whose progress the page polls."""

    class Status(models.TextChoices):
        PENDING = "PENDING"
        RUNNING = "RUNNING"
        SUCCEEDED = "SUCCEEDED"
        FAILED = "FAILED"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="simulation_runs")
    # The ARN of whoever started it (root or a user): kept as text, the user may be deleted since.
    started_by = models.CharField(max_length=2048)
    # What the simulator form held: mode, principal, include, documents, service, resource, context.
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # One row per action: [action, resource, decision, decided by, missing context keys, statements].
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.parameters.get('service', '?')} {self.status} {self.done}/{self.total}"

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self):
        return 100 if not self.total else min(100, self.done * 100 // self.total)


class LastAccessedJob(models.Model):
    """A GenerateServiceLastAccessedDetails job: its report, taken when it completes, is read back with
    GetServiceLastAccessedDetails(WithEntities) by the identity that generated it, and by no other."""

    class Status(models.TextChoices):
        IN_PROGRESS = "IN_PROGRESS"
        COMPLETED = "COMPLETED"
        FAILED = "FAILED"

    class Granularity(models.TextChoices):
        SERVICE_LEVEL = "SERVICE_LEVEL"
        ACTION_LEVEL = "ACTION_LEVEL"

    job_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="last_accessed_jobs")
    # The ARN of the identity that generated it (a role session's assumed-role ARN).
    created_by = models.CharField(max_length=2048)
    entity_arn = models.CharField(max_length=2048)
    granularity = models.CharField(max_length=16, choices=Granularity.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    # ServicesLastAccessed in the API's shape, each service with its "Entities" (EntityDetailsList).
    services = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.job_id} {self.status}"
