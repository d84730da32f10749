"""Permissions of users, groups and roles: attached managed policies, inline policies and boundaries.

AWS's calls, one service each: Attach/Detach{User,Group,Role}Policy, Put/Delete{User,Group,Role}Policy,
Put/Delete{User,Role}PermissionsBoundary, with IAM's quotas and messages.
"""

import logging
import re

from django.db.models import Q

from access.audit import audited
from access.entities import ensure_same_account
from accounts.models import Group, IAMUser
from aws.errors import (
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
)
from aws.model import constraint
from aws.names import constraint_error
from policies.engine.validation import size_for_quota, validate
from policies.models import AWS_MANAGED_PREFIX, InlinePolicy, ManagedPolicy, PolicyAttachment, Role
from policies.services.policies import refusal
from policies.services.protected import ensure_modifiable

logger = logging.getLogger(__name__)

# IAM quotas (reference_iam-quotas): managed policies attached per entity, and the aggregate size of
# an entity's inline policies in non-whitespace characters.
POLICIES_PER_ENTITY = 10
INLINE_SIZE = {"user": 2048, "group": 5120, "role": 10240}
POLICY_NAME_MAX = constraint("PutUserPolicy", "PolicyName", "max")
POLICY_NAME_PATTERN = r"[\w+=,.@-]+"
CHANGE_PASSWORD_ARN = f"{AWS_MANAGED_PREFIX}/IAMUserChangePassword"
SERVICE_ROLE_POLICY_PATH = "/aws-service-role/"

_MODELS = {"user": IAMUser, "group": Group, "role": Role}


class PolicyNotAttachable(InvalidInput):
    # AWS's PolicyNotAttachable: service-role policies belong to service-linked roles only.
    code = "PolicyNotAttachable"


def entity_of(*, user=None, group=None, role=None):
    """(kind, object) of exactly one of user, group or role."""
    given = [
        (kind, obj) for kind, obj in (("user", user), ("group", group), ("role", role)) if obj is not None
    ]
    if len(given) != 1:
        raise TypeError("pass exactly one of user, group or role")
    return given[0]


def _not_found(kind, name):
    return NoSuchEntity(f"The {kind} with name {name} cannot be found.")


def _check_entity(kind, entity, acting):
    ensure_same_account(entity, acting, _not_found(kind, entity.name).message)
    if kind == "role":
        ensure_modifiable(entity, acting)


def _lock(kind, entity):
    # Concurrent attaches or puts on one entity queue here, so a quota is checked against committed rows.
    _MODELS[kind].objects.select_for_update().filter(pk=entity.pk).first()


def visible_policy(*, account, arn):
    """The managed policy `arn` names when the account may use it (AWS managed or its own), else None."""
    return ManagedPolicy.objects.filter(arn=arn).filter(Q(account__isnull=True) | Q(account=account)).first()


def policy_for_arn(*, account, arn):
    """The managed policy an API call or a form names by ARN; NoSuchEntity as IAM words it."""
    policy = visible_policy(account=account, arn=arn)
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
    return policy


def validate_policy_name(name):
    """Inline policy names: 1 to 128 of A-Z a-z 0-9 and + = , . @ _ -."""
    if not name:
        raise constraint_error(name, "policyName", "Member must have length greater than or equal to 1")
    if len(name) > POLICY_NAME_MAX:
        raise constraint_error(
            name, "policyName", f"Member must have length less than or equal to {POLICY_NAME_MAX}"
        )
    if not re.fullmatch(POLICY_NAME_PATTERN, name, re.ASCII):
        raise constraint_error(
            name, "policyName", f"Member must satisfy regular expression pattern: {POLICY_NAME_PATTERN}"
        )
    return name


# Attach / detach managed policies


def _attach(kind, entity, policy, acting):
    _check_entity(kind, entity, acting)
    if policy.account_id is not None and policy.account_id != acting.account.id:
        # Another account's customer managed policy does not exist for this caller.
        raise NoSuchEntity(f"Policy {policy.arn} does not exist or is not attachable.")
    if policy.is_aws_managed and policy.path == SERVICE_ROLE_POLICY_PATH:
        raise PolicyNotAttachable("Cannot attach a Service Role Policy to a Customer Role.")
    _lock(kind, entity)
    attachments = PolicyAttachment.objects.filter(**{kind: entity})
    if attachments.filter(policy=policy).exists():
        return  # attaching an attached policy succeeds and changes nothing, as in IAM
    if attachments.count() >= POLICIES_PER_ENTITY:
        raise LimitExceeded(f"Cannot exceed quota for PoliciesPer{kind.title()}: {POLICIES_PER_ENTITY}")
    # No duplicate can get here: the same attach running at once waited on the lock above and found
    # this one's row.
    PolicyAttachment.objects.create(policy=policy, **{kind: entity})


def _detach(kind, entity, policy, acting):
    _check_entity(kind, entity, acting)
    deleted, _ = PolicyAttachment.objects.filter(policy=policy, **{kind: entity}).delete()
    if not deleted:
        raise NoSuchEntity(f"Policy {policy.arn} was not found.")


@audited("AttachUserPolicy", params=lambda kw: {"userName": kw["user"].name, "policyArn": kw["policy"].arn})
def _attach_user_policy(*, policy, user, acting):
    _attach("user", user, policy, acting)


@audited(
    "AttachGroupPolicy", params=lambda kw: {"groupName": kw["group"].name, "policyArn": kw["policy"].arn}
)
def _attach_group_policy(*, policy, group, acting):
    _attach("group", group, policy, acting)


@audited("AttachRolePolicy", params=lambda kw: {"roleName": kw["role"].name, "policyArn": kw["policy"].arn})
def _attach_role_policy(*, policy, role, acting):
    _attach("role", role, policy, acting)


@audited("DetachUserPolicy", params=lambda kw: {"userName": kw["user"].name, "policyArn": kw["policy"].arn})
def _detach_user_policy(*, policy, user, acting):
    _detach("user", user, policy, acting)


@audited(
    "DetachGroupPolicy", params=lambda kw: {"groupName": kw["group"].name, "policyArn": kw["policy"].arn}
)
def _detach_group_policy(*, policy, group, acting):
    _detach("group", group, policy, acting)


@audited("DetachRolePolicy", params=lambda kw: {"roleName": kw["role"].name, "policyArn": kw["policy"].arn})
def _detach_role_policy(*, policy, role, acting):
    _detach("role", role, policy, acting)


_ATTACH = {"user": _attach_user_policy, "group": _attach_group_policy, "role": _attach_role_policy}
_DETACH = {"user": _detach_user_policy, "group": _detach_group_policy, "role": _detach_role_policy}


def policy_attach(*, policy, user=None, group=None, role=None, acting):
    """Attach a managed policy to a user, group or role: at most 10 per entity; re-attaching is a no-op."""
    kind, entity = entity_of(user=user, group=group, role=role)
    return _ATTACH[kind](policy=policy, acting=acting, **{kind: entity})


def policy_detach(*, policy, user=None, group=None, role=None, acting):
    """Detach a managed policy; NoSuchEntity when it is not attached to that entity."""
    kind, entity = entity_of(user=user, group=group, role=role)
    return _DETACH[kind](policy=policy, acting=acting, **{kind: entity})


def attach_change_password_policy(*, user, acting):
    """What the console does when a password must be reset: attach IAMUserChangePassword.

    Without the AWS managed catalog loaded there is nothing to attach: the user is left as is.
    """
    policy = ManagedPolicy.objects.filter(arn=CHANGE_PASSWORD_ARN).first()
    if policy is None:
        logger.warning("IAMUserChangePassword is not in the catalog; not attached to %s", user.name)
        return None
    policy_attach(policy=policy, user=user, acting=acting)
    return policy


# Inline policies


def _inline_put(kind, entity, name, document, acting):
    _check_entity(kind, entity, acting)
    validate_policy_name(name)
    malformed = validate(document, f"inline-{kind}", entity_name=entity.name)["malformed"]
    if malformed:
        raise refusal(malformed)
    _lock(kind, entity)
    others = (
        InlinePolicy.objects.filter(**{kind: entity}).exclude(name=name).values_list("document", flat=True)
    )
    limit = INLINE_SIZE[kind]
    total = size_for_quota(document, f"inline-{kind}")[0] + sum(
        size_for_quota(text, f"inline-{kind}")[0] for text in others
    )
    if total > limit:
        # The quota is for all of an entity's inline policies together.
        raise LimitExceeded(f"Maximum policy size of {limit} bytes exceeded for {kind} {entity.name}")
    policy, created = InlinePolicy.objects.get_or_create(
        name=name, defaults={"document": document}, **{kind: entity}
    )
    if not created and policy.document != document:
        policy.document = document
        policy.save(update_fields=["document", "updated_at"])
    return policy


def _inline_delete(kind, entity, name, acting):
    _check_entity(kind, entity, acting)
    deleted, _ = InlinePolicy.objects.filter(name=name, **{kind: entity}).delete()
    if not deleted:
        raise NoSuchEntity(f"The {kind} policy with name {name} cannot be found.")


def _put_params(kind):
    return lambda kw: {
        f"{kind}Name": kw[kind].name,
        "policyName": kw["name"],
        "policyDocument": kw["document"],
    }


def _delete_params(kind):
    return lambda kw: {f"{kind}Name": kw[kind].name, "policyName": kw["name"]}


@audited("PutUserPolicy", params=_put_params("user"))
def _put_user_policy(*, name, document, user, acting):
    return _inline_put("user", user, name, document, acting)


@audited("PutGroupPolicy", params=_put_params("group"))
def _put_group_policy(*, name, document, group, acting):
    return _inline_put("group", group, name, document, acting)


@audited("PutRolePolicy", params=_put_params("role"))
def _put_role_policy(*, name, document, role, acting):
    return _inline_put("role", role, name, document, acting)


@audited("DeleteUserPolicy", params=_delete_params("user"))
def _delete_user_policy(*, name, user, acting):
    _inline_delete("user", user, name, acting)


@audited("DeleteGroupPolicy", params=_delete_params("group"))
def _delete_group_policy(*, name, group, acting):
    _inline_delete("group", group, name, acting)


@audited("DeleteRolePolicy", params=_delete_params("role"))
def _delete_role_policy(*, name, role, acting):
    _inline_delete("role", role, name, acting)


_PUT = {"user": _put_user_policy, "group": _put_group_policy, "role": _put_role_policy}
_DELETE = {"user": _delete_user_policy, "group": _delete_group_policy, "role": _delete_role_policy}


def inline_policy_put(*, name, document, user=None, group=None, role=None, acting):
    """Create or replace an inline policy; the entity's inline policies share one size quota."""
    kind, entity = entity_of(user=user, group=group, role=role)
    return _PUT[kind](name=name, document=document, acting=acting, **{kind: entity})


def inline_policy_delete(*, name, user=None, group=None, role=None, acting):
    """Delete an inline policy by name."""
    kind, entity = entity_of(user=user, group=group, role=role)
    return _DELETE[kind](name=name, acting=acting, **{kind: entity})


# Permissions boundaries


def _boundary_put(kind, entity, arn, acting):
    _check_entity(kind, entity, acting)
    if not arn.startswith("arn:aws:iam::") or ":policy/" not in arn:
        raise InvalidInput(f"ARN {arn} is not valid.")
    policy = visible_policy(account=acting.account, arn=arn)
    if policy is None:
        raise NoSuchEntity(f"Scope ARN: {arn} does not exist or is not attachable.")
    entity.permissions_boundary_arn = policy.arn
    entity.save(update_fields=["permissions_boundary_arn"])
    return policy


def _boundary_delete(kind, entity, acting):
    _check_entity(kind, entity, acting)
    if entity.permissions_boundary_arn:
        entity.permissions_boundary_arn = ""
        entity.save(update_fields=["permissions_boundary_arn"])


@audited(
    "PutUserPermissionsBoundary",
    params=lambda kw: {"userName": kw["user"].name, "permissionsBoundary": kw["policy_arn"]},
)
def _put_user_boundary(*, policy_arn, user, acting):
    return _boundary_put("user", user, policy_arn, acting)


@audited(
    "PutRolePermissionsBoundary",
    params=lambda kw: {"roleName": kw["role"].name, "permissionsBoundary": kw["policy_arn"]},
)
def _put_role_boundary(*, policy_arn, role, acting):
    return _boundary_put("role", role, policy_arn, acting)


@audited("DeleteUserPermissionsBoundary", params=lambda kw: {"userName": kw["user"].name})
def _delete_user_boundary(*, user, acting):
    _boundary_delete("user", user, acting)


@audited("DeleteRolePermissionsBoundary", params=lambda kw: {"roleName": kw["role"].name})
def _delete_role_boundary(*, role, acting):
    _boundary_delete("role", role, acting)


def permissions_boundary_put(*, policy_arn, user=None, role=None, acting):
    """Set a managed policy (AWS managed or the account's own) as the boundary of a user or role."""
    kind, entity = entity_of(user=user, role=role)
    put = _put_user_boundary if kind == "user" else _put_role_boundary
    return put(policy_arn=policy_arn, acting=acting, **{kind: entity})


def permissions_boundary_delete(*, user=None, role=None, acting):
    """Remove the boundary of a user or role (nothing to do when none is set)."""
    kind, entity = entity_of(user=user, role=role)
    delete = _delete_user_boundary if kind == "user" else _delete_role_boundary
    return delete(acting=acting, **{kind: entity})
