"""IAM Identity Center's identity store on the wire (identitystore, JSON 1.1): users, groups and
group memberships of the instance's directory. Writes go through identitycenter's services; reads are
authorized and recorded."""

from access.operations import IDENTITYSTORE_SOURCE
from aws.identitycenter_errors import ResourceNotFoundException, ValidationException
from iamconsole.aws_api.identitycenter import invalid_input, page, refused, registry, store_named
from identitycenter import selectors, services
from identitycenter.models import DirectoryGroup, DirectoryUser, GroupMembership

HANDLERS = {}
operation = registry(HANDLERS, IDENTITYSTORE_SOURCE)

__all__ = ["HANDLERS", "invalid_input", "refused"]


def _user_shape(user):
    name = {"GivenName": user.given_name or None, "FamilyName": user.family_name or None}
    return {
        "IdentityStoreId": user.instance.identity_store_id,
        "UserId": user.id,
        "UserArn": user.arn,
        "UserName": user.user_name,
        "Name": name if any(name.values()) else None,
        "DisplayName": user.display_name or None,
        "Emails": user.emails or None,
        "UserStatus": "ENABLED",
        "CreatedAt": user.created_at,
        "UpdatedAt": user.updated_at,
    }


def _group_shape(group):
    return {
        "IdentityStoreId": group.instance.identity_store_id,
        "GroupId": group.id,
        "GroupArn": group.arn,
        "DisplayName": group.display_name,
        "Description": group.description or None,
        "CreatedAt": group.created_at,
        "UpdatedAt": group.updated_at,
    }


def _membership_shape(membership):
    return {
        "IdentityStoreId": membership.group.instance.identity_store_id,
        "MembershipId": membership.id,
        "MembershipArn": membership.arn,
        "GroupId": membership.group_id,
        "MemberId": {"UserId": membership.user_id},
        "CreatedAt": membership.created_at,
    }


def _user(instance, user_id):
    user = selectors.user_in(instance, user_id)
    if user is None:
        raise ResourceNotFoundException(f"USER not found with id {user_id}")  # unconfirmed
    return user


def _group(instance, group_id):
    group = selectors.group_in(instance, group_id)
    if group is None:
        raise ResourceNotFoundException(f"GROUP not found with id {group_id}")  # unconfirmed
    return group


def _member(instance, params):
    return _user(instance, params["MemberId"].get("UserId", ""))


def _operations(params):
    return [(each["AttributePath"], each.get("AttributeValue")) for each in params["Operations"]]


def _filtered(rows, params, attributes):
    """ListUsers/ListGroups' Filters: one AttributePath (UserName, DisplayName) equal to a value."""
    for each in params.get("Filters", []):
        field = attributes.get(each["AttributePath"])
        if field is None:
            raise ValidationException(f"Invalid attribute path {each['AttributePath']}.")  # unconfirmed
        rows = rows.filter(**{f"{field}__iexact": each["AttributeValue"]})
    return rows


# Users


@operation("CreateUser")
def create_user(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    name = params.get("Name") or {}
    user = services.user_create(
        instance=instance,
        user_name=params.get("UserName", ""),
        display_name=params.get("DisplayName", ""),
        given_name=name.get("GivenName", ""),
        family_name=name.get("FamilyName", ""),
        emails=params.get("Emails", []),
        acting=acting,
    )
    return {"IdentityStoreId": instance.identity_store_id, "UserId": user.id, "UserArn": user.arn}


@operation("DescribeUser", read_only=True)
def describe_user(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    return _user_shape(_user(instance, params["UserId"]))


@operation("UpdateUser")
def update_user(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    user = services.user_update(
        user=_user(instance, params["UserId"]), operations=_operations(params), acting=acting
    )
    return {"IdentityStoreId": instance.identity_store_id, "UserId": user.id, "UserArn": user.arn}


@operation("DeleteUser")
def delete_user(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    services.user_delete(user=_user(instance, params["UserId"]), acting=acting)
    return {}


@operation("ListUsers", read_only=True)
def list_users(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    users = _filtered(
        DirectoryUser.objects.filter(instance=instance).select_related("instance"),
        params,
        {"UserName": "user_name", "DisplayName": "display_name"},
    )
    return page([_user_shape(user) for user in users], params, "Users")


@operation("GetUserId", read_only=True)
def get_user_id(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    user = _by_unique_attribute(instance.users, params, "userName", "user_name", "USER")
    return {"IdentityStoreId": instance.identity_store_id, "UserId": user.id, "UserArn": user.arn}


def _by_unique_attribute(rows, params, path, field, kind):
    """The user or group whose unique attribute `path` (userName, displayName) AlternateIdentifier names."""
    unique = params["AlternateIdentifier"].get("UniqueAttribute") or {}
    if unique.get("AttributePath") != path or not isinstance(unique.get("AttributeValue"), str):
        raise ValidationException("Invalid AlternateIdentifier.")  # unconfirmed
    found = rows.filter(**{f"{field}__iexact": unique["AttributeValue"]}).first()
    if found is None:
        raise ResourceNotFoundException(f"{kind} not found.")  # unconfirmed
    return found


# Groups


@operation("CreateGroup")
def create_group(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    group = services.group_create(
        instance=instance,
        display_name=params.get("DisplayName", ""),
        description=params.get("Description", ""),
        acting=acting,
    )
    return {"IdentityStoreId": instance.identity_store_id, "GroupId": group.id, "GroupArn": group.arn}


@operation("DescribeGroup", read_only=True)
def describe_group(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    return _group_shape(_group(instance, params["GroupId"]))


@operation("UpdateGroup")
def update_group(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    group = services.group_update(
        group=_group(instance, params["GroupId"]), operations=_operations(params), acting=acting
    )
    return {"IdentityStoreId": instance.identity_store_id, "GroupId": group.id, "GroupArn": group.arn}


@operation("DeleteGroup")
def delete_group(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    services.group_delete(group=_group(instance, params["GroupId"]), acting=acting)
    return {}


@operation("ListGroups", read_only=True)
def list_groups(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    groups = _filtered(
        DirectoryGroup.objects.filter(instance=instance).select_related("instance"),
        params,
        {"DisplayName": "display_name"},
    )
    return page([_group_shape(group) for group in groups], params, "Groups")


@operation("GetGroupId", read_only=True)
def get_group_id(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    group = _by_unique_attribute(instance.groups, params, "displayName", "display_name", "GROUP")
    return {"IdentityStoreId": instance.identity_store_id, "GroupId": group.id, "GroupArn": group.arn}


# Memberships


@operation("CreateGroupMembership")
def create_group_membership(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    membership = services.membership_create(
        group=_group(instance, params["GroupId"]), user=_member(instance, params), acting=acting
    )
    return {
        "IdentityStoreId": instance.identity_store_id,
        "MembershipId": membership.id,
        "MembershipArn": membership.arn,
    }


@operation("DeleteGroupMembership")
def delete_group_membership(acting, params):
    instance = store_named(acting, params["IdentityStoreId"])
    membership = selectors.membership_in(instance, params["MembershipId"])
    if membership is None:
        raise ResourceNotFoundException(f"GROUP_MEMBERSHIP not found with id {params['MembershipId']}")
    services.membership_delete(membership=membership, acting=acting)
    return {}


@operation("ListGroupMemberships", read_only=True)
def list_group_memberships(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    group = _group(instance, params["GroupId"])
    memberships = GroupMembership.objects.filter(group=group).select_related("group__instance")
    return page([_membership_shape(each) for each in memberships], params, "GroupMemberships")


@operation("IsMemberInGroups", read_only=True)
def is_member_in_groups(acting, params, check):
    instance = store_named(acting, params["IdentityStoreId"])
    check(instance=instance)
    user = _member(instance, params)
    member_of = set(GroupMembership.objects.filter(user=user).values_list("group_id", flat=True))
    results = [
        {"GroupId": group_id, "MemberId": {"UserId": user.id}, "MembershipExists": group_id in member_of}
        for group_id in params["GroupIds"]
    ]
    return {"Results": results}
