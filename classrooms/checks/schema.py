"""The lab schema: what a lab file (YAML or JSON) may say, and `validate_lab`, which names every
mistake with its place ("checks[2].action: unknown action 'iam:CreateUsr' (did you mean
iam:CreateUser?)"). SCHEMA.md beside this file documents it for instructors.

A check is data, never code: its type names what is looked at, its fields name the entities, actions
and resources; free text is only its label and hint.
"""

import difflib
import re

from policies.engine import catalog

MAX_CHECKS = 50  # evaluation reads a few rows per check: a lab stays cheap to check
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
CHECK_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# IAM's own name patterns (botocore's model): users and roles 64, groups and policies 128.
ENTITY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
POLICY_ARN = re.compile(r"^arn:aws:iam::(aws|\d{12}|\{account\}):policy/([\w+=,.@/-]+/)?[\w+=,.@-]{1,128}$")
PRINCIPAL = re.compile(r"^(user|role)/([\w+=,.@-]{1,64})$")
SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")
ACCOUNT = re.compile(r"^(\d{12}|\{account\})$")
VERSION = re.compile(r"^v[1-9]\d*$")
RESOURCE = re.compile(r"^(\*|arn:[^\s]+)$")
CONDITION_KEY = re.compile(r"^[a-zA-Z0-9-]+:[\w/.:${}*-]+$")
ENTITY_KINDS = ("user", "group", "role")
LAB_FIELDS = {"slug", "title", "pass_percentage", "instructions", "checks", "solution"}
COMMON_FIELDS = {"id", "type", "label", "hint", "score"}
LABEL_MAX, HINT_MAX, TITLE_MAX = 200, 500, 128


# Each type's own fields: name → (kind, required). Kinds are read by _check_field below.
TYPES = {
    "user_exists": {"user": ("name", True)},
    "group_exists": {"group": ("name", True)},
    "user_in_group": {"user": ("name", True), "group": ("name", True)},
    "managed_policy_attached": {
        "user": ("name", False),
        "group": ("name", False),
        "role": ("name", False),
        "policy": ("policy", True),
    },
    "inline_policy_exists": {
        "user": ("name", False),
        "group": ("name", False),
        "role": ("name", False),
        "policy": ("name", True),
    },
    "policy_version": {
        "policy": ("policy", True),
        "min_versions": ("count", False),
        "default_version": ("version", False),
    },
    "role_trusts": {
        "role": ("name", True),
        "service": ("service", False),
        "account": ("account", False),
        "only": ("bool", False),
    },
    "permissions_boundary": {"user": ("name", False), "role": ("name", False), "policy": ("policy", True)},
    "principal_allowed": {
        "principal": ("principal", True),
        "action": ("action", True),
        "resource": ("resource", False),
        "context": ("context", False),
    },
    "principal_denied": {
        "principal": ("principal", True),
        "action": ("action", True),
        "resource": ("resource", False),
        "context": ("context", False),
    },
    "scp_denies": {
        "action": ("action", True),
        "resource": ("resource", False),
        "account": ("name", False),
        "ou": ("name", False),
    },
    "requires_mfa": {
        "principal": ("principal", True),
        "action": ("action", True),
        "resource": ("resource", False),
    },
}

# Fields of which exactly one must be given (the entity a check is about).
ONE_OF = {
    "managed_policy_attached": ("user", "group", "role"),
    "inline_policy_exists": ("user", "group", "role"),
    "permissions_boundary": ("user", "role"),
    "role_trusts": ("service", "account"),
    "scp_denies": ("account", "ou"),
}
# Fields of which at least one must be given.
ANY_OF = {"policy_version": ("min_versions", "default_version")}

SOLUTION_SERVICES = {"iam", "sts", "organizations"}


def _suggest(word, choices, cutoff=0.6):
    found = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return f" (did you mean {found[0]}?)" if found else ""


def action_problem(name):
    """Why `name` is not an action of the catalog (with the nearest one), or None."""
    if not isinstance(name, str) or not name:
        return "must be an action such as iam:CreateUser"
    if "*" in name or "?" in name:
        return f"'{name}' has a wildcard: name one action, such as iam:CreateUser"
    if catalog.action(name) is not None:
        return None
    prefix, sep, _ = name.partition(":")
    if not sep:
        return f"'{name}' is not an action: write service:Action, such as iam:CreateUser"
    service = catalog.service(prefix)
    if service is None:
        return f"unknown service '{prefix}' in '{name}'" + _suggest(
            prefix.lower(), list(catalog.services()), cutoff=0.5
        )
    names = [action.full_name for action in service.actions.values()]
    return f"unknown action '{name}'" + _suggest(name, names)


def _string_problem(value, maximum):
    if not isinstance(value, str) or not value.strip():
        return "must be text"
    if len(value) > maximum:
        return f"must be at most {maximum} characters"
    return None


def _context_problems(value, where):
    if not isinstance(value, dict) or not value:
        return [f"{where}: must be a mapping of condition keys to values"]
    found = []
    for key, item in value.items():
        if not isinstance(key, str) or not CONDITION_KEY.match(key):
            found.append(f"{where}.{key}: not a condition key (aws:SourceIp, aws:MultiFactorAuthPresent …)")
        elif key.lower().startswith("aws:") and catalog.condition_key(key) is None:
            found.append(f"{where}.{key}: unknown global condition key")
        values = item if isinstance(item, list) else [item]
        if not values or not all(
            isinstance(v, str | bool | int) and not isinstance(v, float) for v in values
        ):
            found.append(f"{where}.{key}: must be text, true/false, a number, or a list of them")
    return found


def _field_problem(kind, value):
    """The problem with one field's value of `kind`, or None."""
    if kind == "name":
        return None if isinstance(value, str) and ENTITY_NAME.match(value) else "must be an IAM name"
    if kind == "policy":
        if isinstance(value, str) and (POLICY_ARN.match(value) or ENTITY_NAME.match(value)):
            return None
        return "must be a policy name or a policy ARN (arn:aws:iam::aws:policy/NAME, arn:aws:iam::{account}:policy/NAME)"
    if kind == "principal":
        if isinstance(value, str) and PRINCIPAL.match(value):
            return None
        return "must be user/NAME or role/NAME"
    if kind == "action":
        return action_problem(value)
    if kind == "resource":
        if isinstance(value, str) and RESOURCE.match(value):
            return None
        return "must be * or an ARN ({account} stands for the seat's account ID)"
    if kind == "count":
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
            return None
        return "must be a whole number from 1 to 5 (IAM keeps five versions)"
    if kind == "version":
        return None if isinstance(value, str) and VERSION.match(value) else "must be a version id such as v2"
    if kind == "service":
        if isinstance(value, str) and SERVICE_PRINCIPAL.match(value):
            return None
        return "must be a service principal such as ec2.amazonaws.com"
    if kind == "account":
        if isinstance(value, str) and ACCOUNT.match(value):
            return None
        return "must be a 12-digit account ID or {account} (the seat's own)"
    return None if isinstance(value, bool) else "must be true or false"  # kind == "bool"


def _check_problems(check, where, seen_ids):
    if not isinstance(check, dict):
        return [f"{where}: must be a mapping (id, type, label, hint, score …)"]
    found = []
    check_id = check.get("id")
    if check_id is None:
        found.append(f"{where}.id: missing field")
    elif not isinstance(check_id, str) or not CHECK_ID.match(check_id):
        found.append(f"{where}.id: must be lowercase letters, digits, - or _ (at most 64)")
    elif check_id in seen_ids:
        found.append(f"{where}.id: duplicate id '{check_id}'")
    else:
        seen_ids.add(check_id)
    kind = check.get("type")
    if kind is None:
        found.append(f"{where}.type: missing field")
    elif kind not in TYPES:
        found.append(f"{where}.type: unknown type '{kind}'" + _suggest(str(kind), list(TYPES)))
    if "label" not in check:
        found.append(f"{where}.label: missing field")
    elif problem := _string_problem(check["label"], LABEL_MAX):
        found.append(f"{where}.label: {problem}")
    if "hint" in check and (problem := _string_problem(check["hint"], HINT_MAX)):
        found.append(f"{where}.hint: {problem}")
    if "score" not in check:
        found.append(f"{where}.score: missing field")
    elif not isinstance(check["score"], int) or isinstance(check["score"], bool) or check["score"] < 1:
        found.append(f"{where}.score: must be a positive whole number")
    if kind not in TYPES:
        return found
    fields = TYPES[kind]
    for name in check:
        if name not in COMMON_FIELDS and name not in fields:
            allowed = ", ".join(fields)
            found.append(f"{where}.{name}: unknown field for {kind} (its fields: {allowed})")
    for name, (field_kind, required) in fields.items():
        if name not in check:
            if required:
                found.append(f"{where}.{name}: missing field")
            continue
        if field_kind == "context":
            found += _context_problems(check[name], f"{where}.{name}")
        elif problem := _field_problem(field_kind, check[name]):
            found.append(f"{where}.{name}: {problem}")
    if kind in ONE_OF:
        given = [name for name in ONE_OF[kind] if name in check]
        if len(given) != 1:
            names = " or ".join(ONE_OF[kind])
            found.append(f"{where}: give exactly one of {names}")
    if kind in ANY_OF and not any(name in check for name in ANY_OF[kind]):
        found.append(f"{where}: give {' or '.join(ANY_OF[kind])} (or both)")
    return found


def _solution_problems(solution):
    if not isinstance(solution, list):
        return ["solution: must be a list of calls ({service, action, params})"]
    found = []
    for n, step in enumerate(solution):
        where = f"solution[{n}]"
        if not isinstance(step, dict) or set(step) - {"service", "action", "params"}:
            found.append(f"{where}: must be a mapping of service, action and params")
            continue
        if step.get("service") not in SOLUTION_SERVICES:
            found.append(f"{where}.service: must be one of {', '.join(sorted(SOLUTION_SERVICES))}")
        if not isinstance(step.get("action"), str) or not re.match(r"^[A-Z][A-Za-z]+$", step["action"]):
            found.append(f"{where}.action: must be an API operation such as CreateUser")
        if not isinstance(step.get("params", {}), dict):
            found.append(f"{where}.params: must be a mapping")
    return found


def validate_lab(data):
    """Every problem of a lab (as parsed from YAML or JSON), each with its place; [] when it is valid."""
    if not isinstance(data, dict):
        return ["the lab must be a mapping with slug, title, pass_percentage, instructions and checks"]
    found = [f"{name}: unknown field" for name in data if name not in LAB_FIELDS]
    slug = data.get("slug")
    if slug is None:
        found.append("slug: missing field")
    elif not isinstance(slug, str) or not SLUG.match(slug):
        found.append("slug: must be lowercase letters, digits and hyphens (at most 64)")
    if "title" not in data:
        found.append("title: missing field")
    elif problem := _string_problem(data["title"], TITLE_MAX):
        found.append(f"title: {problem}")
    percentage = data.get("pass_percentage")
    if percentage is None:
        found.append("pass_percentage: missing field")
    elif not isinstance(percentage, int) or isinstance(percentage, bool) or not 1 <= percentage <= 100:
        found.append("pass_percentage: must be a whole number from 1 to 100")
    if not isinstance(data.get("instructions", ""), str):
        found.append("instructions: must be Markdown text")
    checks = data.get("checks")
    if checks is None:
        found.append("checks: missing field")
    elif not isinstance(checks, list) or not checks:
        found.append("checks: must be a list of at least one check")
    elif len(checks) > MAX_CHECKS:
        found.append(f"checks: at most {MAX_CHECKS} checks")
    else:
        seen = set()
        for n, check in enumerate(checks):
            found += _check_problems(check, f"checks[{n}]", seen)
    if "solution" in data:
        found += _solution_problems(data["solution"])
    return found
