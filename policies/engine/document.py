"""Policy documents parsed into immutable values.

The grammar is AWS's ("IAM JSON policy element reference", "Grammar of the IAM JSON policy
language"): a document has an optional `Version` (2012-10-17, 2008-10-17, or none, which AWS reads
as 2008-10-17: no policy variables), an optional `Id` and a `Statement` that is one object or a list
of them. A statement has an optional `Sid`, an `Effect` of Allow or Deny, exactly one of `Action` /
`NotAction`, at most one of `Resource` / `NotResource`, at most one of `Principal` / `NotPrincipal`,
and an optional `Condition`.

This module decides what the evaluator can read, not what IAM would store: a trust policy has no
`Resource` (the role it is attached to is the resource), a resource policy under version
2008-10-17 is still evaluated. Anything the evaluator cannot give a meaning to raises
MalformedPolicyDocument.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policies.engine import jsonpos
from policies.engine.conditions import ConditionBlock, compile_condition_block
from policies.engine.grammar import PRINCIPAL_TYPES, STATEMENT_ELEMENTS, TOP_LEVEL_ELEMENTS, VERSIONS

__all__ = [
    "MalformedPolicyDocument",
    "Policy",
    "PrincipalSpec",
    "Statement",
    "parse_policy",
]


class MalformedPolicyDocument(ValueError):
    """A policy the evaluator cannot read; the message says why, in AWS's words where it has some."""


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A Principal or NotPrincipal element: `"*"`, or principals listed by type."""

    wildcard: bool = False  # "*" or {"AWS": "*"}: every principal, anonymous ones included
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement; `index` is its position in the document's Statement list (0 for an object)."""

    index: int
    effect: str  # "Allow" or "Deny"
    sid: str | None = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None  # None with not_resources None: no Resource element
    not_resources: tuple[str, ...] | None = None
    principal: PrincipalSpec | None = None
    not_principal: PrincipalSpec | None = None
    condition: ConditionBlock | None = None

    @property
    def is_allow(self) -> bool:
        """Whether the statement allows (else it denies)."""
        return self.effect == "Allow"


@dataclass(frozen=True, slots=True)
class Policy:
    """A whole document: version, id and statements in document order."""

    version: str | None
    statements: tuple[Statement, ...]
    id: str | None = None


def _strings(value: Any, element: str) -> tuple[str, ...]:
    """An element that takes one string or a list of strings."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise MalformedPolicyDocument(
        f"Syntax errors in policy: {element} must be a string or a list of strings."
    )


def _principal(value: Any, element: str) -> PrincipalSpec:
    if value == "*":
        return PrincipalSpec(wildcard=True)
    if not isinstance(value, Mapping) or not value:
        raise MalformedPolicyDocument(f'Invalid principal in policy: {element} must be "*" or an object.')
    unknown = set(value).difference(PRINCIPAL_TYPES)
    if unknown:
        raise MalformedPolicyDocument(
            f"Invalid principal in policy: unsupported principal type {sorted(unknown)[0]}."
        )
    fields = {}
    wildcard = False
    for key, attr in zip(PRINCIPAL_TYPES, ("aws", "service", "federated", "canonical_user"), strict=True):
        if key in value:
            names = _strings(value[key], f"{element}.{key}")
            if key == "AWS" and "*" in names:
                # {"AWS": "*"} is the same as "*" (AWS: "For anonymous users, the following elements
                # are equivalent").
                wildcard = True
            fields[attr] = names
    return PrincipalSpec(wildcard=wildcard, **fields)


def _statement(raw: Any, index: int, version: str | None) -> Statement:
    if not isinstance(raw, Mapping):
        raise MalformedPolicyDocument("Syntax errors in policy: each statement must be an object.")
    unknown = set(raw).difference(STATEMENT_ELEMENTS)
    if unknown:
        raise MalformedPolicyDocument(f"Syntax errors in policy: unsupported element {sorted(unknown)[0]}.")
    if "Effect" not in raw:
        raise MalformedPolicyDocument("Missing required field Effect.")
    effect = raw["Effect"]
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicyDocument(f"Invalid effect: {effect}")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise MalformedPolicyDocument("Syntax errors in policy: Sid must be a string.")
    if ("Action" in raw) == ("NotAction" in raw):
        if "Action" in raw:
            raise MalformedPolicyDocument(
                "Syntax errors in policy: a statement can't have both Action and NotAction."
            )
        raise MalformedPolicyDocument("Policy statement must contain actions.")
    if "Resource" in raw and "NotResource" in raw:
        raise MalformedPolicyDocument(
            "Syntax errors in policy: a statement can't have both Resource and NotResource."
        )
    if "Principal" in raw and "NotPrincipal" in raw:
        raise MalformedPolicyDocument(
            "Syntax errors in policy: a statement can't have both Principal and NotPrincipal."
        )
    condition = None
    if "Condition" in raw:
        try:
            condition = compile_condition_block(raw["Condition"], version=version)
        except ValueError as error:
            raise MalformedPolicyDocument(str(error)) from error
    return Statement(
        index=index,
        effect=effect,
        sid=sid,
        actions=_strings(raw["Action"], "Action") if "Action" in raw else None,
        not_actions=_strings(raw["NotAction"], "NotAction") if "NotAction" in raw else None,
        resources=_strings(raw["Resource"], "Resource") if "Resource" in raw else None,
        not_resources=_strings(raw["NotResource"], "NotResource") if "NotResource" in raw else None,
        principal=_principal(raw["Principal"], "Principal") if "Principal" in raw else None,
        not_principal=_principal(raw["NotPrincipal"], "NotPrincipal") if "NotPrincipal" in raw else None,
        condition=condition,
    )


def parse_policy(document: Any) -> Policy:
    """A policy document (parsed JSON, or its text) as a Policy; MalformedPolicyDocument if unreadable."""
    if isinstance(document, str | bytes):
        try:
            document = jsonpos.loads(document)
        except ValueError as error:
            raise MalformedPolicyDocument(
                "Syntax errors in policy: the document is not valid JSON."
            ) from error
    if not isinstance(document, Mapping):
        raise MalformedPolicyDocument("Syntax errors in policy: the document must be a JSON object.")
    unknown = set(document).difference(TOP_LEVEL_ELEMENTS)
    if unknown:
        raise MalformedPolicyDocument(f"Syntax errors in policy: unsupported element {sorted(unknown)[0]}.")
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise MalformedPolicyDocument("The policy must contain a valid version string.")
    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise MalformedPolicyDocument("Syntax errors in policy: Id must be a string.")
    if "Statement" not in document:
        raise MalformedPolicyDocument("Missing required field Statement.")
    raw = document["Statement"]
    if isinstance(raw, Mapping):
        statements = (_statement(raw, 0, version),)
    elif isinstance(raw, list):
        statements = tuple(_statement(item, i, version) for i, item in enumerate(raw))
    else:
        raise MalformedPolicyDocument("Syntax errors in policy: Statement must be an object or a list.")
    return Policy(version=version, statements=statements, id=policy_id)
