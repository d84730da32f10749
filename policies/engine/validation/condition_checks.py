"""Access Analyzer's checks of a statement's Condition block: operators, qualifiers and IfExists,
condition keys (global and per service, their types and whether they are multivalued), values
(booleans, numbers, dates, base64, IP ranges, VPC ids) and the actions a key does not apply to."""

import base64
import binascii
import ipaddress
import re

from policies.engine import catalog
from policies.engine.jsonpos import Node
from policies.engine.validation.findings import Findings, Loc, StatementNode
from policies.engine.validation.values import has_wildcard, legacy_date_ok
from policies.engine.validation.vocabulary import OPERATORS, QUALIFIERS

_PRIVATE_NETS = [
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
]
_OPERATOR_TYPE_NAMES = {
    "String": "String",
    "ARN": "Arn",
    "Bool": "Bool",
    "Numeric": "Numeric",
    "Date": "Date",
    "IPAddress": "IpAddress",
}
# Which operator families each key type accepts (ARN keys take String operators too).
_COMPATIBLE = {
    "String": {"String"},
    "ARN": {"Arn", "String"},
    "Bool": {"Bool"},
    "Numeric": {"Numeric"},
    "Date": {"Date", "Numeric"},
    "IPAddress": {"IpAddress"},
}


class ConditionChecks(Findings):
    """The Condition checks; Checker runs them for each statement."""

    def check_condition(self, st: StatementNode, effect: str | None) -> None:
        cond = st.node.get("Condition")
        if cond is None:
            return
        if cond.kind != "object":
            self.add("DATA_TYPE_MISMATCH", [Loc(st.at("Condition"), cond)], data_type="Object")
            return
        if not cond.members:
            self.add("EMPTY_OBJECT_CONDITION", [Loc(st.at("Condition"), cond)])
            return
        actions = [e.node.value for e in self._entries_quiet(st, "Action")]
        for op_key, block in cond.members:
            op = op_key.value
            oloc = Loc(st.at("Condition", op), block)
            qualifier = next((q[:-1] for q in QUALIFIERS if op.startswith(q)), None)
            base = op[len(qualifier) + 1 :] if qualifier else op
            if_exists = base.endswith("IfExists")
            if if_exists:
                base = base[: -len("IfExists")]
            family = OPERATORS.get(base)
            if family is None:
                self.add("INVALID_CONDITION_OPERATOR", [oloc], operator=op)
                continue
            if block.kind != "object":
                self.add("DATA_TYPE_MISMATCH", [oloc], data_type="Object")
                continue
            if family == "Null" and if_exists:
                self.add("NULL_WITH_IF_EXISTS", [oloc])
            if family == "Null" and qualifier:
                self.add("NULL_WITH_QUALIFIER", [oloc])
            if not block.members:
                self.add("EMPTY_OBJECT_CONDITION", [oloc])
                continue
            spellings: dict[str, str] = {}
            for key_node, value in block.members:
                key = key_node.value
                kloc = Loc(st.at("Condition", op, key), value)
                earlier = spellings.get(key.lower())
                if earlier is not None and earlier != key:
                    self.add("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", [kloc], key=key)
                spellings.setdefault(key.lower(), key)
                self.check_condition_key(
                    st, kloc, op, base, family, qualifier, if_exists, key, value, effect, actions
                )

    def check_condition_key(
        self,
        st: StatementNode,
        kloc: Loc,
        op: str,
        base: str,
        family: str,
        qualifier: str | None,
        if_exists: bool,
        key: str,
        value: Node,
        effect: str | None,
        actions: list[str],
    ) -> None:
        if value.kind == "array" and not value.items:
            if qualifier == "ForAllValues":
                self.add("EMPTY_ARRAY_CONDITION_FORALLVALUES", [kloc], key=key)
            elif qualifier == "ForAnyValue":
                self.add("EMPTY_ARRAY_CONDITION_FORANYVALUE", [kloc], key=key)
            elif if_exists:
                self.add("EMPTY_ARRAY_CONDITION_IFEXISTS", [kloc], key=key)
            else:
                self.add("EMPTY_ARRAY_CONDITION", [kloc], key=key)
            return
        definition = self.check_key_name(kloc, key)
        if definition is not None and family != "Null":
            allowed = _COMPATIBLE.get(definition.type.removeprefix("ArrayOf"), set())
            if allowed and family not in allowed:
                self.add(
                    "TYPE_MISMATCH",
                    [kloc],
                    allowed=_OPERATOR_TYPE_NAMES[definition.type.removeprefix("ArrayOf")],
                    operator=op,
                    key=key,
                )
            if qualifier == "ForAllValues" and not definition.multivalued:
                self.add("FORALLVALUES_WITH_SINGLE_VALUED_KEY", [kloc], key=key)
            if qualifier is None and definition.multivalued:
                self.add("MISSING_QUALIFIER", [kloc], key=key)
        values = self._condition_values(kloc, value)
        self.check_condition_values(kloc, op, base, family, qualifier, key, values)
        if key.lower() == "aws:sourceip" and family == "IpAddress":
            self.check_private_ips(kloc, base, values)
        if actions and not key.lower().startswith("aws:"):
            self.check_action_support(st, kloc, key, actions)
        if key.lower().startswith("aws:resourcetag/") and effect in ("Allow", "Deny") and actions:
            self.check_tag_support(kloc, key, effect, actions)

    def _condition_values(self, kloc: Loc, value: Node) -> list[Loc]:
        if value.kind == "array":
            return [Loc(kloc.path + [{"index": i}], n) for i, n in enumerate(value.items)]
        return [Loc(kloc.path, value)]

    def check_key_name(self, kloc: Loc, key: str) -> catalog.ConditionKey | None:
        prefix, sep, rest = key.partition(":")
        if not sep or not prefix or not rest:
            self.add("INVALID_CONDITION_KEY_FORMAT", [kloc])
            return None
        if prefix.lower() == "aws":
            if key.lower() == "aws:arn":
                self.add("UNSUPPORTED_GLOBAL_CONDITION_KEY", [kloc])
                return None
            for tag in ("aws:ResourceTag", "aws:RequestTag", "aws:PrincipalTag"):
                if key.lower() in (tag.lower(), tag.lower() + "/"):
                    self.add("MISSING_TAG_KEY_IN_CONDITION", [kloc], key=tag + "/")
                    return None
            definition = catalog.global_condition_key(key)
            if definition is None:
                self.add("INVALID_GLOBAL_CONDITION_KEY", [kloc], key=key)
            return definition
        if "." in prefix or prefix.lower() == "saml":
            return None  # identity-provider keys (accounts.google.com:aud, saml:aud, ...)
        svc = catalog.service(prefix)
        if svc is None:
            self.add("INVALID_SERVICE", [kloc], service=prefix)
            return None
        definition = svc.condition_key(key)
        if definition is None:
            self.add("INVALID_SERVICE_CONDITION_KEY", [kloc], key=key, service=prefix)
        return definition

    def check_condition_values(
        self,
        kloc: Loc,
        op: str,
        base: str,
        family: str,
        qualifier: str | None,
        key: str,
        values: list[Loc],
    ) -> None:
        texts = []
        for vloc in values:
            node = vloc.node
            if node.kind in ("object", "array", "null"):
                self.add("DATA_TYPE_MISMATCH", [vloc], data_type="String")
                continue
            text = "true" if node.value is True else "false" if node.value is False else str(node.value)
            if node.kind == "string" and "${" in text:
                if family not in ("String", "Arn"):
                    self.add("INVALID_VARIABLE_FOR_OPERATOR", [vloc])
                    continue
                if not self.check_variables(vloc, text):
                    continue
            texts.append((vloc, text))
        for vloc, text in texts:
            if family == "Bool" and text.lower() not in ("true", "false"):
                self.add("TYPE_MISMATCH_BOOLEAN", [vloc], operator=op)
            elif family == "Numeric" and not _is_number(text):
                self.add("TYPE_MISMATCH_NUMBER", [vloc], operator=op)
            elif family == "Date":
                if re.fullmatch(r"-?\d+", text):
                    self.add("INVALID_DATE_VALUE", [vloc], date=text)
                elif not legacy_date_ok(text.lower()):
                    self.add("TYPE_MISMATCH_DATE", [vloc], operator=op)
            elif family == "Binary" and not _is_base64(text):
                self.add("TYPE_MISMATCH_STRING", [vloc], operator=op)
            elif family == "IpAddress":
                network = _ip_network(text)
                if network is None:
                    self.add("TYPE_MISMATCH_IP_RANGE", [vloc], operator=op)
                elif network[1] is not None:
                    self.add("IMPROVE_IP_RANGE", [vloc], address=network[1])
            elif family == "String" and base in (
                "StringEquals",
                "StringNotEquals",
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
            ):
                if "*" in _without_variables(text) or "?" in _without_variables(text):
                    self.add("WILDCARD_WITHOUT_LIKE_OPERATOR", [vloc])
            if key.lower() == "aws:sourcevpc" and family == "String" and not has_wildcard(text):
                if not re.fullmatch(r"vpc-(?:[0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})", text):
                    self.add("INVALID_VPC_FORMAT", [vloc])
            if key.lower() == "aws:sourcevpce" and family == "String" and not has_wildcard(text):
                if not re.fullmatch(r"vpce-(?:[0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})", text):
                    self.add("INVALID_VPCE_FORMAT", [vloc])
        if family == "Bool" and qualifier is None and len(values) > 1:
            self.add("INVALID_CONDITION_MULTIPLE_BOOLEAN", [kloc])
        if family == "Numeric" and qualifier is None and len(texts) > 1:
            numbers = [t for _, t in texts if _is_number(t)]
            if len(numbers) == len(texts):
                if base in ("NumericLessThan", "NumericLessThanEquals"):
                    self.add(
                        "REDUNDANT_CONDITION_VALUE_NUM", [kloc], operator=op, extreme="greatest", key=key
                    )
                elif base in ("NumericGreaterThan", "NumericGreaterThanEquals"):
                    self.add("REDUNDANT_CONDITION_VALUE_NUM", [kloc], operator=op, extreme="least", key=key)

    def check_private_ips(self, kloc: Loc, base: str, values: list[Loc]) -> None:
        nets = [_ip_network(str(v.node.value)) for v in values if v.node.kind == "string"]
        nets = [n[0] for n in nets if n is not None]
        if not nets:
            return
        private = [n for n in nets if any(n.version == p.version and n.subnet_of(p) for p in _PRIVATE_NETS)]
        if not private:
            return
        if len(private) == len(nets):
            code = "PRIVATE_IP_ADDRESS" if base == "IpAddress" else "PRIVATE_NOT_IP_ADDRESS"
        else:
            code = "PRIVATE_IP_ADDRESS_SUBSET" if base == "IpAddress" else "PRIVATE_NOT_IP_ADDRESS_SUBSET"
        self.add(code, [kloc])

    def check_action_support(self, st: StatementNode, kloc: Loc, key: str, actions: list[str]) -> None:
        # A service key (or an identity-provider key the service lists) used with actions of
        # that service that do not take it: the condition is not evaluated for them.
        unsupported: list[Loc] = []
        names: list[str] = []
        low = key.lower()
        for entry in self._entries_quiet(st, "Action"):
            text = entry.node.value
            if "*" in text or "?" in text:
                continue  # the reference: wildcard actions are not evaluated for this check
            act = catalog.action(text)
            if act is None:
                continue
            svc = catalog.service(act.service)
            if svc is None or svc.condition_key(key) is None:
                continue
            if not _action_takes_key(act, svc, low):
                unsupported.append(entry)
                names.append(text)
        if unsupported:
            self.add(
                "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
                [*unsupported, kloc],
                actions=", ".join(names),
                key=key,
            )

    def check_tag_support(self, kloc: Loc, key: str, effect: str, actions: list[str]) -> None:
        missing: set[str] = set()
        for text in actions:
            if text == "*":
                continue
            for act in catalog.expand_action_pattern(text):
                svc = catalog.service(act.service)
                if svc is not None and not _action_takes_key(act, svc, key.lower()):
                    missing.add(act.service)
        if missing:
            code = (
                "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
                if effect == "Allow"
                else "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
            )
            self.add(code, [kloc], key=key, services=", ".join(sorted(missing)))


def _without_variables(text: str) -> str:
    return re.sub(r"\$\{[^}]*\}", "", text)


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?", text.strip()) is not None


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _ip_network(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str | None] | None:
    """(network, the address to suggest when host bits are set) or None if not an IP/CIDR."""
    try:
        strict = ipaddress.ip_network(text, strict=True)
        return strict, None
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return loose, str(loose)


def _action_takes_key(act: catalog.Action, svc: catalog.Service, key: str) -> bool:
    for row in act.resources:
        for name in row.condition_keys:
            if _key_matches(name, key):
                return True
        if row.resource_type:
            rtype = svc.resource_types.get(row.resource_type)
            if rtype is not None and any(_key_matches(name, key) for name in rtype.condition_keys):
                return True
    return False


def _key_matches(template: str, key: str) -> bool:
    return catalog.condition_key_matches(template, key)
