"""The policy simulator: what the engine decides for a user's or role's policies, or for pasted ones.

The simulator adds nothing to the engine's judgement: it builds the engine's request (the policies
in play as the Permissions tab lists them, the principal's ARN and the context it implies, and any
SCPs, RCPs and session policies), calls `evaluate`, and maps the statements that decided back to
the policies a trainee can see, with the lines of each statement in the pretty-printed JSON so that
a page can highlight them.
"""

import ipaddress
import json
import re
from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import Group, IAMUser
from aws.errors import InvalidInput, MalformedPolicyDocument
from organizations.models import Policy
from organizations.selectors import membership_of, organization_policies, path_of
from policies.engine import catalog, evaluate, jsonpos
from policies.engine.conditions import parse_date, parse_number
from policies.selectors.permissions import entity_permissions, policies_in_play

BOUNDARY_ID = "boundary"

# The words of AWS's policy simulator's Permission column.
DECISION_LABELS = {
    "allowed": "Allowed",
    "explicitDeny": "Explicitly denied",
    "implicitDeny": "Implicitly denied",
}

# Actions that AWS answers whatever the policies say. The simulator, like AWS's, evaluates the
# policies as written and shows their verdict; the note says what really happens. (STS answers
# GetCallerIdentity without asking the engine, accounts.services.sts.get_caller_identity.)
ACTION_NOTES = {
    "sts:getcalleridentity": (
        "GetCallerIdentity needs no permission: AWS answers it for every signed-in caller, even when a "
        "policy explicitly denies sts:GetCallerIdentity. The decision shown is what the policies say, "
        "as written."
    ),
}


def action_note(action):
    """The note the results show beside `action`, or None."""
    return ACTION_NOTES.get(action.lower())


KIND_LABELS = {
    "identity": "Identity-based policy",
    "resource": "Resource-based policy",
    "permissionsBoundary": "Permissions boundary",
    "sessionPolicy": "Session policy",
    "scp": "Service control policy",
    "rcp": "Resource control policy",
}
# The engine's evaluation order, which is also the order "Decided by" names the kinds in.
KIND_ORDER = ("rcp", "scp", "resource", "identity", "permissionsBoundary", "sessionPolicy")
# Organizations' levels are counted from the root (0) through each OU down to the account.
LEVEL_PREFIXES = {"scp": "SCP", "rcp": "RCP"}


def kind_label(kind, level=None):
    """How the results name a kind of policy: "Identity-based policy", "SCP at level 1", …"""
    if kind in LEVEL_PREFIXES and level is not None:
        return f"{LEVEL_PREFIXES[kind]} at level {level}"
    return KIND_LABELS[kind]


# The console's hint for each condition key type (the format a typed value must have).
TYPE_FORMATS = {
    "String": "text",
    "ARN": "an ARN, arn:partition:service:region:account:resource",
    "Bool": "true or false",
    "Numeric": "a number, 42 or 3.5",
    "Date": "a date and time, 2026-11-22T20:50:00Z (ISO 8601) or seconds since 1970",
    "IPAddress": "an IP address or CIDR block, 203.0.113.7 or 203.0.113.0/24",
    "Binary": "base64 text",
}

# A key the catalog does not know takes its type from the operator that tests it.
_OPERATOR_TYPES = (
    ("date", "Date"),
    ("ipaddress", "IPAddress"),
    ("notipaddress", "IPAddress"),
    ("bool", "Bool"),
    ("numeric", "Numeric"),
    ("arn", "ARN"),
    ("binary", "Binary"),
)
_VARIABLE = re.compile(r"\$\{([^}*?$]+)\}")


@dataclass
class PolicyInPlay:
    """One policy the simulator weighs: identity (managed, inline, from a group), boundary, session, SCP, RCP."""

    id: str  # what an include checkbox posts
    name: str
    source: str  # "Directly", "Group NAME", "Inline", "Boundary", "Custom policy N", "Session policy", …
    document: str | dict
    arn: str | None = None
    kind: str = "identity"  # the engine's kind: identity, permissionsBoundary, sessionPolicy, scp, rcp
    level: int | None = None  # an SCP's or RCP's level, root first

    @property
    def is_boundary(self):
        return self.kind == "permissionsBoundary"


@dataclass
class MatchedStatement:
    """A statement that decided, named as the trainee knows it."""

    policy: str  # the policy's name
    source: str
    arn: str | None
    index: int  # 0-based position in the policy's Statement list
    sid: str | None
    effect: str
    pretty: str  # the whole policy, pretty-printed
    lines: tuple[int, int]  # first and last line of the statement in `pretty` (from 1)
    kind: str = "identity"
    level: int | None = None
    text: str = ""  # the policy as written, where the AWS API reports the statement's position

    @property
    def kind_label(self):
        return kind_label(self.kind, self.level)

    @property
    def numbered_lines(self):
        """(number, text, highlighted) for each line of the pretty-printed policy."""
        first, last = self.lines
        return [
            (number, text, first <= number <= last)
            for number, text in enumerate(self.pretty.splitlines(), start=1)
        ]


@dataclass
class SimulationResult:
    """The engine's answer for one action on one resource."""

    action: str
    resource: str
    decision: str  # allowed, explicitDeny, implicitDeny
    denied_by: dict | None = None  # {"kind": …, "level": …} when denied
    matched: list[MatchedStatement] = field(default_factory=list)
    missing_context_values: list[str] = field(default_factory=list)

    @property
    def decision_label(self):
        return DECISION_LABELS[self.decision]

    @property
    def note(self):
        return action_note(self.action)

    @property
    def decided_by(self):
        """Which kinds of policy decided, in the engine's order, as the results table prints them."""
        if self.denied_by is None:
            kinds = {(m.kind, m.level) for m in self.matched}
            ordered = sorted(kinds, key=lambda pair: (KIND_ORDER.index(pair[0]), pair[1] or 0))
            return ", ".join(kind_label(kind, level) for kind, level in ordered)
        return kind_label(self.denied_by["kind"], self.denied_by.get("level"))


# --- documents ------------------------------------------------------------------------------------


def parse_document(text, label):
    """A policy text as the engine takes it; MalformedPolicyDocument naming `label` when it is not JSON."""
    if isinstance(text, dict):
        return text  # already parsed (the organization's SCPs come so)
    try:
        document = jsonpos.loads(text)
    except (TypeError, ValueError) as error:
        raise MalformedPolicyDocument(f"{label}: the policy is not valid JSON ({error}).") from None
    if not isinstance(document, dict):
        raise MalformedPolicyDocument(f"{label}: the policy must be a JSON object.")
    return document


def statement_positions(text, index):
    """Where statement `index` is in the policy `text`, as IAM's simulator reports it: ({"Line",
    "Column"}, {"Line", "Column"}), both counted from 1, from its opening brace to just past its closing one."""
    root = jsonpos.parse(text)
    statements = root.root.get("Statement")
    node = statements.items[index] if statements.kind == "array" else statements
    start, end = root.position(node.start), root.position(node.end)
    return (
        {"Line": start["line"], "Column": start["column"] + 1},
        {"Line": end["line"], "Column": end["column"] + 1},
    )


def _statement_lines(pretty, index):
    root = jsonpos.parse(pretty)
    statements = root.root.get("Statement")
    if statements is None:
        return (1, 1)
    node = statements.items[index] if statements.kind == "array" else statements
    return (root.position(node.start)["line"], root.position(node.end - 1)["line"])


# --- what is in play ------------------------------------------------------------------------------


def _is_user(principal):

    return isinstance(principal, IAMUser)


def _is_group(principal):

    return isinstance(principal, Group)


def _read_in_play(principal):
    if _is_group(principal):
        # AWS simulates a group with its own policies only: no members, no boundary.
        return {
            "identity": [
                (row.attached_via, row.name, row.arn, row.document)
                for row in entity_permissions(group=principal).rows
            ],
            "boundary": None,
        }
    if _is_user(principal):
        return policies_in_play(user=principal)
    return policies_in_play(role=principal)


def policies_for(principal, in_play=None):
    """Every policy in play for an IAMUser, Group or Role, the boundary last (≤ 3 queries; none when
    `in_play`, its policies_in_play, was read beforehand)."""
    if in_play is None:
        in_play = _read_in_play(principal)
    policies = [
        PolicyInPlay(id=f"{source}:{arn or name}", name=name, source=source, document=document or "", arn=arn)
        for source, name, arn, document in in_play["identity"]
    ]
    if in_play["boundary"] is not None:
        arn = principal.permissions_boundary_arn
        policies.append(
            PolicyInPlay(
                id=BOUNDARY_ID,
                name=arn.rsplit("/", 1)[-1],
                source="Boundary",
                document=in_play["boundary"],
                arn=arn,
                kind="permissionsBoundary",
            )
        )
    return policies


def custom_policies(documents, boundary=None):
    """Pasted documents as policies in play: "Custom policy 1", … and an optional boundary."""
    policies = [
        PolicyInPlay(id=f"custom:{n}", name=f"Custom policy {n}", source=f"Custom policy {n}", document=text)
        for n, text in enumerate(documents, start=1)
    ]
    if boundary:
        policies.append(
            PolicyInPlay(
                id=BOUNDARY_ID,
                name="Permissions boundary",
                source="Boundary",
                document=boundary,
                kind="permissionsBoundary",
            )
        )
    return policies


def session_policies_in_play(documents):
    """Session policies (JSON texts): "Session policy", or numbered when there are several."""
    documents = list(documents or [])
    if len(documents) == 1:
        return [
            PolicyInPlay(
                id="session:1",
                name="Session policy",
                source="Session policy",
                document=documents[0],
                kind="sessionPolicy",
            )
        ]
    return [
        PolicyInPlay(
            id=f"session:{n}",
            name=f"Session policy {n}",
            source="Session policy",
            document=text,
            kind="sessionPolicy",
        )
        for n, text in enumerate(documents, start=1)
    ]


def organization_policies_in_play(levels, kind, names=None, level_names=None):
    """SCPs or RCPs by level (root first) as policies in play, each named "SCP 1", … unless `names` say.

    `levels` is a list of levels, each a list of documents (JSON texts or parsed); `names`, when
    given, has the same shape. `level_names` say where each level is ("root", "OU Workloads", …)
    for an organization's real levels; pasted SCPs all sit at one.
    """
    prefix = LEVEL_PREFIXES[kind]
    policies, number = [], 0
    for level, documents in enumerate(levels or []):
        source = f"{prefix} at level {level}"
        if level_names:
            source += f" ({level_names[level]})"
        for position, document in enumerate(documents):
            number += 1
            name = names[level][position] if names else f"{prefix} {number}"
            policies.append(
                PolicyInPlay(
                    id=f"{kind}:{level}:{position}",
                    name=name,
                    source=source,
                    document=document,
                    kind=kind,
                    level=level,
                )
            )
    return policies


def _canonical(document):
    return json.dumps(document, sort_keys=True)


def organization_in_play(account):
    """The organization's SCPs and RCPs as `simulate` takes them, with their names and where each level is.

    The documents are the enforcement's own reading (organizations.selectors.organization_policies),
    so that the simulator weighs what decides a real request. It gives documents only; their names
    come from the organization's policies with the same content, and the levels' from the account's
    path: three more queries, for a member account only.
    """
    if account is None:
        return {"scps": None, "rcps": None}
    scps, rcps = organization_policies(account)
    if scps is None and rcps is None:
        return {"scps": None, "rcps": None}

    membership = membership_of(account)
    level_names = ["root", *(f"OU {ou.name}" for ou in path_of(membership)), f"account {account.name}"]
    by_content = {}
    policies = Policy.objects.filter(
        Q(organization=membership.organization_id) | Q(organization__isnull=True)
    )
    for name, content in policies.values_list("name", "content"):
        try:
            by_content.setdefault(_canonical(json.loads(content)), name)
        except ValueError:
            continue

    def names(levels, prefix):
        if levels is None:
            return None
        named, number = [], 0
        for documents in levels:
            row = []
            for document in documents:
                number += 1
                row.append(by_content.get(_canonical(document), f"{prefix} {number}"))
            named.append(row)
        return named

    levels = scps if scps is not None else rcps
    return {
        "scps": scps,
        "rcps": rcps,
        "scp_names": names(scps, "SCP"),
        "rcp_names": names(rcps, "RCP"),
        "level_names": level_names if len(level_names) == len(levels) else None,
    }


def _derived_context(principal):
    """What AWS puts in the request context for this principal beyond what the engine derives."""
    if principal is None or _is_group(principal):
        return {}
    context = {}
    if _is_user(principal):
        context["aws:userid"] = principal.user_id
        context["aws:PrincipalType"] = "User"
    else:
        context["aws:userid"] = f"{principal.role_id}:simulator"
        context["aws:PrincipalType"] = "AssumedRole"
        context["aws:PrincipalArn"] = principal.arn
    for tag in principal.tags.all():
        context[f"aws:PrincipalTag/{tag.key}"] = tag.value
    return context


def _caller_arn(principal, caller_arn, account, session):
    if principal is None or _is_group(principal):
        if caller_arn:
            return caller_arn
        if account is None:
            return None
        # Without a caller AWS's simulator needs one; session policies bound only a session.
        if session:
            return f"arn:aws:sts::{account.id}:assumed-role/simulated/simulator"
        return f"arn:aws:iam::{account.id}:user/simulated"
    if _is_user(principal):
        return principal.arn
    # A role acts through a session: AWS's simulator evaluates it as an assumed-role session.
    return f"arn:aws:sts::{principal.account_id}:assumed-role/{principal.name}/simulator"


# --- simulation -----------------------------------------------------------------------------------


def simulate(
    *,
    account,
    actions,
    resource_arns,
    context,
    principal=None,
    policy_documents=None,
    boundary=None,
    resource_policy=None,
    include=None,
    caller_arn=None,
    session_policies=None,
    scps=None,
    rcps=None,
    scp_names=None,
    rcp_names=None,
    level_names=None,
    resource_account=None,
    action_resources=None,
    in_play=None,
):
    """The engine's decision for each action on each resource, with the statements that decided.

    `principal` (an IAMUser, Group or Role of `account`) simulates its policies in play, with
    `policy_documents` (JSON texts) as further custom policies and `boundary` (a text) instead of its
    own boundary; without a principal, only the custom policies and the boundary.
    `session_policies` (texts) bound a role's session; `scps` and `rcps` are levels (root first) of
    documents, `scp_names` and `rcp_names` their names in the same shape, `level_names` where each
    level is (an organization's own; see organization_in_play). `include` keeps only the policies in
    play with those ids (default all; an SCP left out leaves its level). `caller_arn` names the
    principal of a custom simulation (AWS's CallerArn). `action_resources` maps an action to its own
    resource ARNs instead of `resource_arns`. `in_play` is the principal's policies_in_play when the
    caller read it already (with many principals' at once). A document that is not a policy raises
    MalformedPolicyDocument and nothing is simulated.
    """
    if principal is not None:
        if account is not None and principal.account_id != account.id:
            raise InvalidInput("The principal is not in this account.")
        if session_policies and (_is_user(principal) or _is_group(principal)):
            raise InvalidInput("A session policy bounds a role's session; simulate a role to use one.")
        policies = policies_for(principal, in_play)
        if boundary:  # the AWS API's PermissionsBoundaryPolicyInputList stands in for the principal's own
            policies = [policy for policy in policies if not policy.is_boundary]
        policies += custom_policies(policy_documents or [], boundary)
    else:
        policies = custom_policies(policy_documents or [], boundary)
    policies += session_policies_in_play(session_policies)
    policies += organization_policies_in_play(scps, "scp", scp_names, level_names)
    policies += organization_policies_in_play(rcps, "rcp", rcp_names, level_names)
    if include is not None:
        keep = set(include)
        policies = [p for p in policies if p.id in keep]

    parsed = {}
    by_kind = {kind: [] for kind in KIND_ORDER}
    for policy in policies:
        parsed[policy.id] = parse_document(policy.document, policy.name)
        by_kind[policy.kind].append(policy)
    identity = by_kind["identity"]
    request_base = {"identityPolicies": [parsed[p.id] for p in identity]}
    by_path = {f"identityPolicies[{n}]": p for n, p in enumerate(identity)}
    if by_kind["permissionsBoundary"]:
        [boundary_policy] = by_kind["permissionsBoundary"]
        request_base["permissionsBoundary"] = parsed[boundary_policy.id]
        by_path["permissionsBoundary"] = boundary_policy
    if by_kind["sessionPolicy"]:
        request_base["sessionPolicy"] = [parsed[p.id] for p in by_kind["sessionPolicy"]]
        by_path |= {f"sessionPolicy[{n}]": p for n, p in enumerate(by_kind["sessionPolicy"])}
    # Every level stays, even one whose policies were all left out: an empty level allows nothing.
    for kind, levels in (("scp", scps), ("rcp", rcps)):
        if levels is None:
            continue
        key = f"{kind}s"
        request_base[key] = []
        for level in range(len(levels)):
            at_level = [p for p in by_kind[kind] if p.level == level]
            request_base[key].append([parsed[p.id] for p in at_level])
            by_path |= {f"{key}[{level}][{n}]": p for n, p in enumerate(at_level)}
    resource_doc = None
    if resource_policy:
        resource_doc = parse_document(resource_policy, "Resource policy")
        request_base["resourcePolicy"] = resource_doc
    if resource_account:
        request_base["resourceAccount"] = resource_account
    caller = _caller_arn(principal, caller_arn, account, bool(by_kind["sessionPolicy"]))
    if caller:
        request_base["principal"] = caller
    request_context = {**_derived_context(principal), **(context or {})}
    if request_context:
        request_base["context"] = request_context

    pretty_cache, lines_cache = {}, {}

    def matched_statement(entry):
        path = entry["policy"]
        if path == "resourcePolicy":
            document, key, kind, level = resource_doc, "resourcePolicy", "resource", None
            name, source, arn = "Resource policy", "Resource policy", None
            text = resource_policy
        else:
            policy = by_path[path]
            document, key, kind, level = parsed[policy.id], policy.id, policy.kind, policy.level
            name, source, arn = policy.name, policy.source, policy.arn
            text = policy.document
        if key not in pretty_cache:
            pretty_cache[key] = json.dumps(document, indent=4)
        pretty = pretty_cache[key]
        # Locating a statement parses the whole policy: once per statement, not once per action.
        if (key, entry["statement"]) not in lines_cache:
            lines_cache[key, entry["statement"]] = _statement_lines(pretty, entry["statement"])
        return MatchedStatement(
            policy=name,
            source=source,
            arn=arn,
            index=entry["statement"],
            sid=entry.get("sid"),
            effect=entry["effect"],
            pretty=pretty,
            lines=lines_cache[key, entry["statement"]],
            kind=kind,
            level=level,
            text=text if isinstance(text, str) else pretty,
        )

    results = []
    action_resources = action_resources or {}
    for action in actions:
        for resource in action_resources.get(action) or resource_arns or ["*"]:
            answer = evaluate({**request_base, "action": action, "resource": resource})
            if "error" in answer:
                raise MalformedPolicyDocument(answer["error"]["message"])
            results.append(
                SimulationResult(
                    action=action,
                    resource=resource,
                    decision=answer["decision"],
                    denied_by=answer.get("deniedBy"),
                    matched=[matched_statement(entry) for entry in answer["matched"]],
                    missing_context_values=list(answer.get("missingContextValues", [])),
                )
            )
    return results


# --- context keys ---------------------------------------------------------------------------------


def _strip_operator(operator):
    op = operator
    for prefix in ("ForAllValues:", "ForAnyValue:"):
        if op.lower().startswith(prefix.lower()):
            op = op[len(prefix) :]
    if op.endswith("IfExists"):
        op = op[: -len("IfExists")]
    return op


def _key_type(key, operator=None):
    definition = catalog.condition_key(key)
    if definition is not None:
        return definition.type
    base = "String"
    if operator is not None:
        op = _strip_operator(operator).lower()
        for prefix, kind in _OPERATOR_TYPES:
            if op.startswith(prefix):
                base = kind
                break
        if operator.lower().startswith(("forallvalues:", "foranyvalue:")):
            return f"ArrayOf{base}"
    return base


def _statements(document):
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return [statements] if isinstance(statements, dict) else [s for s in statements if isinstance(s, dict)]


def _variables(value):
    if isinstance(value, str):
        return _VARIABLE.findall(value)
    if isinstance(value, list):
        return [name for item in value for name in _variables(item)]
    if isinstance(value, dict):
        return [name for item in value.values() for name in _variables(item)]
    return []


def context_keys_for(documents):
    """[(key, type)] that the documents' conditions and policy variables ask for, sorted, one per key.

    `documents` are JSON texts or parsed dicts; one that does not parse contributes nothing.
    """
    found = {}

    def add(key, operator=None):
        found.setdefault(key.lower(), (key, _key_type(key, operator)))

    for document in documents:
        if isinstance(document, str):
            try:
                document = jsonpos.loads(document)
            except ValueError:
                continue
        for statement in _statements(document):
            condition = statement.get("Condition")
            if isinstance(condition, dict):
                for operator, block in condition.items():
                    if isinstance(block, dict):
                        for key, value in block.items():
                            add(key, operator)
                            for name in _variables(value):
                                add(name)
            for element in ("Resource", "NotResource"):
                for name in _variables(statement.get(element)):
                    add(name)
    return sorted(found.values(), key=lambda pair: pair[0].lower())


def type_format(key_type):
    """The format a value of this type must have, as the form says it."""
    base = key_type.removeprefix("ArrayOf")
    text = TYPE_FORMATS.get(base, "text")
    return f"one or more of: {text}, separated by commas" if key_type.startswith("ArrayOf") else text


def _one_value(base, text):
    if base == "Bool":
        if text.lower() not in ("true", "false"):
            raise ValueError
        return text.lower()
    # Numbers and dates as the engine reads them: float() would take "inf", \d and fromisoformat()
    # other scripts' digits, none of which the engine compares.
    if base == "Numeric":
        if parse_number(text) is None:
            raise ValueError
        return text
    if base == "Date":
        if parse_date(text) is None:
            raise ValueError
        return text
    if base == "IPAddress":
        ipaddress.ip_network(text, strict=False)
        return text
    if base == "ARN":
        if not re.fullmatch(r"arn:[^:]+:[^:]*:[^:]*:[^:]*:.+", text):
            raise ValueError
        return text
    return text


def parse_context_value(key_type, text):
    """A typed context value from a form field; ValueError naming the expected format when it does not fit."""
    text = (text or "").strip()
    base = key_type.removeprefix("ArrayOf")
    try:
        if key_type.startswith("ArrayOf"):
            return [_one_value(base, part.strip()) for part in text.split(",") if part.strip()]
        return _one_value(base, text)
    except ValueError:
        raise ValueError(f"Enter {type_format(key_type)}.") from None


# --- the AWS API's names --------------------------------------------------------------------------


def simulate_principal_policy(
    *,
    account,
    principal,
    actions,
    resource_arns=None,
    context=None,
    resource_policy=None,
    session_policies=None,
    policy_documents=(),
    boundary=None,
    caller_arn=None,
    resource_account=None,
):
    """SimulatePrincipalPolicy: the policies of a user, group or role, every one in play, and any
    further documents (PolicyInputList) and boundary (PermissionsBoundaryPolicyInputList) given.

    As AWS's, it weighs the organization's SCPs (and RCPs) when the account is a member of one;
    beyond AWS's API, as the console's simulator, a role's session policies.
    """
    return simulate(
        account=account,
        principal=principal,
        actions=actions,
        resource_arns=resource_arns,
        context=context,
        resource_policy=resource_policy,
        session_policies=session_policies,
        policy_documents=list(policy_documents),
        boundary=boundary,
        caller_arn=caller_arn,
        resource_account=resource_account,
        **organization_in_play(account),
    )


def simulate_custom_policy(
    *,
    account,
    policy_documents,
    actions,
    resource_arns=None,
    context=None,
    boundary=None,
    resource_policy=None,
    caller_arn=None,
    session_policies=None,
    scps=None,
    rcps=None,
    resource_account=None,
):
    """SimulateCustomPolicy: pasted identity policies (and an optional boundary, session policies, SCPs, RCPs)."""
    return simulate(
        account=account,
        policy_documents=policy_documents,
        boundary=boundary,
        actions=actions,
        resource_arns=resource_arns,
        context=context,
        resource_policy=resource_policy,
        caller_arn=caller_arn,
        session_policies=session_policies,
        scps=scps,
        rcps=rcps,
        resource_account=resource_account,
    )


def get_context_keys_for_principal_policy(*, principal, policy_documents=()):
    """GetContextKeysForPrincipalPolicy: the keys of the principal's policies (and extra documents)."""
    return context_keys_for([p.document for p in policies_for(principal)] + list(policy_documents))


def get_context_keys_for_custom_policy(*, policy_documents):
    """GetContextKeysForCustomPolicy."""
    return context_keys_for(policy_documents)
