"""AWS-shaped identifiers: account IDs, unique IDs (AIDA…, AGPA…), access key IDs and secrets."""

import secrets
import string
import uuid

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


# AWS Organizations' identifiers: lower-case letters and digits after a prefix.
_ORGANIZATIONS_ALPHABET = string.ascii_lowercase + string.digits


def _organizations_random(length):
    return "".join(secrets.choice(_ORGANIZATIONS_ALPHABET) for _ in range(length))


def new_organization_id():
    """o- followed by 10 characters (AWS's pattern allows 10 to 32)."""
    return f"o-{_organizations_random(10)}"


def new_root_id():
    """r- followed by 4 characters; the OUs under the root repeat them in their own IDs."""
    return f"r-{_organizations_random(4)}"


def new_ou_id(root_id):
    """ou-<the root's 4 characters>-<8 characters>."""
    return f"ou-{root_id.removeprefix('r-')}-{_organizations_random(8)}"


def new_organizations_policy_id():
    """p- followed by 8 characters."""
    return f"p-{_organizations_random(8)}"


def new_resource_policy_id():
    """rp- followed by 8 characters (AWS's pattern allows 4 to 128)."""
    return f"rp-{_organizations_random(8)}"


def new_handshake_id():
    """h- followed by 10 characters (AWS's pattern allows 8 to 32)."""
    return f"h-{_organizations_random(10)}"


def new_create_account_request_id():
    """car- followed by 32 characters, as CreateAccount's request IDs (AWS's pattern allows 8 to 32)."""
    return f"car-{_organizations_random(32)}"


def new_ssh_public_key_id():
    """APKA followed by 16 characters, as IAM's SSH public key IDs."""
    return new_access_key_id("APKA")


def new_server_certificate_id():
    return new_unique_id("ASCA")


def new_signing_certificate_id():
    """32 upper-case base32 characters (IAM's certificate IDs have no prefix)."""
    return "".join(secrets.choice(_BASE32) for _ in range(32))


def new_service_specific_credential_id():
    """ACCA followed by 17 characters, as IAM's service-specific credential IDs."""
    return new_unique_id("ACCA")


def new_service_password():
    """A 44-character password, as IAM makes them for CodeCommit and Amazon Keyspaces."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(43)) + "="


# IAM Identity Center's identifiers: lower-case hexadecimal after a prefix.


def _hex(length):
    return secrets.token_hex(length // 2 + 1)[:length]


def new_sso_instance_id():
    """ssoins- followed by 16 hexadecimal characters."""
    return f"ssoins-{_hex(16)}"


def new_identity_store_id():
    """d- followed by 10 hexadecimal characters."""
    return f"d-{_hex(10)}"


def new_permission_set_id():
    """ps- followed by 16 hexadecimal characters."""
    return f"ps-{_hex(16)}"


def new_directory_id():
    """An identity store's user, group or membership ID: 10 hexadecimal characters and a UUID, as
    Identity Center's own directory makes them."""
    return f"{_hex(10)}-{uuid.uuid4()}"


def new_request_id():
    """A provisioning request's ID: a UUID."""
    return str(uuid.uuid4())


def new_reserved_role_suffix():
    """The 16 hexadecimal characters that end an AWSReservedSSO_ role's name."""
    return _hex(16)
