"""IAM users, groups and their memberships, access keys: the handlers of their operations."""

from django.db.models import prefetch_related_objects

from accounts.models import AccessKey, Group, IAMUser
from accounts.services import access_keys, groups, users
from accounts.services.access_keys import access_key_not_found
from aws.arns import arn_of
from iamconsole.aws_api.iam.common import (
    get_group,
    get_user,
    group_shape,
    operation,
    page,
    read,
    tag_operations,
    tag_pairs,
    user_shape,
)


@operation("CreateUser")
def create_user(acting, params):
    user = users.user_create(
        account=acting.account,
        name=params["UserName"],
        path=params.get("Path", "/"),
        tags=tag_pairs(params),
        permissions_boundary_arn=params.get("PermissionsBoundary", ""),
        acting=acting,
    )
    return {"User": user_shape(user, full=True)}


@operation("GetUser")
def get_user_op(acting, params):
    if "UserName" not in params:
        # No name: the caller's own user (the root user when the root user calls).
        if acting.user is None:
            read(acting, "GetUser", acting.account.root_arn)
            account = acting.account
            return {
                "User": {
                    "UserId": account.id,
                    "Arn": account.root_arn,
                    "CreateDate": account.created_at,
                }
            }
        params = {"UserName": acting.user.name}
    user = get_user(acting, params["UserName"])
    # Its tags once, for the engine (aws:ResourceTag) and for the answer alike.
    prefetch_related_objects([user], "tags")
    read(acting, "GetUser", user.arn, user, {"userName": user.name})
    return {"User": user_shape(user, full=True)}


@operation("ListUsers")
def list_users(acting, params):
    prefix = params.get("PathPrefix", "/")
    read(acting, "ListUsers", arn_of(acting.account.id, "user", prefix.rstrip("/") + "/"))
    found = list(IAMUser.objects.filter(account=acting.account, path__startswith=prefix).order_by("name"))
    chosen, paging = page(found, params)
    return {"Users": [user_shape(user) for user in chosen], **paging}


@operation("UpdateUser")
def update_user(acting, params):
    users.user_update(
        user=get_user(acting, params["UserName"]),
        new_name=params.get("NewUserName"),
        new_path=params.get("NewPath"),
        acting=acting,
    )
    return {}


@operation("DeleteUser")
def delete_user(acting, params):
    users.user_delete(user=get_user(acting, params["UserName"]), acting=acting)
    return {}


tag_operations("User", "UserName", get_user, tag=users.user_tag, untag=users.user_untag, entity_key="user")


# Groups


@operation("CreateGroup")
def create_group(acting, params):
    group = groups.group_create(
        account=acting.account, name=params["GroupName"], path=params.get("Path", "/"), acting=acting
    )
    return {"Group": group_shape(group)}


@operation("GetGroup")
def get_group_op(acting, params):
    group = get_group(acting, params["GroupName"])
    read(acting, "GetGroup", group.arn, group, {"groupName": group.name})
    members = list(IAMUser.objects.filter(memberships__group=group).order_by("name"))
    chosen, paging = page(members, params)
    return {"Group": group_shape(group), "Users": [user_shape(user) for user in chosen], **paging}


@operation("ListGroups")
def list_groups(acting, params):
    prefix = params.get("PathPrefix", "/")
    read(acting, "ListGroups", arn_of(acting.account.id, "group", prefix.rstrip("/") + "/"))
    found = list(Group.objects.filter(account=acting.account, path__startswith=prefix).order_by("name"))
    chosen, paging = page(found, params)
    return {"Groups": [group_shape(group) for group in chosen], **paging}


@operation("ListGroupsForUser")
def list_groups_for_user(acting, params):
    user = get_user(acting, params["UserName"])
    read(acting, "ListGroupsForUser", user.arn, user, {"userName": user.name})
    found = list(Group.objects.filter(memberships__user=user).order_by("name"))
    chosen, paging = page(found, params)
    return {"Groups": [group_shape(group) for group in chosen], **paging}


@operation("UpdateGroup")
def update_group(acting, params):
    groups.group_update(
        group=get_group(acting, params["GroupName"]),
        new_name=params.get("NewGroupName"),
        new_path=params.get("NewPath"),
        acting=acting,
    )
    return {}


@operation("DeleteGroup")
def delete_group(acting, params):
    groups.group_delete(group=get_group(acting, params["GroupName"]), acting=acting)
    return {}


@operation("AddUserToGroup")
def add_user_to_group(acting, params):
    groups.group_add_user(
        group=get_group(acting, params["GroupName"]), user=get_user(acting, params["UserName"]), acting=acting
    )
    return {}


@operation("RemoveUserFromGroup")
def remove_user_from_group(acting, params):
    groups.group_remove_user(
        group=get_group(acting, params["GroupName"]), user=get_user(acting, params["UserName"]), acting=acting
    )
    return {}


# Access keys


def _key_owner(acting, params):
    """The user named, or the caller's own user (None: the root user), as AWS reads UserName."""
    if "UserName" in params:
        return get_user(acting, params["UserName"])
    return acting.user


def _key_metadata(key):
    shape = {"AccessKeyId": key.access_key_id, "Status": key.status, "CreateDate": key.created_at}
    if key.user_id:
        shape["UserName"] = key.user.name
    return shape


@operation("CreateAccessKey")
def create_access_key(acting, params):
    key, secret = access_keys.access_key_create(
        account=acting.account, user=_key_owner(acting, params), acting=acting
    )
    return {"AccessKey": {**_key_metadata(key), "SecretAccessKey": secret}}


@operation("ListAccessKeys")
def list_access_keys(acting, params):
    owner = _key_owner(acting, params)
    resource = owner.arn if owner is not None else acting.account.root_arn
    read(acting, "ListAccessKeys", resource, owner, {"userName": owner.name} if owner else None)
    found = list(AccessKey.objects.filter(account=acting.account, user=owner).select_related("user"))
    chosen, paging = page(found, params)
    return {"AccessKeyMetadata": [_key_metadata(key) for key in chosen], **paging}


def _own_key(acting, params):
    owner = _key_owner(acting, params)
    key = AccessKey.objects.filter(
        account=acting.account, user=owner, access_key_id=params["AccessKeyId"]
    ).first()
    if key is None:
        raise access_key_not_found(params["AccessKeyId"])
    return key


@operation("UpdateAccessKey")
def update_access_key(acting, params):
    access_keys.access_key_update_status(key=_own_key(acting, params), status=params["Status"], acting=acting)
    return {}


@operation("DeleteAccessKey")
def delete_access_key(acting, params):
    access_keys.access_key_delete(key=_own_key(acting, params), acting=acting)
    return {}


@operation("GetAccessKeyLastUsed")
def get_access_key_last_used(acting, params):
    # Any key of the account, named by its ID alone: the read is authorized on its owner.
    key = (
        AccessKey.objects.filter(account=acting.account, access_key_id=params["AccessKeyId"])
        .select_related("user")
        .first()
    )
    if key is None:
        raise access_key_not_found(params["AccessKeyId"])
    owner = key.user
    read(
        acting,
        "GetAccessKeyLastUsed",
        owner.arn if owner is not None else acting.account.root_arn,
        owner,
        {"accessKeyId": key.access_key_id},
    )
    # AWS answers "N/A" for the service and the Region of a key never used, and no date.
    last_used = {"ServiceName": key.last_used_service or "N/A", "Region": key.last_used_region or "N/A"}
    if key.last_used_at is not None:
        last_used["LastUsedDate"] = key.last_used_at
    shape = {"AccessKeyLastUsed": last_used}
    if owner is not None:
        shape["UserName"] = owner.name
    return shape
