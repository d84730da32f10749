"""ARNs and the principals that make requests.

An ARN has six colon-separated parts, `arn:partition:service:region:account-id:resource`; the
resource part may itself hold colons (`log-group:name:*`), so only the first five colons split.

The caller of a request is one of the principal kinds AWS documents (IAM JSON policy elements:
Principal): the root user, an IAM user, an assumed-role session, an AWS STS federated user, an AWS
service, a web-identity or SAML identity provider (AssumeRoleWithWebIdentity / AssumeRoleWithSAML),
or nobody at all (an unsigned, anonymous request).
"""

import functools
import re
from dataclasses import dataclass, field

__all__ = [
    "ANONYMOUS",
    "DEFAULT_PRINCIPAL",
    "Arn",
    "Caller",
    "InvalidPrincipal",
    "account_of_resource",
    "parse_arn",
    "parse_caller",
    "split_arn",
]

DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:user/simulated"
ANONYMOUS = "anonymous"

ACCOUNT_ID = re.compile(r"\d{12}")

# Kinds of caller.
ROOT = "root"
USER = "user"
SESSION = "assumed-role"
ROLE = "role"  # a role ARN given as the caller, as IAM's simulator allows: a session of that role
FEDERATED_USER = "federated-user"
SERVICE = "service"
IDENTITY_PROVIDER = "identity-provider"
ANONYMOUS_KIND = "anonymous"

# The identity providers built into STS that appear in "Federated" principals without an ARN.
BUILT_IN_IDENTITY_PROVIDERS = frozenset(
    {"accounts.google.com", "graph.facebook.com", "www.amazon.com", "cognito-identity.amazonaws.com"}
)


class InvalidPrincipal(ValueError):
    """The request's principal is none of the forms a caller can take."""


@dataclass(frozen=True, slots=True)
class Arn:
    """The six parts of an ARN."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def split_arn(text: str) -> list[str] | None:
    """The six parts of `text` (the last may hold colons), or None when it is not an ARN."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts


def parse_arn(text: str) -> Arn | None:
    """`text` as an Arn, or None when it is not one."""
    parts = split_arn(text)
    if parts is None:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def account_of_resource(resource: str) -> str | None:
    """The 12-digit account a resource ARN names, or None (S3 buckets, `*`, AWS managed policies)."""
    parts = split_arn(resource)
    if parts is None or not ACCOUNT_ID.fullmatch(parts[4]):
        return None
    return parts[4]


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal making a request, with the names policies may use for it."""

    kind: str
    arn: str  # as given (the session ARN for an assumed role; the service name for a service)
    account: str | None = None
    partition: str = "aws"
    name: str | None = None  # user name, role name, federated user name
    session_name: str | None = None
    role_arn: str | None = None  # for sessions: the role's ARN (no path; the context may give it)
    # Worked out once (the evaluator reads them on every request):
    is_session: bool = field(init=False)  # session policies can apply (role / federated user sessions)
    has_identity_policies: bool = field(init=False)  # identity policies and boundaries can apply
    in_account: bool = field(init=False)  # belongs to an account, and so to its organization's SCPs
    principal_arn: str | None = field(init=False)  # aws:PrincipalArn: the role's ARN for a session

    def __post_init__(self):
        kind = self.kind
        object.__setattr__(self, "is_session", kind in (SESSION, ROLE, FEDERATED_USER))
        object.__setattr__(self, "has_identity_policies", kind in (USER, SESSION, ROLE, FEDERATED_USER))
        object.__setattr__(self, "in_account", self.account is not None)
        if kind in (SESSION, ROLE):
            principal_arn = self.role_arn
        elif kind in (USER, ROOT, FEDERATED_USER):
            principal_arn = self.arn
        else:
            principal_arn = None
        object.__setattr__(self, "principal_arn", principal_arn)


@functools.lru_cache(maxsize=4096)
def parse_caller(text: str) -> Caller:
    """The request's `principal` string as a Caller; InvalidPrincipal when it is none of the forms."""
    if not isinstance(text, str) or not text:
        raise InvalidPrincipal("principal must be a non-empty string")
    if text == ANONYMOUS:
        return Caller(ANONYMOUS_KIND, text)
    if ACCOUNT_ID.fullmatch(text):
        # A bare account ID stands for the account, as in a Principal element; its caller is root.
        return Caller(ROOT, f"arn:aws:iam::{text}:root", text)
    parts = split_arn(text)
    if parts is None:
        if text in BUILT_IN_IDENTITY_PROVIDERS:
            return Caller(IDENTITY_PROVIDER, text)
        if "." in text and ":" not in text and "/" not in text:
            return Caller(SERVICE, text)
        raise InvalidPrincipal(f"principal {text!r} is not an ARN, a service principal or 'anonymous'")
    _, partition, service, _region, account, resource = parts
    if not ACCOUNT_ID.fullmatch(account):
        raise InvalidPrincipal(f"principal {text!r} does not name a 12-digit account")
    if service == "iam":
        if resource == "root":
            return Caller(ROOT, text, account, partition)
        kind, _, rest = resource.partition("/")
        if kind == "user" and rest:
            return Caller(USER, text, account, partition, name=rest.rsplit("/", 1)[-1])
        if kind == "role" and rest:
            return Caller(ROLE, text, account, partition, name=rest.rsplit("/", 1)[-1], role_arn=text)
        if kind in ("saml-provider", "oidc-provider") and rest:
            return Caller(IDENTITY_PROVIDER, text)
    elif service == "sts":
        kind, _, rest = resource.partition("/")
        if kind == "assumed-role":
            role, _, session = rest.partition("/")
            if role and session:
                role_arn = f"arn:{partition}:iam::{account}:role/{role}"
                return Caller(SESSION, text, account, partition, role, session, role_arn)
        if kind == "federated-user" and rest:
            return Caller(FEDERATED_USER, text, account, partition, name=rest)
    raise InvalidPrincipal(
        f"principal {text!r} is not a user, root, assumed-role session or federated user ARN"
    )


def role_name_of(arn: str) -> tuple[str, str] | None:
    """(account, role name) of a role ARN, path ignored; None when `arn` is not a role ARN."""
    parts = split_arn(arn)
    if parts is None or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    return parts[4], parts[5].rsplit("/", 1)[-1]
