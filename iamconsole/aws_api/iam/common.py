"""What every IAM handler shares: the registry of operations, reads authorized and recorded as the
console's pages do, AWS's pagination, and the entities a request names."""

import base64
import functools

from access.audit import record_event, record_refusal
from access.authorization import authorize, resource_tags_context, unbounded
from access.operations import OPERATIONS, authorize_read
from accounts.models import Group, IAMUser, ServerCertificate
from accounts.services.groups import group_not_found
from accounts.services.users import user_not_found
from aws.arns import arn_of
from aws.errors import AccessDenied, AWSError, NoSuchEntity, ValidationError
from policies.engine import catalog
from policies.models import InstanceProfile, Role
from policies.services.roles import role_not_found

HANDLERS = {}


def operation(name):
    """Register the handler of the IAM operation `name`. Before it answers NoSuchEntity, the call is
    authorized on the resource it names (see `authorize_named`)."""

    def register(handler):
        @functools.wraps(handler)
        def guarded(acting, params):
            try:
                return handler(acting, params)
            except NoSuchEntity:
                authorize_named(acting, name, params)
                raise

        HANDLERS[name] = guarded
        return handler

    return register


# The request member that names a resource of each IAM resource type, with the model of the entities
# it names by name (None: the member is the resource's ARN).
NAMED_BY = {
    "user": ("UserName", IAMUser),
    "group": ("GroupName", Group),
    "role": ("RoleName", Role),
    "instance-profile": ("InstanceProfileName", InstanceProfile),
    "server-certificate": ("ServerCertificateName", ServerCertificate),
    "policy": ("PolicyArn", None),
    "oidc-provider": ("OpenIDConnectProviderArn", None),
    "saml-provider": ("SAMLProviderArn", None),
    "mfa": ("SerialNumber", None),
}


def _named_resource(acting, action, params):
    """(ARN, entity or None) of the resource the request names for `action`: the entity's own ARN
    (with its path) when it exists, the name under "/" when it does not; the caller's own ARN for a
    user the request leaves out (the current user)."""
    for resource_type, _required in catalog.resource_types_for(action):
        member, model = NAMED_BY.get(resource_type.name, (None, None))
        if member is None:
            continue
        value = params.get(member)
        if value is None and "Arn" in params:
            return params["Arn"], None  # Access Advisor's calls name a user, group, role or policy by ARN
        if value is None and "DeletionTaskId" in params:
            # task/aws-service-role/<service>/<role name>/<ID>: the role it deletes
            role_path = params["DeletionTaskId"].removeprefix("task").rpartition("/")[0]
            return f"arn:aws:iam::{acting.account.id}:role{role_path}", None
        if value is None:
            if resource_type.name == "user" and acting.user is not None:
                return acting.arn, acting.user
            continue
        if model is None:
            return value, None
        entity = model.objects.filter(account=acting.account, name=value).first()
        if entity is not None:
            return entity.arn, entity
        return arn_of(acting.account.id, resource_type.name, "/", value), None
    return None, None


def _request_context(params):
    """The condition keys the request's own members give (the managed policy it names, the boundary
    it sets, the tags it adds or removes)."""
    context = {}
    if "PolicyArn" in params:
        context["iam:PolicyARN"] = params["PolicyArn"]
    if "PermissionsBoundary" in params:
        context["iam:PermissionsBoundary"] = params["PermissionsBoundary"]
    tags = params.get("Tags") or []
    if tags:
        context.update({f"aws:RequestTag/{tag['Key']}": tag.get("Value", "") for tag in tags})
        context["aws:TagKeys"] = [tag["Key"] for tag in tags]
    if params.get("TagKeys"):
        context["aws:TagKeys"] = list(params["TagKeys"])
    return context


def _request_parameters(params):
    """CloudTrail's requestParameters of the call: its members, named in camelCase."""
    return {member[:1].lower() + member[1:]: value for member, value in params.items()}


def authorize_named(acting, name, params):
    """AWS authorizes a call on the resources it names before it looks them up: a caller its policies
    refuse learns AccessDenied, not whether the entity exists (no name can be probed). Raised, the
    refusal is recorded in Event history as the call's answer."""
    if acting is None or unbounded(acting) or name not in OPERATIONS:
        return
    action = OPERATIONS[name].action
    resource, entity = _named_resource(acting, action, params)
    if resource is None:
        return
    context = {**resource_tags_context(action, entity), **_request_context(params)}
    try:
        if catalog.action(action).access_level in ("Read", "List"):
            authorize_read(acting=acting, name=name, resource=resource, context=context)
        else:
            authorize(acting=acting, action=action, resource=resource, context=context)
    except AccessDenied as error:
        record_refusal(
            acting=acting,
            event_name=name,
            request_parameters=_request_parameters(params),
            error=error,
            read_only=catalog.action(action).access_level in ("Read", "List"),
        )
        raise


# Reads


def read(acting, name, resource="*", entity=None, params=None, answer=None):
    """Authorize the read operation `name` as the console's pages do, and record it (allowed or
    refused) in Event history. `answer()`, when given, runs once the read is allowed and its result is
    returned; the AWS error it raises (a report not there yet) is recorded as the call's."""
    try:
        if not unbounded(acting):
            authorize_read(
                acting=acting,
                name=name,
                resource=resource,
                context=resource_tags_context(OPERATIONS[name].action, entity),
            )
        result = answer() if answer is not None else None
    except AWSError as error:
        record_event(acting=acting, event_name=name, request_parameters=params, error=error, read_only=True)
        raise
    record_event(acting=acting, event_name=name, request_parameters=params, read_only=True)
    return result


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


def tag_operations(kind, member, lookup, *, tag, untag, entity_key):
    """Register Tag<kind>, Untag<kind> and List<kind>Tags for the entities `lookup(acting, value)`
    finds by the request member `member`, through their services `tag` and `untag`, which take the
    entity as the keyword `entity_key`."""
    field = member[:1].lower() + member[1:]

    @operation(f"Tag{kind}")
    def tag_entity(acting, params):
        tag(**{entity_key: lookup(acting, params[member])}, tags=tag_pairs(params), acting=acting)
        return {}

    @operation(f"Untag{kind}")
    def untag_entity(acting, params):
        untag(**{entity_key: lookup(acting, params[member])}, keys=params["TagKeys"], acting=acting)
        return {}

    @operation(f"List{kind}Tags")
    def list_tags(acting, params):
        entity = lookup(acting, params[member])
        read(acting, f"List{kind}Tags", entity.arn, entity, {field: params[member]})
        chosen, paging = page(tags_of(entity), params)
        return {"Tags": chosen, **paging}


# Users and groups


def boundary_shape(entity):
    """The PermissionsBoundary of a user or role as GetUser and GetRole show it (AWS answers "Policy",
    not the model's enum value PermissionsBoundaryPolicy)."""
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": entity.permissions_boundary_arn}


def user_shape(user, *, full=False):
    """IAM's User; `full` adds what GetUser and CreateUser show and ListUsers leaves out (AWS's
    list operations omit PermissionsBoundary and Tags)."""
    shape = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.created_at,
    }
    if user.password_last_used_at is not None:
        shape["PasswordLastUsed"] = user.password_last_used_at
    if full and user.permissions_boundary_arn:
        shape["PermissionsBoundary"] = boundary_shape(user)
    if full:
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


def get_role(acting, name):
    role = Role.objects.filter(account=acting.account, name__iexact=name).first()
    if role is None:
        raise role_not_found(name)
    return role


def group_shape(group):
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.group_id,
        "Arn": group.arn,
        "CreateDate": group.created_at,
    }
