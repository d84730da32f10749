"""AWS's policy evaluation logic, for one request.

Sources (IAM User Guide): "Policy evaluation logic", "How AWS enforcement code logic evaluates
requests to allow or deny access", "Cross-account policy evaluation logic", "Permissions boundaries
for IAM entities", "Session policies", "AWS JSON policy elements: Principal" and "NotPrincipal";
AWS Organizations User Guide: "Service control policies", "Resource control policies".

The order, as AWS gives it:
1. Deny evaluation: an explicit Deny in any policy that applies ends it (explicitDeny).
2. RCPs of the resource's account, for services that support RCPs: every level must allow.
   RCPFullAWSAccess sits at every level and cannot be detached, so only an explicit deny in a
   customer RCP can stop a request here.
3. SCPs of the caller's account: every level (root, each OU, the account) must allow.
4. Resource-based policy. Within one account, how far an Allow reaches depends on whom its
   Principal names:
   - the caller itself (an IAM user's ARN, a role session's ARN, a federated user's ARN) or "*":
     a direct grant, final, whatever the identity policies, boundary or session policy say
     ("If a resource-based policy grants permission directly to the IAM user or the session
     principal that is making the request, then an implicit deny in an identity-based policy, a
     permissions boundary, or a session policy does not impact the final decision"; for "*":
     "permissions boundaries and session policies do not limit permissions granted using the
     aws:PrincipalArn condition key with a wildcard(*) in the Principal element");
   - the role behind a session: stands in for the identity policies, but "resource-based policies
     that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions
     boundary or session policy";
   - the caller's account: "delegates authority to the account", whose identity policies must
     then allow (KMS's "Enable IAM policies" statement is the classic example).
   Role trust policies and KMS key policies must allow even within the account; across accounts
   every resource policy must allow, and so must the caller's own policies.
5. Identity-based policies, 6. the permissions boundary, 7. session policies (role and federated
   user sessions only): each must allow, unless a direct grant in step 4 already decided.

Whom each kind of policy applies to:
- identity policies and boundaries: IAM users, role sessions, federated user sessions. The root
  user has no identity-based policies and "has full access" in its own account;
- SCPs: principals of member accounts, the root user included; not service-linked roles, and not
  the management account (the request then has no `scps`); not AWS services or anonymous callers;
- RCPs: every caller, the root user and other organizations' principals included, but not
  service-linked roles, and not the `kms:RetireGrant` permission;
- session policies: role sessions and federated user sessions only; a federated user session
  without session policies has no permissions of its own (STS GetFederationToken);
- the root user cannot assume a role (STS: "Roles may not be assumed by root accounts").
"""

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from policies.engine import arn as arns
from policies.engine.arn import InvalidPrincipal, account_of_resource, parse_caller
from policies.engine.context import Context
from policies.engine.document import MalformedPolicyDocument
from policies.engine.matching import DIRECT, NONE, ROLE, CompiledPolicy, compile_document

__all__ = [
    "ALLOWED",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "RCP_SERVICES",
    "TRUST_POLICY_ACTIONS",
    "Decision",
    "InvalidRequest",
    "decide",
]

ALLOWED = "allowed"
EXPLICIT_DENY = "explicitDeny"
IMPLICIT_DENY = "implicitDeny"

# Kinds, in AWS's evaluation order (for deniedBy).
RCP = "rcp"
SCP = "scp"
RESOURCE = "resource"
IDENTITY = "identity"
BOUNDARY = "permissionsBoundary"
SESSION = "sessionPolicy"

# "List of AWS services that support RCPs" (AWS Organizations User Guide), by action prefix.
RCP_SERVICES = frozenset(
    """
    appstream dsql clouddirectory cloudfront cloudsearch logs networkmonitor cognito-identity
    cognito-idp comprehend comprehendmedical firehose dynamodb dax autoscaling ecr ecr-public
    gamelift inspector-scan kendra kinesisvideo memorydb aoss personalize polly s3 swf sqs textract
    timestream-influxdb transcribe translate workspaces appconfig autoscaling-plans budgets
    servicediscovery cloudtrail-data codeartifact codebuild codecommit codepipeline compute-optimizer
    cost-optimization-hub events fms fis health rolesanywhere kms opensearch pricing pca-connector-ad
    resource-groups secretsmanager sts signin support transfer notifications wafv2 xray
    """.split()  # noqa: SIM905 - one word per service reads better than 62 quoted strings
)
# "RCPs do not impact the kms:RetireGrant permission."
_NOT_UNDER_RCPS = frozenset({"kms:retiregrant"})

# Actions authorized by the role's trust policy, which must allow even within the account.
# sts:SetContext joined them with trusted identity propagation.
TRUST_POLICY_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)
_ROOT_CANNOT = frozenset({"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity"})

_SERVICE_LINKED_ROLE_PATH = ":role/aws-service-role/"


class InvalidRequest(ValueError):
    """The request object itself is not of the contract's shape."""


class Decision:
    """One decision: the verdict, the statements behind it, who denied, missing context keys."""

    __slots__ = ("decision", "matched", "denied_by", "missing")

    def __init__(
        self, decision: str, matched: list, denied_by: tuple[str, int | None] | None, missing: list[str]
    ):
        self.decision = decision
        self.matched = matched  # [(path, CompiledStatement)]
        self.denied_by = denied_by  # (kind, level or None)
        self.missing = missing

    def __repr__(self) -> str:
        return f"Decision({self.decision!r}, denied_by={self.denied_by!r})"


# ---------------------------------------------------------------------------------------------
# The clock, formatted once a second.

_clock: list = [None, None, None]


def _now() -> tuple[str, str]:
    second = int(time.time())
    if _clock[0] != second:
        _clock[0] = second
        _clock[1] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
        _clock[2] = str(second)
    return _clock[1], _clock[2]


def build_context(values: Any, caller: arns.Caller) -> Context:
    """The request context with the keys AWS derives and the request did not give."""
    if values is not None and not isinstance(values, Mapping):
        raise InvalidRequest("context must be an object")
    try:
        ctx = Context(values)
    except (TypeError, AttributeError) as error:
        raise InvalidRequest(f"context: {error}") from error
    held = ctx.values
    principal_arn = caller.principal_arn
    if principal_arn is not None and "aws:principalarn" not in held:
        held["aws:principalarn"] = (principal_arn,)
    if caller.account is not None and "aws:principalaccount" not in held:
        held["aws:principalaccount"] = (caller.account,)
    if caller.kind == arns.USER and "aws:username" not in held:
        held["aws:username"] = (caller.name,)
    if "aws:currenttime" not in held or "aws:epochtime" not in held:
        current, epoch = _now()
        if "aws:currenttime" not in held:
            held["aws:currenttime"] = (current,)
        if "aws:epochtime" not in held:
            held["aws:epochtime"] = (epoch,)
    return ctx


# ---------------------------------------------------------------------------------------------
# Reading the request's policies


def _compile(document: Any, path: str) -> CompiledPolicy:
    try:
        return compile_document(document)
    except MalformedPolicyDocument as error:
        raise MalformedPolicyDocument(f"{path}: {error}") from None


def policies_in_request(request: Mapping) -> dict:
    """Every policy of the request compiled, with its path: {kind: [...]}; raises on bad shapes."""
    out: dict[str, Any] = {}
    identity = request.get("identityPolicies")
    if identity is None:
        out["identity"] = ()
    elif isinstance(identity, list):
        out["identity"] = [
            (f"identityPolicies[{i}]", _compile(d, f"identityPolicies[{i}]")) for i, d in enumerate(identity)
        ]
    else:
        raise InvalidRequest("identityPolicies must be a list of policy documents")
    boundary = request.get("permissionsBoundary")
    out["boundary"] = (
        None if boundary is None else ("permissionsBoundary", _compile(boundary, "permissionsBoundary"))
    )
    session = request.get("sessionPolicy")
    if session is None:
        out["session"] = None
    elif isinstance(session, list):
        out["session"] = [
            (f"sessionPolicy[{i}]", _compile(d, f"sessionPolicy[{i}]")) for i, d in enumerate(session)
        ]
    else:
        out["session"] = [("sessionPolicy", _compile(session, "sessionPolicy"))]
    for key in ("scps", "rcps"):
        levels = request.get(key)
        if levels is None:
            out[key] = None
            continue
        if not isinstance(levels, list) or not all(isinstance(level, list) for level in levels):
            raise InvalidRequest(f"{key} must be a list of levels, each a list of policy documents")
        out[key] = [
            [(f"{key}[{n}][{i}]", _compile(d, f"{key}[{n}][{i}]")) for i, d in enumerate(level)]
            for n, level in enumerate(levels)
        ]
    resource_policy = request.get("resourcePolicy")
    out["resource"] = (
        None if resource_policy is None else ("resourcePolicy", _compile(resource_policy, "resourcePolicy"))
    )
    return out


# ---------------------------------------------------------------------------------------------
# Scanning one policy


def _scan(
    policy: CompiledPolicy,
    path: str,
    action: str,
    resource: str,
    ctx: Context,
    missing: list[str],
    allows: list,
    denies: list,
) -> None:
    """Add the statements of a policy without principals (identity, boundary, session, SCP) that match."""
    for statement, dynamic in policy.candidates(action, resource):
        if dynamic and not statement.dynamic_resource(resource, ctx):
            continue
        condition = statement.condition
        if condition is not None:
            ok, lacking = condition.evaluate(ctx)
            if lacking:
                missing.extend(lacking)
            if not ok:
                continue
        (allows if statement.allow else denies).append((path, statement))


def _scan_with_principal(
    policy: CompiledPolicy,
    path: str,
    action: str,
    resource: str,
    ctx: Context,
    caller: arns.Caller,
    has_boundary: bool,
    missing: list[str],
    allows: list,
    denies: list,
    *,
    require_principal: bool,
) -> int:
    """Like _scan, for policies with principals; returns the best level its Allows name the caller at."""
    best = NONE
    for statement, dynamic in policy.candidates(action, resource):
        if dynamic and not statement.dynamic_resource(resource, ctx):
            continue
        if statement.principal is not None:
            level = statement.principal.level(caller)
            if level == NONE:
                continue
        elif statement.not_principal is not None:
            if statement.allow:
                # "Allows all principals except the one named" (AWS no longer supports it, but
                # stored policies still have it): read as Principal "*" less whoever is named.
                if statement.not_principal.names_any_identity(caller):
                    continue
            # AWS: "The NotPrincipal element with a Deny effect will always deny any IAM principal
            # that has a permissions boundary policy attached, regardless of the values specified".
            elif not has_boundary and statement.not_principal.names_every_identity(caller):
                continue
            level = DIRECT
        elif require_principal:
            # A resource-based statement without a principal names nobody (IAM would not store it).
            continue
        else:
            level = DIRECT
        condition = statement.condition
        if condition is not None:
            ok, lacking = condition.evaluate(ctx)
            if lacking:
                missing.extend(lacking)
            if not ok:
                continue
        if statement.allow:
            allows.append((path, statement))
            if level > best:
                best = level
        else:
            denies.append((path, statement))
    return best


def _dedupe(keys: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for key in keys:
        lower = key.lower()
        if lower not in seen:
            seen.add(lower)
            out.append(key)
    return out


# ---------------------------------------------------------------------------------------------
# The decision


def decide(request: Mapping) -> Decision:
    """Evaluate one request object; raises InvalidRequest or MalformedPolicyDocument."""
    action = request.get("action")
    resource = request.get("resource")
    if not isinstance(action, str) or not action:
        raise InvalidRequest("action is required and must be a non-empty string")
    if not isinstance(resource, str) or not resource:
        raise InvalidRequest("resource is required and must be a non-empty string")
    principal = request.get("principal")
    try:
        caller = parse_caller(arns.DEFAULT_PRINCIPAL if principal is None else principal)
    except (InvalidPrincipal, TypeError) as error:
        raise InvalidRequest(str(error)) from None
    policies = policies_in_request(request)
    ctx = build_context(request.get("context"), caller)

    lower_action = action.lower()
    service = lower_action.partition(":")[0]
    resource_account = request.get("resourceAccount")
    if resource_account is not None and not isinstance(resource_account, str):
        raise InvalidRequest("resourceAccount must be a string")
    if not resource_account:
        resource_account = account_of_resource(resource) or caller.account
    cross_account = (
        caller.account is not None and resource_account is not None and resource_account != caller.account
    )
    is_trust = lower_action in TRUST_POLICY_ACTIONS
    parts = arns.split_arn(resource)
    is_key_policy = (
        service == "kms" and parts is not None and parts[2] == "kms" and parts[5].startswith("key/")
    )

    principal_arn = ctx.values.get("aws:principalarn")
    service_linked = principal_arn is not None and _SERVICE_LINKED_ROLE_PATH in principal_arn[0]
    if caller.kind == arns.SESSION and principal_arn is not None and principal_arn[0] != caller.role_arn:
        # The contract gives the role's ARN (with its path) in aws:PrincipalArn when the role has a
        # path; a Principal element names the role by that full ARN.
        caller = replace(caller, role_arn=principal_arn[0])

    identity_in_play = caller.has_identity_policies
    boundary = policies["boundary"] if identity_in_play else None
    sessions = policies["session"] if caller.is_session else None
    # GetFederationToken: "if you do not pass any session policies, then the resulting federated
    # user session has no permissions" (beyond what a resource policy grants it directly).
    if sessions is None and caller.kind == arns.FEDERATED_USER:
        sessions = ()
    scps = policies["scps"] if caller.in_account and not service_linked else None
    rcps = (
        policies["rcps"]
        if service in RCP_SERVICES and not service_linked and lower_action not in _NOT_UNDER_RCPS
        else None
    )
    resource_policy = policies["resource"]

    missing: list[str] = []
    identity_allows: list = []
    identity_denies: list = []
    if identity_in_play:
        for path, policy in policies["identity"]:
            _scan(policy, path, lower_action, resource, ctx, missing, identity_allows, identity_denies)
    boundary_allows: list = []
    boundary_denies: list = []
    if boundary is not None:
        _scan(
            boundary[1], boundary[0], lower_action, resource, ctx, missing, boundary_allows, boundary_denies
        )
    session_allows: list = []
    session_denies: list = []
    if sessions is not None:
        for path, policy in sessions:
            _scan(policy, path, lower_action, resource, ctx, missing, session_allows, session_denies)
    scp_levels = []
    if scps is not None:
        for level in scps:
            allows: list = []
            denies: list = []
            for path, policy in level:
                _scan(policy, path, lower_action, resource, ctx, missing, allows, denies)
            scp_levels.append((allows, denies))
    rcp_levels = []
    if rcps is not None:
        for level in rcps:
            allows = []
            denies = []
            for path, policy in level:
                _scan_with_principal(
                    policy,
                    path,
                    lower_action,
                    resource,
                    ctx,
                    caller,
                    boundary is not None,
                    missing,
                    allows,
                    denies,
                    require_principal=False,
                )
            rcp_levels.append((allows, denies))
    resource_allows: list = []
    resource_denies: list = []
    resource_level = NONE
    if resource_policy is not None:
        resource_level = _scan_with_principal(
            resource_policy[1],
            resource_policy[0],
            lower_action,
            resource,
            ctx,
            caller,
            boundary is not None,
            missing,
            resource_allows,
            resource_denies,
            require_principal=True,
        )
    missing = _dedupe(missing) if missing else missing

    # 1. Explicit deny anywhere. deniedBy names the first kind in AWS's order.
    denied_by = None
    for n, (_, denies) in enumerate(rcp_levels):
        if denies:
            denied_by = (RCP, n)
            break
    if denied_by is None:
        for n, (_, denies) in enumerate(scp_levels):
            if denies:
                denied_by = (SCP, n)
                break
    if denied_by is None:
        if resource_denies:
            denied_by = (RESOURCE, None)
        elif identity_denies:
            denied_by = (IDENTITY, None)
        elif boundary_denies:
            denied_by = (BOUNDARY, None)
        elif session_denies:
            denied_by = (SESSION, None)
    if denied_by is not None:
        matched = list(identity_denies) + boundary_denies + session_denies
        for _, denies in scp_levels:
            matched.extend(denies)
        for _, denies in rcp_levels:
            matched.extend(denies)
        matched.extend(resource_denies)
        return Decision(EXPLICIT_DENY, matched, denied_by, missing)

    # 2. RCPs: RCPFullAWSAccess allows at every level, so nothing more to check.
    # 3. SCPs: every level must allow.
    for n, (allows, _) in enumerate(scp_levels):
        if not allows:
            return Decision(IMPLICIT_DENY, [], (SCP, n), missing)

    # 4-7. Resource-based, identity-based, boundary, session policies.
    verdict = _grant(
        caller,
        lower_action,
        cross_account,
        is_trust or is_key_policy,
        resource_level,
        bool(identity_allows),
        boundary is not None,
        bool(boundary_allows),
        sessions is not None,
        bool(session_allows),
    )
    if verdict is not None:
        return Decision(IMPLICIT_DENY, [], (verdict, None), missing)
    matched = list(identity_allows) + boundary_allows + session_allows
    for allows, _ in scp_levels:
        matched.extend(allows)
    for allows, _ in rcp_levels:
        matched.extend(allows)
    matched.extend(resource_allows)
    return Decision(ALLOWED, matched, None, missing)


def _grant(
    caller: arns.Caller,
    action: str,
    cross_account: bool,
    resource_must_allow: bool,
    resource_level: int,
    identity_allows: bool,
    has_boundary: bool,
    boundary_allows: bool,
    has_session: bool,
    session_allows: bool,
) -> str | None:
    """After deny evaluation, RCPs and SCPs: None when allowed, else the kind that failed to allow."""
    if caller.kind == arns.ROOT and action in _ROOT_CANNOT:
        return RESOURCE
    if not caller.in_account:
        # AWS services, identity providers and anonymous callers have no policies of their own:
        # only the resource-based policy can let them in.
        return None if resource_level != NONE else RESOURCE
    if (resource_must_allow or cross_account) and resource_level == NONE:
        return RESOURCE
    if not cross_account and resource_level == DIRECT:
        return None
    if caller.kind == arns.ROOT:
        # No identity-based policies, boundary or session policies: the root user "has full access".
        return None
    identity_ok = identity_allows or (resource_level == ROLE and not cross_account)
    if not identity_ok:
        return IDENTITY
    if has_boundary and not boundary_allows:
        return BOUNDARY
    if has_session and not session_allows:
        return SESSION
    return None
