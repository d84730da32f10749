"""Decisions as the contract's answer objects, and as AWS's access denied messages.

AWS's format ("Troubleshoot access denied error messages"):
`User: <principal> is not authorized to perform: <action> [on resource: <resource>] <context>`,
where the context is `because no <type> policy allows the <action> action` for an implicit deny
and `with an explicit deny in a <type> policy` for an explicit one. The types are AWS's words:
service control policy, resource control policy, identity-based policy, resource-based policy,
permissions boundary, session policy, and role trust policy for sts:AssumeRole and its kin.
"""

from collections.abc import Mapping
from typing import Any

from policies.engine.evaluation import TRUST_POLICY_ACTIONS, Decision

__all__ = ["answer", "error_answer", "explain_message", "statement_ref"]


def statement_ref(path: str, statement: Any) -> dict:
    """The contract's name for one statement: policy path, index, Sid and Effect."""
    return {
        "policy": path,
        "statement": statement.index,
        "sid": statement.statement.sid,
        "effect": "Allow" if statement.allow else "Deny",
    }


def answer(decision: Decision, request: Mapping) -> dict:
    """The contract's answer object for a decision on `request`."""
    out: dict[str, Any] = {}
    if "id" in request:
        out["id"] = request["id"]
    out["decision"] = decision.decision
    out["matched"] = [statement_ref(path, statement) for path, statement in decision.matched]
    if decision.denied_by is not None:
        kind, level = decision.denied_by
        out["deniedBy"] = {"kind": kind} if level is None else {"kind": kind, "level": level}
    out["missingContextValues"] = decision.missing
    return out


def error_answer(request: Any, code: str, message: str) -> dict:
    """The contract's answer for a request that could not be evaluated."""
    out: dict[str, Any] = {}
    if isinstance(request, Mapping) and "id" in request:
        out["id"] = request["id"]
    out["error"] = {"code": code, "message": message}
    return out


# deniedBy kind -> AWS's name for the policy type, after "no" (implicit) and after "in" (explicit).
_TYPES = {
    "identity": ("identity-based policy", "an identity-based policy"),
    "resource": ("resource-based policy", "a resource-based policy"),
    "permissionsBoundary": ("permissions boundary", "a permissions boundary"),
    "sessionPolicy": ("session policy", "a session policy"),
    "scp": ("service control policy", "a service control policy"),
    "rcp": ("resource control policy", "a resource control policy"),
}


def explain_message(decision: Mapping, action: str, principal_arn: str, resource: str | None = None) -> str:
    """AWS's access denied message for a denied answer (`""` when the answer allows)."""
    if decision.get("decision") not in ("explicitDeny", "implicitDeny"):
        return ""
    kind = (decision.get("deniedBy") or {}).get("kind", "identity")
    implicit_type, explicit_type = _TYPES.get(kind, _TYPES["identity"])
    if kind == "resource" and action.lower() in TRUST_POLICY_ACTIONS:
        implicit_type, explicit_type = "role trust policy", "the role trust policy"
    head = f"User: {principal_arn} is not authorized to perform: {action}"
    if resource is not None:
        head += f" on resource: {resource}"
    if decision["decision"] == "explicitDeny":
        return f"{head} with an explicit deny in {explicit_type}"
    return f"{head} because no {implicit_type} allows the {action} action"
