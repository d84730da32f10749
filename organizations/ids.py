"""AWS Organizations' identifiers: lower-case letters and digits after a prefix."""

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits


def _random(length):
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_organization_id():
    """o- followed by 10 characters (AWS's pattern allows 10 to 32)."""
    return f"o-{_random(10)}"


def new_root_id():
    """r- followed by 4 characters; the OUs under the root repeat them in their own IDs."""
    return f"r-{_random(4)}"


def new_ou_id(root_id):
    """ou-<the root's 4 characters>-<8 characters>."""
    return f"ou-{root_id.removeprefix('r-')}-{_random(8)}"


def new_policy_id():
    """p- followed by 8 characters."""
    return f"p-{_random(8)}"


def new_handshake_id():
    """h- followed by 10 characters (AWS's pattern allows 8 to 32)."""
    return f"h-{_random(10)}"
