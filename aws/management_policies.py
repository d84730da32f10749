"""AWS Organizations' management policies (tag, backup, AI services opt-out, chat applications and EC2
declarative policies): their documents' syntax and the effective policy an account gets from the
policies attached to the root, its OUs and itself.

A management policy is a JSON object under one top-level key (`tags`, `plans`, …). Its leaves carry
value-setting operators: `@@assign` replaces what the parents said, `@@append` adds to a list, `@@remove`
takes values out (or the key, when it names no values). `@@operators_allowed_for_child_policies` says
which of them the policies below may still use (`@@none`: none; `@@all`, the default: every one). The
effective policy is the inheritance worked out root first, with the operators gone."""

import json

# policy type → (the document's top-level key, its most characters)
TYPES = {
    "TAG_POLICY": ("tags", 10000),
    "BACKUP_POLICY": ("plans", 10000),
    "AISERVICES_OPT_OUT_POLICY": ("services", 2500),
    "CHATBOT_POLICY": ("chatbot", 10000),
    "DECLARATIVE_POLICY_EC2": ("ec2_attributes", 10000),
}

ASSIGN, APPEND, REMOVE = "@@assign", "@@append", "@@remove"
CHILD_OPERATORS = "@@operators_allowed_for_child_policies"
VALUE_OPERATORS = (ASSIGN, APPEND, REMOVE)
_KNOWN = {*VALUE_OPERATORS, CHILD_OPERATORS, "@@all", "@@none"}

MALFORMED = "The provided policy document does not meet the requirements of the specified policy type."


class MalformedManagementPolicy(ValueError):
    pass


def _check_node(node):
    if not isinstance(node, dict):
        raise MalformedManagementPolicy(MALFORMED)
    for key, value in node.items():
        if key.startswith("@@"):
            if key not in _KNOWN:
                raise MalformedManagementPolicy(MALFORMED)
            if key == CHILD_OPERATORS:
                allowed = {"@@all", "@@none", *VALUE_OPERATORS}
                if not isinstance(value, list) or not value or any(op not in allowed for op in value):
                    raise MalformedManagementPolicy(MALFORMED)
            elif isinstance(value, dict):
                raise MalformedManagementPolicy(MALFORMED)
        else:
            _check_node(value)


def validate(policy_type, content):
    """The parsed document, or MalformedManagementPolicy: a JSON object whose one top-level key is the
    type's, every other level an object, operators only those of the management policy syntax."""
    key, _maximum = TYPES[policy_type]
    try:
        document = json.loads(content)
    except ValueError as exc:
        raise MalformedManagementPolicy(MALFORMED) from exc
    if not isinstance(document, dict) or set(document) != {key}:
        raise MalformedManagementPolicy(MALFORMED)
    _check_node(document[key])
    return document


def _may(allowed, operator):
    return allowed is None or "@@all" in allowed or operator in allowed


def _apply(current, node, allowed):
    """`current` (the parents' effective node: {"value": …} for a leaf, else children) changed by one
    policy's `node`, within the operators the parents allow."""
    merged = dict(current)
    for key, child in node.items():
        if key.startswith("@@"):
            continue
        previous = merged.get(key, {})
        child_allowed = previous.get("allowed", allowed)
        if any(op in child for op in VALUE_OPERATORS):
            value = previous.get("value")
            if ASSIGN in child and _may(child_allowed, ASSIGN):
                value = child[ASSIGN]
            if APPEND in child and _may(child_allowed, APPEND):
                extra = child[APPEND] if isinstance(child[APPEND], list) else [child[APPEND]]
                base = value if isinstance(value, list) else ([] if value is None else [value])
                value = base + [item for item in extra if item not in base]
            if REMOVE in child and _may(child_allowed, REMOVE):
                removed = child[REMOVE] if isinstance(child[REMOVE], list) else [child[REMOVE]]
                value = [item for item in value if item not in removed] if isinstance(value, list) else None
            entry = {"value": value}
        else:
            entry = {"children": _apply(previous.get("children", {}), child, child_allowed)}
        if CHILD_OPERATORS in child:
            entry["allowed"] = child[CHILD_OPERATORS]
        elif "allowed" in previous:
            entry["allowed"] = previous["allowed"]
        if entry.get("value", "") is None:
            merged.pop(key, None)
        else:
            merged[key] = entry
    return merged


def _plain(tree):
    plain = {}
    for key, entry in tree.items():
        plain[key] = entry["value"] if "value" in entry else _plain(entry["children"])
    return plain


def effective(policy_type, levels):
    """The effective policy of the documents attached at each level (root first, then each OU, then
    the account), or None when none applies."""
    key, _maximum = TYPES[policy_type]
    tree, seen = {}, False
    for documents in levels:
        for document in documents:
            seen = True
            tree = _apply(tree, {key: document[key]}, None)
    if not seen:
        return None
    return _plain(tree) or {key: {}}
