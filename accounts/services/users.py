"""IAM users: create, rename, tag and delete, with IAM's names, limits and messages."""

import re
import unicodedata

from django.db import IntegrityError, transaction

from access.audit import audited
from accounts.models import IAMUser, LoginProfile, UserTag
from aws.errors import DeleteConflict, EntityAlreadyExists, InvalidInput, NoSuchEntity, ValidationError

NAME_PATTERN = r"[\w+=,.@-]+"
PATH_MAX_LENGTH = 512
MAX_TAGS = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
_TAG_SYMBOLS = set("_.:/=+-@ ")

PATH_INVALID = (
    "The specified value for path is invalid. "
    "It must begin and end with / and contain only alphanumeric characters and/or / characters."
)


def constraint_error(value, field, constraint):
    """IAM's wording for a request parameter that breaks its model's constraints."""
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
    )


def validate_name(name, *, field, max_length):
    """User and group names: 1 to max_length of A-Z a-z 0-9 and + = , . @ _ -."""
    if not name:
        raise constraint_error(name, field, "Member must have length greater than or equal to 1")
    if len(name) > max_length:
        raise constraint_error(name, field, f"Member must have length less than or equal to {max_length}")
    if not re.fullmatch(NAME_PATTERN, name, re.ASCII):
        raise constraint_error(name, field, f"Member must satisfy regular expression pattern: {NAME_PATTERN}")
    return name


def validate_path(path, *, field="path"):
    """`/` or `/segment/…/` of printable ASCII (IAM's pattern `(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`)."""
    if len(path) > PATH_MAX_LENGTH:
        raise constraint_error(
            path, field, f"Member must have length less than or equal to {PATH_MAX_LENGTH}"
        )
    if path == "/":
        return path
    inner = path[1:-1]
    if (
        len(path) < 3
        or not path.startswith("/")
        or not path.endswith("/")
        or any(not 0x21 <= ord(char) <= 0x7E for char in inner)
        or "//" in path
    ):
        raise ValidationError(PATH_INVALID)
    return path


def _tag_chars_ok(text):
    # IAM's tag pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*: letters, separators, numbers and a few symbols.
    return all(unicodedata.category(char)[0] in "LZN" or char in _TAG_SYMBOLS for char in text)


def validate_tags(tags):
    """Tags as a list of (key, value): at most 50, keys 1-128, values 0-256, keys unique ignoring case."""
    tags = [(str(key), str(value or "")) for key, value in tags]
    if len(tags) > MAX_TAGS:
        shown = [{"key": key, "value": value} for key, value in tags]
        raise constraint_error(shown, "tags", f"Member must have length less than or equal to {MAX_TAGS}")
    seen = set()
    for index, (key, value) in enumerate(tags, start=1):
        if not key:
            raise constraint_error(
                key, f"tags.{index}.member.key", "Member must have length greater than or equal to 1"
            )
        if len(key) > TAG_KEY_MAX:
            raise constraint_error(
                key,
                f"tags.{index}.member.key",
                f"Member must have length less than or equal to {TAG_KEY_MAX}",
            )
        if not _tag_chars_ok(key):
            raise constraint_error(
                key,
                f"tags.{index}.member.key",
                "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
            )
        if len(value) > TAG_VALUE_MAX:
            raise constraint_error(
                value,
                f"tags.{index}.member.value",
                f"Member must have length less than or equal to {TAG_VALUE_MAX}",
            )
        if not _tag_chars_ok(value):
            raise constraint_error(
                value,
                f"tags.{index}.member.value",
                "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
            )
        if key.lower() in seen:
            raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        seen.add(key.lower())
    return tags


def ensure_same_account(obj, acting, message):
    """A service never touches another account's object: to the caller it does not exist."""
    if obj.account_id != acting.account.id:
        raise NoSuchEntity(message)


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


def _tags_param(tags):
    return [{"key": key, "value": value} for key, value in tags]


def tags_merge(manager, tags):
    """Add tags to an entity's tag set (a related manager), or replace the values of existing keys
    (keys match ignoring case); the set stays within AWS's 50 tags. Users, roles and policies share it;
    the caller holds the entity's row lock."""
    tags = validate_tags(tags)
    existing = {tag.key.lower(): tag for tag in manager.all()}
    new_keys = {key.lower() for key, _ in tags} - set(existing)
    if len(existing) + len(new_keys) > MAX_TAGS:
        merged = [{"key": tag.key, "value": tag.value} for tag in existing.values()] + _tags_param(tags)
        raise constraint_error(merged, "tags", f"Member must have length less than or equal to {MAX_TAGS}")
    for key, value in tags:
        tag = existing.get(key.lower())
        if tag is None:
            manager.create(key=key, value=value)
        elif tag.value != value or tag.key != key:
            tag.key, tag.value = key, value
            tag.save(update_fields=["key", "value"])


def tags_remove(manager, keys):
    """Remove tags by key, ignoring case; unknown keys are ignored, as AWS does."""
    lowered = {key.lower() for key in keys}
    manager.filter(pk__in=[tag.pk for tag in manager.all() if tag.key.lower() in lowered]).delete()


@audited(
    "CreateUser",
    params=lambda kw: {
        "userName": kw["name"],
        "path": kw.get("path", "/"),
        **({"tags": _tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda user: {"user": user_elements(user)},
)
def user_create(*, account, name, path="/", tags=(), acting):
    """Create an IAM user; names are unique in the account ignoring case."""
    validate_name(name, field="userName", max_length=64)
    validate_path(path)
    tags = validate_tags(tags)
    if IAMUser.objects.filter(account=account, name__iexact=name).exists():
        raise user_exists(name)
    try:
        with transaction.atomic():
            user = IAMUser.objects.create(account=account, name=name, path=path)
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
        validate_name(new_name, field="newUserName", max_length=64)
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


def _delete_conflict(user):
    """The first dependent that blocks DeleteUser, in the order of AWS's DeleteUser documentation."""
    if LoginProfile.objects.filter(user=user).exists():
        return "Cannot delete entity, must delete login profile first."
    if user.access_keys.exists():
        return "Cannot delete entity, must delete access keys first."
    if user.mfa_devices.exists():
        return "Cannot delete entity, must delete MFA device first."
    if user.inline_policies.exists():
        return "Cannot delete entity, must delete policies first."
    if user.attachments.exists():
        return "Cannot delete entity, must detach all policies first."
    if user.memberships.exists():
        return "Cannot delete entity, must remove users from group first."
    return None


@audited("DeleteUser", params=lambda kw: {"userName": kw["user"].name})
def user_delete(*, user, acting):
    """Delete a user that has no dependents left; DeleteConflict otherwise, as the API does."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    # Lock the row so that no key or membership can be added between the check and the delete.
    IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    message = _delete_conflict(user)
    if message:
        raise DeleteConflict(message)
    user.delete()


def user_delete_with_dependents(*, user, acting):
    """The console's delete: remove keys, password, MFA devices and memberships, then the user, atomically.

    Each removal goes through its own service, so the audit trail shows the same calls the console
    makes on AWS.
    """
    from accounts.services.access_keys import access_key_delete
    from accounts.services.groups import group_remove_user
    from accounts.services.login_profiles import login_profile_delete
    from policies.services.permissions import permissions_remove_all

    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    with transaction.atomic():
        IAMUser.objects.select_for_update().filter(pk=user.pk).first()
        if LoginProfile.objects.filter(user=user).exists():
            login_profile_delete(user=user, acting=acting)
        for key in list(user.access_keys.all()):
            access_key_delete(key=key, acting=acting)
        for device in list(user.mfa_devices.all()):
            _mfa_device_remove(device=device, acting=acting)
        permissions_remove_all(user=user, acting=acting)
        for membership in list(user.memberships.select_related("group")):
            group_remove_user(group=membership.group, user=user, acting=acting)
        user_delete(user=user, acting=acting)


def _mfa_device_remove(*, device, acting):
    # As the console does for a virtual device: deactivate it (when enabled), then delete it.
    from accounts.services.mfa import mfa_device_deactivate, mfa_device_delete

    if device.enabled_at is not None:
        mfa_device_deactivate(device=device, acting=acting)
    mfa_device_delete(device=device, acting=acting)


@audited("TagUser", params=lambda kw: {"userName": kw["user"].name, "tags": _tags_param(list(kw["tags"]))})
def user_tag(*, user, tags, acting):
    """Add tags or replace the values of existing keys (keys match ignoring case)."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    # Lock the row: two calls adding one key must not both see it missing and both insert it.
    IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    tags_merge(user.tags, tags)


@audited("UntagUser", params=lambda kw: {"userName": kw["user"].name, "tagKeys": list(kw["keys"])})
def user_untag(*, user, keys, acting):
    """Remove tags by key (ignoring case); unknown keys are ignored, as AWS does."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    tags_remove(user.tags, keys)
