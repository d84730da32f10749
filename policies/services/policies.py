"""Customer managed policies and their versions, with IAM's names, limits and messages.

AWS managed policies are visible to every account and refuse every write, as in IAM.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from access.audit import audited
from access.entities import tags_merge, tags_remove
from accounts.models import IAMUser
from aws.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)
from aws.model import constraint
from aws.names import constraint_error, tags_param, validate_name, validate_path, validate_tags
from aws.params import ascii_int
from policies.engine.validation import validate
from policies.models import ManagedPolicy, PolicyAttachment, PolicyTag, PolicyVersion, Role

POLICY_NAME_MAX = constraint("CreatePolicy", "PolicyName", "max")
DESCRIPTION_MAX = constraint("CreatePolicy", "Description", "max")
MAX_VERSIONS = 5

VERSION_LIMIT = (
    "A managed policy can have up to 5 versions. "
    "Before you create a new version, you must delete an existing version."
)
DEFAULT_VERSION_DELETE = "Cannot delete the default version of a policy."
ATTACHED_DELETE = "Cannot delete a policy attached to entities."
VERSIONS_DELETE = (
    "This policy has more than one version. Before you delete a policy, you must delete the policy's "
    "versions. The default version is deleted with the policy."
)


def policy_exists(name):
    return EntityAlreadyExists(f"A policy called {name} already exists. Duplicate names are not allowed.")


def policy_not_found(arn):
    return NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")


def version_not_found(arn, version_id):
    return NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def refusal(message):
    """The typed error for the validator's `malformed` verdict (size quotas are LimitExceeded)."""
    if message.startswith(("Cannot exceed quota", "Maximum policy size")):
        return LimitExceeded(message)
    if message.startswith("1 validation error"):
        return ValidationError(message)
    return MalformedPolicyDocument(message)


def validate_document(document):
    """Refuse a managed policy document only where IAM does; findings are advice and never refuse."""
    verdict = validate(document, "managed")
    if verdict["malformed"]:
        raise refusal(verdict["malformed"])
    return document


def _validate_description(description):
    if len(description) > DESCRIPTION_MAX:
        raise constraint_error(
            description, "description", f"Member must have length less than or equal to {DESCRIPTION_MAX}"
        )
    return description


def _writable(policy, acting, action):
    """The caller's own customer managed policy, locked; NoSuchEntity or AccessDenied otherwise.

    Another account's policy does not exist for the caller. An AWS managed policy exists but belongs
    to AWS: IAM answers AccessDenied to any write, the root user's included.
    """
    if policy.account_id is None:
        raise AccessDenied(
            f"User: {acting.arn} is not authorized to perform: iam:{action} on resource: policy {policy.arn}"
        )
    if policy.account_id != acting.account.id:
        raise policy_not_found(policy.arn)
    # Lock the row: concurrent version writes on one policy queue here and see committed counts.
    locked = ManagedPolicy.objects.select_for_update().filter(pk=policy.pk).first()
    if locked is None:
        raise policy_not_found(policy.arn)
    for field in ("default_version_number", "next_version_number", "updated_at", "description"):
        setattr(policy, field, getattr(locked, field))
    return policy


def _version_number(version_id):
    text = str(version_id or "")
    number = ascii_int(text[1:]) if text.startswith("v") else None
    if number is None:
        raise constraint_error(
            text,
            "versionId",
            "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
        )
    return number


def policy_elements(policy):
    """CloudTrail's `policy` response element (CreatePolicy)."""
    return {
        "policyName": policy.name,
        "policyId": policy.policy_id,
        "arn": policy.arn,
        "path": policy.path,
        "defaultVersionId": policy.default_version_id,
        "attachmentCount": 0,
        "permissionsBoundaryUsageCount": 0,
        "isAttachable": True,
        "createDate": policy.created_at.isoformat(),
        "updateDate": policy.updated_at.isoformat(),
    }


def version_elements(version):
    return {
        "versionId": version.version_id,
        "isDefaultVersion": version.is_default,
        "createDate": version.created_at.isoformat(),
    }


@audited(
    "CreatePolicy",
    params=lambda kw: {
        "policyName": kw["name"],
        "path": kw.get("path", "/"),
        "policyDocument": kw["document"],
        **({"description": kw["description"]} if kw.get("description") else {}),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda policy: {"policy": policy_elements(policy)},
)
def policy_create(*, account, name, path="/", description="", document, tags=(), acting):
    """Create a customer managed policy with its first version, v1, as default."""
    validate_name(name, field="policyName", max_length=POLICY_NAME_MAX)
    validate_path(path)
    _validate_description(description)
    tags = validate_tags(tags)
    validate_document(document)
    if ManagedPolicy.objects.filter(account=account, name__iexact=name).exists():
        raise policy_exists(name)
    now = timezone.now()
    try:
        with transaction.atomic():
            policy = ManagedPolicy.objects.create(
                account=account,
                name=name,
                path=path,
                arn=f"arn:aws:iam::{account.id}:policy{path}{name}",
                description=description,
                default_version_number=1,
                next_version_number=2,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError as exc:  # a concurrent create took the name (or the ARN) first
        raise policy_exists(name) from exc
    PolicyVersion.objects.create(policy=policy, number=1, document=document, created_at=now)
    PolicyTag.objects.bulk_create([PolicyTag(policy=policy, key=key, value=value) for key, value in tags])
    return policy


@audited(
    "CreatePolicyVersion",
    params=lambda kw: {
        "policyArn": kw["policy"].arn,
        "policyDocument": kw["document"],
        "setAsDefault": bool(kw.get("set_as_default", False)),
    },
    response=lambda version: {"policyVersion": version_elements(version)},
)
def policy_version_create(*, policy, document, set_as_default=False, acting):
    """Add a version (v<next>, numbers never reused); at most 5 stored versions."""
    _writable(policy, acting, "CreatePolicyVersion")
    validate_document(document)
    if policy.versions.count() >= MAX_VERSIONS:
        raise LimitExceeded(VERSION_LIMIT)
    now = timezone.now()
    number = policy.next_version_number
    version = PolicyVersion.objects.create(policy=policy, number=number, document=document, created_at=now)
    policy.next_version_number = number + 1
    if set_as_default:
        policy.default_version_number = number
    policy.updated_at = now
    policy.save(update_fields=["next_version_number", "default_version_number", "updated_at"])
    version.policy = policy
    return version


@audited(
    "SetDefaultPolicyVersion",
    params=lambda kw: {"policyArn": kw["policy"].arn, "versionId": kw["version_id"]},
)
def policy_set_default_version(*, policy, version_id, acting):
    """Make an existing version the default: the one IAM evaluates (a roll back or forward)."""
    _writable(policy, acting, "SetDefaultPolicyVersion")
    number = _version_number(version_id)
    if not policy.versions.filter(number=number).exists():
        raise version_not_found(policy.arn, version_id)
    policy.default_version_number = number
    policy.updated_at = timezone.now()
    policy.save(update_fields=["default_version_number", "updated_at"])
    return policy


@audited(
    "DeletePolicyVersion",
    params=lambda kw: {"policyArn": kw["policy"].arn, "versionId": kw["version_id"]},
)
def policy_version_delete(*, policy, version_id, acting):
    """Delete a version other than the default one."""
    _writable(policy, acting, "DeletePolicyVersion")
    number = _version_number(version_id)
    version = policy.versions.filter(number=number).first()
    if version is None:
        raise version_not_found(policy.arn, version_id)
    if number == policy.default_version_number:
        raise DeleteConflict(DEFAULT_VERSION_DELETE)
    version.delete()


def policy_usage(policy, account):
    """(attachments in the account, users and roles with it as permissions boundary)."""
    attachments = PolicyAttachment.objects.filter(policy=policy).filter(
        Q(user__account=account) | Q(group__account=account) | Q(role__account=account)
    )
    boundary_users = IAMUser.objects.filter(account=account, permissions_boundary_arn=policy.arn)
    boundary_roles = Role.objects.filter(account=account, permissions_boundary_arn=policy.arn)
    return attachments, boundary_users, boundary_roles


def _in_use(policy, account):
    attachments, boundary_users, boundary_roles = policy_usage(policy, account)
    return attachments.exists() or boundary_users.exists() or boundary_roles.exists()


@audited("DeletePolicy", params=lambda kw: {"policyArn": kw["policy"].arn})
def policy_delete(*, policy, acting):
    """Delete a policy that is attached nowhere, used as no boundary and holds only its default version."""
    _writable(policy, acting, "DeletePolicy")
    if _in_use(policy, acting.account):
        raise DeleteConflict(ATTACHED_DELETE)
    if policy.versions.exclude(number=policy.default_version_number).exists():
        raise DeleteConflict(VERSIONS_DELETE)
    policy.delete()


@audited("TagPolicy", params=lambda kw: {"policyArn": kw["policy"].arn, "tags": tags_param(list(kw["tags"]))})
def policy_tag(*, policy, tags, acting):
    """Add tags or replace the values of existing keys (keys match ignoring case)."""
    _writable(policy, acting, "TagPolicy")
    tags_merge(policy.tags, tags)


@audited("UntagPolicy", params=lambda kw: {"policyArn": kw["policy"].arn, "tagKeys": list(kw["keys"])})
def policy_untag(*, policy, keys, acting):
    """Remove tags by key (ignoring case); unknown keys are ignored, as AWS does."""
    _writable(policy, acting, "UntagPolicy")
    tags_remove(policy.tags, keys)
