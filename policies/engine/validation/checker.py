"""Access Analyzer's ValidatePolicy: the checks of a whole document, its statements and their
Principal, Action and Resource elements, per policy type (identity, trust, resource, SCP, RCP),
with the Condition checks of condition_checks.

`Checker(document, policy_type).run()` returns the findings, ordered by where they start.
"""

import json
import re
from functools import lru_cache
from typing import Any

from policies.engine import catalog
from policies.engine.grammar import PRINCIPAL_TYPES, STATEMENT_ELEMENTS, TOP_LEVEL_ELEMENTS, VERSIONS
from policies.engine.jsonpos import Node
from policies.engine.validation.condition_checks import ConditionChecks
from policies.engine.validation.findings import Loc, StatementNode
from policies.engine.validation.policy_types import IDENTITY_TYPES, SIZE_LIMITS, size_for_quota
from policies.engine.validation.values import glob_covers, has_wildcard
from policies.engine.validation.vocabulary import PARTITIONS, is_trust_action

_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?|-isob)?-[a-z]+-\d+")
_ROLE_ID = re.compile(r"AROA[A-Z0-9]{16,}")
_USER_ID = re.compile(r"AIDA[A-Z0-9]{16,}")


class Checker(ConditionChecks):
    """The findings of one document of one policy type."""

    def run(self) -> list[dict]:
        root = self.root
        if root.kind != "object":
            self.add("DATA_TYPE_MISMATCH", [Loc([], root)], data_type="Object")
            return self._sorted()
        self.check_document()
        return self._sorted()

    # -- document --------------------------------------------------------------------

    def check_document(self) -> None:
        root = self.root
        for key, value in root.members:
            if key.value not in TOP_LEVEL_ELEMENTS:
                self.add("INVALID_POLICY_ELEMENT", [Loc([{"value": key.value}], value)], element=key.value)
        version = root.get("Version")
        if version is None:
            self.add("MISSING_VERSION", [Loc([], root)])
        elif version.kind != "string":
            self.add("DATA_TYPE_MISMATCH", [Loc([{"value": "Version"}], version)], data_type="String")
        else:
            self.version = version.value
            if version.value not in VERSIONS:
                self.add(
                    "INVALID_VERSION",
                    [Loc([{"value": "Version"}], version)],
                    version=version.value,
                    versions=", ".join(VERSIONS),
                )
        policy_id = root.get("Id")
        if policy_id is not None and policy_id.kind != "string":
            self.add("DATA_TYPE_MISMATCH", [Loc([{"value": "Id"}], policy_id)], data_type="String")
        statements = self.statements()
        if statements is None:
            return
        for st in statements:
            self.check_statement(st)
        self.check_sids(statements)
        self.check_redundant_statements(statements)
        self.check_size()

    def statements(self) -> list[StatementNode] | None:
        node = self.root.get("Statement")
        if node is None or (node.kind == "array" and not node.items):
            loc = Loc([{"value": "Statement"}], node) if node is not None else Loc([], self.root)
            self.add("MISSING_STATEMENT", [loc])
            return None
        if node.kind == "object":
            return [StatementNode([{"value": "Statement"}], node, 0)]
        if node.kind != "array":
            self.add("DATA_TYPE_MISMATCH", [Loc([{"value": "Statement"}], node)], data_type="Array")
            return None
        out = []
        for i, item in enumerate(node.items):
            path = [{"value": "Statement"}, {"index": i}]
            if item.kind != "object":
                self.add("DATA_TYPE_MISMATCH", [Loc(path, item)], data_type="Object")
                continue
            out.append(StatementNode(path, item, i))
        return out

    def check_size(self) -> None:
        size, limit = size_for_quota(self.doc.text, self.type)
        if limit is None or size <= limit:
            return
        loc = [Loc([], self.root)]
        if self.type in IDENTITY_TYPES and size > SIZE_LIMITS["managed"]:
            self.add(
                "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", loc, size=size, quota=SIZE_LIMITS["managed"]
            )
        elif self.type == "trust":
            self.add("POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", loc)
        elif self.type == "scp":
            self.add("POLICY_SIZE_EXCEEDS_SCP_QUOTA", loc, size=size, quota=limit)
        elif self.type == "rcp":
            self.add("POLICY_SIZE_EXCEEDS_RCP_QUOTA", loc, size=size, quota=limit)

    def check_sids(self, statements: list[StatementNode]) -> None:
        seen: set[str] = set()
        required = self.type != "resource"
        for st in statements:
            sid = st.node.get("Sid")
            if sid is None:
                continue
            loc = Loc(st.at("Sid"), sid)
            if sid.kind != "string":
                self.add("DATA_TYPE_MISMATCH", [loc], data_type="String")
                continue
            if sid.value == "":
                self.add("EMPTY_SID_VALUE", [loc])
                continue
            if self.type != "resource" and not re.fullmatch(r"[0-9A-Za-z]+", sid.value):
                self.add("UNSUPPORTED_SID", [loc])
            if sid.value in seen:
                self.add("UNIQUE_SIDS_REQUIRED" if required else "UNIQUE_SIDS_RECOMMENDED", [loc])
            seen.add(sid.value)

    def check_redundant_statements(self, statements: list[StatementNode]) -> None:
        seen: dict[str, StatementNode] = {}
        for st in statements:
            body = {k.value: v.to_python() for k, v in st.node.members if k.value != "Sid"}
            key = json.dumps(_normalise(body), sort_keys=True)
            if key in seen:
                first = seen[key]
                self.add("REDUNDANT_STATEMENT", [Loc(first.path, first.node), Loc(st.path, st.node)])
            else:
                seen[key] = st

    # -- statement -------------------------------------------------------------------

    def check_statement(self, st: StatementNode) -> None:
        node = st.node
        present = set(node.keys())
        for key, value in node.members:
            if key.value not in STATEMENT_ELEMENTS:
                self.add("INVALID_POLICY_ELEMENT", [Loc(st.at(key.value), value)], element=key.value)
        for a, b in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
            if a in present and b in present:
                self.add(
                    "UNSUPPORTED_ELEMENT_COMBINATION",
                    [Loc(st.at(a), node.get(a)), Loc(st.at(b), node.get(b))],
                    element1=a,
                    element2=b,
                )
        effect = node.get("Effect")
        effect_value = None
        if effect is None:
            self.add("MISSING_EFFECT", [Loc(st.path, node)])
        elif effect.kind != "string":
            self.add("DATA_TYPE_MISMATCH", [Loc(st.at("Effect"), effect)], data_type="String")
        elif effect.value not in ("Allow", "Deny"):
            self.add("INVALID_EFFECT", [Loc(st.at("Effect"), effect)], effect=effect.value)
        else:
            effect_value = effect.value
        if "Action" not in present and "NotAction" not in present:
            self.add("MISSING_ACTION", [Loc(st.path, node)])
        if "Resource" not in present and "NotResource" not in present:
            if self.type != "trust" and not (self.type == "resource" and self._trust_like(node)):
                self.add("MISSING_RESOURCE", [Loc(st.path, node)])
        self.check_principal(st, effect_value)
        self.check_actions(st)
        self.check_resources(st)
        self.check_condition(st, effect_value)
        if self.type in IDENTITY_TYPES and effect_value == "Allow":
            self.check_sensitive_action(st, "iam:passrole", "PASS_ROLE")
            self.check_sensitive_action(st, "iam:createservicelinkedrole", "CREATE_SLR")
        if self.type == "rcp":
            self.check_rcp(st, effect_value)

    def _trust_like(self, node: Node) -> bool:
        # Access Analyzer treats a resource policy whose actions are all sts:AssumeRole* as a
        # role trust policy, which needs no Resource.
        action = node.get("Action")
        if action is None:
            return False
        values = [n.value for n in self._string_nodes(action)]
        return bool(values) and all(is_trust_action(v) for v in values)

    # -- principal -------------------------------------------------------------------

    def check_principal(self, st: StatementNode, effect: str | None) -> None:
        node = st.node
        for key in ("Principal", "NotPrincipal"):
            value = node.get(key)
            if value is None:
                continue
            loc = Loc(st.at(key), value)
            if self.type in IDENTITY_TYPES:
                self.add("UNSUPPORTED_PRINCIPAL", [loc], policy_type="IDENTITY_POLICY")
                continue
            if self.type == "scp":
                self.add("SCP_SYNTAX_ERROR_PRINCIPAL", [loc])
                continue
            if self.type == "rcp":
                if key == "NotPrincipal" or value.to_python() not in ("*", {"AWS": "*"}):
                    self.add("RCP_SYNTAX_ERROR_PRINCIPAL", [loc])
                continue
            if key == "NotPrincipal":
                if self.type == "trust":
                    self.add("ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", [loc])
                elif effect == "Allow":
                    self.add("ALLOW_WITH_NOT_PRINCIPAL", [loc])
            self.check_principal_value(st, key, value)
        elements = node.keys()
        if self.type in ("trust", "resource", "rcp"):
            if "Principal" not in elements and "NotPrincipal" not in elements:
                self.add("MISSING_PRINCIPAL", [Loc(st.path, node)])
        if self.type == "trust":
            self.check_mismatched_action(st)

    def check_principal_value(self, st: StatementNode, element: str, value: Node) -> None:
        loc = Loc(st.at(element), value)
        if value.kind == "string":
            if value.value != "*":
                self.add("INVALID_PRINCIPAL_FORMAT", [loc])
            elif self.type == "trust":
                self.add("ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", [loc])
            return
        if value.kind != "object":
            self.add("INVALID_PRINCIPAL_FORMAT", [loc])
            return
        if not value.members:
            self.add("EMPTY_OBJECT_PRINCIPAL", [loc])
            return
        for key, item in value.members:
            name = key.value
            kloc = Loc(st.at(element, name), item)
            if name not in PRINCIPAL_TYPES:
                self.add("INVALID_PRINCIPAL_KEY", [kloc], principal_key=name)
                continue
            if item.kind == "array" and not item.items:
                self.add("EMPTY_ARRAY_PRINCIPAL", [kloc])
                continue
            if name == "Federated" and self.type == "resource":
                self.add("FEDERATED_PRINCIPAL_NOT_SUPPORTED", [kloc])
            entries = (
                [Loc(kloc.path, item)]
                if item.kind == "string"
                else [Loc(kloc.path + [{"index": i}], n) for i, n in enumerate(item.items)]
                if item.kind == "array"
                else []
            )
            if item.kind not in ("string", "array"):
                self.add("INVALID_PRINCIPAL_FORMAT", [kloc])
            for entry in entries:
                if entry.node.kind != "string":
                    self.add("INVALID_PRINCIPAL_FORMAT", [entry])
                    continue
                text = entry.node.value
                if "${" in text:
                    self.add("VARIABLE_UNSUPPORTED_IN_ELEMENT", [entry], variable=_first_variable(text))
                elif ("*" in text or "?" in text) and not (name == "AWS" and text == "*"):
                    self.add("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", [entry], principal_key=name)
                elif name == "AWS" and _ROLE_ID.fullmatch(text):
                    self.add("INVALID_ROLE_REFERENCE", [entry], roleid=text)
                elif name == "AWS" and _USER_ID.fullmatch(text):
                    self.add("INVALID_USER_REFERENCE", [entry], userid=text)

    def check_mismatched_action(self, st: StatementNode) -> None:
        principal = st.node.get("Principal")
        action = st.node.get("Action")
        if principal is None or principal.kind != "object" or action is None:
            return
        federated = principal.get("Federated")
        if federated is None:
            return
        if federated.kind == "string":
            fed_locs = [Loc(st.at("Principal", "Federated"), federated)]
        else:
            fed_locs = [
                Loc(st.at("Principal", "Federated", i), n)
                for i, n in enumerate(federated.items)
                if n.kind == "string"
            ]
        for entry in self._entries_quiet(st, "Action"):
            name = entry.node.value.lower()
            bad = []
            for fed in fed_locs:
                provider = fed.node.value
                saml = ":saml-provider/" in provider
                if (
                    name == "sts:assumerole"
                    or (saml and name == "sts:assumerolewithwebidentity")
                    or not saml
                    and name == "sts:assumerolewithsaml"
                ):
                    bad.append(fed)
            if bad:
                self.add(
                    "MISMATCHED_ACTION_FOR_PRINCIPAL",
                    [entry, *bad],
                    action=entry.node.value,
                    principals=", ".join(b.node.value for b in bad),
                )

    # -- actions ---------------------------------------------------------------------

    def check_actions(self, st: StatementNode) -> None:
        for key in ("Action", "NotAction"):
            node = st.node.get(key)
            if node is None:
                continue
            if node.kind == "array" and not node.items:
                self.add("EMPTY_ARRAY_ACTION", [Loc(st.at(key), node)])
                continue
            entries = self._entries(st, key)
            for entry in entries:
                self.check_action(entry)
            self.check_redundant(entries, "REDUNDANT_ACTION", ignore_case=True)

    def check_action(self, entry: Loc) -> None:
        text = entry.node.value
        if text == "*":
            return
        if "${" in text:
            self.add("VARIABLE_UNSUPPORTED_IN_ELEMENT", [entry], variable=_first_variable(text))
            return
        prefix, sep, name = text.partition(":")
        if not sep or ":" in name:
            self.add("INVALID_ACTION", [entry], action=text)
            return
        if "*" in prefix or "?" in prefix or catalog.service(prefix) is None:
            self.add("INVALID_SERVICE_IN_ACTION", [entry], service=text)
            return
        if not catalog.expand_action_pattern(text):
            self.add("INVALID_ACTION", [entry], action=text)

    def check_redundant(self, entries: list[Loc], code: str, *, ignore_case: bool) -> None:
        redundant = []
        texts = [e.node.value for e in entries]
        for i, text in enumerate(texts):
            for j, other in enumerate(texts):
                if i == j:
                    continue
                same = (other.lower() == text.lower()) if ignore_case else other == text
                if same and j > i:
                    continue  # of two equal entries the later one is the redundant one
                if glob_covers(other, text, ignore_case=ignore_case):
                    redundant.append(entries[i])
                    break
        if redundant:
            if code == "REDUNDANT_ACTION":
                self.add(code, redundant, count=len(redundant), action=redundant[0].node.value)
            else:
                self.add(code, redundant, count=len(redundant))

    # -- resources -------------------------------------------------------------------

    def check_resources(self, st: StatementNode) -> None:
        for key in ("Resource", "NotResource"):
            node = st.node.get(key)
            if node is None:
                continue
            loc = Loc(st.at(key), node)
            if self.type == "trust":
                self.add("ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", [loc])
                continue
            if node.kind == "array" and not node.items:
                self.add("EMPTY_ARRAY_RESOURCE", [loc])
                continue
            entries = self._entries(st, key)
            for entry in entries:
                self.check_resource(entry)
            self.check_redundant(entries, "REDUNDANT_RESOURCE", ignore_case=False)

    def check_resource(self, entry: Loc) -> None:
        text = entry.node.value
        if text == "*":
            return
        if "${" in text:
            if not self.check_variables(entry, text):
                return
        if not text.startswith("arn:"):
            self.add("INVALID_ARN_PREFIX", [entry])
            return
        fields = text.split(":", 5)
        if len(fields) < 6:
            self.add("MISSING_ARN_FIELD", [entry], fields=6)
            return
        _, partition, service, region, account, _resource = fields
        if not service:
            return
        if "*" in service or "?" in service:
            self.add("WILDCARD_IN_SERVICE_NAME", [entry])
            return
        if partition not in PARTITIONS and not has_wildcard(partition):
            self.add(
                "INVALID_PARTITION",
                [entry],
                service=service,
                partition=partition,
                partitions=", ".join(PARTITIONS),
            )
            return
        if service != service.lower():
            self.add("INVALID_ARN_SERVICE_CASE", [entry], service=service)
            return
        if not _arn_shapes(service):
            return  # a service the reference does not know by its ARNs
        # The resource types whose resource part this ARN can name decide whether a Region
        # or an account belongs in it (an S3 bucket has neither, an access point both).
        shapes = _candidate_shapes(service, _resource)
        if not shapes:
            if not _fits_some_resource_type(service, text):
                self.add("INVALID_ARN_RESOURCE", [entry])
            return
        if region and all(s[3] == "" for s in shapes):
            self.add("ARN_REGION_NOT_ALLOWED", [entry], service=service)
        elif account and account != "*" and all(s[4] == "" for s in shapes):
            self.add("ARN_ACCOUNT_NOT_ALLOWED", [entry], service=service)
        elif not region and all(s[3] != "" for s in shapes):
            self.add("MISSING_ARN_REGION", [entry], service=service)
        elif not account and all(s[4] != "" for s in shapes):
            self.add("MISSING_ARN_ACCOUNT", [entry], resource=text)
        elif region and not has_wildcard(region) and "${" not in region and not _REGION.fullmatch(region):
            self.add("INVALID_ARN_REGION", [entry], region=region)
        elif (
            account
            and not has_wildcard(account)
            and "${" not in account
            and account != "aws"
            and not re.fullmatch(r"\d{12}", account)
        ):
            self.add("INVALID_ARN_ACCOUNT", [entry], account=account)

    def check_sensitive_action(self, st: StatementNode, target: str, family: str) -> None:
        node = st.node
        action_entries = self._entries_quiet(st, "Action")
        not_action = node.get("NotAction")
        if not_action is not None:
            excluded = any(
                glob_covers(n.value, target, ignore_case=True) for n in self._string_nodes(not_action)
            )
            if excluded:
                return
            literal = star = False
            action_locs = [Loc(st.at("NotAction"), not_action)]
        else:
            literal = any(e.node.value.lower() == target for e in action_entries)
            star = not literal and any(
                has_wildcard(e.node.value) and glob_covers(e.node.value, target, ignore_case=True)
                for e in action_entries
            )
            if not (literal or star):
                return
            action_locs = [e for e in action_entries if glob_covers(e.node.value, target, ignore_case=True)]
        if family == "PASS_ROLE" and self._has_key(st, "iam:passedtoservice"):
            return
        if node.get("NotResource") is not None:
            resource_loc = Loc(st.at("NotResource"), node.get("NotResource"))
            if not_action is not None:
                self.add(f"{family}_WITH_NOT_ACTION_AND_NOT_RESOURCE", [*action_locs, resource_loc])
            elif star:
                self.add(f"{family}_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", [*action_locs, resource_loc])
            else:
                self.add(f"{family}_WITH_NOT_RESOURCE", [*action_locs, resource_loc])
            return
        stars = [e for e in self._entries_quiet(st, "Resource") if _is_star_resource(e.node.value, target)]
        if not stars:
            return
        if not_action is not None:
            self.add(f"{family}_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", [*action_locs, *stars])
        elif star:
            self.add(f"{family}_WITH_STAR_IN_ACTION_AND_RESOURCE", [*action_locs, *stars])
        else:
            self.add(f"{family}_WITH_STAR_IN_RESOURCE", [*action_locs, *stars])

    def _has_key(self, st: StatementNode, key: str) -> bool:
        cond = st.node.get("Condition")
        if cond is None or cond.kind != "object":
            return False
        return any(
            k.value.lower() == key
            for _, block in cond.members
            if block.kind == "object"
            for k, _ in block.members
        )

    # -- RCPs ------------------------------------------------------------------------

    def check_rcp(self, st: StatementNode, effect: str | None) -> None:
        node = st.node
        not_action = node.get("NotAction")
        if not_action is not None:
            self.add("RCP_SYNTAX_ERROR_NOTACTION", [Loc(st.at("NotAction"), not_action)])
        for entry in self._entries_quiet(st, "Action"):
            text = entry.node.value
            # The same list the evaluation's RCP scope comes from: the catalog's.
            if text != "*" and text.split(":")[0].lower() not in catalog.rcp_services():
                self.add("RCP_SYNTAX_ERROR_ACTION", [entry])
        if effect == "Allow":
            principal = node.get("Principal")
            resource = node.get("Resource")
            if (
                (principal is not None and principal.to_python() != "*")
                or (resource is not None and resource.to_python() != "*")
                or node.get("Condition") is not None
            ):
                self.add("RCP_SYNTAX_ERROR_ALLOW", [Loc(st.path, node)])


def _normalise(value: Any) -> Any:
    # Statements equal up to list order and single-value lists are redundant.
    if isinstance(value, list):
        items = [_normalise(v) for v in value]
        if len(items) == 1:
            return items[0]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value


def _first_variable(text: str) -> str:
    start = text.find("${")
    end = text.find("}", start)
    return text[start : end + 1] if end != -1 else text[start:]


@lru_cache(maxsize=1024)
def _arn_shapes(arn_service: str) -> tuple[tuple[str, ...], ...]:
    # The six ARN fields of every resource type whose ARN names this service.
    types = catalog.resource_types_for_arn_service(arn_service)
    shapes = (tuple(arn.split(":", 5)) for t in types for arn in t.arns)
    return tuple(dict.fromkeys(s for s in shapes if len(s) == 6))


# ARNs the reference lists under another service's field (STS session ARNs are listed as
# IAM's "assumed-role" type), which Access Analyzer accepts.
_EXTRA_ARN_PATTERNS = {
    "sts": ("arn:${Partition}:sts::${Account}:assumed-role/${RoleName}/${RoleSessionName}",)
}


@lru_cache(maxsize=8192)
def _candidate_shapes(arn_service: str, resource: str) -> tuple[tuple[str, ...], ...]:
    # The resource types whose resource part (the sixth field) `resource` can name.
    return tuple(s for s in _arn_shapes(arn_service) if catalog.arn_resource_part_fits(resource, s[5]))


@lru_cache(maxsize=8192)
def _fits_some_resource_type(arn_service: str, arn: str) -> bool:
    types = catalog.resource_types_for_arn_service(arn_service)
    if any(catalog.arn_matches_resource_type(arn, t) for t in types):
        return True
    return any(catalog.arn_matches_resource_type(arn, p) for p in _EXTRA_ARN_PATTERNS.get(arn_service, ()))


def _is_star_resource(text: str, target: str) -> bool:
    # "*", or an IAM role ARN whose name is all wildcard (arn:aws:iam::*:role/*).
    if text == "*":
        return True
    if target == "iam:passrole":
        m = re.fullmatch(r"arn:[^:]*:iam::[^:]*:role/(.*)", text)
        return m is not None and m.group(1) in ("*", "")
    return False
