"""IAM Identity Center's typed errors (sso-admin and identitystore), named as their APIs return them:
JSON 1.1's `{"__type": code, "Message": message}`."""

from aws.errors import AWSError


class IdentityCenterError(AWSError):
    status = 400
    sender_fault = True


class ValidationException(IdentityCenterError):
    code = "ValidationException"


class ResourceNotFoundException(IdentityCenterError):
    code = "ResourceNotFoundException"


class ConflictException(IdentityCenterError):
    code = "ConflictException"


class AccessDeniedException(IdentityCenterError):
    code = "AccessDeniedException"


class ServiceQuotaExceededException(IdentityCenterError):
    code = "ServiceQuotaExceededException"
