"""IAM roles: create, update, trust policy, tags and delete; service-linked roles and their deletion tasks."""

import json
import re
import uuid

from django.db import IntegrityError, transaction

from access.audit import audited
from access.entities import ensure_same_account, entity_tags_add, tags_remove
from access.jobs import enqueue_on_commit
from accounts.models import Account, IAMUser
from aws.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    MalformedPolicyDocument,
    NoSuchEntity,
)
from aws.model import constraint
from aws.names import constraint_error, tags_param, validate_name, validate_path, validate_tags
from aws.params import ascii_int
from policies.engine.validation import validate
from policies.models import (
    AWS_MANAGED_PREFIX,
    InlinePolicy,
    ManagedPolicy,
    PolicyAttachment,
    Role,
    RoleTag,
    ServiceLinkedRoleDeletion,
)
from policies.services.permissions import policy_for_arn
from policies.services.policies import refusal
from policies.services.protected import ensure_modifiable, reserved_path_refused

ROLE_NAME_MAX = constraint("CreateRole", "RoleName", "max")
DESCRIPTION_MAX = constraint("CreateRole", "Description", "max")
SESSION_MIN = 3600  # 1 hour
SESSION_MAX = 43200  # 12 hours
SERVICE_ROLE_PATH = "/aws-service-role/"
# IAM's pattern for role descriptions: tab, LF, CR, printable ASCII and Latin-1.
_DESCRIPTION_PATTERN = r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*"
# A user or role ARN: the path is everything between the type and the last slash.
_PRINCIPAL_ARN = re.compile(r"arn:aws:iam::(\d{12}):(user|role)(/(?:.*/)?)([^/]+)")


def role_not_found(name):
    return NoSuchEntity(f"The role with name {name} cannot be found.")


def role_exists(name):
    return EntityAlreadyExists(f"Role with name {name} already exists.")


def role_elements(role):
    """CloudTrail's `role` response element."""
    return {
        "path": role.path,
        "roleName": role.name,
        "roleId": role.role_id,
        "arn": role.arn,
        "createDate": role.created_at.isoformat() if role.created_at else None,
        "assumeRolePolicyDocument": role.trust_policy,
        "maxSessionDuration": role.max_session_duration,
        **({"description": role.description} if role.description else {}),
    }


def _principal_values(document):
    """Every string under Principal.AWS in a parsed trust policy."""
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if not isinstance(principal, dict):
            continue
        values = principal.get("AWS", [])
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str):
                yield value


def _principal_exists(account_id, kind, path, name):
    model = IAMUser if kind == "user" else Role
    return model.objects.filter(account_id=account_id, path=path, name__iexact=name).exists()


def validate_trust_policy(text):
    """Refuse a trust policy as IAM does: the engine's verdict, then principals of this installation.

    IAM resolves an ARN naming a user or role to its unique ID when it stores the policy, so one that
    does not exist is refused. Accounts that this installation does not hold are taken on trust.
    """
    verdict = validate(text, "trust")
    if verdict["malformed"]:
        raise refusal(verdict["malformed"])
    for value in _principal_values(json.loads(text)):
        match = _PRINCIPAL_ARN.fullmatch(value)
        if not match:
            continue
        account_id, kind, path, name = match.groups()
        if not Account.objects.filter(id=account_id).exists():
            continue
        if not _principal_exists(account_id, kind, path, name):
            raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{value}"')
    return text


def _validate_description(description):
    if len(description) > DESCRIPTION_MAX:
        raise constraint_error(
            description, "description", f"Member must have length less than or equal to {DESCRIPTION_MAX}"
        )
    if not re.fullmatch(_DESCRIPTION_PATTERN, description):
        raise constraint_error(
            description,
            "description",
            "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*",
        )
    return description


def _validate_session(seconds):
    if type(seconds) is not int:
        # ASCII digits only, as AWS reads the parameter (a sign is allowed: the range check words it).
        text = str(seconds)
        number = ascii_int(text.removeprefix("-"))
        if number is None:
            raise constraint_error(seconds, "maxSessionDuration", "Member must be a number")
        seconds = -number if text.startswith("-") else number
    if seconds < SESSION_MIN:
        raise constraint_error(
            seconds, "maxSessionDuration", f"Member must have value greater than or equal to {SESSION_MIN}"
        )
    if seconds > SESSION_MAX:
        raise constraint_error(
            seconds, "maxSessionDuration", f"Member must have value less than or equal to {SESSION_MAX}"
        )
    return seconds


@audited(
    "CreateRole",
    params=lambda kw: {
        "roleName": kw["name"],
        "path": kw.get("path", "/"),
        "assumeRolePolicyDocument": kw["trust_policy"],
        **({"description": kw["description"]} if kw.get("description") else {}),
        "maxSessionDuration": kw.get("max_session_duration", SESSION_MIN),
        **(
            {"permissionsBoundary": kw["permissions_boundary_arn"]}
            if kw.get("permissions_boundary_arn")
            else {}
        ),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda role: {"role": role_elements(role)},
)
def role_create(
    *,
    account,
    name,
    path="/",
    description="",
    trust_policy,
    max_session_duration=SESSION_MIN,
    tags=(),
    permissions_boundary_arn="",
    acting,
):
    """Create a role; names are unique in the account ignoring case."""
    validate_name(name, field="roleName", max_length=ROLE_NAME_MAX)
    validate_path(path)
    if path.startswith(SERVICE_ROLE_PATH):
        # Only CreateServiceLinkedRole places roles there (message not confirmed verbatim).
        raise InvalidInput(f"Path {SERVICE_ROLE_PATH} is reserved for service-linked roles.")
    if reserved_path_refused(path, acting):
        # Only IAM Identity Center places roles there (message not confirmed verbatim).
        raise InvalidInput(f"Path {path} is reserved for AWS.")
    description = _validate_description(description or "")
    max_session_duration = _validate_session(max_session_duration)
    tags = validate_tags(tags)
    validate_trust_policy(trust_policy)
    if permissions_boundary_arn:
        policy_for_arn(account=account, arn=permissions_boundary_arn)
    if Role.objects.filter(account=account, name__iexact=name).exists():
        raise role_exists(name)
    try:
        with transaction.atomic():
            role = Role.objects.create(
                account=account,
                name=name,
                path=path,
                description=description,
                trust_policy=trust_policy,
                max_session_duration=max_session_duration,
                permissions_boundary_arn=permissions_boundary_arn,
            )
    except IntegrityError as exc:  # a concurrent create took the name first
        raise role_exists(name) from exc
    RoleTag.objects.bulk_create([RoleTag(role=role, key=key, value=value) for key, value in tags])
    return role


@audited(
    "UpdateRole",
    params=lambda kw: {
        "roleName": kw["role"].name,
        **({"description": kw["description"]} if kw.get("description") is not None else {}),
        **(
            {"maxSessionDuration": kw["max_session_duration"]}
            if kw.get("max_session_duration") is not None
            else {}
        ),
    },
)
def role_update(*, role, description=None, max_session_duration=None, acting):
    """Change a role's description or maximum session duration (a service-linked role: description only)."""
    ensure_same_account(role, acting, role_not_found(role.name).message)
    fields = []
    if max_session_duration is not None:
        seconds = _validate_session(max_session_duration)
        if seconds != role.max_session_duration:
            ensure_modifiable(role, acting)
            role.max_session_duration = seconds
            fields.append("max_session_duration")
    if description is not None:
        role.description = _validate_description(description)
        fields.append("description")
    if fields:
        role.save(update_fields=fields)
    return role


@audited(
    "UpdateRoleDescription",
    params=lambda kw: {"roleName": kw["role"].name, "description": kw["description"]},
    response=lambda role: {"role": role_elements(role)},
)
def role_update_description(*, role, description, acting):
    """Change a role's description (UpdateRoleDescription; a service-linked role's too)."""
    ensure_same_account(role, acting, role_not_found(role.name).message)
    role.description = _validate_description(description)
    role.save(update_fields=["description"])
    return role


@audited(
    "UpdateAssumeRolePolicy",
    params=lambda kw: {"roleName": kw["role"].name, "policyDocument": kw["trust_policy"]},
)
def role_update_trust_policy(*, role, trust_policy, acting):
    """Replace a role's trust policy after IAM's checks."""
    ensure_same_account(role, acting, role_not_found(role.name).message)
    ensure_modifiable(role, acting)
    validate_trust_policy(trust_policy)
    role.trust_policy = trust_policy
    role.save(update_fields=["trust_policy"])
    return role


def _delete_conflict(role):
    """The first dependent that blocks DeleteRole, in the order IAM checks them (moto follows it too)."""
    if role.instance_profiles.exists():
        return "Cannot delete entity, must remove roles from instance profile first."
    if role.attachments.exists():
        return "Cannot delete entity, must detach all policies first."
    if role.inline_policies.exists():
        return "Cannot delete entity, must delete policies first."
    return None


@audited("DeleteRole", params=lambda kw: {"roleName": kw["role"].name})
def role_delete(*, role, acting):
    """Delete a role with no dependents left; DeleteConflict otherwise, as the API does."""
    ensure_same_account(role, acting, role_not_found(role.name).message)
    ensure_modifiable(role, acting)
    # Lock the row so that no policy or profile can be added between the check and the delete.
    Role.objects.select_for_update().filter(pk=role.pk).first()
    message = _delete_conflict(role)
    if message:
        raise DeleteConflict(message)
    role.delete()


@audited("TagRole", params=lambda kw: {"roleName": kw["role"].name, "tags": tags_param(list(kw["tags"]))})
def role_tag(*, role, tags, acting):
    """Add tags or replace the values of existing keys (keys match ignoring case)."""
    ensure_same_account(role, acting, role_not_found(role.name).message)
    entity_tags_add(role, tags)


@audited("UntagRole", params=lambda kw: {"roleName": kw["role"].name, "tagKeys": list(kw["keys"])})
def role_untag(*, role, keys, acting):
    """Remove tags by key (ignoring case); unknown keys are ignored, as AWS does."""
    ensure_same_account(role, acting, role_not_found(role.name).message)
    tags_remove(role.tags, keys)


# When a trusted user or role is deleted, IAM shows its unique ID in the trust policies that named it:
# a new principal of the same name is a different identity and must not inherit the trust.


def replace_deleted_principal(*, account_id, arn, unique_id):
    """Put `unique_id` in place of `arn` in every trust policy naming it; returns how many changed."""
    if f"::{account_id}:" not in arn:
        return 0
    changed = 0
    for role in Role.objects.filter(trust_policy__contains=arn).only("pk", "trust_policy"):
        try:
            document = json.loads(role.trust_policy)
        except ValueError:
            continue
        if _replace_principal(document, arn, unique_id):
            Role.objects.filter(pk=role.pk).update(trust_policy=json.dumps(document, indent=4))
            changed += 1
    return changed


def _replace_principal(document, arn, unique_id):
    statements = document.get("Statement", [])
    found = False
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if not isinstance(principal, dict) or "AWS" not in principal:
            continue
        values = principal["AWS"]
        if isinstance(values, list):
            if arn in values:
                principal["AWS"] = [unique_id if value == arn else value for value in values]
                found = True
        elif values == arn:
            principal["AWS"] = unique_id
            found = True
    return found


def principal_deleted(sender, instance, **kwargs):
    """post_delete receiver for IAMUser and Role (connected in PoliciesConfig.ready)."""
    unique_id = instance.user_id if isinstance(instance, IAMUser) else instance.role_id
    replace_deleted_principal(account_id=instance.account_id, arn=instance.arn, unique_id=unique_id)


# Service-linked roles. The console and CLI name the service; IAM picks the role name and attaches
# the service's managed policy (under arn:aws:iam::aws:policy/aws-service-role/).
# service principal -> (role name, policy name, whether a custom suffix is allowed)
SERVICE_LINKED_ROLES = {
    "acm.amazonaws.com": (
        "AWSServiceRoleForCertificateManager",
        "CertificateManagerServiceRolePolicy",
        False,
    ),
    "autoscaling.amazonaws.com": ("AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy", True),
    "backup.amazonaws.com": ("AWSServiceRoleForBackup", "AWSBackupServiceLinkedRolePolicyForBackup", False),
    "cloudtrail.amazonaws.com": ("AWSServiceRoleForCloudTrail", "CloudTrailServiceRolePolicy", False),
    "config.amazonaws.com": ("AWSServiceRoleForConfig", "AWSConfigServiceRolePolicy", False),
    "ecs.amazonaws.com": ("AWSServiceRoleForECS", "AmazonECSServiceRolePolicy", False),
    "eks.amazonaws.com": ("AWSServiceRoleForAmazonEKS", "AmazonEKSServiceRolePolicy", False),
    "eks-nodegroup.amazonaws.com": (
        "AWSServiceRoleForAmazonEKSNodegroup",
        "AWSServiceRoleForAmazonEKSNodegroup",
        False,
    ),
    "elasticache.amazonaws.com": ("AWSServiceRoleForElastiCache", "ElastiCacheServiceRolePolicy", False),
    "elasticbeanstalk.amazonaws.com": (
        "AWSServiceRoleForElasticBeanstalk",
        "AWSElasticBeanstalkServiceRolePolicy",
        False,
    ),
    "elasticfilesystem.amazonaws.com": (
        "AWSServiceRoleForAmazonElasticFileSystem",
        "AmazonElasticFileSystemServiceRolePolicy",
        False,
    ),
    "elasticloadbalancing.amazonaws.com": (
        "AWSServiceRoleForElasticLoadBalancing",
        "AWSElasticLoadBalancingServiceRolePolicy",
        False,
    ),
    "es.amazonaws.com": (
        "AWSServiceRoleForAmazonElasticsearchService",
        "AmazonElasticsearchServiceRolePolicy",
        False,
    ),
    "guardduty.amazonaws.com": (
        "AWSServiceRoleForAmazonGuardDuty",
        "AmazonGuardDutyServiceRolePolicy",
        False,
    ),
    "opensearchservice.amazonaws.com": (
        "AWSServiceRoleForAmazonOpenSearchService",
        "AmazonOpenSearchServiceRolePolicy",
        False,
    ),
    "ops.apigateway.amazonaws.com": ("AWSServiceRoleForAPIGateway", "APIGatewayServiceRolePolicy", False),
    "organizations.amazonaws.com": (
        "AWSServiceRoleForOrganizations",
        "AWSOrganizationsServiceTrustPolicy",
        False,
    ),
    "rds.amazonaws.com": ("AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy", False),
    "replicator.lambda.amazonaws.com": ("AWSServiceRoleForLambdaReplicator", "AWSLambdaReplicator", False),
    "securityhub.amazonaws.com": ("AWSServiceRoleForSecurityHub", "AWSSecurityHubServiceRolePolicy", False),
    "spot.amazonaws.com": ("AWSServiceRoleForEC2Spot", "AWSEC2SpotServiceRolePolicy", False),
    "spotfleet.amazonaws.com": ("AWSServiceRoleForEC2SpotFleet", "AWSEC2SpotFleetServiceRolePolicy", False),
    "ssm.amazonaws.com": ("AWSServiceRoleForAmazonSSM", "AmazonSSMServiceRolePolicy", False),
    "support.amazonaws.com": ("AWSServiceRoleForSupport", "AWSSupportServiceRolePolicy", False),
    "trustedadvisor.amazonaws.com": (
        "AWSServiceRoleForTrustedAdvisor",
        "AWSTrustedAdvisorServiceRolePolicy",
        False,
    ),
}

# Application Auto Scaling has one service-linked role per service it scales, each trusting its own
# principal <namespace>.application-autoscaling.amazonaws.com (Application Auto Scaling User Guide,
# "Service-linked role ARN reference"): namespace -> (role name suffix, policy name).
_APPLICATION_AUTOSCALING = {
    "appstream": ("AppStreamFleet", "AWSApplicationAutoscalingAppStreamFleetPolicy"),
    "cassandra": ("CassandraTable", "AWSApplicationAutoscalingCassandraTablePolicy"),
    "comprehend": ("ComprehendEndpoint", "AWSApplicationAutoscalingComprehendEndpointPolicy"),
    "custom-resource": ("CustomResource", "AWSApplicationAutoScalingCustomResourcePolicy"),
    "dynamodb": ("DynamoDBTable", "AWSApplicationAutoscalingDynamoDBTablePolicy"),
    "ec2": ("EC2SpotFleetRequest", "AWSApplicationAutoscalingEC2SpotFleetRequestPolicy"),
    "ecs": ("ECSService", "AWSApplicationAutoscalingECSServicePolicy"),
    "elasticmapreduce": ("EMRInstanceGroup", "AWSApplicationAutoscalingEMRInstanceGroupPolicy"),
    "kafka": ("KafkaCluster", "AWSApplicationAutoscalingKafkaClusterPolicy"),
    "lambda": ("LambdaConcurrency", "AWSApplicationAutoscalingLambdaConcurrencyPolicy"),
    "neptune": ("NeptuneCluster", "AWSApplicationAutoscalingNeptuneClusterPolicy"),
    "rds": ("RDSCluster", "AWSApplicationAutoscalingRDSClusterPolicy"),
    "sagemaker": ("SageMakerEndpoint", "AWSApplicationAutoscalingSageMakerEndpointPolicy"),
}
SERVICE_LINKED_ROLES.update(
    {
        f"{namespace}.application-autoscaling.amazonaws.com": (
            f"AWSServiceRoleForApplicationAutoScaling_{suffix}",
            policy,
            False,
        )
        for namespace, (suffix, policy) in _APPLICATION_AUTOSCALING.items()
    }
)


def service_trust_policy(service):
    # CreateServiceLinkedRole writes the action and the service as one-element lists (the EC2 Auto
    # Scaling User Guide shows its answer so).
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": ["sts:AssumeRole"], "Principal": {"Service": [service]}, "Effect": "Allow"}
            ],
        },
        indent=4,
    )


@audited(
    "CreateServiceLinkedRole",
    params=lambda kw: {
        "aWSServiceName": kw["aws_service_name"],
        **({"description": kw["description"]} if kw.get("description") else {}),
        **({"customSuffix": kw["custom_suffix"]} if kw.get("custom_suffix") else {}),
    },
    response=lambda role: {"role": role_elements(role)},
)
def service_linked_role_create(*, account, aws_service_name, description="", custom_suffix="", acting):
    """Create the role a service uses for itself, under /aws-service-role/SERVICE/ with its policy."""
    known = SERVICE_LINKED_ROLES.get(aws_service_name)
    if known is None:
        # IAM answers InvalidInput for a service without service-linked roles (wording not confirmed).
        raise InvalidInput(f"Service {aws_service_name} does not support service-linked roles.")
    name, policy_name, suffix_allowed = known
    if custom_suffix:
        if not suffix_allowed:
            raise InvalidInput(f"Custom suffix is not allowed for {aws_service_name}")
        name = f"{name}_{custom_suffix}"
        validate_name(name, field="customSuffix", max_length=ROLE_NAME_MAX)
    description = _validate_description(description or "")
    taken = InvalidInput(
        f"Service role name {name} has been taken in this account, please try a different suffix."
    )
    if Role.objects.filter(account=account, name__iexact=name).exists():
        raise taken
    try:
        with transaction.atomic():
            role = Role.objects.create(
                account=account,
                name=name,
                path=f"{SERVICE_ROLE_PATH}{aws_service_name}/",
                description=description,
                trust_policy=service_trust_policy(aws_service_name),
            )
    except IntegrityError as exc:
        raise taken from exc
    # The service's policy is attached when the AWS managed catalog is loaded.
    policy = ManagedPolicy.objects.filter(
        arn=f"{AWS_MANAGED_PREFIX}{SERVICE_ROLE_PATH}{policy_name}", account__isnull=True
    ).first()
    if policy is not None:
        PolicyAttachment.objects.create(policy=policy, role=role)
    return role


def _service_of(role):
    return role.path.removeprefix(SERVICE_ROLE_PATH).strip("/")


@audited(
    "DeleteServiceLinkedRole",
    params=lambda kw: {"roleName": kw["role"].name},
    response=lambda deletion: {"deletionTaskId": deletion.task_id},
)
def service_linked_role_delete(*, role, acting):
    """Start the deletion of a service-linked role; the work runs as a task whose status can be polled.

    Returns the ServiceLinkedRoleDeletion row (`task_id`, `status`).
    """
    ensure_same_account(role, acting, role_not_found(role.name).message)
    if not role.is_service_linked:
        # DeleteServiceLinkedRole's documented errors have no better fit than NoSuchEntity.
        raise role_not_found(role.name)
    running = ServiceLinkedRoleDeletion.objects.filter(
        role=role,
        status__in=[
            ServiceLinkedRoleDeletion.Status.NOT_STARTED,
            ServiceLinkedRoleDeletion.Status.IN_PROGRESS,
        ],
    ).first()
    if running is not None:
        return running
    deletion = ServiceLinkedRoleDeletion.objects.create(
        account_id=role.account_id,
        role=role,
        role_name=role.name,
        role_arn=role.arn,
        task_id=f"task{SERVICE_ROLE_PATH}{_service_of(role)}/{role.name}/{uuid.uuid4()}",
    )
    enqueue_on_commit("policies.tasks.delete_service_linked_role", deletion.pk)
    return deletion


def service_linked_role_deletion_run(*, deletion_id):
    """The task's work: remove the role and what hangs on it, then record SUCCEEDED (or FAILED)."""
    Status = ServiceLinkedRoleDeletion.Status
    updated = ServiceLinkedRoleDeletion.objects.filter(pk=deletion_id, status=Status.NOT_STARTED).update(
        status=Status.IN_PROGRESS
    )
    if not updated:
        return None  # already run, or unknown
    deletion = ServiceLinkedRoleDeletion.objects.get(pk=deletion_id)
    try:
        with transaction.atomic():
            role = Role.objects.select_for_update().filter(pk=deletion.role_id).first()
            if role is not None:
                PolicyAttachment.objects.filter(role=role).delete()
                InlinePolicy.objects.filter(role=role).delete()
                role.instance_profiles.update(role=None)
                role.delete()
    except Exception as exc:  # recorded for the status poll, as IAM reports a failed deletion
        ServiceLinkedRoleDeletion.objects.filter(pk=deletion_id).update(
            status=Status.FAILED, reason=str(exc)[:1000]
        )
        return Status.FAILED
    ServiceLinkedRoleDeletion.objects.filter(pk=deletion_id).update(status=Status.SUCCEEDED)
    return Status.SUCCEEDED


def service_linked_role_deletion_status(*, account, task_id):
    """GetServiceLinkedRoleDeletionStatus: the deletion task of this account with that ID."""
    deletion = ServiceLinkedRoleDeletion.objects.filter(account=account, task_id=task_id).first()
    if deletion is None:
        raise NoSuchEntity(f"Deletion task {task_id} cannot be found.")
    return deletion
