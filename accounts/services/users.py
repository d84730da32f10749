"""IAM users: create, rename, tag and delete, with IAM's names, limits and messages."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from access.audit import audited
from access.entities import ensure_same_account, entity_tags_add, tags_remove
from accounts.models import IAMUser, UserTag
from aws.errors import DeleteConflict, EntityAlreadyExists, NoSuchEntity
from aws.model import constraint
from aws.names import tags_param, validate_name, validate_path, validate_tags
from policies.selectors import policy_get

USER_NAME_MAX = constraint("CreateUser", "UserName", "max")


def user_not_found(name):
    return NoSuchEntity(f"The user with name {name} cannot be found.")


def user_exists(name):
    return EntityAlreadyExists(f"User with name {name} already exists.")


def user_elements(user):
    """CloudTrail's `user` response element."""
    return {
        "path": user.path,
        "userName": user.name,
        "userId": user.user_id,
        "arn": user.arn,
        "createDate": user.created_at.isoformat() if user.created_at else None,
    }


@audited(
    "CreateUser",
    params=lambda kw: {
        "userName": kw["name"],
        "path": kw.get("path", "/"),
        **(
            {"permissionsBoundary": kw["permissions_boundary_arn"]}
            if kw.get("permissions_boundary_arn")
            else {}
        ),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda user: {"user": user_elements(user)},
)
def user_create(*, account, name, path="/", tags=(), permissions_boundary_arn="", acting):
    """Create an IAM user, with its permissions boundary when given (authorized as CreateUser with the
    iam:PermissionsBoundary key, as AWS does); names are unique in the account ignoring case."""
    validate_name(name, field="userName", max_length=USER_NAME_MAX)
    validate_path(path)
    tags = validate_tags(tags)
    if permissions_boundary_arn:
        permissions_boundary_arn = policy_get(account=account, arn=permissions_boundary_arn).arn
    if IAMUser.objects.filter(account=account, name__iexact=name).exists():
        raise user_exists(name)
    try:
        with transaction.atomic():
            user = IAMUser.objects.create(
                account=account, name=name, path=path, permissions_boundary_arn=permissions_boundary_arn
            )
    except IntegrityError as exc:  # a concurrent create took the name first
        raise user_exists(name) from exc
    UserTag.objects.bulk_create([UserTag(user=user, key=key, value=value) for key, value in tags])
    return user


@audited(
    "UpdateUser",
    params=lambda kw: {
        "userName": kw["user"].name,
        **({"newUserName": kw["new_name"]} if kw.get("new_name") else {}),
        **({"newPath": kw["new_path"]} if kw.get("new_path") else {}),
    },
)
def user_update(*, user, new_name=None, new_path=None, acting):
    """Rename a user or move it to another path."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    if new_name is not None and new_name != user.name:
        validate_name(new_name, field="newUserName", max_length=USER_NAME_MAX)
        taken = IAMUser.objects.filter(account_id=user.account_id, name__iexact=new_name).exclude(pk=user.pk)
        if taken.exists():
            raise user_exists(new_name)
        user.name = new_name
    if new_path is not None:
        user.path = validate_path(new_path, field="newPath")
    try:
        with transaction.atomic():
            user.save(update_fields=["name", "path"])
    except IntegrityError as exc:
        raise user_exists(new_name) from exc
    return user


# What blocks DeleteUser, in the order of AWS's DeleteUser documentation: (the user's related rows, message).
DELETE_CONFLICTS = (
    ("login_profile", "Cannot delete entity, must delete login profile first."),
    ("access_keys", "Cannot delete entity, must delete access keys first."),
    ("signing_certificates", "Cannot delete entity, must delete signing certificates first."),
    ("ssh_public_keys", "Cannot delete entity, must delete SSH public keys first."),
    ("service_credentials", "Cannot delete entity, must delete service specific credentials first."),
    ("mfa_devices", "Cannot delete entity, must delete MFA device first."),
    ("inline_policies", "Cannot delete entity, must delete policies first."),
    ("attachments", "Cannot delete entity, must detach all policies first."),
    ("memberships", "Cannot delete entity, must remove users from group first."),
)


def _exists(name):
    relation = IAMUser._meta.get_field(name)
    return Exists(relation.related_model.objects.filter(**{relation.field.name: OuterRef("pk")}))


def _locked_delete_conflict(user):
    """Lock the user's row (no key or membership can be added between the check and the delete) and
    return the first dependent that blocks DeleteUser, in one query."""
    found = (
        IAMUser.objects.select_for_update()
        .filter(pk=user.pk)
        .values_list(*(_exists(name) for name, _ in DELETE_CONFLICTS))
        .first()
    )
    for (_name, message), present in zip(DELETE_CONFLICTS, found or (), strict=False):
        if present:
            return message
    return None


@audited("DeleteUser", params=lambda kw: {"userName": kw["user"].name})
def user_delete(*, user, acting):
    """Delete a user that has no dependents left; DeleteConflict otherwise, as the API does."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    message = _locked_delete_conflict(user)
    if message:
        raise DeleteConflict(message)
    user.delete()


@audited("TagUser", params=lambda kw: {"userName": kw["user"].name, "tags": tags_param(list(kw["tags"]))})
def user_tag(*, user, tags, acting):
    """Add tags or replace the values of existing keys (keys match ignoring case)."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    entity_tags_add(user, tags)


@audited("UntagUser", params=lambda kw: {"userName": kw["user"].name, "tagKeys": list(kw["keys"])})
def user_untag(*, user, keys, acting):
    """Remove tags by key (ignoring case); unknown keys are ignored, as AWS does."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    tags_remove(user.tags, keys)
