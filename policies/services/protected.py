"""Roles that only an AWS service may change: service-linked roles (their service) and IAM Identity
Center's reserved roles on /aws-reserved/sso.amazonaws.com/ (Identity Center's provisioning). IAM
refuses everyone else with UnmodifiableEntity."""

from aws.errors import UnmodifiableEntity

RESERVED_PATH = "/aws-reserved/"
SSO_RESERVED_PATH = "/aws-reserved/sso.amazonaws.com/"
SSO_SERVICE = "sso.amazonaws.com"


def unmodifiable(role):
    """What IAM answers when anyone but the owning service changes a protected role."""
    return UnmodifiableEntity(
        f"Cannot perform the operation on the protected role '{role.name}' - this role is only modifiable by AWS"
    )


def ensure_modifiable(role, acting):
    """Refuse trust, permissions and deletion changes on a protected role unless its service acts."""
    if role.is_service_linked:
        raise unmodifiable(role)
    if role.path.startswith(SSO_RESERVED_PATH) and getattr(acting, "invoked_by", "") != SSO_SERVICE:
        raise unmodifiable(role)


def reserved_path_refused(path, acting):
    """True when `path` is AWS's reserved path and the caller is not the service that owns it."""
    return path.startswith(RESERVED_PATH) and not (
        path.startswith(SSO_RESERVED_PATH) and getattr(acting, "invoked_by", "") == SSO_SERVICE
    )
