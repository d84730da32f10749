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
   every resource policy must allow, and so must the caller's own policies. A trust policy naming
   the caller still leaves it to the caller's boundary ("Update a role trust policy": "If a
   permissions boundary is set for the user, then it must allow the sts:AssumeRole action").
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

NotPrincipal: a Deny applies unless the caller's account, its role (for a session) and the caller
itself are all named ("AWS might validate the account first, then the role, and then the
assumed-role user"), and always to a caller with a permissions boundary (a documented pitfall);
an Allow (no longer supported, still stored) grants like "*" to whoever is not named.

The answer: `matched` lists, for an allow, every matching Allow statement of the policies in play,
for an explicit deny every matching Deny, for an implicit deny nothing, in the order above (RCPs,
SCPs, resource-based, identity-based, boundary, session policies); `deniedBy` is the first kind
in that order holding a matching Deny, else the first that failed to allow where it had to.
"""

import json
import time
from collections.abc import Mapping
from dataclasses import replace
from difflib import get_close_matches
from typing import Any

from policies.engine import arn as arns
from policies.engine import catalog, matching
from policies.engine.arn import InvalidPrincipal, account_of_resource, parse_caller
from policies.engine.context import Context, normalise_value
from policies.engine.document import MalformedPolicyDocument
from policies.engine.matching import DIRECT, NONE, ROLE, CompiledPolicy, cached, compile_document

__all__ = [
    "ALLOWED",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "TRUST_POLICY_ACTIONS",
    "Decision",
    "InvalidRequest",
    "REQUEST_KEYS",
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


# The keys of a request object (ENGINE_CONTRACT.md). Any other is refused: a mistyped key
# (permissionBoundary) must never silently leave a policy out of the evaluation.
REQUEST_KEYS = frozenset(
    {
        "id",
        "principal",
        "action",
        "resource",
        "resourceAccount",
        "context",
        "identityPolicies",
        "permissionsBoundary",
        "sessionPolicy",
        "scps",
        "rcps",
        "resourcePolicy",
    }
)


def _unknown_keys(request: Mapping) -> str:
    unknown = [key for key in request if key not in REQUEST_KEYS]
    named = []
    for key in unknown:
        text = json.dumps(key) if isinstance(key, str) else repr(key)
        close = get_close_matches(key, REQUEST_KEYS, n=1) if isinstance(key, str) else []
        named.append(f"{text} (did you mean {json.dumps(close[0])}?)" if close else text)
    noun = "a key" if len(unknown) == 1 else "keys"
    return f"the request has {noun} the contract does not define: {', '.join(named)}"


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
# What a request's action, resource and principal imply, worked out once per distinct string.


class _ActionFacts:
    __slots__ = ("lower", "rcps_apply", "trust", "root_cannot", "kms")

    def __init__(self, action: str):
        self.lower = action.lower()
        service = self.lower.partition(":")[0]
        # RCPs apply to the services AWS lists as supporting them (the catalog's rcp_services).
        self.rcps_apply = service in catalog.rcp_services() and self.lower not in _NOT_UNDER_RCPS
        self.trust = self.lower in TRUST_POLICY_ACTIONS
        self.root_cannot = self.lower in _ROOT_CANNOT
        self.kms = service == "kms"


class _ResourceFacts:
    __slots__ = ("account", "kms_key")

    def __init__(self, resource: str):
        parts = arns.split_arn(resource)
        self.account = account_of_resource(resource)
        self.kms_key = parts is not None and parts[2] == "kms" and parts[5].startswith("key/")


_FACTS_SIZE = 4096
_action_facts: dict[str, _ActionFacts] = {}
_resource_facts: dict[str, _ResourceFacts] = {}
_callers: dict[str, tuple[arns.Caller, tuple]] = {}


def _remember(cache: dict, key: str, value: Any) -> Any:
    if len(cache) >= _FACTS_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _caller(principal: Any) -> tuple[arns.Caller, tuple]:
    """The caller and the context keys derived from it: ((lower key, values), ...)."""
    if principal is None:
        principal = arns.DEFAULT_PRINCIPAL
    try:
        caller = parse_caller(principal)
    except (InvalidPrincipal, TypeError) as error:
        raise InvalidRequest(str(error)) from None
    derived = []
    if caller.principal_arn is not None:
        derived.append(("aws:principalarn", (caller.principal_arn,)))
    if caller.account is not None:
        derived.append(("aws:principalaccount", (caller.account,)))
    if caller.kind == arns.USER:
        derived.append(("aws:username", (caller.name,)))
    return caller, tuple(derived)


# ---------------------------------------------------------------------------------------------
# The context. The keys AWS derives (the caller's, the clock's) make a base that each request's
# own values are laid over; the base is made once per caller and second.

_bases: dict[tuple, dict] = {}
_base_second: list = [None]


def _base(derived: tuple) -> dict:
    second = int(time.time())
    if _base_second[0] != second:
        _bases.clear()
        _base_second[0] = second
    base = _bases.get(derived)
    if base is None:
        base = dict(derived)
        base["aws:currenttime"] = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)),)
        base["aws:epochtime"] = (str(second),)
        _bases[derived] = base
    return base


def build_context(values: Any, derived: tuple) -> Context:
    """The request context, plus the keys AWS derives that the request did not give."""
    held = _base(derived).copy()
    if values is not None:
        if type(values) is not dict and not isinstance(values, Mapping):
            raise InvalidRequest("context must be an object")
        # Context's own normalisation, with a fast path for plain strings (most values).
        for key, value in values.items():
            if type(key) is not str:
                raise InvalidRequest("context keys must be strings")
            if type(value) is str:
                held[key.lower()] = (value,)
                continue
            try:
                value = normalise_value(value)
            except TypeError as error:
                raise InvalidRequest(f"context: {key}: {error}") from None
            if value is not None:  # a key given as null is not in the request (as in Context)
                held[key.lower()] = value
    ctx = Context()
    ctx.values = held
    return ctx


# ---------------------------------------------------------------------------------------------
# Reading the request's policies. Paths ("identityPolicies[2]", "scps[1][0]") are made once.

_by_id_get = matching._by_id.get
_IDENTITY_PATHS = tuple(f"identityPolicies[{i}]" for i in range(64))
_SESSION_PATHS = tuple(f"sessionPolicy[{i}]" for i in range(16))
_LEVEL_PATHS = {
    key: tuple(tuple(f"{key}[{n}][{i}]" for i in range(16)) for n in range(8)) for key in ("scps", "rcps")
}


def _compile(document: Any, path: str) -> CompiledPolicy:
    policy = cached(document)
    if policy is not None:
        return policy
    try:
        return compile_document(document)
    except MalformedPolicyDocument as error:
        raise MalformedPolicyDocument(f"{path}: {error}") from None


def _compile_list(documents: Any, key: str, paths: tuple) -> list[tuple[str, CompiledPolicy]]:
    if type(documents) is not list:
        raise InvalidRequest(f"{key} must be a list of policy documents")
    out = []
    known = len(paths)
    for i, document in enumerate(documents):
        path = paths[i] if i < known else f"{key}[{i}]"
        hit = _by_id_get(id(document))
        if hit is not None and hit[0] is document and type(hit[1]) is CompiledPolicy:
            out.append((path, hit[1]))  # the cache's fast path, inlined: most requests end here
        else:
            out.append((path, _compile(document, path)))
    return out


def _compile_levels(levels: Any, key: str) -> list[list[tuple[str, CompiledPolicy]]]:
    if type(levels) is not list or not all(type(level) is list for level in levels):
        raise InvalidRequest(f"{key} must be a list of levels, each a list of policy documents")
    table = _LEVEL_PATHS[key]
    out = []
    for n, level in enumerate(levels):
        paths = table[n] if n < len(table) else ()
        out.append(_compile_list(level, f"{key}[{n}]", paths))
    return out


# ---------------------------------------------------------------------------------------------
# Scanning one policy: matching statements go to `allows` / `denies` as (path, statement).


def _scan(
    policy: CompiledPolicy,
    path: str,
    action: str,
    resource: str,
    ctx: Context,
    missing: list,
    allows: list,
    denies: list,
) -> None:
    """Add the matching statements of a policy whose statements name no principal."""
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
        if statement.allow:
            allows.append((path, statement))
        else:
            denies.append((path, statement))


def _scan_with_principal(
    policy: CompiledPolicy,
    path: str,
    action: str,
    resource: str,
    ctx: Context,
    caller: arns.Caller,
    has_boundary: bool,
    missing: list,
    allows: list,
    denies: list,
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
    if not REQUEST_KEYS.issuperset(request):
        raise InvalidRequest(_unknown_keys(request))
    get = request.get
    action = get("action")
    resource = get("resource")
    if type(action) is not str or not action:
        raise InvalidRequest("action is required and must be a non-empty string")
    if type(resource) is not str or not resource:
        raise InvalidRequest("resource is required and must be a non-empty string")
    principal = get("principal")
    known = _callers.get(principal) if type(principal) is str or principal is None else None
    caller, derived = known if known is not None else _remember(_callers, principal, _caller(principal))
    facts = _action_facts.get(action) or _remember(_action_facts, action, _ActionFacts(action))
    where = _resource_facts.get(resource) or _remember(_resource_facts, resource, _ResourceFacts(resource))

    # Every policy the request gives is read, in play or not: an unreadable one is an error.
    identity = get("identityPolicies")
    identity = () if identity is None else _compile_list(identity, "identityPolicies", _IDENTITY_PATHS)
    boundary = get("permissionsBoundary")
    if boundary is not None:
        boundary = _compile(boundary, "permissionsBoundary")
    sessions = get("sessionPolicy")
    if sessions is not None:
        if type(sessions) is list:
            sessions = _compile_list(sessions, "sessionPolicy", _SESSION_PATHS)
        else:
            sessions = [("sessionPolicy", _compile(sessions, "sessionPolicy"))]
    scps = get("scps")
    if scps is not None:
        scps = _compile_levels(scps, "scps")
    rcps = get("rcps")
    if rcps is not None:
        rcps = _compile_levels(rcps, "rcps")
    resource_policy = get("resourcePolicy")
    if resource_policy is not None:
        resource_policy = _compile(resource_policy, "resourcePolicy")

    ctx = build_context(get("context"), derived)
    resource_account = get("resourceAccount")
    if resource_account is not None and type(resource_account) is not str:
        raise InvalidRequest("resourceAccount must be a string")
    if not resource_account:
        resource_account = where.account or caller.account
    cross_account = caller.account is not None and resource_account != caller.account

    principal_arn = ctx.values.get("aws:principalarn")
    service_linked = principal_arn is not None and _SERVICE_LINKED_ROLE_PATH in principal_arn[0]
    if caller.kind == arns.SESSION and principal_arn is not None and principal_arn[0] != caller.role_arn:
        # The contract gives the role's ARN (with its path) in aws:PrincipalArn when the role has a
        # path; a Principal element names the role by that full ARN.
        caller = replace(caller, role_arn=principal_arn[0])

    # Which policies are in play for this caller and action.
    if not caller.has_identity_policies:
        identity = ()
        boundary = None
    if not caller.is_session:
        sessions = None
    elif sessions is None and caller.kind == arns.FEDERATED_USER:
        # GetFederationToken: "if you do not pass any session policies, then the resulting
        # federated user session has no permissions" (beyond a direct resource-based grant).
        sessions = ()
    if not caller.in_account or service_linked:
        scps = None
    if not facts.rcps_apply or service_linked:
        rcps = None

    # Scan in AWS's order: RCPs, SCPs, resource-based, identity-based, boundary, session policies.
    # matched lists follow that order; denied_by is the first kind holding a matching Deny.
    lower = facts.lower
    has_boundary = boundary is not None
    missing: list[str] = []
    allows: list = []
    denies: list = []
    denied_by = None
    if rcps:
        for n, level in enumerate(rcps):
            before = len(denies)
            for path, policy in level:
                _scan_with_principal(
                    policy, path, lower, resource, ctx, caller, has_boundary, missing, allows, denies, False
                )
            if denied_by is None and len(denies) > before:
                denied_by = (RCP, n)
    scp_short = None  # the first SCP level that allows nothing
    if scps is not None:
        for n, level in enumerate(scps):
            allowed_before, denied_before = len(allows), len(denies)
            for path, policy in level:
                _scan(policy, path, lower, resource, ctx, missing, allows, denies)
            if denied_by is None and len(denies) > denied_before:
                denied_by = (SCP, n)
            if scp_short is None and len(allows) == allowed_before:
                scp_short = n
    resource_level = NONE
    if resource_policy is not None:
        before = len(denies)
        resource_level = _scan_with_principal(
            resource_policy,
            "resourcePolicy",
            lower,
            resource,
            ctx,
            caller,
            has_boundary,
            missing,
            allows,
            denies,
            True,
        )
        if denied_by is None and len(denies) > before:
            denied_by = (RESOURCE, None)
    before, denied_before = len(allows), len(denies)
    for path, policy in identity:
        _scan(policy, path, lower, resource, ctx, missing, allows, denies)
    identity_allows = len(allows) > before
    if denied_by is None and len(denies) > denied_before:
        denied_by = (IDENTITY, None)
    boundary_allows = False
    if has_boundary:
        before, denied_before = len(allows), len(denies)
        _scan(boundary, "permissionsBoundary", lower, resource, ctx, missing, allows, denies)
        boundary_allows = len(allows) > before
        if denied_by is None and len(denies) > denied_before:
            denied_by = (BOUNDARY, None)
    session_allows = False
    if sessions:
        before, denied_before = len(allows), len(denies)
        for path, policy in sessions:
            _scan(policy, path, lower, resource, ctx, missing, allows, denies)
        session_allows = len(allows) > before
        if denied_by is None and len(denies) > denied_before:
            denied_by = (SESSION, None)
    if missing:
        missing = _dedupe(missing)

    # 1. An explicit deny anywhere.
    if denied_by is not None:
        return Decision(EXPLICIT_DENY, denies, denied_by, missing)
    # 2. RCPs: RCPFullAWSAccess allows at every level, so nothing more to check.
    # 3. SCPs: every level must allow.
    if scp_short is not None:
        return Decision(IMPLICIT_DENY, [], (SCP, scp_short), missing)
    # 4-7. Resource-based, identity-based, boundary and session policies.
    verdict = _grant(
        caller,
        facts,
        cross_account,
        facts.trust or (facts.kms and where.kms_key),
        resource_level,
        identity_allows,
        has_boundary,
        boundary_allows,
        sessions is not None,
        session_allows,
    )
    if verdict is not None:
        return Decision(IMPLICIT_DENY, [], (verdict, None), missing)
    return Decision(ALLOWED, allows, None, missing)


def _grant(
    caller: arns.Caller,
    facts: _ActionFacts,
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
    if caller.kind == arns.ROOT and facts.root_cannot:
        return RESOURCE
    if not caller.in_account:
        # AWS services, identity providers and anonymous callers have no policies of their own:
        # only the resource-based policy can let them in.
        return None if resource_level != NONE else RESOURCE
    if (resource_must_allow or cross_account) and resource_level == NONE:
        return RESOURCE
    if resource_level == DIRECT and facts.trust:
        # "If a user is listed as the principal in a role's trust policy but cannot assume the role,
        # check the user's permissions boundary. If a permissions boundary is set for the user,
        # then it must allow the sts:AssumeRole action" (Update a role trust policy): a trust policy
        # naming the caller stands in for its identity policies, as a grant to a role does.
        resource_level = ROLE
    if not cross_account and resource_level == DIRECT:
        return None
    if caller.kind == arns.ROOT:
        # No identity-based policies, boundary or session policies: the root user "has full access".
        return None
    # Within the account a grant to the role stands in for the identity policies; a grant to the
    # account only delegates to them.
    if not (identity_allows or (resource_level == ROLE and not cross_account)):
        return IDENTITY
    if has_boundary and not boundary_allows:
        return BOUNDARY
    if has_session and not session_allows:
        return SESSION
    return None
