"""The policy types validate() takes, the ones IAM itself stores, and their size quotas."""

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
    "session",
)
# A session policy (STS's Policy parameter) is an identity policy IAM never stores: no size quota of
# its own (STS caps the parameter at 2,048 characters and packs it with the tags), and, like an
# inline policy, it may omit Version.
IDENTITY_TYPES = frozenset({"managed", "inline-user", "inline-group", "inline-role", "boundary", "session"})
IAM_TYPES = IDENTITY_TYPES | {"trust"}  # the documents IAM itself stores

# IAM and AWS STS quotas (reference_iam-quotas), Organizations quotas (orgs_reference_limits; SCPs
# went from 5,120 to 10,240 characters on 15 May 2026, RCPs stayed at 5,120).
SIZE_LIMITS = {
    "managed": 6144,
    "boundary": 6144,
    "inline-user": 2048,
    "inline-group": 5120,
    "inline-role": 10240,
    "trust": 2048,
    "scp": 10240,
    "rcp": 5120,
}


def size_for_quota(text: str, policy_type: str = "managed") -> tuple[int, int | None]:
    """(size as the quota counts it, the quota) for a document; the quota is None if none applies.

    IAM counts characters other than white space (GetAccountSummary: "in non-whitespace
    characters"); Organizations counts every character of an SCP or RCP.
    """
    check_type(policy_type)
    limit = SIZE_LIMITS.get(policy_type)
    if policy_type in ("scp", "rcp"):
        return len(text), limit
    return sum(1 for c in text if c not in " \t\n\r"), limit


def check_type(policy_type: str) -> None:
    if policy_type not in POLICY_TYPES:
        raise ValueError(f"unknown policy type {policy_type!r}; expected one of {', '.join(POLICY_TYPES)}")
