"""The console's policy summary: one row per service with its access level, resource and request
condition, grouped into "Explicit deny" and "Allow" sections.

AWS documents the table in "Policy summary (list of services)", "Service summary (list of
actions)" and "Access levels in policy summaries": an access level is "Full access" when every
action of the service is granted, otherwise "Full: <levels>" for access levels whose every action is
granted and "Limited: <levels>" for those partly granted. The resource column says "All resources",
"Multiple", or the one resource in the words of the service's ARN format; the request condition
column says "None", "Multiple" or the one condition. Services and actions the catalog does not know
are listed as unrecognized. A policy naming a principal has no summary (IAM shows its JSON instead).

Pure Python over the engine's catalog; the results are immutable and cached per document, so a
page showing AdministratorAccess or ReadOnlyAccess pays the expansion once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from policies.engine import catalog
from policies.engine.document import MalformedPolicyDocument, parse_policy
from policies.visual import arn_fields_of, arn_format_of, service_label

__all__ = [
    "CANNOT_SUMMARIZE",
    "LEVELS",
    "NONE_GRANTED",
    "SOME_NOT_GRANTED",
    "LevelActions",
    "PolicySummary",
    "Section",
    "ServiceRow",
    "UnrecognizedService",
    "access_level_text",
    "condition_text",
    "service_levels",
    "summarize",
]

LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")

CANNOT_SUMMARIZE = (
    "A summary for this policy cannot be generated. You can still view or edit the JSON policy document."
)
SOME_NOT_GRANTED = (
    "This policy defines some actions, resources, or conditions that do not provide permissions. "
    "To grant access, policies must have an action that has an applicable resource or condition."
)
NONE_GRANTED = (
    "This policy does not grant any permissions. "
    "To grant access, policies must have an action that has an applicable resource or condition."
)
NO_RESOURCES = "No resources are defined."
ACTIONS_WITHOUT_RESOURCE = "One or more actions do not have an applicable resource."
CONDITIONS_WITHOUT_ACTION = "One or more conditions do not have an applicable action."


@dataclass(frozen=True, slots=True)
class LevelActions:
    """The granted actions of one access level of a service, out of the level's total."""

    level: str
    actions: tuple[str, ...]  # canonical names, sorted
    total: int

    @property
    def full(self) -> bool:
        return len(self.actions) == self.total


@dataclass(frozen=True, slots=True)
class ServiceRow:
    """One row of the summary table."""

    prefix: str
    name: str
    effect: str
    access_level: str
    resource: str
    condition: str
    levels: tuple[LevelActions, ...]  # only the levels with granted actions, in LEVELS order
    granted: int
    total: int
    unrecognized_actions: tuple[str, ...] = ()
    resource_warning: str | None = None
    condition_warning: str | None = None

    @property
    def grants(self) -> bool:
        """Whether the row gives (or denies) anything: some action with an applicable resource."""
        return self.granted > 0 and self.resource_warning != NO_RESOURCES

    @property
    def warning(self) -> bool:
        return bool(self.unrecognized_actions or self.resource_warning or self.condition_warning)


@dataclass(frozen=True, slots=True)
class UnrecognizedService:
    """A service prefix the catalog does not know, with the actions the policy names for it."""

    prefix: str
    effect: str
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """ "Explicit deny" or "Allow": the rows of one effect."""

    effect: str
    heading: str  # "Explicit deny" / "Allow"
    rows: tuple[ServiceRow, ...]
    notes: tuple[str, ...]  # NotAction wording: "All services except: IAM, Organizations"
    total_services: int

    @property
    def count(self) -> int:
        return sum(1 for row in self.rows if row.grants)


@dataclass(frozen=True, slots=True)
class PolicySummary:
    """The whole summary; `error` set when IAM would show only the JSON."""

    sections: tuple[Section, ...] = ()
    unrecognized_services: tuple[UnrecognizedService, ...] = ()
    error: str | None = None
    warning: str | None = None
    total_services: int = 0

    @property
    def rows(self) -> tuple[ServiceRow, ...]:
        return tuple(row for section in self.sections for row in section.rows)


# --- catalog views, cached ------------------------------------------------------------------


@lru_cache(maxsize=1024)
def service_levels(prefix: str) -> dict[str, frozenset[str]]:
    """Lower-cased action names of a service by access level."""
    svc = catalog.service(prefix)
    levels: dict[str, set[str]] = {level: set() for level in LEVELS}
    for low, act in svc.actions.items():
        levels.setdefault(act.access_level, set()).add(low)
    return {level: frozenset(names) for level, names in levels.items()}


@lru_cache(maxsize=1024)
def _service_names(prefix: str) -> frozenset[str]:
    return frozenset(catalog.service(prefix).actions)


@lru_cache(maxsize=8192)
def _expand(pattern: str) -> tuple[tuple[str, ...], dict[str, frozenset[str]]]:
    """(unknown prefixes, {service prefix: lower-cased action names}) that an action pattern names."""
    prefix, sep, rest = pattern.partition(":")
    if pattern == "*":
        return (), {p: _service_names(p) for p in catalog.services()}
    if not sep or not prefix:
        return (pattern,), {}
    if "*" not in prefix and "?" not in prefix and catalog.service(prefix) is None:
        return (prefix,), {}
    found: dict[str, set[str]] = {}
    for act in catalog.expand_action_pattern(pattern):
        found.setdefault(act.service.lower(), set()).add(act.name.lower())
    if rest == "*":
        return (), {p: _service_names(p) for p in found}
    return (), {p: frozenset(names) for p, names in found.items()}


# --- wording ---------------------------------------------------------------------------------


def access_level_text(granted: frozenset[str], prefix: str) -> str:
    """ "Full access", "Full: List, Read Limited: Write", "Limited: Read" or "None"."""
    if not granted:
        return "None"
    if granted >= _service_names(prefix):
        return "Full access"
    full, limited = [], []
    for level, names in service_levels(prefix).items():
        hit = len(granted & names)
        if hit and hit == len(names):
            full.append(level)
        elif hit:
            limited.append(level)
    parts = []
    if full:
        parts.append("Full: " + ", ".join(full))
    if limited:
        parts.append("Limited: " + ", ".join(limited))
    return " ".join(parts)


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def operator_words(operator: str) -> str:
    """ "StringLike" -> "string like", "ForAnyValue:StringEquals" -> "for any value: string equals"."""
    return ": ".join(_CAMEL.sub(" ", part).lower() for part in operator.split(":"))


def condition_text(operator: str, key: str, values: list[str]) -> str:
    """One condition as the summary shows it: 'aws:MultiFactorAuthPresent | bool | true'."""
    return f"{key} | {operator_words(operator)} | {', '.join(values)}"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _values(raw: Any) -> list[str]:
    return [_value_text(v) for v in (raw if isinstance(raw, list) else [raw])]


def _conditions(raw_statement: Mapping) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    block = raw_statement.get("Condition") or {}
    out = []
    if isinstance(block, Mapping):
        for operator, keys in block.items():
            if isinstance(keys, Mapping):
                for key, raw in keys.items():
                    out.append((operator, key, tuple(_values(raw))))
    return tuple(out)


def resource_text(arn: str, prefix: str) -> str:
    """One resource in the words of the service's ARN format, or the ARN itself."""
    if arn == "*":
        return "All resources"
    found = arn_format_of(arn, prefix)
    if found is None:
        return arn
    parts = []
    for field, value in arn_fields_of(arn, found[1]):
        if field in ("Partition", "Region", "Account"):
            continue
        parts.append(f"{field} | string like | {'All' if value == '*' else value}")
    return ", ".join(parts) or arn


def _arn_service(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[2] if len(parts) == 6 and parts[0] == "arn" else None


@lru_cache(maxsize=4096)
def _arn_service_fields(prefix: str) -> frozenset[str]:
    svc = catalog.service(prefix)
    fields = {prefix.lower()}
    for rtype in svc.resource_types.values():
        for arn in rtype.arns:
            parts = arn.split(":", 5)
            if len(parts) >= 3:
                fields.add(parts[2].lower())
    return frozenset(fields)


def _applies(arn: str, prefix: str) -> bool:
    """Whether a Resource value names something of this service (or everything)."""
    if arn == "*":
        return True
    field = _arn_service(arn)
    if field is None:
        return False
    if "*" in field or "?" in field:
        return True
    return field.lower() in _arn_service_fields(prefix)


@lru_cache(maxsize=16384)
def _types_for_arn(arn: str, prefix: str) -> frozenset[str]:
    svc = catalog.service(prefix)
    return frozenset(
        name for name, rtype in svc.resource_types.items() if catalog.arn_matches_resource_type(arn, rtype)
    )


def _action_has_resource(prefix: str, low: str, arns: tuple[str, ...]) -> bool:
    act = catalog.service(prefix).actions[low]
    wanted = {row.resource_type for row in act.resources if row.resource_type}
    if not wanted:
        return False  # needs "*"
    return any(wanted & _types_for_arn(arn, prefix) for arn in arns)


@lru_cache(maxsize=1024)
def _service_condition_keys(prefix: str) -> tuple[str, ...]:
    svc = catalog.service(prefix)
    names = {key.name for key in svc.condition_keys.values()}
    for rtype in svc.resource_types.values():
        names.update(rtype.condition_keys)
    return tuple(sorted(names))


def _key_applies(key: str, prefix: str, granted: frozenset[str]) -> bool:
    if catalog.global_condition_key(key) is not None:
        return True
    svc = catalog.service(prefix)
    if granted >= _service_names(prefix):
        names = _service_condition_keys(prefix)
    else:
        names = {k for low in granted for row in svc.actions[low].resources for k in row.condition_keys}
        for low in granted:
            for row in svc.actions[low].resources:
                rtype = svc.resource_types.get(row.resource_type)
                if rtype:
                    names.update(rtype.condition_keys)
    return any(catalog.condition_key_matches(name, key) for name in names)


# --- the summary -----------------------------------------------------------------------------


class _Group:
    """What the statements of one effect say about one service."""

    __slots__ = ("grants", "resources", "not_resources", "conditions", "unrecognized", "specific", "on_all")

    def __init__(self):
        self.grants: list[frozenset[str]] = []
        self.resources: list[str] = []
        self.not_resources: list[str] = []
        self.conditions: list[tuple] = []  # one entry per statement: its conditions (maybe empty)
        self.unrecognized: list[str] = []
        self.specific: list[tuple[frozenset[str], tuple[str, ...]]] = []  # actions on specific ARNs
        self.on_all: set[str] = set()  # actions granted on "*" (or NotResource)


def _add_unique(items: list, values) -> None:
    for value in values:
        if value not in items:
            items.append(value)


def _raw_statements(raw: Mapping) -> list[Mapping]:
    statements = raw.get("Statement")
    return [statements] if isinstance(statements, Mapping) else list(statements)


def summarize(document: Any) -> PolicySummary:
    """The console's summary of a policy document (dict or JSON text)."""
    if isinstance(document, str | bytes):
        text = document.decode() if isinstance(document, bytes) else document
    else:
        try:
            text = json.dumps(document, sort_keys=True)
        except (TypeError, ValueError):
            return PolicySummary(error=CANNOT_SUMMARIZE)
    return _summarize_text(text)


@lru_cache(maxsize=128)
def _summarize_text(text: str) -> PolicySummary:
    try:
        policy = parse_policy(text)
        raw = json.loads(text)
    except (MalformedPolicyDocument, ValueError):
        return PolicySummary(error=CANNOT_SUMMARIZE)
    if any(st.principal or st.not_principal for st in policy.statements):
        return PolicySummary(error=CANNOT_SUMMARIZE)
    total_services = len(catalog.services())
    groups: dict[tuple[str, str], _Group] = {}
    unrecognized: dict[tuple[str, str], list[str]] = {}
    notes: dict[str, list[str]] = {"Allow": [], "Deny": []}

    for statement, raw_statement in zip(policy.statements, _raw_statements(raw), strict=True):
        effect = statement.effect
        granted: dict[str, set[str] | frozenset[str]] = {}
        if statement.actions is not None:
            for pattern in statement.actions:
                unknown, found = _expand(pattern.lower())
                for prefix in unknown:
                    unrecognized.setdefault((prefix, effect), []).append(pattern)
                if not unknown and not found:
                    prefix = pattern.partition(":")[0].lower()
                    groups.setdefault((effect, prefix), _Group()).unrecognized.append(pattern)
                for prefix, names in found.items():
                    current = granted.get(prefix)
                    granted[prefix] = names if current is None else current | names
        else:
            excluded: dict[str, set[str]] = {}
            for pattern in statement.not_actions:
                _, found = _expand(pattern.lower())
                for prefix, names in found.items():
                    excluded.setdefault(prefix, set()).update(names)
            for prefix in catalog.services():
                names = _service_names(prefix)
                left = names - excluded[prefix] if prefix in excluded else names
                if left:
                    granted[prefix] = left
            if not granted:
                return PolicySummary(error=CANNOT_SUMMARIZE)  # "NotAction": "*" grants nothing
            except_parts = []
            for prefix in sorted(excluded, key=lambda p: service_label(p).lower()):
                if excluded[prefix] >= _service_names(prefix):
                    except_parts.append(service_label(prefix))
                else:
                    svc = catalog.service(prefix)
                    names = sorted(svc.actions[low].name for low in excluded[prefix])
                    except_parts.append(f"{service_label(prefix)} ({', '.join(names)})")
            if except_parts:
                notes[effect].append("All services except: " + "; ".join(except_parts))
        conditions = _conditions(raw_statement)
        for prefix, names in granted.items():
            group = groups.setdefault((effect, prefix), _Group())
            group.grants.append(frozenset(names))
            group.conditions.append(conditions)
            if statement.not_resources is not None:
                _add_unique(group.not_resources, statement.not_resources)
                group.on_all.update(names)
            elif statement.resources is not None:
                arns = tuple(arn for arn in statement.resources if _applies(arn, prefix))
                _add_unique(group.resources, arns)
                if "*" in arns:
                    group.on_all.update(names)
                elif arns:
                    group.specific.append((frozenset(names), arns))

    sections = []
    any_warning = False
    for effect, heading in (("Deny", "Explicit deny"), ("Allow", "Allow")):
        rows = []
        for (row_effect, prefix), group in groups.items():
            if row_effect != effect:
                continue
            row = _row(effect, prefix, group)
            any_warning = any_warning or row.warning
            rows.append(row)
        rows.sort(key=lambda r: r.name.lower())
        if rows or notes[effect]:
            sections.append(Section(effect, heading, tuple(rows), tuple(notes[effect]), total_services))
    unknown_services = tuple(
        UnrecognizedService(prefix, effect, tuple(dict.fromkeys(actions)))
        for (prefix, effect), actions in sorted(unrecognized.items())
    )
    grants = any(row.grants for section in sections for row in section.rows)
    warning = None
    if not grants:
        warning = NONE_GRANTED
    elif any_warning or unknown_services:
        warning = SOME_NOT_GRANTED
    return PolicySummary(
        sections=tuple(sections),
        unrecognized_services=unknown_services,
        warning=warning,
        total_services=total_services,
    )


def _row(effect: str, prefix: str, group: _Group) -> ServiceRow:
    svc = catalog.service(prefix)
    granted: frozenset[str] = frozenset().union(*group.grants) if group.grants else frozenset()
    levels = []
    for level, names in service_levels(prefix).items():
        hit = granted & names
        if hit:
            levels.append(
                LevelActions(level, tuple(sorted(svc.actions[low].name for low in hit)), len(names))
            )

    resource_warning = None
    if group.not_resources:
        resource = "All resources except: " + ", ".join(group.not_resources)
    elif not group.resources:
        resource = "None"
        resource_warning = NO_RESOURCES if granted else None
    elif group.resources == ["*"]:
        resource = "All resources"
    elif len(group.resources) == 1:
        resource = resource_text(group.resources[0], prefix)
    else:
        resource = "Multiple"
    if resource_warning is None and group.specific:
        # Actions on specific ARNs grant only where one of their resource types fits an ARN.
        lacking = set()
        for names, arns in group.specific:
            lacking |= {low for low in names if not _action_has_resource(prefix, low, arns)}
        lacking -= group.on_all
        if lacking and lacking >= granted:
            resource_warning = NO_RESOURCES
        elif lacking:
            resource_warning = ACTIONS_WITHOUT_RESOURCE

    texts = {
        tuple(condition_text(op, key, list(values)) for op, key, values in block)
        for block in group.conditions
    }
    if not texts:
        condition = "None"
    elif len(texts) == 1:
        (only,) = texts
        condition = "None" if not only else only[0] if len(only) == 1 else "Multiple"
    else:
        condition = "Multiple"
    keys = {key for block in group.conditions for _, key, _ in block}
    condition_warning = None
    if granted and any(not _key_applies(key, prefix, granted) for key in keys):
        condition_warning = CONDITIONS_WITHOUT_ACTION

    return ServiceRow(
        prefix=svc.prefix,
        name=service_label(prefix),
        effect=effect,
        access_level=access_level_text(granted, prefix),
        resource=resource,
        condition=condition,
        levels=tuple(levels),
        granted=len(granted),
        total=len(svc.actions),
        unrecognized_actions=tuple(dict.fromkeys(group.unrecognized)),
        resource_warning=resource_warning,
        condition_warning=condition_warning,
    )
