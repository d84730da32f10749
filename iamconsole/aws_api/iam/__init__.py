"""IAM's operations on the wire. Each handler takes the acting principal and the request read from
botocore's model (its member names) and returns the output shape's members; writes go through the same
services as the console (authorized, atomic, recorded in Event history), reads authorize the operation
and are recorded as CloudTrail records them. Each module registers its family's handlers."""

from iamconsole.aws_api.iam import (
    account,
    credentials,
    details,
    last_accessed,
    policies,
    reports,
    roles,
    server_certificates,
    users,
)
from iamconsole.aws_api.iam.common import HANDLERS

__all__ = [
    "HANDLERS",
    "account",
    "credentials",
    "details",
    "last_accessed",
    "policies",
    "reports",
    "roles",
    "server_certificates",
    "users",
]
