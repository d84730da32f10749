"""Would the service store the document? IAM's, Organizations' and S3's refusals, in the order of
IAM's own checks as observed by moto and LocalStack (syntax, version, legacy parsing, Sid
uniqueness, actions, ARN formats, vendor prefixes, resources), then the size quota."""

import re
from typing import Any

from policies.engine import catalog
from policies.engine.grammar import STATEMENT_ELEMENTS, TOP_LEVEL_ELEMENTS, VERSIONS
from policies.engine.jsonpos import Document
from policies.engine.validation.messages import (
    BAD_PARTITION,
    BAD_PRINCIPAL,
    CHARSET,
    IAM_PATH,
    IAM_PATHS,
    IAM_REGION,
    LEGACY,
    MAX_DOCUMENT,
    NO_ACTIONS,
    NO_PRINCIPAL_ALLOWED,
    NO_RESOURCES,
    NO_VENDOR,
    ONE_COLON,
    ORG_MALFORMED,
    ORG_SIZE,
    RESOURCE_NOT_ARN,
    S3_ACTION,
    S3_EMPTY,
    S3_FIRST_BYTE,
    S3_INVALID_JSON,
    S3_MISSING,
    S3_NO_STATEMENT,
    S3_PRINCIPAL,
    S3_REGION,
    S3_RESOURCE,
    S3_VERSION,
    SID_ALNUM,
    SID_UNIQUE,
    SIZE_INLINE,
    SIZE_MANAGED,
    SIZE_TRUST,
    SYNTAX,
    TOO_LONG,
    TRUST_ACTIONS,
    TRUST_JSON,
    TRUST_NO_PRINCIPAL,
    TRUST_NOT_PRINCIPAL,
    TRUST_NOT_RESOURCE,
    TRUST_RESOURCE,
    TRUST_STAR,
    VENDOR_REGEX,
    VERSION,
)
from policies.engine.validation.policy_types import IAM_TYPES, size_for_quota
from policies.engine.validation.values import legacy_date_ok
from policies.engine.validation.vocabulary import (
    KNOWN_FEDERATED,
    OPERATORS,
    PARTITIONS,
    QUALIFIERS,
    is_trust_action,
)


class _Refusal(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def json_refusal(text: str, policy_type: str) -> str:
    if policy_type in IAM_TYPES and len(text) > MAX_DOCUMENT:
        return TOO_LONG
    if policy_type in IAM_TYPES and not _charset_ok(text):
        return CHARSET
    if policy_type == "trust":
        return TRUST_JSON
    if policy_type in ("scp", "rcp"):
        return ORG_MALFORMED
    if policy_type == "resource":
        return S3_FIRST_BYTE if not text.lstrip().startswith("{") else S3_INVALID_JSON
    return SYNTAX


def _charset_ok(text: str) -> bool:
    # PolicyDocument's pattern: tab, LF, CR and U+0020..U+00FF, at least one character.
    if not text:
        return False
    return all(c in "\t\n\r" or "\x20" <= c <= "\xff" for c in text)


def refusal(doc: Document, policy_type: str, entity_name: str | None) -> str | None:
    text = doc.text
    try:
        if policy_type in IAM_TYPES:
            # IAM checks the request parameter (length, characters) before the document.
            if len(text) > MAX_DOCUMENT:
                raise _Refusal(TOO_LONG)
            if not _charset_ok(text):
                raise _Refusal(CHARSET)
            _iam_refusal(doc.root.to_python(), policy_type)
        elif policy_type in ("scp", "rcp"):
            _org_refusal(doc.root.to_python(), policy_type)
        else:
            _s3_refusal(doc.root.to_python())
    except _Refusal as refusal:
        return refusal.message
    size, limit = size_for_quota(text, policy_type)
    if limit is not None and size > limit:
        return _size_message(policy_type, limit, entity_name)
    return None


def _size_message(policy_type: str, limit: int, entity_name: str | None) -> str:
    if policy_type in ("managed", "boundary"):
        return SIZE_MANAGED.format(limit=limit)
    if policy_type == "trust":
        return SIZE_TRUST.format(limit=limit)
    if policy_type in ("scp", "rcp"):
        return ORG_SIZE
    entity = policy_type.removeprefix("inline-")
    if entity_name:
        entity = f"{entity} {entity_name}"
    return SIZE_INLINE.format(limit=limit, entity=entity)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _strip_operator(op: str) -> str:
    for prefix in QUALIFIERS:
        if op.startswith(prefix):
            op = op[len(prefix) :]
            break
    if op.endswith("IfExists"):
        op = op[: -len("IfExists")]
    return op


def _grammar_ok(policy: Any) -> list[dict] | None:
    """The statements of a grammatical policy (IAM's syntax rules), or None."""
    if not isinstance(policy, dict):
        return None
    for key in policy:
        # "Conditions" at the top level is tolerated by IAM (moto and LocalStack observed it).
        if key not in TOP_LEVEL_ELEMENTS and key != "Conditions":
            return None
    if "Version" in policy and policy["Version"] not in VERSIONS:
        return None
    if "Id" in policy and not isinstance(policy["Id"], str):
        return None
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return None
    for st in statements:
        if not isinstance(st, dict):
            return None
        if any(key not in STATEMENT_ELEMENTS for key in st):
            return None
        if "Resource" in st and "NotResource" in st:
            return None
        if "Action" in st and "NotAction" in st:
            return None
        if "Principal" in st and "NotPrincipal" in st:
            return None
        effect = st.get("Effect")
        if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
            return None
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if key in st:
                value = st[key]
                if not isinstance(value, (str, list)):
                    return None
                if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                    return None
        if "Sid" in st and not isinstance(st["Sid"], str):
            return None
        if "Condition" in st and not _condition_grammar_ok(st["Condition"]):
            return None
    return statements


def _condition_grammar_ok(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for op, block in condition.items():
        if not isinstance(block, dict):
            return False
        for value in block.values():
            # Strings and lists; JSON numbers and booleans are written by many tools and
            # IAM stores them, so they pass too.
            if isinstance(value, list):
                if not all(isinstance(v, (str, int, float, bool)) for v in value):
                    return False
            elif not isinstance(value, (str, int, float, bool)) or value is None:
                return False
        if _strip_operator(op) not in OPERATORS and block:
            return False  # an unknown operator is only tolerated with an empty block
    return True


def _iam_refusal(policy: Any, policy_type: str) -> None:
    statements = _grammar_ok(policy)
    if statements is None:
        raise _Refusal(SYNTAX)
    # Managed policies (and so boundaries) were born with 2012-10-17 and insist on it; inline and
    # session policies predate it, and read a missing Version as 2008-10-17 (no policy variables).
    if policy_type in ("managed", "boundary") and policy.get("Version") != "2012-10-17":
        raise _Refusal(VERSION)
    if policy_type == "trust":
        _trust_refusal(statements)
        return
    if any("Principal" in st or "NotPrincipal" in st for st in statements):
        raise _Refusal(NO_PRINCIPAL_ALLOWED)
    resource_error = _legacy_parse(statements)
    _sids(statements)
    if any(not _non_empty(st, "Action", "NotAction") for st in statements):
        raise _Refusal(NO_ACTIONS)
    if resource_error:
        raise _Refusal(resource_error)
    _vendor_prefixes(statements)
    if any(not _non_empty(st, "Resource", "NotResource") for st in statements):
        raise _Refusal(NO_RESOURCES)


def _non_empty(st: dict, key: str, not_key: str) -> bool:
    if key in st:
        return st[key] != []
    if not_key in st:
        return st[not_key] != []
    return False


def _sids(statements: list[dict]) -> None:
    seen = set()
    for st in statements:
        sid = st.get("Sid")
        if sid:
            if sid in seen:
                raise _Refusal(SID_UNIQUE)
            seen.add(sid)
    for st in statements:
        if not re.fullmatch(r"[0-9A-Za-z]*", st.get("Sid", "")):
            raise _Refusal(SID_ALNUM)


def _vendor_prefixes(statements: list[dict]) -> None:
    for key in ("Action", "NotAction"):
        for st in statements:
            for action in _as_list(st.get(key, [])):
                parts = action.split(":")
                if len(parts) == 1 and parts[0] != "*":
                    raise _Refusal(NO_VENDOR)
                if len(parts) > 2:
                    raise _Refusal(ONE_COLON)
                if parts[0] != "*" and re.search(r"[^a-zA-Z0-9\-.]", parts[0]):
                    raise _Refusal(f"Vendor {parts[0]} is not valid")


def _legacy_parse(statements: list[dict]) -> str:
    """IAM's "legacy parsing": raise on what it cannot parse; return the first ARN-format error.

    Effect must be spelled exactly Allow or Deny here, Date condition values must parse,
    and resources must survive the old ARN splitter. ARN-format problems that do not trip
    the old parser are reported later, after the Sid and Action checks.
    """
    for st in statements:
        if st["Effect"] not in ("Allow", "Deny"):
            raise _Refusal(LEGACY)
        for op, block in st.get("Condition", {}).items():
            if _strip_operator(op).startswith("Date"):
                for value in block.values():
                    for v in _as_list(value):
                        if not legacy_date_ok(str(v).lower()):
                            raise _Refusal(LEGACY)
    error = ""
    for key in ("Resource", "NotResource"):
        for st in statements:
            if key not in st:
                continue
            values = st[key]
            # IAM reports the last error it meets; it walks a list in reverse sorted order.
            ordered = [values] if isinstance(values, str) else sorted(values, reverse=True)
            for resource in ordered:
                found = _resource_format_error(resource)
                if found:
                    error = found
            if not error:
                for resource in _as_list(values):
                    if resource == "*":
                        continue
                    if not (resource.count(":") >= 5 or "::" not in resource):
                        raise _Refusal(LEGACY)
                    parts = resource.split(":")
                    if len(parts) < 3 or parts[2] == "":
                        raise _Refusal(LEGACY)
    return error


def _resource_format_error(resource: str) -> str:
    if resource == "*":
        return ""
    head, sep, rest = resource.partition(":")
    if not sep:
        return RESOURCE_NOT_ARN.format(resource=resource)
    partition, sep, rest = rest.partition(":")
    if partition != "*" and partition not in PARTITIONS:
        parts = rest.split(":")
        f1 = parts[0] if parts[0] != "" or len(parts) > 1 else "*"
        f2 = parts[1] if len(parts) > 1 else "*"
        f3 = parts[2] if len(parts) > 2 else "*"
        f4 = ":".join(parts[3:]) if len(parts) > 3 else "*"
        arn = f"arn:{partition}:{f1}:{f2}:{f3}:{f4}"
        return BAD_PARTITION.format(partition=partition, arn=arn)
    if sep != ":":
        return VENDOR_REGEX
    service, _, rest = rest.partition(":")
    region = rest
    _, _, rest = rest.partition(":")  # region
    _, _, resource_id = rest.partition(":")  # account
    if service in ("iam", "s3") and not region.startswith(":"):
        if not (service == "s3" and resource_id.startswith("accesspoint/")):
            template = IAM_REGION if service == "iam" else S3_REGION
            return template.format(resource=resource)
    if service == "iam":
        if resource_id != "root" and not resource_id.startswith(IAM_PATHS):
            return IAM_PATH.format(values=", ".join(IAM_PATHS))
    return ""


# --- trust policies ------------------------------------------------------------------


def _trust_refusal(statements: list[dict]) -> None:
    for st in statements:
        if st["Effect"] not in ("Allow", "Deny"):
            raise _Refusal(LEGACY)
    # A permissions policy pasted as a trust policy is refused for its Resource first.
    for st in statements:
        if "Resource" in st:
            raise _Refusal(TRUST_RESOURCE)
        if "NotResource" in st:
            raise _Refusal(TRUST_NOT_RESOURCE)
    _sids(statements)
    for st in statements:
        if "NotPrincipal" in st:
            raise _Refusal(TRUST_NOT_PRINCIPAL)
        if "Principal" not in st:
            raise _Refusal(TRUST_NO_PRINCIPAL)
        _trust_principal(st["Principal"])
    if any(not _non_empty(st, "Action", "NotAction") for st in statements):
        raise _Refusal(NO_ACTIONS)
    _vendor_prefixes(statements)
    for st in statements:
        for action in _as_list(st.get("Action", st.get("NotAction", []))):
            if not is_trust_action(action):
                raise _Refusal(TRUST_ACTIONS)


def _trust_principal(principal: Any) -> None:
    if principal == "*":
        raise _Refusal(TRUST_STAR)
    if not isinstance(principal, dict) or not principal:
        raise _Refusal(TRUST_NO_PRINCIPAL)
    for key, values in principal.items():
        for value in _as_list(values):
            if not isinstance(value, str) or not _principal_value_ok(key, value, trust=True):
                raise _Refusal(BAD_PRINCIPAL.format(key=key.upper(), value=value))


# IAM resolves AWS principals to unique IDs when it stores the policy: no wildcards.
_AWS_PRINCIPAL = re.compile(
    r"(?:\d{12}"
    r"|arn:aws[a-z-]*:iam::\d{12}:(?:root|user/[^*?]+|role/[^*?]+)"
    r"|arn:aws[a-z-]*:sts::\d{12}:(?:assumed-role/[^/*?]+/[^*?]+|federated-user/[^*?]+)"
    r"|A(?:IDA|ROA)[A-Z0-9]{16,})"
)
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com(?:\.cn)?|amazon\.com|aws\.internal)")
_FEDERATED_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(?:saml-provider|oidc-provider)/.+")


def _principal_value_ok(key: str, value: str, *, trust: bool) -> bool:
    if key == "AWS":
        return value == "*" or bool(_AWS_PRINCIPAL.fullmatch(value))
    if key == "Service":
        return bool(_SERVICE_PRINCIPAL.fullmatch(value))
    if key == "Federated":
        return value in KNOWN_FEDERATED or bool(_FEDERATED_ARN.fullmatch(value))
    if key == "CanonicalUser":
        return not trust and bool(re.fullmatch(r"[0-9a-f]{64}", value))
    return False


# --- Organizations -------------------------------------------------------------------


def _org_refusal(policy: Any, policy_type: str) -> None:
    statements = _grammar_ok(policy)
    if statements is None or policy.get("Version", "2012-10-17") != "2012-10-17":
        raise _Refusal(ORG_MALFORMED)
    try:
        _legacy_parse(statements)
        _sids(statements)
        _vendor_prefixes(statements)
    except _Refusal:
        raise _Refusal(ORG_MALFORMED) from None
    for st in statements:
        if not _non_empty(st, "Action", "NotAction") or not _non_empty(st, "Resource", "NotResource"):
            raise _Refusal(ORG_MALFORMED)
        if policy_type == "scp":
            if "Principal" in st or "NotPrincipal" in st:
                raise _Refusal(ORG_MALFORMED)
            continue
        # RCPs: Deny statements for every principal; Allow only as RCPFullAWSAccess is.
        if "NotPrincipal" in st or "NotAction" in st or st.get("Principal") not in ("*", {"AWS": "*"}):
            raise _Refusal(ORG_MALFORMED)
        if st["Effect"] == "Allow" and (st.get("Resource") != "*" or "Condition" in st):
            raise _Refusal(ORG_MALFORMED)
        for action in _as_list(st.get("Action", [])):
            if action != "*" and action.split(":")[0].lower() not in catalog.rcp_services():
                raise _Refusal(ORG_MALFORMED)


# --- Amazon S3 (resource policies) ---------------------------------------------------


def _s3_refusal(policy: Any) -> None:
    if not isinstance(policy, dict):
        raise _Refusal(S3_FIRST_BYTE)
    if "Version" in policy and policy["Version"] not in VERSIONS:
        raise _Refusal(S3_VERSION)
    if "Statement" not in policy:
        raise _Refusal(S3_NO_STATEMENT)
    statements = policy["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _Refusal(S3_EMPTY)
    for st in statements:
        if not isinstance(st, dict):
            raise _Refusal(S3_INVALID_JSON)
        if "Effect" not in st:
            raise _Refusal(S3_MISSING.format(field="Effect"))
        if "Principal" not in st and "NotPrincipal" not in st:
            raise _Refusal(S3_MISSING.format(field="Principal"))
        if "Action" not in st and "NotAction" not in st:
            raise _Refusal(S3_MISSING.format(field="Action"))
        if "Resource" not in st and "NotResource" not in st:
            raise _Refusal(S3_MISSING.format(field="Resource"))
        principal = st.get("Principal", st.get("NotPrincipal"))
        if principal != "*":
            if not isinstance(principal, dict) or not principal:
                raise _Refusal(S3_PRINCIPAL)
            for key, values in principal.items():
                for value in _as_list(values):
                    if not isinstance(value, str) or not _principal_value_ok(key, value, trust=False):
                        raise _Refusal(S3_PRINCIPAL)
        for action in _as_list(st.get("Action", st.get("NotAction"))):
            if not isinstance(action, str) or (action != "*" and not catalog.expand_action_pattern(action)):
                raise _Refusal(S3_ACTION)
        for resource in _as_list(st.get("Resource", st.get("NotResource"))):
            if not isinstance(resource, str) or (resource != "*" and not resource.startswith("arn:")):
                raise _Refusal(S3_RESOURCE)
