"""Managed policies and their versions, attachments, inline policies and permissions boundaries: the
handlers of their operations. Policy documents travel URL-encoded, as IAM returns them."""

import urllib.parse

from django.db.models import Count, Q
from django.db.models.functions import Lower

from accounts.models import Group, IAMUser
from aws.arns import arn_of
from aws.errors import InvalidInput, NoSuchEntity
from iamconsole.aws_api.iam.common import (
    get_group,
    get_role,
    get_user,
    operation,
    page,
    read,
    tag_operations,
    tag_pairs,
    tags_of,
)
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment, Role
from policies.services import permissions, policies
from policies.services.permissions import policy_for_arn, visible_policy
from policies.services.policies import policy_not_found, version_not_found

_ENTITIES = {"user": get_user, "group": get_group, "role": get_role}


def _entity(acting, kind, params):
    return _ENTITIES[kind](acting, params[f"{kind.title()}Name"])


def _encoded(document):
    return urllib.parse.quote(document, safe="")


def _checked_arn(arn):
    if not arn.startswith("arn:aws:iam::") or ":policy/" not in arn:
        raise InvalidInput(f"ARN {arn} is not valid.")
    return arn


def _policy(acting, params):
    """The managed policy a write names (AWS managed or the account's own); NoSuchEntity otherwise."""
    return policy_for_arn(account=acting.account, arn=_checked_arn(params["PolicyArn"]))


def _read_policy(acting, name, params):
    """The managed policy a read names, once `name` is authorized on its ARN (a refusal comes before
    the policy is said not to exist, as in IAM)."""
    arn = _checked_arn(params["PolicyArn"])
    found = visible_policy(account=acting.account, arn=arn)
    read(acting, name, arn, found, {"policyArn": arn})
    if found is None:
        raise policy_not_found(arn)
    return found


# Managed policies


def _usage(account):
    """({policy pk: attachments in the account}, {policy ARN: users and roles it bounds}) in 3 queries."""
    in_account = Q(user__account=account) | Q(group__account=account) | Q(role__account=account)
    attached = dict(
        PolicyAttachment.objects.filter(in_account).values_list("policy_id").annotate(n=Count("id"))
    )
    bounding = {}
    for model in (IAMUser, Role):
        rows = (
            model.objects.filter(account=account)
            .exclude(permissions_boundary_arn="")
            .values_list("permissions_boundary_arn")
            .annotate(n=Count("id"))
        )
        for arn, count in rows:
            bounding[arn] = bounding.get(arn, 0) + count
    return attached, bounding


def _policy_shape(policy, usage, *, description=False, tags=False):
    attached, bounding = usage
    shape = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": attached.get(policy.pk, 0),
        "PermissionsBoundaryUsageCount": bounding.get(policy.arn, 0),
        "IsAttachable": True,
        "CreateDate": policy.created_at,
        "UpdateDate": policy.updated_at,
    }
    # IAM shows the description in GetPolicy only (not in CreatePolicy's or ListPolicies' answers).
    if description and policy.description:
        shape["Description"] = policy.description
    if tags:
        found = tags_of(policy)
        if found:
            shape["Tags"] = found
    return shape


@operation("CreatePolicy")
def create_policy(acting, params):
    policy = policies.policy_create(
        account=acting.account,
        name=params["PolicyName"],
        path=params.get("Path", "/"),
        description=params.get("Description", ""),
        document=params["PolicyDocument"],
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"Policy": _policy_shape(policy, ({}, {}), tags=True)}


@operation("GetPolicy")
def get_policy(acting, params):
    policy = _read_policy(acting, "GetPolicy", params)
    shape = _policy_shape(policy, _usage(acting.account), description=True, tags=True)
    # GetPolicy answers Tags even when there are none (an empty list); CreatePolicy leaves it out.
    shape.setdefault("Tags", [])
    return {"Policy": shape}


@operation("ListPolicies")
def list_policies(acting, params):
    prefix = params.get("PathPrefix", "/")
    read(acting, "ListPolicies", arn_of(acting.account.id, "policy", prefix))
    scope = params.get("Scope", "All")
    found = ManagedPolicy.objects.filter(path__startswith=prefix)
    if scope == "AWS":
        found = found.filter(account__isnull=True)
    elif scope == "Local":
        found = found.filter(account=acting.account)
    else:
        found = found.filter(Q(account__isnull=True) | Q(account=acting.account))
    attached, bounding = usage = _usage(acting.account)
    if params.get("OnlyAttached"):
        # "Attached" as the usage filter reads it: as a permissions policy, as a boundary, or either.
        usage_filter = params.get("PolicyUsageFilter")
        as_policy = Q(pk__in=list(attached)) if usage_filter != "PermissionsBoundary" else Q(pk__in=[])
        as_boundary = Q(arn__in=list(bounding)) if usage_filter != "PermissionsPolicy" else Q(pk__in=[])
        found = found.filter(as_policy | as_boundary)
    chosen, paging = page(list(found.order_by(Lower("name"), "pk")), params)
    return {"Policies": [_policy_shape(policy, usage) for policy in chosen], **paging}


@operation("DeletePolicy")
def delete_policy(acting, params):
    policies.policy_delete(policy=_policy(acting, params), acting=acting)
    return {}


tag_operations(
    "Policy",
    "PolicyArn",
    lambda acting, arn: policy_for_arn(account=acting.account, arn=_checked_arn(arn)),
    tag=policies.policy_tag,
    untag=policies.policy_untag,
    entity_key="policy",
)


# Versions


def _version_shape(version, *, document=True):
    shape = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": version.created_at,
    }
    if document:
        shape["Document"] = _encoded(version.document)
    return shape


@operation("CreatePolicyVersion")
def create_policy_version(acting, params):
    version = policies.policy_version_create(
        policy=_policy(acting, params),
        document=params["PolicyDocument"],
        set_as_default=params.get("SetAsDefault", False),
        acting=acting,
    )
    # IAM's answer names the version without its document.
    return {"PolicyVersion": _version_shape(version, document=False)}


@operation("GetPolicyVersion")
def get_policy_version(acting, params):
    policy = _read_policy(acting, "GetPolicyVersion", params)
    version_id = params["VersionId"]
    number = version_id.removeprefix("v")
    version = None
    if version_id.startswith("v") and number.isascii() and number.isdigit():
        version = policy.versions.filter(number=int(number)).first()
    if version is None or version.version_id != version_id:  # "v01" names no version
        raise version_not_found(policy.arn, version_id)
    version.policy = policy
    return {"PolicyVersion": _version_shape(version)}


@operation("ListPolicyVersions")
def list_policy_versions(acting, params):
    policy = _read_policy(acting, "ListPolicyVersions", params)
    versions = list(policy.versions.defer("document").order_by("-number"))
    for version in versions:
        version.policy = policy
    chosen, paging = page(versions, params)
    return {"Versions": [_version_shape(version, document=False) for version in chosen], **paging}


@operation("DeletePolicyVersion")
def delete_policy_version(acting, params):
    policies.policy_version_delete(
        policy=_policy(acting, params), version_id=params["VersionId"], acting=acting
    )
    return {}


@operation("SetDefaultPolicyVersion")
def set_default_policy_version(acting, params):
    policies.policy_set_default_version(
        policy=_policy(acting, params), version_id=params["VersionId"], acting=acting
    )
    return {}


# Attachments, inline policies: one handler per kind of entity, registered for User, Group and Role.


def _attach(kind):
    def handler(acting, params):
        entity = _entity(acting, kind, params)
        permissions.policy_attach(policy=_policy(acting, params), acting=acting, **{kind: entity})
        return {}

    return handler


def _detach(kind):
    def handler(acting, params):
        entity = _entity(acting, kind, params)
        permissions.policy_detach(policy=_policy(acting, params), acting=acting, **{kind: entity})
        return {}

    return handler


def _list_attached(kind):
    name = f"ListAttached{kind.title()}Policies"

    def handler(acting, params):
        entity = _entity(acting, kind, params)
        read(acting, name, entity.arn, entity, {f"{kind}Name": entity.name})
        found = ManagedPolicy.objects.filter(
            path__startswith=params.get("PathPrefix", "/"), **{f"attachments__{kind}": entity}
        ).order_by(Lower("name"), "pk")
        chosen, paging = page(list(found), params)
        return {"AttachedPolicies": [{"PolicyName": p.name, "PolicyArn": p.arn} for p in chosen], **paging}

    return handler


def _put_inline(kind):
    def handler(acting, params):
        permissions.inline_policy_put(
            name=params["PolicyName"],
            document=params["PolicyDocument"],
            acting=acting,
            **{kind: _entity(acting, kind, params)},
        )
        return {}

    return handler


def _get_inline(kind):
    name = f"Get{kind.title()}Policy"

    def handler(acting, params):
        entity = _entity(acting, kind, params)
        read(
            acting, name, entity.arn, entity, {f"{kind}Name": entity.name, "policyName": params["PolicyName"]}
        )
        inline = InlinePolicy.objects.filter(name=params["PolicyName"], **{kind: entity}).first()
        if inline is None:
            raise NoSuchEntity(f"The {kind} policy with name {params['PolicyName']} cannot be found.")
        return {
            f"{kind.title()}Name": entity.name,
            "PolicyName": inline.name,
            "PolicyDocument": _encoded(inline.document),
        }

    return handler


def _delete_inline(kind):
    def handler(acting, params):
        permissions.inline_policy_delete(
            name=params["PolicyName"], acting=acting, **{kind: _entity(acting, kind, params)}
        )
        return {}

    return handler


def _list_inline(kind):
    name = f"List{kind.title()}Policies"

    def handler(acting, params):
        entity = _entity(acting, kind, params)
        read(acting, name, entity.arn, entity, {f"{kind}Name": entity.name})
        names = list(
            InlinePolicy.objects.filter(**{kind: entity}).order_by("name").values_list("name", flat=True)
        )
        chosen, paging = page(names, params)
        return {"PolicyNames": chosen, **paging}

    return handler


for _kind in ("user", "group", "role"):
    _Kind = _kind.title()
    operation(f"Attach{_Kind}Policy")(_attach(_kind))
    operation(f"Detach{_Kind}Policy")(_detach(_kind))
    operation(f"ListAttached{_Kind}Policies")(_list_attached(_kind))
    operation(f"Put{_Kind}Policy")(_put_inline(_kind))
    operation(f"Get{_Kind}Policy")(_get_inline(_kind))
    operation(f"Delete{_Kind}Policy")(_delete_inline(_kind))
    operation(f"List{_Kind}Policies")(_list_inline(_kind))


# Permissions boundaries


def _put_boundary(kind):
    def handler(acting, params):
        permissions.permissions_boundary_put(
            policy_arn=params["PermissionsBoundary"], acting=acting, **{kind: _entity(acting, kind, params)}
        )
        return {}

    return handler


def _delete_boundary(kind):
    def handler(acting, params):
        permissions.permissions_boundary_delete(acting=acting, **{kind: _entity(acting, kind, params)})
        return {}

    return handler


for _kind in ("user", "role"):
    operation(f"Put{_kind.title()}PermissionsBoundary")(_put_boundary(_kind))
    operation(f"Delete{_kind.title()}PermissionsBoundary")(_delete_boundary(_kind))


# Who uses a policy

_ENTITY_FILTERS = {
    "User": "user",
    "Group": "group",
    "Role": "role",
    "LocalManagedPolicy": None,
    "AWSManagedPolicy": None,
}


@operation("ListEntitiesForPolicy")
def list_entities_for_policy(acting, params):
    policy = _read_policy(acting, "ListEntitiesForPolicy", params)
    prefix = params.get("PathPrefix", "/")
    usage_filter = params.get("PolicyUsageFilter")
    entity_filter = params.get("EntityFilter")
    # LocalManagedPolicy and AWSManagedPolicy (the enum is shared with other operations) name no
    # user, group or role: nothing to list.
    kinds = [_ENTITY_FILTERS[entity_filter]] if entity_filter else ["user", "group", "role"]
    models = {"user": IAMUser, "group": Group, "role": Role}
    found = []
    for kind in filter(None, kinds):
        matches = Q(pk__in=[])
        if usage_filter != "PermissionsBoundary":
            matches |= Q(attachments__policy=policy)
        if usage_filter != "PermissionsPolicy" and kind != "group":
            matches |= Q(permissions_boundary_arn=policy.arn)
        rows = models[kind].objects.filter(matches, account=acting.account, path__startswith=prefix)
        found += [(kind, entity) for entity in rows.distinct().order_by("name", "pk")]
    chosen, paging = page(found, params)
    shapes = {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": []}
    for kind, entity in chosen:
        shapes[f"Policy{kind.title()}s"].append(
            {f"{kind.title()}Name": entity.name, f"{kind.title()}Id": getattr(entity, f"{kind}_id")}
        )
    return {**shapes, **paging}
