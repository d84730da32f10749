"""Actions, resources and principals matched as AWS matches them; policies compiled once.

- Actions are matched case-insensitively; `*` is any run of characters and `?` any one character
  ("IAM JSON policy elements: Action").
- Resources are matched case-sensitively with the same two wildcards, within each of the six ARN
  segments: a wildcard in the partition, service, region or account segment never crosses a colon,
  while the last segment (the resource) may itself contain colons and slashes, which `*` matches
  ("IAM JSON policy elements: Resource": "You can use wildcard characters (* and ?) within any ARN
  segment (the parts separated by colons)", and "the asterisk (*) character can expand to replace
  everything within a segment, including characters like a forward slash (/)"). `*` alone is every
  resource. A pattern that is not a six-part ARN is matched against the whole text.
- Policy variables (`${aws:username}`) are substituted in Resource and Condition values of
  2012-10-17 policies; their values are literal, never wildcards (variables.py).
- Principals are named exactly: no wildcard other than a whole `"*"` (AWS: "You cannot use a
  wildcard to match part of a principal name or ARN").

Compiling a policy indexes its statements by action so that a request looks only at the
statements whose Action can match: exact actions in a dict, `service:*`-style patterns by service
prefix, the few others in a short list, NotAction statements apart. Each compiled policy also
remembers, per (action, resource), which statements matched both, so requests that differ only in
their context do no action or resource matching at all.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from policies.engine import arn as arns
from policies.engine.arn import Caller, split_arn
from policies.engine.context import Context
from policies.engine.document import MalformedPolicyDocument, Policy, PrincipalSpec, Statement, parse_policy
from policies.engine.variables import VERSION_WITH_VARIABLES, compile_pattern

__all__ = [
    "ACCOUNT",
    "DIRECT",
    "NONE",
    "ROLE",
    "CompiledPolicy",
    "CompiledStatement",
    "action_matches",
    "compile_document",
    "resource_matches",
    "wildcard_regex",
]

# How a resource-based policy's Principal names the caller (see evaluation.py for what each means).
NONE = 0
ACCOUNT = 1  # the caller's account: "delegates authority to the account"
ROLE = 2  # the role behind a session: limited by the role's boundary and session policies
DIRECT = 3  # the caller itself (user, session, federated user, service) or "*": a direct grant


def wildcard_regex(text: str, *, segment: bool = False) -> str:
    """Regex source for an AWS pattern: `*` any run, `?` one character (never a colon when `segment`)."""
    star, one = ("[^:]*", "[^:]") if segment else (".*", ".")
    out = []
    for char in text:
        if char == "*":
            out.append(star)
        elif char == "?":
            out.append(one)
        else:
            out.append(re.escape(char))
    return "".join(out)


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


# ---------------------------------------------------------------------------------------------
# Actions


def _action_regex(pattern: str) -> re.Pattern:
    return re.compile(wildcard_regex(pattern.lower()), re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """Whether an Action pattern matches an action (case-insensitive, * and ? wildcards)."""
    if not _has_wildcard(pattern):
        return pattern.lower() == action.lower()
    return _action_regex(pattern).fullmatch(action.lower()) is not None


# ---------------------------------------------------------------------------------------------
# Resources

_ANY = "any"
_EXACT = "exact"
_REGEX = "regex"
_DYNAMIC = "dynamic"


def _split_outside_variables(text: str) -> list[str]:
    """Split at the first five colons that are not inside a `${...}` variable."""
    parts, depth, start = [], 0, 0
    i, n = 0, len(text)
    while i < n and len(parts) < 5:
        char = text[i]
        if char == "$" and i + 1 < n and text[i + 1] == "{":
            depth += 1
            i += 2
            continue
        if char == "}" and depth:
            depth -= 1
        elif char == ":" and not depth:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _compile_resource(pattern: str, version: str | None) -> tuple[str, Any]:
    """One Resource entry as (kind, matcher data)."""
    if pattern == "*":
        return _ANY, None
    if version == VERSION_WITH_VARIABLES and "${" in pattern:
        parts = _split_outside_variables(pattern)
        if len(parts) == 6 and parts[0] == "arn":
            segments = tuple(compile_pattern(p, version=version) for p in parts)
            if any(callable(s) for s in segments):
                return _DYNAMIC, ("arn", segments)
        else:
            whole = compile_pattern(pattern, version=version)
            if callable(whole):
                return _DYNAMIC, ("text", whole)
        # Only `${*}`-style literals or text that is no variable: fixed, but segment by segment.
        if len(parts) == 6 and parts[0] == "arn":
            return _REGEX, _Segments(segments)
        return _REGEX, whole
    if not _has_wildcard(pattern):
        return _EXACT, pattern
    parts = split_arn(pattern)
    if parts is None:
        return _REGEX, re.compile(wildcard_regex(pattern), re.DOTALL)
    source = ":".join([wildcard_regex(p, segment=True) for p in parts[:5]] + [wildcard_regex(parts[5])])
    return _REGEX, re.compile(source, re.DOTALL)


class _Segments:
    """Six fixed per-segment patterns, matched against the six parts of a resource ARN."""

    __slots__ = ("segments",)

    def __init__(self, segments: tuple[re.Pattern, ...]):
        self.segments = segments

    def fullmatch(self, resource: str) -> bool | None:
        """True, or None (no match), like re.Pattern.fullmatch's truthiness."""
        parts = split_arn(resource)
        if parts is None:
            return None
        matched = all(regex.match(text) is not None for regex, text in zip(self.segments, parts, strict=True))
        return True if matched else None


def _dynamic_matches(data: tuple, resource: str, ctx: Context) -> bool:
    shape, compiled = data
    if shape == "text":
        regex = compiled(ctx)
        return regex is not None and regex.match(resource) is not None
    parts = split_arn(resource)
    if parts is None:
        return False
    for segment, text in zip(compiled, parts, strict=True):
        regex = segment(ctx) if callable(segment) else segment
        if regex is None or regex.match(text) is None:
            return False
    return True


def resource_matches(
    pattern: str, resource: str, *, version: str | None = VERSION_WITH_VARIABLES, ctx: Context | None = None
) -> bool:
    """Whether a Resource pattern matches a resource (ARN segments, variables from `ctx`)."""
    kind, data = _compile_resource(pattern, version)
    if kind == _ANY:
        return True
    if kind == _EXACT:
        return data == resource
    if kind == _REGEX:
        return data.fullmatch(resource) is not None
    return _dynamic_matches(data, resource, ctx if ctx is not None else Context({}))


class _ResourceSet:
    """A Resource or NotResource element: fixed entries tested once per resource, variables per request."""

    __slots__ = ("any", "exact", "regexes", "dynamic")

    def __init__(self, patterns: tuple[str, ...], version: str | None):
        self.any = False
        self.exact: set[str] = set()
        self.regexes: list[re.Pattern] = []
        self.dynamic: list[tuple] = []
        for pattern in patterns:
            kind, data = _compile_resource(pattern, version)
            if kind == _ANY:
                self.any = True
            elif kind == _EXACT:
                self.exact.add(data)
            elif kind == _REGEX:
                self.regexes.append(data)
            else:
                self.dynamic.append(data)

    def static_match(self, resource: str) -> bool:
        if self.any or resource in self.exact:
            return True
        return any(regex.fullmatch(resource) is not None for regex in self.regexes)

    def dynamic_match(self, resource: str, ctx: Context) -> bool:
        return any(_dynamic_matches(data, resource, ctx) for data in self.dynamic)


# ---------------------------------------------------------------------------------------------
# Principals


class PrincipalMatcher:
    """A Principal / NotPrincipal element compiled into sets, for how it names a caller."""

    __slots__ = (
        "wildcard",
        "accounts",
        "users",
        "roles",
        "sessions",
        "federated_users",
        "literal",
        "services",
        "federated",
        "canonical_users",
    )

    def __init__(self, spec: PrincipalSpec):
        self.wildcard = spec.wildcard
        self.accounts: set[str] = set()
        self.users: set[str] = set()
        self.roles: set[str] = set()
        self.sessions: set[str] = set()
        self.federated_users: set[str] = set()
        self.literal: set[str] = set()
        for name in spec.aws:
            self._add_aws(name)
        self.services = frozenset(spec.service)
        self.federated = frozenset(spec.federated)
        self.canonical_users = frozenset(spec.canonical_user)

    def _add_aws(self, name: str) -> None:
        if arns.ACCOUNT_ID.fullmatch(name):
            self.accounts.add(name)
            return
        parts = split_arn(name)
        if parts is not None:
            service, account, resource = parts[2], parts[4], parts[5]
            if service == "iam" and resource == "root":
                self.accounts.add(account)
                return
            if service == "iam" and resource.startswith("user/"):
                self.users.add(name)
                return
            if service == "iam" and resource.startswith("role/"):
                self.roles.add(name)
                return
            if service == "sts" and resource.startswith("assumed-role/"):
                self.sessions.add(name)
                return
            if service == "sts" and resource.startswith("federated-user/"):
                self.federated_users.add(name)
                return
        # Unique IDs (AIDA..., AROA...) and anything else: equal to the caller's own text only.
        self.literal.add(name)

    def level(self, caller: Caller) -> int:
        """How this Principal names `caller`: DIRECT, ROLE, ACCOUNT or NONE."""
        if self.wildcard:
            return DIRECT
        kind = caller.kind
        if kind == arns.SERVICE:
            return DIRECT if caller.arn in self.services else NONE
        if kind == arns.IDENTITY_PROVIDER:
            return DIRECT if caller.arn in self.federated else NONE
        if kind == arns.ANONYMOUS_KIND:
            return NONE
        if caller.arn in self.literal:
            return DIRECT
        if kind == arns.USER:
            if caller.arn in self.users:
                return DIRECT
        elif kind == arns.SESSION:
            if caller.arn in self.sessions:
                return DIRECT
            if caller.role_arn in self.roles:
                return ROLE
        elif kind == arns.ROLE:
            if caller.role_arn in self.roles:
                return ROLE
        elif kind == arns.FEDERATED_USER and caller.arn in self.federated_users:
            return DIRECT
        return ACCOUNT if caller.account in self.accounts else NONE

    def names_any_identity(self, caller: Caller) -> bool:
        """For NotPrincipal with Allow ("all principals except the one named"): whether the caller,
        its role or its account is named, any of which takes it out of the grant."""
        if self.wildcard:
            return True
        kind = caller.kind
        if kind == arns.SERVICE:
            return caller.arn in self.services
        if kind == arns.IDENTITY_PROVIDER:
            return caller.arn in self.federated
        if kind == arns.ANONYMOUS_KIND:
            return False
        return (
            caller.account in self.accounts
            or caller.arn in self.literal
            or caller.arn in self.users
            or caller.arn in self.sessions
            or caller.arn in self.federated_users
            or (caller.role_arn is not None and caller.role_arn in self.roles)
        )

    def names_every_identity(self, caller: Caller) -> bool:
        """For NotPrincipal: whether every identity AWS checks for `caller` is listed.

        AWS ("NotPrincipal"): "If an assumed-role user is being evaluated, AWS might validate the
        account first, then the role, and then the assumed-role user", so a caller escapes a
        NotPrincipal only when its account, its role (for a session) and itself are all named.
        """
        if self.wildcard:
            return True
        kind = caller.kind
        if kind == arns.SERVICE:
            return caller.arn in self.services
        if kind == arns.IDENTITY_PROVIDER:
            return caller.arn in self.federated
        if kind == arns.ANONYMOUS_KIND:
            return False
        if caller.account not in self.accounts:
            return False
        if kind == arns.ROOT:
            return True
        if kind == arns.USER:
            return caller.arn in self.users or caller.arn in self.literal
        if kind == arns.FEDERATED_USER:
            return caller.arn in self.federated_users or caller.arn in self.literal
        role_named = caller.role_arn in self.roles
        if kind == arns.ROLE:
            return role_named
        return role_named and (caller.arn in self.sessions or caller.arn in self.literal)


# ---------------------------------------------------------------------------------------------
# Compiled statements and policies


class CompiledStatement:
    """A statement ready to be matched: its resource sets, principal matcher and condition."""

    __slots__ = (
        "statement",
        "index",
        "allow",
        "resources",
        "not_resources",
        "principal",
        "not_principal",
        "condition",
        "has_dynamic_resources",
    )

    def __init__(self, statement: Statement, version: str | None):
        self.statement = statement
        self.index = statement.index
        self.allow = statement.is_allow
        self.resources = (
            _ResourceSet(statement.resources, version) if statement.resources is not None else None
        )
        self.not_resources = (
            _ResourceSet(statement.not_resources, version) if statement.not_resources is not None else None
        )
        self.principal = PrincipalMatcher(statement.principal) if statement.principal is not None else None
        self.not_principal = (
            PrincipalMatcher(statement.not_principal) if statement.not_principal is not None else None
        )
        self.condition = statement.condition
        self.has_dynamic_resources = bool(
            (self.resources is not None and self.resources.dynamic)
            or (self.not_resources is not None and self.not_resources.dynamic)
        )

    def static_resource(self, resource: str) -> bool | None:
        """True/False when the fixed entries decide; None when variable entries must be checked."""
        if self.resources is not None:
            if self.resources.static_match(resource):
                return True
            return None if self.resources.dynamic else False
        if self.not_resources is not None:
            if self.not_resources.static_match(resource):
                return False
            return None if self.not_resources.dynamic else True
        return True  # no Resource element (a trust policy): the resource the policy is attached to

    def dynamic_resource(self, resource: str, ctx: Context) -> bool:
        """The per-request part of resource matching (entries with policy variables)."""
        if self.resources is not None:
            return self.resources.dynamic_match(resource, ctx)
        return not self.not_resources.dynamic_match(resource, ctx)


class CompiledPolicy:
    """A policy compiled for matching, with its statements indexed by action."""

    __slots__ = ("policy", "statements", "_exact", "_by_service", "_other", "_not_action", "_memo")

    MEMO_SIZE = 512

    def __init__(self, policy: Policy):
        self.policy = policy
        self.statements = tuple(CompiledStatement(s, policy.version) for s in policy.statements)
        self._exact: dict[str, list[int]] = {}
        # service prefix -> [(position, matcher)]; matcher None: the whole service ("s3:*"), a str:
        # a prefix ("s3:get"), else a regex.
        self._by_service: dict[str, list[tuple[int, Any]]] = {}
        self._other: list[tuple[int, re.Pattern]] = []
        self._not_action: list[tuple[int, list[Callable[[str], bool]]]] = []
        for position, statement in enumerate(policy.statements):
            if statement.actions is not None:
                for pattern in statement.actions:
                    self._index_action(position, pattern)
            else:
                self._not_action.append((position, [_action_test(p) for p in statement.not_actions]))
        self._memo: dict[tuple[str, str], tuple[tuple[CompiledStatement, bool], ...]] = {}

    def _index_action(self, position: int, pattern: str) -> None:
        lower = pattern.lower()
        if not _has_wildcard(lower):
            self._exact.setdefault(lower, []).append(position)
            return
        service, colon, name = lower.partition(":")
        if colon and not _has_wildcard(service):
            if name == "*":
                matcher = None
            elif name.endswith("*") and not _has_wildcard(name[:-1]):
                matcher = lower[:-1]
            else:
                matcher = re.compile(wildcard_regex(lower), re.DOTALL)
            self._by_service.setdefault(service, []).append((position, matcher))
            return
        self._other.append((position, re.compile(wildcard_regex(lower), re.DOTALL)))

    def _action_positions(self, action: str) -> list[int]:
        """Positions of the statements whose Action / NotAction matches `action` (lower-cased)."""
        found = set(self._exact.get(action, ()))
        service = action.partition(":")[0]
        for position, matcher in self._by_service.get(service, ()):
            if position in found:
                continue
            if matcher is None or (
                action.startswith(matcher) if isinstance(matcher, str) else matcher.fullmatch(action)
            ):
                found.add(position)
        for position, regex in self._other:
            if position not in found and regex.fullmatch(action):
                found.add(position)
        for position, tests in self._not_action:
            if not any(test(action) for test in tests):
                found.add(position)
        return sorted(found)

    def candidates(self, action: str, resource: str) -> tuple[tuple[CompiledStatement, bool], ...]:
        """(statement, needs a per-request resource check) for statements matching action and resource.

        `action` must be lower-cased. Remembered per (action, resource) for this policy.
        """
        key = (action, resource)
        found = self._memo.get(key)
        if found is not None:
            return found
        out = []
        for position in self._action_positions(action):
            statement = self.statements[position]
            decided = statement.static_resource(resource)
            if decided is False:
                continue
            out.append((statement, decided is None))
        found = tuple(out)
        if len(self._memo) >= self.MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = found
        return found


def _action_test(pattern: str) -> Callable[[str], bool]:
    lower = pattern.lower()
    if not _has_wildcard(lower):
        return lower.__eq__
    regex = _action_regex(lower)
    return lambda action: regex.fullmatch(action) is not None


# ---------------------------------------------------------------------------------------------
# The compile cache: by the document object's id (the object is held, so its id is not reused
# while cached), then by content for new objects holding a document already seen (each line of
# the JSON Lines command parses into new objects).

_BY_ID_SIZE = 4096
_BY_CONTENT_SIZE = 4096
_by_id: "OrderedDict[int, tuple[Any, CompiledPolicy | MalformedPolicyDocument]]" = OrderedDict()
_by_content: "OrderedDict[str, CompiledPolicy | MalformedPolicyDocument]" = OrderedDict()


_lock = threading.Lock()


def _content_key(document: Any) -> str:
    # repr() of parsed JSON (dicts, lists, str, int, float, bool, None) is unambiguous and twice
    # as fast as json.dumps; documents equal but for key order simply compile twice.
    if isinstance(document, str):
        return "t" + document
    return "r" + repr(document)


def cached(document: Any) -> CompiledPolicy | None:
    """The compiled policy for this very document object when the cache holds one, else None."""
    key = id(document)
    hit = _by_id.get(key)
    if hit is not None and hit[0] is document and type(hit[1]) is CompiledPolicy:
        try:  # noqa: SIM105 - cheaper than contextlib.suppress on the hot path
            _by_id.move_to_end(key)
        except KeyError:  # another thread evicted it meanwhile; the answer stands
            pass
        return hit[1]
    return None


def compile_document(document: Any) -> CompiledPolicy:
    """A policy document (dict or JSON text) compiled, cached; raises MalformedPolicyDocument.

    Documents are treated as immutable once passed in: the cache is keyed by object identity,
    so a dict changed in place after a call keeps its first compilation.
    """
    compiled = cached(document)
    if compiled is not None:
        return compiled
    key = id(document)
    with _lock:  # threads of a web server share the caches; compiling is the rare, slow path
        hit = _by_id.get(key)
        if hit is not None and hit[0] is document:
            compiled = hit[1]
        else:
            content = _content_key(document)
            compiled = _by_content.get(content)
            if compiled is None:
                try:
                    compiled = CompiledPolicy(parse_policy(document))
                except MalformedPolicyDocument as error:
                    compiled = error
                _by_content[content] = compiled
                if len(_by_content) > _BY_CONTENT_SIZE:
                    _by_content.popitem(last=False)
            else:
                _by_content.move_to_end(content)
            _by_id[key] = (document, compiled)
            if len(_by_id) > _BY_ID_SIZE:
                _by_id.popitem(last=False)
    if isinstance(compiled, MalformedPolicyDocument):
        # A fresh exception each time: re-raising the cached one would pile up tracebacks on it.
        raise MalformedPolicyDocument(str(compiled))
    return compiled


def clear_caches() -> None:
    """Forget every compiled policy (tests; an application that edits documents in place)."""
    with _lock:
        _by_id.clear()
        _by_content.clear()
