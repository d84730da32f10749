"""Validate a policy document as IAM and IAM Access Analyzer would.

`validate(text, policy_type)` answers two questions, as the contract asks:

* ``malformed`` - would the service refuse to store the document, and with which message?
  IAM answers with MalformedPolicyDocument (or LimitExceeded for size), Organizations with
  MalformedPolicyDocumentException / ConstraintViolationException, S3 with MalformedPolicy.
  Only this refuses a save. The refusal layer follows the order of IAM's own checks as
  observed by moto and LocalStack, whose validators were written against real IAM
  responses (syntax, version, legacy parsing, Sid uniqueness, actions, ARN formats,
  vendor prefixes, resources), then the size quota.
* ``findings`` - what Access Analyzer's ValidatePolicy would report: issue codes, finding
  types and details as the "IAM policy validation check reference" names them, and
  locations whose spans follow its Position type (line from 1, column from 0, offset
  from 0, end exclusive; a span covers the value at the end of the path).

Message provenance is noted next to each constant; the module docstring of the tests
lists which ones are confirmed verbatim and which are not.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import catalog
from .jsonpos import Document, JSONPosError, Node, parse, position_of

__all__ = ["POLICY_TYPES", "SIZE_LIMITS", "main", "size_for_quota", "validate"]

POLICY_TYPES = (
    "managed",
    "inline-user",
    "inline-group",
    "inline-role",
    "trust",
    "resource",
    "scp",
    "rcp",
    "boundary",
)
IDENTITY_TYPES = frozenset({"managed", "inline-user", "inline-group", "inline-role", "boundary"})
IAM_TYPES = IDENTITY_TYPES | {"trust"}  # the documents IAM itself stores

# IAM and AWS STS quotas (reference_iam-quotas), Organizations quotas (orgs_reference_limits).
SIZE_LIMITS = {
    "managed": 6144,
    "boundary": 6144,
    "inline-user": 2048,
    "inline-group": 5120,
    "inline-role": 10240,
    "trust": 2048,
    "scp": 5120,
    "rcp": 5120,
}

# --- IAM's refusals --------------------------------------------------------------------
# Verbatim from IAM error responses (moto's and LocalStack's validators, which copy them,
# and users' reports of real errors).
SYNTAX = "Syntax errors in policy."
VERSION = "Policy document must be version 2012-10-17 or greater."
LEGACY = "The policy failed legacy parsing"
SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique."
SID_ALNUM = (
    "Statement IDs (SID) must be alpha-numeric. "
    "Check that your input satisfies the regular expression [0-9A-Za-z]*"
)
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
NO_PRINCIPAL_ALLOWED = "Policy document should not specify a principal."
RESOURCE_NOT_ARN = 'Resource {resource} must be in ARN format or "*".'
BAD_PARTITION = 'Partition "{partition}" is not valid for resource "{arn}".'
VENDOR_REGEX = "Resource vendor must be fully qualified and cannot contain regexes."
IAM_REGION = "IAM resource {resource} cannot contain region information."
S3_REGION = "Resource {resource} can not contain region information."
IAM_PATHS = (
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
)
IAM_PATH = 'IAM resource path must either be "*", root, or start with {values}.'
# Trust policies (CreateRole / UpdateAssumeRolePolicy).
TRUST_JSON = "This policy contains invalid Json"
TRUST_RESOURCE = "Has prohibited field Resource"
TRUST_NOT_RESOURCE = "AssumeRole policy must not contain resources."  # not confirmed verbatim
TRUST_NOT_PRINCIPAL = "AssumeRole policy must not contain NotPrincipal field."  # not confirmed
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
TRUST_NO_PRINCIPAL = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)
TRUST_STAR = 'AssumeRolepolicy contained an invalid principal: "STAR":"*".'
BAD_PRINCIPAL = 'Invalid principal in policy: "{key}":"{value}"'
# Size quotas (LimitExceeded).
SIZE_MANAGED = "Cannot exceed quota for PolicySize: {limit}"
SIZE_INLINE = "Maximum policy size of {limit} bytes exceeded for {entity}"
SIZE_TRUST = "Cannot exceed quota for ACLSizePerRole: {limit}"
# IAM's parameter constraint on PolicyDocument (a ValidationError, not MalformedPolicyDocument).
CHARSET = (
    "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
)
MAX_DOCUMENT = 131072
TOO_LONG = (
    "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
    "Member must have length less than or equal to 131072"
)
# Organizations (SCPs and RCPs).
ORG_MALFORMED = "The provided policy document does not meet the requirements of the specified policy type."
ORG_SIZE = "You have exceeded the maximum policy size."
# Amazon S3 bucket policies stand for "resource" policies (MalformedPolicy).
S3_FIRST_BYTE = "Policies must be valid JSON and the first byte must be '{'"
S3_INVALID_JSON = "This policy contains invalid Json"
S3_VERSION = "The policy must contain a valid version string"
S3_EMPTY = "Could not parse the policy: Statement is empty!"
S3_NO_STATEMENT = "Missing required field Statement"
S3_MISSING = "Missing required field {field}"
S3_ACTION = "Policy has invalid action"
S3_RESOURCE = "Policy has invalid resource"
S3_PRINCIPAL = "Invalid principal in policy"

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
VALID_VERSIONS = ("2008-10-17", "2012-10-17")
TOP_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
OPERATORS = {
    "StringEquals": "String",
    "StringNotEquals": "String",
    "StringEqualsIgnoreCase": "String",
    "StringNotEqualsIgnoreCase": "String",
    "StringLike": "String",
    "StringNotLike": "String",
    "NumericEquals": "Numeric",
    "NumericNotEquals": "Numeric",
    "NumericLessThan": "Numeric",
    "NumericLessThanEquals": "Numeric",
    "NumericGreaterThan": "Numeric",
    "NumericGreaterThanEquals": "Numeric",
    "DateEquals": "Date",
    "DateNotEquals": "Date",
    "DateLessThan": "Date",
    "DateLessThanEquals": "Date",
    "DateGreaterThan": "Date",
    "DateGreaterThanEquals": "Date",
    "Bool": "Bool",
    "BinaryEquals": "Binary",
    "IpAddress": "IpAddress",
    "NotIpAddress": "IpAddress",
    "ArnEquals": "Arn",
    "ArnLike": "Arn",
    "ArnNotEquals": "Arn",
    "ArnNotLike": "Arn",
    "Null": "Null",
}
QUALIFIERS = ("ForAnyValue:", "ForAllValues:")
# Actions a role trust policy may grant (the STS actions that act on the role).
TRUST_ACTION_NAMES = (
    "assumerole",
    "assumerolewithsaml",
    "assumerolewithwebidentity",
    "tagsession",
    "setsourceidentity",
    "setcontext",
)
KNOWN_FEDERATED = (
    "cognito-identity.amazonaws.com",
    "www.amazon.com",
    "graph.facebook.com",
    "accounts.google.com",
)


class _Refusal(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ====================================================================================
# Public API
# ====================================================================================


def size_for_quota(text: str, policy_type: str = "managed") -> tuple[int, int | None]:
    """(size as the quota counts it, the quota) for a document; the quota is None if none applies.

    IAM counts characters other than white space (GetAccountSummary: "in non-whitespace
    characters"); Organizations counts every character of an SCP or RCP.
    """
    _check_type(policy_type)
    limit = SIZE_LIMITS.get(policy_type)
    if policy_type in ("scp", "rcp"):
        return len(text), limit
    return sum(1 for c in text if c not in " \t\n\r"), limit


def validate(text: str, policy_type: str = "managed", *, entity_name: str | None = None) -> dict:
    """IAM's verdict and Access Analyzer's findings for a policy document.

    `entity_name` names the user, group or role of an inline policy: IAM's size message
    ends with it ("... exceeded for user alice"); without it the message ends at the type.
    """
    _check_type(policy_type)
    try:
        doc = parse(text)
    except JSONPosError as exc:
        return {"malformed": _json_refusal(text, policy_type), "findings": [_json_finding(text, exc)]}
    malformed = _refusal(doc, policy_type, entity_name)
    findings = _Checker(doc, policy_type).run()
    return {"malformed": malformed, "findings": findings}


def main(argv: list[str]) -> int:
    """`validate --type TYPE [--name NAME] < policy.json`: print the verdict, exit 1 if malformed."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m policies.engine validate")
    ap.add_argument("--type", default="managed", choices=POLICY_TYPES)
    ap.add_argument("--name", default=None, help="user, group or role of an inline policy")
    args = ap.parse_args(argv)
    text = sys.stdin.buffer.read().decode("utf-8")
    result = validate(text, args.type, entity_name=args.name)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 1 if result["malformed"] is not None else 0


def _check_type(policy_type: str) -> None:
    if policy_type not in POLICY_TYPES:
        raise ValueError(f"unknown policy type {policy_type!r}; expected one of {', '.join(POLICY_TYPES)}")


# ====================================================================================
# Refusal layer
# ====================================================================================


def _json_refusal(text: str, policy_type: str) -> str:
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


def _refusal(doc: Document, policy_type: str, entity_name: str | None) -> str | None:
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
        if key not in TOP_ELEMENTS and key != "Conditions":
            return None
    if "Version" in policy and policy["Version"] not in VALID_VERSIONS:
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
                        if not _legacy_date_ok(str(v).lower()):
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


_ISO_DATE_LIMITS = (-292275054, 292278993)


def _legacy_date_ok(value: str) -> bool:
    try:
        if "t" in value or "-" in value:
            return _iso_ok(value)
        return 0 <= int(value) <= 9223372036854775807
    except (ValueError, IndexError):
        return False


def _iso_ok(value: str) -> bool:
    date, _, time = value.partition("t")
    negative = date.startswith("-")
    parts = (date[1:] if negative else date).split("-")
    year = int(("-" if negative else "") + parts[0])
    if not _ISO_DATE_LIMITS[0] <= year <= _ISO_DATE_LIMITS[1] or len(parts) > 3:
        return False
    if len(parts) > 1 and not 1 <= int(parts[1]) <= 12:
        return False
    if len(parts) > 2 and not 1 <= int(parts[2]) <= 31:
        return False
    hms = time.split(":")
    if hms[0] != "" and not 0 <= int(hms[0]) <= 23:
        return False
    if len(hms) > 1 and not 0 <= int(hms[1]) <= 59:
        return False
    if len(hms) > 2:
        tail = hms[2]
        if "z" in tail:
            seconds, _, after = tail.partition("z")
            if after:
                return False
        elif "+" in tail:
            seconds, _, zone = tail.partition("+")
            zh, colon, zm = zone.partition(":")
            if len(zh) != 2 or not 0 <= int(zh) <= 23:
                return False
            if colon and (len(zm) != 2 or not 0 <= int(zm) <= 59):
                return False
        else:
            seconds = tail
        whole, dot, fraction = seconds.partition(".")
        if not 0 <= int(whole) <= 59:
            return False
        if dot and not 0 <= int(fraction) <= 999999999:
            return False
    return True


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
            if not _is_trust_action(action):
                raise _Refusal(TRUST_ACTIONS)


def _is_trust_action(action: str) -> bool:
    prefix, _, name = action.partition(":")
    if prefix.lower() != "sts":
        return False
    return any(_glob_covers(name, n, ignore_case=True) for n in TRUST_ACTION_NAMES)


def _trust_principal(principal: Any) -> None:
    if principal == "*":
        raise _Refusal(TRUST_STAR)
    if not isinstance(principal, dict) or not principal:
        raise _Refusal(TRUST_NO_PRINCIPAL)
    for key, values in principal.items():
        for value in _as_list(values):
            if not isinstance(value, str) or not _principal_value_ok(key, value, trust=True):
                raise _Refusal(BAD_PRINCIPAL.format(key=key.upper(), value=value))


_ACCOUNT = r"\d{12}"
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
    if "Version" in policy and policy["Version"] not in VALID_VERSIONS:
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


# ====================================================================================
# Access Analyzer findings
# ====================================================================================

# issue code -> (finding type, findingDetails template), from the check reference.
CHECKS: dict[str, tuple[str, str]] = {
    "ARN_ACCOUNT_NOT_ALLOWED": (
        "ERROR",
        "The service {service} does not support specifying an account ID in the resource ARN.",
    ),
    "ARN_REGION_NOT_ALLOWED": (
        "ERROR",
        "The service {service} does not support specifying a Region in the resource ARN.",
    ),
    "DATA_TYPE_MISMATCH": ("ERROR", "The text does not match the expected JSON data type {data_type}."),
    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE": (
        "ERROR",
        "The condition key {key} appears more than once with different capitalization in the same "
        "condition block. Remove the duplicate condition keys.",
    ),
    "EMPTY_VARIABLE": (
        "ERROR",
        "Empty policy variable. Remove the ${{ }} variable structure or provide a variable within the structure.",
    ),
    "FEDERATED_PRINCIPAL_NOT_SUPPORTED": (
        "ERROR",
        "The policy type does not support a federated identity provider in the principal element. "
        "Use a supported principal.",
    ),
    "INVALID_ACTION": ("ERROR", "The action {action} does not exist."),
    "INVALID_ARN_ACCOUNT": (
        "ERROR",
        "The resource ARN account ID {account} is not valid. Provide a 12-digit account ID.",
    ),
    "INVALID_ARN_PREFIX": ("ERROR", "Add the required prefix (arn) to the resource ARN."),
    "INVALID_ARN_REGION": (
        "ERROR",
        "The Region {region} is not valid for this resource. Update the resource ARN to include a supported Region.",
    ),
    "INVALID_ARN_RESOURCE": (
        "ERROR",
        "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.",
    ),
    "INVALID_ARN_SERVICE_CASE": (
        "ERROR",
        "Update the service name {service} in the resource ARN to use all lowercase letters.",
    ),
    "INVALID_CONDITION_KEY_FORMAT": (
        "ERROR",
        "The condition key format is not valid. Use the format service:keyname.",
    ),
    "INVALID_CONDITION_MULTIPLE_BOOLEAN": (
        "ERROR",
        "The condition key does not support multiple Boolean values. Use a single Boolean value.",
    ),
    "INVALID_CONDITION_OPERATOR": (
        "ERROR",
        "The condition operator {operator} is not valid. Use a valid condition operator.",
    ),
    "INVALID_EFFECT": ("ERROR", "The effect {effect} is not valid. Use Allow or Deny."),
    "INVALID_GLOBAL_CONDITION_KEY": (
        "ERROR",
        "The condition key {key} does not exist. Use a valid condition key.",
    ),
    "INVALID_PARTITION": (
        "ERROR",
        "The resource ARN for the service {service} does not support the partition {partition}. "
        "Use the supported values: {partitions}",
    ),
    "INVALID_POLICY_ELEMENT": ("ERROR", "The policy element {element} is not valid."),
    "INVALID_PRINCIPAL_FORMAT": (
        "ERROR",
        "The Principal element contents are not valid. Specify a key-value pair in the Principal element.",
    ),
    "INVALID_PRINCIPAL_KEY": ("ERROR", "The principal key {principal_key} is not valid."),
    "INVALID_SERVICE": ("ERROR", "The service {service} does not exist. Use a valid service name."),
    "INVALID_SERVICE_CONDITION_KEY": (
        "ERROR",
        "The condition key {key} does not exist in the service {service}. Use a valid condition key.",
    ),
    "INVALID_SERVICE_IN_ACTION": ("ERROR", "The service {service} specified in the action does not exist."),
    "INVALID_VARIABLE_FOR_OPERATOR": (
        "ERROR",
        "Policy variables can only be used with String and ARN operators.",
    ),
    "INVALID_VERSION": (
        "ERROR",
        "The version {version} is not valid. Use one of the following versions: {versions}",
    ),
    "INVALID_VPC_FORMAT": (
        "ERROR",
        "The VPC identifier in the condition key value is not valid. Use the prefix 'vpc-' followed by 8 or "
        "17 alphanumeric characters.",
    ),
    "INVALID_VPCE_FORMAT": (
        "ERROR",
        "The VPCE identifier in the condition key value is not valid.  Use the prefix 'vpce-' followed by 8 "
        "or 17 alphanumeric characters.",
    ),
    "JSON_SYNTAX_ERROR": ("ERROR", "Fix the JSON syntax error at index {index} line {line} column {column}."),
    "MISMATCHED_ACTION_FOR_PRINCIPAL": (
        "ERROR",
        "The {action} action is invalid with the following principal(s): {principals}. Use a SAML provider "
        "principal with the sts:AssumeRoleWithSAML action or use an OIDC provider principal with the "
        "sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of the two "
        "options.",
    ),
    "MISSING_ACTION": ("ERROR", "Add an Action or NotAction element to the policy statement."),
    "MISSING_ARN_ACCOUNT": (
        "ERROR",
        "The resource {resource} in the arn is missing an account id. Please provide a 12 digit account id.",
    ),
    "MISSING_ARN_FIELD": (
        "ERROR",
        "Resource ARNs must include at least {fields} fields in the following structure: "
        "arn:partition:service:region:account:resource",
    ),
    "MISSING_ARN_REGION": ("ERROR", "Add a Region to the {service} resource ARN."),
    "MISSING_BRACE_IN_VARIABLE": (
        "ERROR",
        "The policy variable is missing a closing curly brace. Add }} after the variable text.",
    ),
    "MISSING_EFFECT": (
        "ERROR",
        "Add an Effect element to the policy statement with a value of Allow or Deny.",
    ),
    "MISSING_PRINCIPAL": ("ERROR", "Add a Principal element to the policy statement."),
    "MISSING_QUALIFIER": (
        "ERROR",
        "The request context key {key} has multiple values. Use the ForAllValues or ForAnyValue condition key "
        "qualifiers in your policy.",
    ),
    "MISSING_QUOTE_IN_VARIABLE": (
        "ERROR",
        "The policy variable default value must begin and end with a single quote. Add the missing quote.",
    ),
    "MISSING_RESOURCE": ("ERROR", "Add a Resource or NotResource element to the policy statement."),
    "MISSING_STATEMENT": ("ERROR", "Add a statement to the policy"),
    "MISSING_TAG_KEY_IN_CONDITION": (
        "ERROR",
        "The condition key {key} must include a tag key to control access based on tags. Use the format "
        "{key}tag-key and specify a key name for tag-key.",
    ),
    "NULL_WITH_IF_EXISTS": (
        "ERROR",
        "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.",
    ),
    "POLICY_SIZE_EXCEEDS_RCP_QUOTA": (
        "ERROR",
        "The {size} characters in the resource control policy (RCP) exceed the {quota} character maximum for "
        "RCPs. We recommend that you use multiple granular policies.",
    ),
    "POLICY_SIZE_EXCEEDS_SCP_QUOTA": (
        "ERROR",
        "The {size} characters in the service control policy (SCP) exceed the {quota} character maximum for "
        "SCPs. We recommend that you use multiple granular policies.",
    ),
    "PRIVATE_IP_ADDRESS": (
        "ERROR",
        "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include "
        "only private IP addresses and will not have the desired effect. Update the value to include only public "
        "IP addresses.",
    ),
    "PRIVATE_NOT_IP_ADDRESS": (
        "ERROR",
        "The values for condition key aws:SourceIp include only private IP addresses and has no effect. "
        "aws:SourceIp works only for public IP address ranges. Update the value to include only public IP "
        "addresses.",
    ),
    "RCP_SYNTAX_ERROR_ACTION": (
        "ERROR",
        "RCPs only support specifying select service prefixes in the Action element. Learn more here.",
    ),
    "RCP_SYNTAX_ERROR_ALLOW": (
        "ERROR",
        'RCPs only support specifying all principals ("*") in the Principal element, all resources ("*") in the '
        "Resource element, and no Condition element with an effect of Allow.",
    ),
    "RCP_SYNTAX_ERROR_NOTACTION": (
        "ERROR",
        "RCPs do not support the NotAction element. Update to use the Action element.",
    ),
    "RCP_SYNTAX_ERROR_PRINCIPAL": (
        "ERROR",
        'The Principal element contents are not valid. RCPs only support specifying all principals ("*") in the '
        "Principal element. The NotPrincipal element is not supported for RCPs.",
    ),
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL": (
        "ERROR",
        "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.",
    ),
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE": (
        "ERROR",
        "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove "
        "the Resource or NotResource element.",
    ),
    "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL": (
        "ERROR",
        '"Principal:" "*" is not supported in the principal element of a role trust policy. Replace the wildcard '
        "with a valid principal value.",
    ),
    "SCP_SYNTAX_ERROR_PRINCIPAL": (
        "ERROR",
        "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.",
    ),
    "TYPE_MISMATCH_IP_RANGE": (
        "ERROR",
        "The condition operator {operator} is used with an invalid IP range value. Specify the IP range in "
        "standard CIDR format.",
    ),
    "UNIQUE_SIDS_REQUIRED": (
        "ERROR",
        "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
    ),
    "UNSUPPORTED_ACTION_FOR_CONDITION_KEY": (
        "ERROR",
        "The following actions: {actions} are not supported by the condition key {key}. The condition will not "
        "be evaluated for these actions. We recommend that you move these actions to a different statement "
        "without this condition key.",
    ),
    "UNSUPPORTED_ELEMENT_COMBINATION": (
        "ERROR",
        "The policy elements {element1} and {element2} can not be used in the same statement. Remove one of "
        "these elements.",
    ),
    "UNSUPPORTED_GLOBAL_CONDITION_KEY": (
        "ERROR",
        "The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.",
    ),
    "UNSUPPORTED_PRINCIPAL": (
        "ERROR",
        "The policy type {policy_type} does not support the Principal element. Remove the Principal element.",
    ),
    "UNSUPPORTED_SID": (
        "ERROR",
        "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]",
    ),
    "UNSUPPORTED_SPACE_IN_VARIABLE": (
        "ERROR",
        "A space is not supported within the policy variable text. Remove the space.",
    ),
    "UNSUPPORTED_WILDCARD_IN_PRINCIPAL": (
        "ERROR",
        "Wildcards (*, ?) are not supported with the principal key {principal_key}. Replace the wildcard with a "
        "valid principal value.",
    ),
    "VARIABLE_UNSUPPORTED_IN_ELEMENT": (
        "ERROR",
        "Policy variables are supported in the Resource and Condition elements. Remove the policy variable "
        "{variable} from this element.",
    ),
    "VARIABLE_UNSUPPORTED_IN_VERSION": (
        "ERROR",
        "To include variables in your policy, use the policy version 2012-10-17 or later.",
    ),
    # General warnings (the API's findingType is WARNING).
    "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE": (
        "WARNING",
        "Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows "
        "iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource "
        "ARNs instead.",
    ),
    "CREATE_SLR_WITH_NOT_RESOURCE": (
        "WARNING",
        "Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended "
        "service-linked roles for multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": (
        "WARNING",
        "Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles "
        "because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you "
        "specify resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE": (
        "WARNING",
        "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles "
        "because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify "
        "resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_RESOURCE": (
        "WARNING",
        "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of "
        "unintended service-linked roles. We recommend that you specify resource ARNs instead.",
    ),
    "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": (
        "WARNING",
        "Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles "
        "because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify "
        "resource ARNs instead.",
    ),
    "INVALID_DATE_VALUE": (
        "WARNING",
        "The date {date} might not resolve as expected. We recommend that you use the YYYY-MM-DD format.",
    ),
    "INVALID_ROLE_REFERENCE": (
        "WARNING",
        "The Principal element includes the IAM role ID {roleid}. We recommend that you use a role ARN instead.",
    ),
    "INVALID_USER_REFERENCE": (
        "WARNING",
        "The Principal element includes the IAM user ID {userid}. We recommend that you use a user ARN instead.",
    ),
    "MISSING_VERSION": (
        "WARNING",
        "We recommend that you specify the Version element to help you with debugging permission issues.",
    ),
    "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA": (
        "WARNING",
        "The {size} characters in the identity policy, excluding whitespace, exceed the {quota} character maximum "
        "for inline and managed policies. We recommend that you use multiple granular policies.",
    ),
    "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA": (
        "WARNING",
        "The characters in the role trust policy, excluding whitespace, exceed the character maximum. We recommend "
        "that you request a role trust policy length quota increase using Service Quotas and AWS Support Center. "
        "If the quotas have already been increased, then you can ignore this warning.",
    ),
    "TYPE_MISMATCH": (
        "WARNING",
        "Use the operator type {allowed} instead of operator {operator} for the condition key {key}.",
    ),
    "TYPE_MISMATCH_BOOLEAN": (
        "WARNING",
        "Add a valid Boolean value (true or false) for the condition operator {operator}.",
    ),
    "TYPE_MISMATCH_DATE": (
        "WARNING",
        "The date condition operator is used with an invalid value. Specify a valid date using YYYY-MM-DD or other "
        "ISO 8601 date/time format.",
    ),
    "TYPE_MISMATCH_NUMBER": ("WARNING", "Add a valid numeric value for the condition operator {operator}."),
    "TYPE_MISMATCH_STRING": (
        "WARNING",
        "Add a valid base64-encoded string value for the condition operator {operator}.",
    ),
    "UNIQUE_SIDS_RECOMMENDED": (
        "WARNING",
        "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
    ),
    "WILDCARD_WITHOUT_LIKE_OPERATOR": (
        "WARNING",
        "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the "
        "condition operator to include Like.",
    ),
    # Security warnings.
    "ALLOW_WITH_NOT_PRINCIPAL": (
        "SECURITY_WARNING",
        "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.",
    ),
    "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        "SECURITY_WARNING",
        "Using the effect Deny with the tag condition key {key} and actions for services with the following "
        "prefixes can be overly permissive: {services}. Actions for the listed services are not denied by this "
        "statement. We recommend that you move these actions to a different statement without this condition key.",
    ),
    "FORALLVALUES_WITH_SINGLE_VALUED_KEY": (
        "SECURITY_WARNING",
        "Using ForAllValues qualifier with the single-valued condition key {key} can be overly permissive. We "
        "recommend that you remove ForAllValues:.",
    ),
    "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE": (
        "SECURITY_WARNING",
        "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions "
        "on multiple resources.. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_NOT_RESOURCE": (
        "SECURITY_WARNING",
        "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole "
        "permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE": (
        "SECURITY_WARNING",
        "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow "
        "iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
    ),
    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE": (
        "SECURITY_WARNING",
        "Using wildcards (*) in the action and the resource can be overly permissive because it allows "
        "iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the "
        "iam:PassedToService condition key to your statement.",
    ),
    "PASS_ROLE_WITH_STAR_IN_RESOURCE": (
        "SECURITY_WARNING",
        "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it "
        "allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add "
        "the iam:PassedToService condition key to your statement.",
    ),
    "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION": (
        "SECURITY_WARNING",
        "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole "
        "permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService "
        "condition key to your statement.",
    ),
    # Suggestions.
    "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE": (
        "SUGGESTION",
        "Using the effect Allow with the tag condition key {key} and actions for services with the following "
        "prefixes does not affect the policy: {services}. Actions for the listed service are not allowed by this "
        "statement. We recommend that you move these actions to a different statement without this condition key.",
    ),
    "EMPTY_ARRAY_ACTION": (
        "SUGGESTION",
        "This statement includes no actions and does not affect the policy. Specify actions.",
    ),
    "EMPTY_ARRAY_CONDITION": (
        "SUGGESTION",
        "There are no values for the condition key {key} and it does not affect the policy. Specify conditions.",
    ),
    "EMPTY_ARRAY_CONDITION_FORALLVALUES": (
        "SUGGESTION",
        "The ForAllValues prefix with an empty condition key matches only if the key {key} is missing from the "
        "request context. To determine if the request context is empty, we recommend that you use the Null "
        "condition operator with the value of true instead.",
    ),
    "EMPTY_ARRAY_CONDITION_FORANYVALUE": (
        "SUGGESTION",
        "The ForAnyValue prefix with an empty condition key {key} never matches the request context and it does "
        "not affect the policy. Specify conditions.",
    ),
    "EMPTY_ARRAY_CONDITION_IFEXISTS": (
        "SUGGESTION",
        "The IfExists suffix with an empty condition key matches only if the key {key} is missing from the request "
        "context. To determine if the request context is empty, we recommend that you use the Null condition "
        "operator with the value of true instead.",
    ),
    "EMPTY_ARRAY_PRINCIPAL": (
        "SUGGESTION",
        "This statement includes no principals and does not affect the policy. Specify principals.",
    ),
    "EMPTY_ARRAY_RESOURCE": (
        "SUGGESTION",
        "This statement includes no resources and does not affect the policy. Specify resources.",
    ),
    "EMPTY_OBJECT_CONDITION": (
        "SUGGESTION",
        "This condition block is empty and it does not affect the policy. Specify conditions.",
    ),
    "EMPTY_OBJECT_PRINCIPAL": (
        "SUGGESTION",
        "This statement includes no principals and does not affect the policy. Specify principals.",
    ),
    "EMPTY_SID_VALUE": ("SUGGESTION", "Add a value to the empty string in the Sid element."),
    "IMPROVE_IP_RANGE": (
        "SUGGESTION",
        "The non-zero bits in the IP address after the masked bits are ignored. Replace address with {address}.",
    ),
    "NULL_WITH_QUALIFIER": (
        "SUGGESTION",
        "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they "
        "always return a true or false respectively.",
    ),
    "PRIVATE_IP_ADDRESS_SUBSET": (
        "SUGGESTION",
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private "
        "addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. To "
        "define permissions for private IP ranges, use aws:VpcSourceIp.",
    ),
    "PRIVATE_NOT_IP_ADDRESS_SUBSET": (
        "SUGGESTION",
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private "
        "addresses have no effect. aws:SourceIp works only for public IP address ranges. To define permissions for "
        "private IP ranges, use aws:VpcSourceIp.",
    ),
    "REDUNDANT_ACTION": (
        "SUGGESTION",
        "The {count} action(s) are redundant because they provide similar permissions. Update the policy to remove "
        "the redundant action such as: {action}.",
    ),
    "REDUNDANT_CONDITION_VALUE_NUM": (
        "SUGGESTION",
        "Multiple values in {operator} are redundant. Replace with the {extreme} single value for {key}.",
    ),
    "REDUNDANT_RESOURCE": (
        "SUGGESTION",
        "The {count} resource ARN(s) are redundant because they reference the same resource. Review the use of "
        "wildcards (*)",
    ),
    "REDUNDANT_STATEMENT": (
        "SUGGESTION",
        "The statements are redundant because they provide identical permissions. Update the policy to remove the "
        "redundant statement.",
    ),
    "WILDCARD_IN_SERVICE_NAME": (
        "SUGGESTION",
        "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS "
        "services with similar names.",
    ),
}

_LINK_KIND = {
    "ERROR": "error",
    "SECURITY_WARNING": "security-warning",
    "WARNING": "general-warning",
    "SUGGESTION": "suggestion",
}
_LINK = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
# Checks whose category changed in the reference (TYPE_MISMATCH_IP_RANGE is an error now).
_LINK_SLUG = {"TYPE_MISMATCH_IP_RANGE": "error-type-mismatch-ip-range"}


def _learn_more(code: str, finding_type: str) -> str:
    slug = _LINK_SLUG.get(code) or f"{_LINK_KIND[finding_type]}-{code.lower().replace('_', '-')}"
    return f"{_LINK}#access-analyzer-reference-policy-checks-{slug}"


def _json_finding(text: str, exc: JSONPosError) -> dict:
    pos = position_of(text, exc.offset)
    details = CHECKS["JSON_SYNTAX_ERROR"][1].format(index=exc.offset, line=pos["line"], column=pos["column"])
    return {
        "findingType": "ERROR",
        "issueCode": "JSON_SYNTAX_ERROR",
        "findingDetails": details,
        "learnMoreLink": _learn_more("JSON_SYNTAX_ERROR", "ERROR"),
        "locations": [{"path": [], "span": {"start": pos, "end": pos}}],
    }


Path = list  # of {"value": str} / {"index": int}


@dataclass(slots=True)
class _Loc:
    path: Path
    node: Node


@dataclass(slots=True)
class _Statement:
    path: Path
    node: Node
    index: int

    def at(self, *steps: Any) -> Path:
        return self.path + [{"value": s} if isinstance(s, str) else {"index": s} for s in steps]


_VARIABLE = re.compile(r"\$\{")
_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?|-isob)?-[a-z]+-\d+")
_ROLE_ID = re.compile(r"AROA[A-Z0-9]{16,}")
_USER_ID = re.compile(r"AIDA[A-Z0-9]{16,}")
_PRIVATE_NETS = [
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
]
_MULTIVALUED_GLOBALS = frozenset(k for k, v in catalog.GLOBAL_CONDITION_KEYS.items() if v.multivalued)
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


def _glob(pattern: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@lru_cache(maxsize=8192)
def _glob_regex(pattern: str, ignore_case: bool) -> re.Pattern:
    return re.compile(_glob(pattern), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _glob_covers(general: str, specific: str, *, ignore_case: bool) -> bool:
    """Whether every string `specific` (itself a glob) matches is matched by `general`."""
    if "*" not in general and "?" not in general:
        return general.lower() == specific.lower() if ignore_case else general == specific
    return _glob_regex(general, ignore_case).fullmatch(specific) is not None


class _Checker:
    def __init__(self, doc: Document, policy_type: str):
        self.doc = doc
        self.type = policy_type
        self.findings: list[tuple[int, int, dict]] = []
        self.root = doc.root
        self.version: str | None = None

    # -- output ----------------------------------------------------------------------

    def add(self, code: str, locs: Iterable[_Loc], **fmt: Any) -> None:
        finding_type, template = CHECKS[code]
        locations = [{"path": loc.path, "span": self.doc.span(loc.node)} for loc in locs]
        finding = {
            "findingType": finding_type,
            "issueCode": code,
            "findingDetails": template.format(**fmt),
            "learnMoreLink": _learn_more(code, finding_type),
            "locations": locations,
        }
        first = locations[0]["span"]["start"]["offset"] if locations else 0
        self.findings.append((first, len(self.findings), finding))

    def run(self) -> list[dict]:
        root = self.root
        if root.kind != "object":
            self.add("DATA_TYPE_MISMATCH", [_Loc([], root)], data_type="Object")
            return self._sorted()
        self.check_document()
        return self._sorted()

    def _sorted(self) -> list[dict]:
        return [f for _, _, f in sorted(self.findings, key=lambda t: (t[0], t[1]))]

    # -- document --------------------------------------------------------------------

    def check_document(self) -> None:
        root = self.root
        for key, value in root.members:
            if key.value not in TOP_ELEMENTS:
                self.add("INVALID_POLICY_ELEMENT", [_Loc([{"value": key.value}], value)], element=key.value)
        version = root.get("Version")
        if version is None:
            self.add("MISSING_VERSION", [_Loc([], root)])
        elif version.kind != "string":
            self.add("DATA_TYPE_MISMATCH", [_Loc([{"value": "Version"}], version)], data_type="String")
        else:
            self.version = version.value
            if version.value not in VALID_VERSIONS:
                self.add(
                    "INVALID_VERSION",
                    [_Loc([{"value": "Version"}], version)],
                    version=version.value,
                    versions=", ".join(VALID_VERSIONS),
                )
        policy_id = root.get("Id")
        if policy_id is not None and policy_id.kind != "string":
            self.add("DATA_TYPE_MISMATCH", [_Loc([{"value": "Id"}], policy_id)], data_type="String")
        statements = self.statements()
        if statements is None:
            return
        for st in statements:
            self.check_statement(st)
        self.check_sids(statements)
        self.check_redundant_statements(statements)
        self.check_size()

    def statements(self) -> list[_Statement] | None:
        node = self.root.get("Statement")
        if node is None or (node.kind == "array" and not node.items):
            loc = _Loc([{"value": "Statement"}], node) if node is not None else _Loc([], self.root)
            self.add("MISSING_STATEMENT", [loc])
            return None
        if node.kind == "object":
            return [_Statement([{"value": "Statement"}], node, 0)]
        if node.kind != "array":
            self.add("DATA_TYPE_MISMATCH", [_Loc([{"value": "Statement"}], node)], data_type="Array")
            return None
        out = []
        for i, item in enumerate(node.items):
            path = [{"value": "Statement"}, {"index": i}]
            if item.kind != "object":
                self.add("DATA_TYPE_MISMATCH", [_Loc(path, item)], data_type="Object")
                continue
            out.append(_Statement(path, item, i))
        return out

    def check_size(self) -> None:
        size, limit = size_for_quota(self.doc.text, self.type)
        if limit is None or size <= limit:
            return
        loc = [_Loc([], self.root)]
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

    def check_sids(self, statements: list[_Statement]) -> None:
        seen: set[str] = set()
        required = self.type != "resource"
        for st in statements:
            sid = st.node.get("Sid")
            if sid is None:
                continue
            loc = _Loc(st.at("Sid"), sid)
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

    def check_redundant_statements(self, statements: list[_Statement]) -> None:
        seen: dict[str, _Statement] = {}
        for st in statements:
            body = {k.value: v.to_python() for k, v in st.node.members if k.value != "Sid"}
            key = json.dumps(_normalise(body), sort_keys=True)
            if key in seen:
                first = seen[key]
                self.add("REDUNDANT_STATEMENT", [_Loc(first.path, first.node), _Loc(st.path, st.node)])
            else:
                seen[key] = st

    # -- statement -------------------------------------------------------------------

    def check_statement(self, st: _Statement) -> None:
        node = st.node
        present = set(node.keys())
        for key, value in node.members:
            if key.value not in STATEMENT_ELEMENTS:
                self.add("INVALID_POLICY_ELEMENT", [_Loc(st.at(key.value), value)], element=key.value)
        for a, b in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
            if a in present and b in present:
                self.add(
                    "UNSUPPORTED_ELEMENT_COMBINATION",
                    [_Loc(st.at(a), node.get(a)), _Loc(st.at(b), node.get(b))],
                    element1=a,
                    element2=b,
                )
        effect = node.get("Effect")
        effect_value = None
        if effect is None:
            self.add("MISSING_EFFECT", [_Loc(st.path, node)])
        elif effect.kind != "string":
            self.add("DATA_TYPE_MISMATCH", [_Loc(st.at("Effect"), effect)], data_type="String")
        elif effect.value not in ("Allow", "Deny"):
            self.add("INVALID_EFFECT", [_Loc(st.at("Effect"), effect)], effect=effect.value)
        else:
            effect_value = effect.value
        if "Action" not in present and "NotAction" not in present:
            self.add("MISSING_ACTION", [_Loc(st.path, node)])
        if "Resource" not in present and "NotResource" not in present:
            if self.type != "trust" and not (self.type == "resource" and self._trust_like(node)):
                self.add("MISSING_RESOURCE", [_Loc(st.path, node)])
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
        return bool(values) and all(_is_trust_action(v) for v in values)

    def _entries(self, st: _Statement, key: str) -> list[_Loc]:
        node = st.node.get(key)
        if node is None:
            return []
        if node.kind == "array":
            out = []
            for i, item in enumerate(node.items):
                if item.kind == "string":
                    out.append(_Loc(st.at(key, i), item))
                else:
                    self.add("DATA_TYPE_MISMATCH", [_Loc(st.at(key, i), item)], data_type="String")
            return out
        if node.kind == "string":
            return [_Loc(st.at(key), node)]
        self.add("DATA_TYPE_MISMATCH", [_Loc(st.at(key), node)], data_type="String")
        return []

    @staticmethod
    def _string_nodes(node: Node) -> list[Node]:
        if node.kind == "string":
            return [node]
        if node.kind == "array":
            return [n for n in node.items if n.kind == "string"]
        return []

    # -- principal -------------------------------------------------------------------

    def check_principal(self, st: _Statement, effect: str | None) -> None:
        node = st.node
        for key in ("Principal", "NotPrincipal"):
            value = node.get(key)
            if value is None:
                continue
            loc = _Loc(st.at(key), value)
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
                self.add("MISSING_PRINCIPAL", [_Loc(st.path, node)])
        if self.type == "trust":
            self.check_mismatched_action(st)

    def check_principal_value(self, st: _Statement, element: str, value: Node) -> None:
        loc = _Loc(st.at(element), value)
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
            kloc = _Loc(st.at(element, name), item)
            if name not in ("AWS", "CanonicalUser", "Federated", "Service"):
                self.add("INVALID_PRINCIPAL_KEY", [kloc], principal_key=name)
                continue
            if item.kind == "array" and not item.items:
                self.add("EMPTY_ARRAY_PRINCIPAL", [kloc])
                continue
            if name == "Federated" and self.type == "resource":
                self.add("FEDERATED_PRINCIPAL_NOT_SUPPORTED", [kloc])
            entries = (
                [_Loc(kloc.path, item)]
                if item.kind == "string"
                else [_Loc(kloc.path + [{"index": i}], n) for i, n in enumerate(item.items)]
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

    def check_mismatched_action(self, st: _Statement) -> None:
        principal = st.node.get("Principal")
        action = st.node.get("Action")
        if principal is None or principal.kind != "object" or action is None:
            return
        federated = principal.get("Federated")
        if federated is None:
            return
        if federated.kind == "string":
            fed_locs = [_Loc(st.at("Principal", "Federated"), federated)]
        else:
            fed_locs = [
                _Loc(st.at("Principal", "Federated", i), n)
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

    def _entries_quiet(self, st: _Statement, key: str) -> list[_Loc]:
        node = st.node.get(key)
        if node is None:
            return []
        if node.kind == "string":
            return [_Loc(st.at(key), node)]
        if node.kind == "array":
            return [_Loc(st.at(key, i), n) for i, n in enumerate(node.items) if n.kind == "string"]
        return []

    # -- actions ---------------------------------------------------------------------

    def check_actions(self, st: _Statement) -> None:
        for key in ("Action", "NotAction"):
            node = st.node.get(key)
            if node is None:
                continue
            if node.kind == "array" and not node.items:
                self.add("EMPTY_ARRAY_ACTION", [_Loc(st.at(key), node)])
                continue
            entries = self._entries(st, key)
            for entry in entries:
                self.check_action(entry)
            self.check_redundant(entries, "REDUNDANT_ACTION", ignore_case=True)

    def check_action(self, entry: _Loc) -> None:
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

    def check_redundant(self, entries: list[_Loc], code: str, *, ignore_case: bool) -> None:
        redundant = []
        texts = [e.node.value for e in entries]
        for i, text in enumerate(texts):
            for j, other in enumerate(texts):
                if i == j:
                    continue
                same = (other.lower() == text.lower()) if ignore_case else other == text
                if same and j > i:
                    continue  # of two equal entries the later one is the redundant one
                if _glob_covers(other, text, ignore_case=ignore_case):
                    redundant.append(entries[i])
                    break
        if redundant:
            if code == "REDUNDANT_ACTION":
                self.add(code, redundant, count=len(redundant), action=redundant[0].node.value)
            else:
                self.add(code, redundant, count=len(redundant))

    # -- resources -------------------------------------------------------------------

    def check_resources(self, st: _Statement) -> None:
        for key in ("Resource", "NotResource"):
            node = st.node.get(key)
            if node is None:
                continue
            loc = _Loc(st.at(key), node)
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

    def check_resource(self, entry: _Loc) -> None:
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
        if partition not in PARTITIONS and not _has_wildcard(partition):
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
        elif region and not _has_wildcard(region) and "${" not in region and not _REGION.fullmatch(region):
            self.add("INVALID_ARN_REGION", [entry], region=region)
        elif (
            account
            and not _has_wildcard(account)
            and "${" not in account
            and account != "aws"
            and not re.fullmatch(r"\d{12}", account)
        ):
            self.add("INVALID_ARN_ACCOUNT", [entry], account=account)

    # -- variables -------------------------------------------------------------------

    def check_variables(self, entry: _Loc, text: str) -> bool:
        """Report malformed ${...} variables in `text`; False when one was reported."""
        ok = True
        for m in _VARIABLE.finditer(text):
            end = text.find("}", m.end())
            if end == -1:
                self.add("MISSING_BRACE_IN_VARIABLE", [entry])
                return False
            inner = text[m.end() : end]
            if inner in ("*", "?", "$"):
                continue
            if not inner.strip():
                self.add("EMPTY_VARIABLE", [entry])
                ok = False
                continue
            name, comma, default = inner.partition(",")
            if " " in name.strip() or name != name.strip():
                self.add("UNSUPPORTED_SPACE_IN_VARIABLE", [entry])
                ok = False
                continue
            if comma:
                default = default.strip()
                if len(default) < 2 or not (default.startswith("'") and default.endswith("'")):
                    self.add("MISSING_QUOTE_IN_VARIABLE", [entry])
                    ok = False
                    continue
            if self.version != "2012-10-17":
                self.add("VARIABLE_UNSUPPORTED_IN_VERSION", [entry])
                ok = False
        return ok

    # -- conditions ------------------------------------------------------------------

    def check_condition(self, st: _Statement, effect: str | None) -> None:
        cond = st.node.get("Condition")
        if cond is None:
            return
        if cond.kind != "object":
            self.add("DATA_TYPE_MISMATCH", [_Loc(st.at("Condition"), cond)], data_type="Object")
            return
        if not cond.members:
            self.add("EMPTY_OBJECT_CONDITION", [_Loc(st.at("Condition"), cond)])
            return
        actions = [e.node.value for e in self._entries_quiet(st, "Action")]
        for op_key, block in cond.members:
            op = op_key.value
            oloc = _Loc(st.at("Condition", op), block)
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
                kloc = _Loc(st.at("Condition", op, key), value)
                earlier = spellings.get(key.lower())
                if earlier is not None and earlier != key:
                    self.add("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", [kloc], key=key)
                spellings.setdefault(key.lower(), key)
                self.check_condition_key(
                    st, kloc, op, base, family, qualifier, if_exists, key, value, effect, actions
                )

    def check_condition_key(
        self,
        st: _Statement,
        kloc: _Loc,
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

    def _condition_values(self, kloc: _Loc, value: Node) -> list[_Loc]:
        if value.kind == "array":
            return [_Loc(kloc.path + [{"index": i}], n) for i, n in enumerate(value.items)]
        return [_Loc(kloc.path, value)]

    def check_key_name(self, kloc: _Loc, key: str) -> catalog.ConditionKey | None:
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
        kloc: _Loc,
        op: str,
        base: str,
        family: str,
        qualifier: str | None,
        key: str,
        values: list[_Loc],
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
                elif not _legacy_date_ok(text.lower()):
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
            if key.lower() == "aws:sourcevpc" and family == "String" and not _has_wildcard(text):
                if not re.fullmatch(r"vpc-(?:[0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})", text):
                    self.add("INVALID_VPC_FORMAT", [vloc])
            if key.lower() == "aws:sourcevpce" and family == "String" and not _has_wildcard(text):
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

    def check_private_ips(self, kloc: _Loc, base: str, values: list[_Loc]) -> None:
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

    def check_action_support(self, st: _Statement, kloc: _Loc, key: str, actions: list[str]) -> None:
        # A service key (or an identity-provider key the service lists) used with actions of
        # that service that do not take it: the condition is not evaluated for them.
        unsupported: list[_Loc] = []
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

    def check_tag_support(self, kloc: _Loc, key: str, effect: str, actions: list[str]) -> None:
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

    # -- sensitive actions -----------------------------------------------------------

    def check_sensitive_action(self, st: _Statement, target: str, family: str) -> None:
        node = st.node
        action_entries = self._entries_quiet(st, "Action")
        not_action = node.get("NotAction")
        if not_action is not None:
            excluded = any(
                _glob_covers(n.value, target, ignore_case=True) for n in self._string_nodes(not_action)
            )
            if excluded:
                return
            literal = star = False
            action_locs = [_Loc(st.at("NotAction"), not_action)]
        else:
            literal = any(e.node.value.lower() == target for e in action_entries)
            star = not literal and any(
                _has_wildcard(e.node.value) and _glob_covers(e.node.value, target, ignore_case=True)
                for e in action_entries
            )
            if not (literal or star):
                return
            action_locs = [e for e in action_entries if _glob_covers(e.node.value, target, ignore_case=True)]
        if family == "PASS_ROLE" and self._has_key(st, "iam:passedtoservice"):
            return
        if node.get("NotResource") is not None:
            resource_loc = _Loc(st.at("NotResource"), node.get("NotResource"))
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

    def _has_key(self, st: _Statement, key: str) -> bool:
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

    def check_rcp(self, st: _Statement, effect: str | None) -> None:
        node = st.node
        not_action = node.get("NotAction")
        if not_action is not None:
            self.add("RCP_SYNTAX_ERROR_NOTACTION", [_Loc(st.at("NotAction"), not_action)])
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
                self.add("RCP_SYNTAX_ERROR_ALLOW", [_Loc(st.path, node)])


# ====================================================================================
# Helpers
# ====================================================================================


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


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _first_variable(text: str) -> str:
    start = text.find("${")
    end = text.find("}", start)
    return text[start : end + 1] if end != -1 else text[start:]


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
