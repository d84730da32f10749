"""AWS-shaped identifiers: account IDs, unique IDs (AIDA…, AGPA…), access key IDs and secrets."""

import secrets

# IAM unique IDs and access key IDs use the upper-case letters A-Z and the digits 2-7 (base32).
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def new_account_id():
    """A random 12-digit account ID (leading zeros allowed, so always a string)."""
    return f"{secrets.randbelow(10**12):012d}"


def new_unique_id(prefix):
    """An IAM unique ID: a four-letter prefix (AIDA user, AGPA group, AROA role, ANPA policy…) + 17 chars."""
    return prefix + "".join(secrets.choice(_BASE32) for _ in range(17))


def new_access_key_id(prefix="AKIA"):
    """AKIA (long-term) or ASIA (temporary) followed by 16 characters."""
    return prefix + "".join(secrets.choice(_BASE32) for _ in range(16))


def new_secret_access_key():
    """A 40-character secret access key."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


# Named defaults for model fields (migrations need importable callables).
def new_user_id():
    return new_unique_id("AIDA")


def new_group_id():
    return new_unique_id("AGPA")


def new_policy_id():
    return new_unique_id("ANPA")


def new_role_id():
    return new_unique_id("AROA")


def new_instance_profile_id():
    return new_unique_id("AIPA")
