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


# sso-oidc (REST-JSON): OAuth 2.0's error in `error`, its description in `error_description`.


class OidcError(AWSError):
    status = 400
    sender_fault = True
    oauth_error = "invalid_request"


class InvalidRequestException(OidcError):
    code = "InvalidRequestException"


class InvalidClientException(OidcError):
    code = "InvalidClientException"
    status = 401
    oauth_error = "invalid_client"


class InvalidClientMetadataException(OidcError):
    code = "InvalidClientMetadataException"
    oauth_error = "invalid_client_metadata"


class InvalidGrantException(OidcError):
    code = "InvalidGrantException"
    oauth_error = "invalid_grant"


class UnsupportedGrantTypeException(OidcError):
    code = "UnsupportedGrantTypeException"
    oauth_error = "unsupported_grant_type"


class AuthorizationPendingException(OidcError):
    code = "AuthorizationPendingException"
    oauth_error = "authorization_pending"


class SlowDownException(OidcError):
    code = "SlowDownException"
    oauth_error = "slow_down"


class ExpiredTokenException(OidcError):
    code = "ExpiredTokenException"
    oauth_error = "expired_token"


# sso, the access portal's API (REST-JSON): `{"message": …}`.


class UnauthorizedException(IdentityCenterError):
    code = "UnauthorizedException"
    status = 401


class ForbiddenException(IdentityCenterError):
    code = "ForbiddenException"
    status = 403
