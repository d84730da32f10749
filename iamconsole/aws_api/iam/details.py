"""The account's authorization details and the policy simulator: the handlers of the reads that cut
across users, groups, roles and policies (GetAccountAuthorizationDetails) and of the simulator's
operations, which call the console simulator's own selectors."""

import urllib.parse
from collections import Counter

from django.db.models import Count, F, Prefetch, Q

from accounts.models import Group, IAMUser
from accounts.services.groups import group_not_found
from accounts.services.users import user_not_found
from aws.errors import InvalidInput
from iamconsole.aws_api.iam.common import group_shape, operation, page, read, tags_of
from organizations.selectors import membership_of
from policies.models import (
    AWS_MANAGED_PREFIX,
    InstanceProfile,
    ManagedPolicy,
    PolicyAttachment,
    PolicyVersion,
    Role,
)
from policies.selectors import simulation
from policies.services.roles import role_not_found


def _encoded(document):
    """A policy document as IAM returns it on the wire: URL-encoded (RFC 3986)."""
    return urllib.parse.quote(document, safe="")


# GetAccountAuthorizationDetails


def _inline_list(entity):
    return [
        {"PolicyName": policy.name, "PolicyDocument": _encoded(policy.document)}
        for policy in sorted(entity.inline_policies.all(), key=lambda policy: policy.name)
    ]


def _attached(entity):
    return [
        {"PolicyName": attachment.policy.name, "PolicyArn": attachment.policy.arn}
        for attachment in sorted(entity.attachments.all(), key=lambda attachment: attachment.policy.name)
    ]


def _boundary(entity):
    if not entity.permissions_boundary_arn:
        return None
    return {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": entity.permissions_boundary_arn,
    }


def _with_optional(shape, **optional):
    """The shape with the optional members that have a value (AWS leaves out the empty ones)."""
    return {**shape, **{name: value for name, value in optional.items() if value}}


def _user_detail(user):
    return _with_optional(
        {
            "Path": user.path,
            "UserName": user.name,
            "UserId": user.user_id,
            "Arn": user.arn,
            "CreateDate": user.created_at,
            "UserPolicyList": _inline_list(user),
            "GroupList": sorted(membership.group.name for membership in user.memberships.all()),
            "AttachedManagedPolicies": _attached(user),
        },
        PermissionsBoundary=_boundary(user),
        Tags=tags_of(user),
    )


def _group_detail(group):
    return {
        **group_shape(group),
        "GroupPolicyList": _inline_list(group),
        "AttachedManagedPolicies": _attached(group),
    }


def _role_summary(role):
    return {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": role.created_at,
        "AssumeRolePolicyDocument": _encoded(role.trust_policy),
    }


def _role_detail(role):
    last_used = {}
    if role.last_used_at is not None:
        last_used = {"LastUsedDate": role.last_used_at, "Region": role.last_used_region}
    profiles = [
        {
            "Path": profile.path,
            "InstanceProfileName": profile.name,
            "InstanceProfileId": profile.instance_profile_id,
            "Arn": profile.arn,
            "CreateDate": profile.created_at,
            "Roles": [_role_summary(role)],
        }
        for profile in role.instance_profiles.all()
    ]
    return _with_optional(
        {
            **_role_summary(role),
            "InstanceProfileList": profiles,
            "RolePolicyList": _inline_list(role),
            "AttachedManagedPolicies": _attached(role),
        },
        PermissionsBoundary=_boundary(role),
        Tags=tags_of(role),
    ) | {"RoleLastUsed": last_used}


def _policy_detail(policy, boundary_uses):
    return _with_optional(
        {
            "PolicyName": policy.name,
            "PolicyId": policy.policy_id,
            "Arn": policy.arn,
            "Path": policy.path,
            "DefaultVersionId": policy.default_version_id,
            "AttachmentCount": policy.attachment_count,
            "PermissionsBoundaryUsageCount": boundary_uses[policy.arn],
            "IsAttachable": True,
            "CreateDate": policy.created_at,
            "UpdateDate": policy.updated_at,
            "PolicyVersionList": [
                {
                    "Document": _encoded(version.document),
                    "VersionId": version.version_id,
                    "IsDefaultVersion": version.number == policy.default_version_number,
                    "CreateDate": version.created_at,
                }
                for version in sorted(policy.versions.all(), key=lambda version: -version.number)
            ],
        },
        Description=policy.description,
    )


def _policies(account, kinds):
    """The managed policies the filter asks for: the account's own (LocalManagedPolicy), AWS's
    (AWSManagedPolicy); with no filter, the account's own and the AWS managed ones it has attached."""
    in_account = Q(attachments__user__account=account) | Q(attachments__group__account=account)
    in_account |= Q(attachments__role__account=account)
    wanted = Q(pk__in=[])
    if "LocalManagedPolicy" in kinds:
        wanted |= Q(account=account)
    if "AWSManagedPolicy" in kinds:
        wanted |= Q(account__isnull=True)
    if not kinds:
        attached = PolicyAttachment.objects.filter(
            Q(user__account=account) | Q(group__account=account) | Q(role__account=account),
            policy__account__isnull=True,
        ).values("policy")
        wanted = Q(account=account) | Q(pk__in=attached)
    return list(
        ManagedPolicy.objects.filter(wanted)
        .annotate(attachment_count=Count("attachments", filter=in_account, distinct=True))
        # An AWS managed policy's recorded history (150 versions of ReadOnlyAccess) stays out: only its
        # default version is listed, as before the history was loaded (unconfirmed against AWS).
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PolicyVersion.objects.filter(
                    Q(policy__account__isnull=False) | Q(number=F("policy__default_version_number"))
                ),
            )
        )
        .order_by("name", "arn")
    )


@operation("GetAccountAuthorizationDetails")
def get_account_authorization_details(acting, params):
    kinds = set(params.get("Filter", []))
    read(acting, "GetAccountAuthorizationDetails", "*", None, {"filter": params.get("Filter")})
    account = acting.account
    everything = not kinds
    policies_of = Prefetch("attachments", queryset=PolicyAttachment.objects.select_related("policy"))
    items = []
    if everything or "User" in kinds:
        users = IAMUser.objects.filter(account=account).order_by("name")
        users = users.prefetch_related("tags", "inline_policies", "memberships__group", policies_of)
        items += [("UserDetailList", user) for user in users]
    if everything or "Group" in kinds:
        groups = Group.objects.filter(account=account).order_by("name")
        items += [
            ("GroupDetailList", group) for group in groups.prefetch_related("inline_policies", policies_of)
        ]
    if everything or "Role" in kinds:
        roles = Role.objects.filter(account=account).order_by("name")
        roles = roles.prefetch_related(
            "tags",
            "inline_policies",
            policies_of,
            Prefetch("instance_profiles", InstanceProfile.objects.all()),
        )
        items += [("RoleDetailList", role) for role in roles]
    boundary_uses = Counter()
    if everything or kinds & {"LocalManagedPolicy", "AWSManagedPolicy"}:
        policy_kinds = kinds & {"LocalManagedPolicy", "AWSManagedPolicy"}
        items += [("Policies", policy) for policy in _policies(account, policy_kinds)]
        for model in (IAMUser, Role):
            boundary_uses.update(
                model.objects.filter(account=account)
                .exclude(permissions_boundary_arn="")
                .values_list("permissions_boundary_arn", flat=True)
            )
    chosen, paging = page(items, params)
    shape_of = {
        "UserDetailList": _user_detail,
        "GroupDetailList": _group_detail,
        "RoleDetailList": _role_detail,
        "Policies": lambda policy: _policy_detail(policy, boundary_uses),
    }
    result = {name: [] for name in shape_of}
    for name, entity in chosen:
        result[name].append(shape_of[name](entity))
    return {**result, **paging}


# The simulator


def _principal(acting, arn):
    """The user, group or role an ARN names in the caller's account; another account's does not exist."""
    parts = arn.split(":", 5)
    kind, _, rest = parts[5].partition("/") if len(parts) == 6 else ("", "", "")
    if parts[:3] != ["arn", "aws", "iam"] or kind not in ("user", "group", "role") or not rest:
        raise InvalidInput(f"ARN {arn} is not valid.")
    name = rest.rsplit("/", 1)[-1]
    model, not_found = {
        "user": (IAMUser, user_not_found),
        "group": (Group, group_not_found),
        "role": (Role, role_not_found),
    }[kind]
    principal = None
    if parts[4] == acting.account.id:
        principal = model.objects.filter(account=acting.account, name=name).first()
    if principal is None or principal.arn != arn:
        raise not_found(name)
    return principal


def _context(params):
    """ContextEntries as the engine takes them: one value, or a list for the *List types."""
    context = {}
    for entry in params.get("ContextEntries", []):
        values = entry.get("ContextKeyValues", [])
        if entry.get("ContextKeyType", "string").endswith("List"):
            context[entry["ContextKeyName"]] = values
        elif values:
            context[entry["ContextKeyName"]] = values[0]
    return context


def _source(statement, principal):
    """(SourcePolicyId, SourcePolicyType) of a statement that decided, as IAM's simulator names them."""
    if statement.kind == "resource":
        return "ResourcePolicy", "resource"
    if statement.arn:  # a managed policy: attached, or the principal's boundary
        return statement.policy, "aws-managed" if statement.arn.startswith(
            AWS_MANAGED_PREFIX
        ) else "user-managed"
    if statement.source.startswith("Custom policy "):
        return f"PolicyInputList.{statement.source.removeprefix('Custom policy ')}", "none"
    if statement.kind == "permissionsBoundary":
        return "PermissionsBoundaryPolicyInputList.1", "none"
    if statement.source.startswith("Group "):
        return f"group_{statement.source.removeprefix('Group ')}_{statement.policy}", "group"
    if statement.source == "Inline":
        kind = "user" if isinstance(principal, IAMUser) else "role"
        return f"{kind}_{principal.name}_{statement.policy}", kind
    return statement.policy, "none"  # an SCP


def _evaluation(result, principal, *, boundary, organization):
    matched = []
    for statement in result.matched:
        source_id, source_type = _source(statement, principal)
        start, end = simulation.statement_positions(statement.text, statement.index)
        matched.append(
            {
                "SourcePolicyId": source_id,
                "SourcePolicyType": source_type,
                "StartPosition": start,
                "EndPosition": end,
            }
        )
    denied_by = (result.denied_by or {}).get("kind")
    shape = {
        "EvalActionName": result.action,
        "EvalResourceName": result.resource,
        "EvalDecision": result.decision,
        "MatchedStatements": matched,
        "MissingContextValues": result.missing_context_values,
    }
    if organization:
        shape["OrganizationsDecisionDetail"] = {"AllowedByOrganizations": denied_by != "scp"}
    if boundary:
        shape["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": denied_by != "permissionsBoundary"
        }
    return shape


def _evaluations(results, params, principal=None, *, boundary, organization):
    chosen, paging = page(results, params)
    shapes = [_evaluation(r, principal, boundary=boundary, organization=organization) for r in chosen]
    return {"EvaluationResults": shapes, **paging}


def _one_boundary(params):
    # AWS takes a list, of which a principal has one boundary.
    boundaries = params.get("PermissionsBoundaryPolicyInputList", [])
    return boundaries[0] if boundaries else None


@operation("SimulatePrincipalPolicy")
def simulate_principal_policy(acting, params):
    principal = _principal(acting, params["PolicySourceArn"])
    read(acting, "SimulatePrincipalPolicy", principal.arn, principal, {"policySourceArn": principal.arn})
    boundary = _one_boundary(params)
    results = simulation.simulate_principal_policy(
        account=acting.account,
        principal=principal,
        actions=params["ActionNames"],
        resource_arns=params.get("ResourceArns"),
        context=_context(params),
        resource_policy=params.get("ResourcePolicy"),
        policy_documents=params.get("PolicyInputList", []),
        boundary=boundary,
        caller_arn=params.get("CallerArn"),
        resource_account=params.get("ResourceOwner"),
    )
    has_boundary = bool(boundary) or bool(getattr(principal, "permissions_boundary_arn", ""))
    in_organization = membership_of(acting.account) is not None
    return _evaluations(results, params, principal, boundary=has_boundary, organization=in_organization)


@operation("SimulateCustomPolicy")
def simulate_custom_policy(acting, params):
    read(acting, "SimulateCustomPolicy", "*")
    boundary = _one_boundary(params)
    levels = [
        level.get("ServiceControlPolicyInputList", [])
        for level in params.get("OrderedOrganizationPolicyInputList", [])
    ]
    results = simulation.simulate_custom_policy(
        account=acting.account,
        policy_documents=params["PolicyInputList"],
        actions=params["ActionNames"],
        resource_arns=params.get("ResourceArns"),
        context=_context(params),
        boundary=boundary,
        resource_policy=params.get("ResourcePolicy"),
        caller_arn=params.get("CallerArn"),
        scps=levels or None,
        resource_account=params.get("ResourceOwner"),
    )
    return _evaluations(results, params, boundary=bool(boundary), organization=bool(levels))


@operation("GetContextKeysForPrincipalPolicy")
def get_context_keys_for_principal_policy(acting, params):
    principal = _principal(acting, params["PolicySourceArn"])
    read(
        acting,
        "GetContextKeysForPrincipalPolicy",
        principal.arn,
        principal,
        {"policySourceArn": principal.arn},
    )
    keys = simulation.get_context_keys_for_principal_policy(
        principal=principal, policy_documents=params.get("PolicyInputList", [])
    )
    return {"ContextKeyNames": [key for key, _ in keys]}


@operation("GetContextKeysForCustomPolicy")
def get_context_keys_for_custom_policy(acting, params):
    read(acting, "GetContextKeysForCustomPolicy", "*")
    keys = simulation.get_context_keys_for_custom_policy(policy_documents=params["PolicyInputList"])
    return {"ContextKeyNames": [key for key, _ in keys]}
