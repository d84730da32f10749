"""IAM groups and their members."""

from django.db import IntegrityError, transaction

from access.audit import audited
from access.entities import ensure_same_account
from accounts.models import Group, GroupMembership, IAMUser
from aws.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from aws.model import constraint
from aws.names import validate_name, validate_path

GROUPS_PER_USER = 10


GROUP_NAME_MAX = constraint("CreateGroup", "GroupName", "max")


def group_exists(name):
    return EntityAlreadyExists(f"Group with name {name} already exists.")


def group_not_found(name):
    return NoSuchEntity(f"The group with name {name} cannot be found.")


def group_elements(group):
    return {
        "path": group.path,
        "groupName": group.name,
        "groupId": group.group_id,
        "arn": group.arn,
        "createDate": group.created_at.isoformat() if group.created_at else None,
    }


@audited(
    "CreateGroup",
    params=lambda kw: {"groupName": kw["name"], "path": kw.get("path", "/")},
    response=lambda group: {"group": group_elements(group)},
)
def group_create(*, account, name, path="/", acting):
    """Create a group; names are unique in the account ignoring case."""
    validate_name(name, field="groupName", max_length=GROUP_NAME_MAX)
    validate_path(path)
    if Group.objects.filter(account=account, name__iexact=name).exists():
        raise group_exists(name)
    try:
        with transaction.atomic():
            return Group.objects.create(account=account, name=name, path=path)
    except IntegrityError as exc:
        raise group_exists(name) from exc


@audited(
    "UpdateGroup",
    params=lambda kw: {
        "groupName": kw["group"].name,
        **({"newGroupName": kw["new_name"]} if kw.get("new_name") else {}),
        **({"newPath": kw["new_path"]} if kw.get("new_path") else {}),
    },
)
def group_update(*, group, new_name=None, new_path=None, acting):
    """Rename a group or move it to another path; its members and policies stay with it."""
    ensure_same_account(group, acting, f"The group with name {group.name} cannot be found.")
    if new_name is not None and new_name != group.name:
        validate_name(new_name, field="newGroupName", max_length=GROUP_NAME_MAX)
        taken = Group.objects.filter(account_id=group.account_id, name__iexact=new_name).exclude(pk=group.pk)
        if taken.exists():
            raise group_exists(new_name)
        group.name = new_name
    if new_path is not None:
        group.path = validate_path(new_path, field="newPath")
    try:
        with transaction.atomic():
            group.save(update_fields=["name", "path"])
    except IntegrityError as exc:
        raise group_exists(new_name) from exc
    return group


@audited("DeleteGroup", params=lambda kw: {"groupName": kw["group"].name})
def group_delete(*, group, acting):
    """Delete an empty group; DeleteConflict while it has members, as the API does."""
    ensure_same_account(group, acting, f"The group with name {group.name} cannot be found.")
    Group.objects.select_for_update().filter(pk=group.pk).first()
    if group.memberships.exists():
        raise DeleteConflict("Cannot delete entity, must remove users from group first.")
    if group.inline_policies.exists():
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if group.attachments.exists():
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    group.delete()


@audited("AddUserToGroup", params=lambda kw: {"groupName": kw["group"].name, "userName": kw["user"].name})
def group_add_user(*, group, user, acting):
    """Add a user to a group (a no-op when already a member); a user is in at most 10 groups."""
    ensure_same_account(group, acting, f"The group with name {group.name} cannot be found.")
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    # Lock the user's row: two concurrent adds must not both see 9 memberships.
    IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    memberships = GroupMembership.objects.filter(user=user)
    if memberships.filter(group=group).exists():
        return
    if memberships.count() >= GROUPS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}")
    GroupMembership.objects.create(user=user, group=group)


@audited(
    "RemoveUserFromGroup", params=lambda kw: {"groupName": kw["group"].name, "userName": kw["user"].name}
)
def group_remove_user(*, group, user, acting):
    """Remove a user from a group."""
    ensure_same_account(group, acting, f"The group with name {group.name} cannot be found.")
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    deleted, _ = GroupMembership.objects.filter(user=user, group=group).delete()
    if not deleted:
        raise NoSuchEntity(f"User {user.name} is not in group {group.name}.")
