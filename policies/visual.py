"""The visual policy editor's state and its two-way mapping to policy JSON.

A visual-editor permission block is one statement about one service: an effect, the actions chosen
(kept as the patterns written, so `s3:Get*` stays `s3:Get*` until someone unticks one of its
actions), the resources ("All" or specific ARNs, each of a resource type of the catalog) and the
request conditions. Like the console, the editor cannot show every document: a statement naming a
principal, using NotAction or NotResource, spanning several services or naming an action the catalog
does not know is edited in JSON, and `unsupported_reason` says why.

Pure Python over the engine's catalog (no Django), so the views, the tests and anything else can
build and read states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from policies.engine import catalog
from policies.engine.document import MalformedPolicyDocument, parse_policy

__all__ = [
    "Block",
    "Condition",
    "EditorState",
    "MFA_CONDITION",
    "SOURCE_IP_CONDITION",
    "arn_fields",
    "arn_fields_of",
    "arn_format_of",
    "block_actions",
    "build_arn",
    "document_from_state",
    "document_json",
    "resource_type_of_arn",
    "resource_types_for_block",
    "service_label",
    "set_block_actions",
    "state_from_document",
    "unsupported_reason",
]

VERSION = "2012-10-17"
MFA_CONDITION = ("Bool", "aws:MultiFactorAuthPresent")
SOURCE_IP_CONDITION = ("IpAddress", "aws:SourceIp")

# --- services and ARN formats ----------------------------------------------------------------

_PAREN = re.compile(r"^(?P<name>.*?)\s*\((?P<short>[^)]*)\)$")


@lru_cache(maxsize=1024)
def service_label(prefix: str) -> str:
    """The console's short name of a service: 'S3', 'EC2', 'IAM', 'CloudWatch Logs'."""
    svc = catalog.service(prefix)
    if svc is None:
        return prefix
    name = svc.name
    match = _PAREN.match(name)
    if match and match["short"][:1].isupper():
        return match["short"]
    for lead in ("Amazon ", "AWS "):
        if name.startswith(lead):
            return name[len(lead) :]
    return name


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def arn_fields(pattern: str) -> list[str]:
    """The placeholders of an ARN format, in order: ['Partition', 'BucketName', 'ObjectName']."""
    return _PLACEHOLDER.findall(pattern)


@lru_cache(maxsize=8192)
def _pattern_regex(pattern: str) -> re.Pattern:
    out, pos = [], 0
    matches = list(_PLACEHOLDER.finditer(pattern))
    for i, m in enumerate(matches):
        out.append(re.escape(pattern[pos : m.start()]))
        out.append("(.+)" if i == len(matches) - 1 else "(.+?)")
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("".join(out), re.DOTALL)


def arn_fields_of(arn: str, pattern: str) -> list[tuple[str, str]]:
    """(placeholder, value) pairs read from a policy ARN written in this format; [] if it is not."""
    match = _pattern_regex(pattern).fullmatch(arn)
    if match is None:
        return []
    return list(zip(arn_fields(pattern), match.groups(), strict=True))


def build_arn(pattern: str, values: Mapping[str, str], partition: str = "aws") -> str:
    """An ARN of this format with the given placeholder values; missing or empty values are '*'."""

    def fill(m: re.Match) -> str:
        if m[1] == "Partition":
            return partition
        return values.get(m[1]) or "*"

    return _PLACEHOLDER.sub(fill, pattern)


@lru_cache(maxsize=16384)
def arn_format_of(arn: str, prefix: str) -> tuple[catalog.ResourceType, str] | None:
    """(resource type, ARN format) of the service that this ARN is written in (literally first)."""
    svc = catalog.service(prefix)
    if svc is None or arn == "*":
        return None
    fitting = [
        (rtype, pattern)
        for rtype in svc.resource_types.values()
        for pattern in rtype.arns
        if _pattern_regex(pattern).fullmatch(arn)
    ]
    if not fitting:
        return None
    # The format with the most literal text is the most specific ("object" over "bucket" for a/b).
    return max(fitting, key=lambda found: len(_PLACEHOLDER.sub("", found[1])))


def resource_type_of_arn(arn: str, prefix: str) -> catalog.ResourceType | None:
    """The resource type of the service whose ARN format this ARN is written in (literally first)."""
    found = arn_format_of(arn, prefix)
    return None if found is None else found[0]


# --- state -----------------------------------------------------------------------------------


@dataclass
class Condition:
    """One key of one operator: `{"Bool": {"aws:MultiFactorAuthPresent": "true"}}`."""

    operator: str
    key: str
    values: list[Any]
    listed: bool = False  # written as a JSON list (kept for the round trip)


@dataclass
class Block:
    """A permission block of the visual editor: one statement about one service."""

    effect: str = "Allow"
    service: str | None = None  # canonical prefix, "s3"
    actions: list[str] = field(default_factory=list)  # patterns as written: "s3:GetObject", "s3:Get*"
    all_resources: bool = False
    resources: list[str] = field(default_factory=list)  # specific ARNs
    conditions: list[Condition] = field(default_factory=list)
    sid: str | None = None  # new blocks get the console's "VisualEditor<n>"
    actions_listed: bool = False
    resources_listed: bool = False


@dataclass
class EditorState:
    blocks: list[Block] = field(default_factory=list)
    version: str | None = VERSION
    policy_id: str | None = None


def block_actions(block: Block) -> set[str]:
    """Lower-cased names of the actions a block's patterns select."""
    if not block.service:
        return set()
    return {a.name.lower() for pattern in block.actions for a in catalog.expand_action_pattern(pattern)}


def set_block_actions(block: Block, selected: set[str]) -> None:
    """Choose exactly `selected` (lower-cased names), keeping the block's wildcards still wholly chosen."""
    svc = catalog.service(block.service)
    selected = {name for name in selected if name in svc.actions}
    if selected and selected == set(svc.actions):
        block.actions = [f"{svc.prefix}:*"]
        return
    kept, covered = [], set()
    for pattern in block.actions:
        names = {a.name.lower() for a in catalog.expand_action_pattern(pattern)}
        if names and names <= selected:
            kept.append(pattern)
            covered |= names
    explicit = sorted(svc.actions[name].name for name in selected - covered)
    block.actions = kept + [f"{svc.prefix}:{name}" for name in explicit]


def resource_types_for_block(block: Block) -> list[tuple[catalog.ResourceType, bool]]:
    """(resource type, required by some action) for the chosen actions, by name."""
    if not block.service:
        return []
    svc = catalog.service(block.service)
    found: dict[str, bool] = {}
    for low in block_actions(block):
        for row in svc.actions[low].resources:
            if row.resource_type and row.resource_type in svc.resource_types:
                found[row.resource_type] = found.get(row.resource_type, False) or row.required
    return [(svc.resource_types[name], found[name]) for name in sorted(found)]


def needs_all_resources(block: Block) -> bool:
    """True when some chosen action has no resource type: it can only be granted on '*'."""
    if not block.service:
        return False
    svc = catalog.service(block.service)
    return any(
        not any(row.resource_type for row in svc.actions[low].resources) for low in block_actions(block)
    )


# --- JSON -> state ---------------------------------------------------------------------------


def _strings(value: Any) -> tuple[list[str], bool]:
    return (list(value), True) if isinstance(value, list) else ([value], False)


def _reason(index: int, text: str) -> str:
    return f"statement {index + 1} {text}"


def _block_from_statement(raw: Mapping, index: int, version: str | None) -> tuple[Block | None, str | None]:
    for element in ("Principal", "NotPrincipal", "NotAction", "NotResource"):
        if element in raw:
            return None, _reason(index, f"uses {element}")
    if "Resource" not in raw:
        return None, _reason(index, "has no Resource")
    actions, actions_listed = _strings(raw["Action"])
    prefixes = {a.partition(":")[0].lower() for a in actions}
    if len(prefixes) != 1:
        return None, _reason(index, "names more than one service")
    (prefix,) = prefixes
    if "*" in prefix or "?" in prefix:
        return None, _reason(index, "names more than one service")
    svc = catalog.service(prefix)
    if svc is None:
        return None, _reason(index, f"names an unrecognized service: {prefix}")
    for pattern in actions:
        if not catalog.expand_action_pattern(pattern):
            return None, _reason(index, f"names an unrecognized action: {pattern}")
    resources, resources_listed = _strings(raw["Resource"])
    block = Block(
        effect=raw["Effect"],
        service=svc.prefix,
        actions=actions,
        all_resources="*" in resources,
        resources=[r for r in resources if r != "*"],
        sid=raw.get("Sid"),
        actions_listed=actions_listed,
        resources_listed=resources_listed,
    )
    if block.all_resources and block.resources:
        return None, _reason(index, "mixes all resources with specific ones")
    for arn in block.resources:
        if resource_type_of_arn(arn, svc.prefix) is None:
            return None, _reason(
                index, f"names a resource of no {service_label(svc.prefix)} resource type: {arn}"
            )
    for operator, keys in (raw.get("Condition") or {}).items():
        for key, value in keys.items():
            values, listed = _strings(value)
            if any(isinstance(v, dict | list) for v in values):
                return None, _reason(index, f"has a condition value the visual editor cannot show ({key})")
            block.conditions.append(Condition(operator, key, values, listed))
    return block, None


def state_from_document(document: Any) -> tuple[EditorState | None, str | None]:
    """(state, None) for a document the visual editor can show, else (None, why not)."""
    try:
        policy = parse_policy(document)
        raw = json.loads(document) if isinstance(document, str | bytes) else document
    except (MalformedPolicyDocument, ValueError) as error:
        return None, f"the policy is not valid: {error}"
    statements = raw["Statement"]
    statements = [statements] if isinstance(statements, Mapping) else statements
    state = EditorState(version=policy.version, policy_id=policy.id)
    for index, statement in enumerate(statements):
        block, reason = _block_from_statement(statement, index, policy.version)
        if reason:
            return None, reason
        state.blocks.append(block)
    return state, None


def unsupported_reason(document: Any) -> str | None:
    """Why the visual editor cannot show a document, in the console's words; None when it can."""
    _, reason = state_from_document(document)
    if reason is None:
        return None
    return f"The visual editor can't show this policy: {reason}. Edit it in the JSON editor."


# --- state -> JSON ---------------------------------------------------------------------------


def _one_or_list(values: list, listed: bool) -> Any:
    return values if listed or len(values) != 1 else values[0]


def _statement(block: Block, index: int) -> dict | None:
    if not block.service or not block.actions:
        return None
    statement: dict[str, Any] = {}
    if block.sid is not None:
        statement["Sid"] = block.sid
    statement["Effect"] = block.effect
    statement["Action"] = _one_or_list(block.actions, block.actions_listed)
    if block.all_resources or (not block.resources and not resource_types_for_block(block)):
        resources = ["*"]  # "All", or actions without resource types: they apply to all resources
    else:
        resources = list(block.resources)
    statement["Resource"] = _one_or_list(resources, block.resources_listed)
    if block.conditions:
        condition: dict[str, dict[str, Any]] = {}
        for cond in block.conditions:
            condition.setdefault(cond.operator, {})[cond.key] = _one_or_list(cond.values, cond.listed)
        statement["Condition"] = condition
    return statement


def document_from_state(state: EditorState) -> dict:
    """The policy document the blocks describe (blocks without a service or actions are left out)."""
    document: dict[str, Any] = {}
    if state.version is not None:
        document["Version"] = state.version
    if state.policy_id is not None:
        document["Id"] = state.policy_id
    statements = []
    for block in state.blocks:
        statement = _statement(block, len(statements))
        if statement is not None:
            statements.append(statement)
    document["Statement"] = statements
    return document


def document_json(state: EditorState) -> str:
    """The document as the console's JSON tab shows it (four-space indent)."""
    return json.dumps(document_from_state(state), indent=4)
