"""What every IAM handler shares: the registry of operations, reads authorized and recorded as the
console's pages do, AWS's pagination, and the entities a request names."""

import base64

from access.audit import record_event
from access.authorization import resource_tags_context, unbounded
from access.operations import OPERATIONS, authorize_read
from accounts.models import Group, IAMUser
from accounts.services.groups import group_not_found
from accounts.services.users import user_not_found
from aws.errors import AccessDenied, ValidationError

HANDLERS = {}


def operation(name):
    """Register the handler of the IAM operation `name`."""

    def register(handler):
        HANDLERS[name] = handler
        return handler

    return register


# Reads


def read(acting, name, resource="*", entity=None, params=None):
    """Authorize the read operation `name` as the console's pages do, and record it (allowed or
    refused) in Event history."""
    try:
        if not unbounded(acting):
            authorize_read(
                acting=acting,
                name=name,
                resource=resource,
                context=resource_tags_context(OPERATIONS[name].action, entity),
            )
    except AccessDenied as error:
        record_event(acting=acting, event_name=name, request_parameters=params, error=error, read_only=True)
        raise
    record_event(acting=acting, event_name=name, request_parameters=params, read_only=True)


def page(items, params, key=None):
    """AWS's pagination of a list: (the page, {"IsTruncated", "Marker"}) from Marker and MaxItems."""
    start = 0
    if "Marker" in params:
        try:
            start = int(base64.urlsafe_b64decode(params["Marker"].encode()).decode())
        except ValueError as exc:
            raise ValidationError("Invalid Marker.") from exc  # AWS: the marker is opaque
    size = params.get("MaxItems", 100)
    chosen = items[start : start + size]
    more = start + size < len(items)
    paging = {"IsTruncated": more}
    if more:
        paging["Marker"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return chosen, paging


def tags_of(entity):
    return [{"Key": tag.key, "Value": tag.value} for tag in entity.tags.all()]


def tags_member(entity):
    """An output shape's Tags member: left out when the entity has none, as IAM does."""
    tags = tags_of(entity)
    return {"Tags": tags} if tags else {}


def tag_pairs(params):
    return [(tag["Key"], tag.get("Value", "")) for tag in params.get("Tags", [])]


# Users and groups


def user_shape(user, *, with_tags=False):
    shape = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.created_at,
    }
    if user.password_last_used_at is not None:
        shape["PasswordLastUsed"] = user.password_last_used_at
    if with_tags:
        tags = tags_of(user)
        if tags:
            shape["Tags"] = tags
    return shape


def get_user(acting, name):
    user = IAMUser.objects.filter(account=acting.account, name=name).first()
    if user is None:
        raise user_not_found(name)
    return user


def get_group(acting, name):
    group = Group.objects.filter(account=acting.account, name=name).first()
    if group is None:
        raise group_not_found(name)
    return group


def group_shape(group):
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.group_id,
        "Arn": group.arn,
        "CreateDate": group.created_at,
    }
