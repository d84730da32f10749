"""IAM's typed errors: the console shows `message` inline; the API renders `code`, `message`, `status`."""


class AWSError(Exception):
    code = "ServiceFailure"
    status = 500
    sender_fault = False

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ValidationError(AWSError):
    code = "ValidationError"
    status = 400
    sender_fault = True


class InvalidInput(AWSError):
    code = "InvalidInput"
    status = 400
    sender_fault = True


class EntityAlreadyExists(AWSError):
    code = "EntityAlreadyExists"
    status = 409
    sender_fault = True


class NoSuchEntity(AWSError):
    code = "NoSuchEntity"
    status = 404
    sender_fault = True


class LimitExceeded(AWSError):
    code = "LimitExceeded"
    status = 409
    sender_fault = True


class DeleteConflict(AWSError):
    code = "DeleteConflict"
    status = 409
    sender_fault = True


class PasswordPolicyViolation(AWSError):
    code = "PasswordPolicyViolation"
    status = 400
    sender_fault = True


class InvalidAuthenticationCode(AWSError):
    code = "InvalidAuthenticationCode"
    status = 403
    sender_fault = True


class EntityTemporarilyUnmodifiable(AWSError):
    code = "EntityTemporarilyUnmodifiable"
    status = 409
    sender_fault = True


class MalformedPolicyDocument(AWSError):
    code = "MalformedPolicyDocument"
    status = 400
    sender_fault = True


class AccessDenied(AWSError):
    code = "AccessDenied"
    status = 403
    sender_fault = True


class InvalidUserType(AWSError):
    code = "InvalidUserType"
    status = 400
    sender_fault = True


class UnmodifiableEntity(AWSError):
    # Service-linked roles: only the service that owns one may change its trust or permissions.
    code = "UnmodifiableEntity"
    status = 400
    sender_fault = True


class ExpiredToken(AWSError):
    # STS: temporary credentials used after their expiration.
    code = "ExpiredToken"
    status = 400
    sender_fault = True


class InvalidClientTokenId(AWSError):
    code = "InvalidClientTokenId"
    status = 403
    sender_fault = True


class PackedPolicyTooLarge(AWSError):
    code = "PackedPolicyTooLarge"
    status = 400
    sender_fault = True


class InvalidAuthorizationMessage(AWSError):
    code = "InvalidAuthorizationMessageException"
    status = 400
    sender_fault = True


class InvalidIdentityToken(AWSError):
    """STS: a web identity token or SAML assertion that cannot be verified."""

    code = "InvalidIdentityToken"
    status = 400
    sender_fault = True


# SSH public keys, signing and server certificates (the codes and statuses of IAM's model)
class InvalidPublicKey(AWSError):
    code = "InvalidPublicKey"
    status = 400
    sender_fault = True


class DuplicateSSHPublicKey(AWSError):
    code = "DuplicateSSHPublicKey"
    status = 400
    sender_fault = True


class UnrecognizedPublicKeyEncoding(AWSError):
    code = "UnrecognizedPublicKeyEncoding"
    status = 400
    sender_fault = True


class MalformedCertificate(AWSError):
    code = "MalformedCertificate"
    status = 400
    sender_fault = True


class InvalidCertificate(AWSError):
    code = "InvalidCertificate"
    status = 400
    sender_fault = True


class DuplicateCertificate(AWSError):
    code = "DuplicateCertificate"
    status = 409
    sender_fault = True


class KeyPairMismatch(AWSError):
    code = "KeyPairMismatch"
    status = 400
    sender_fault = True


class ServiceNotSupported(AWSError):
    code = "NotSupportedService"
    status = 404
    sender_fault = True


# The credential report (GetCredentialReport): the codes and statuses of IAM's model. AWS answers them
# without a Message (boto3 then says "Unknown", the Go SDK an empty message), so they have none here.
class CredentialReportError(AWSError):
    sender_fault = True

    def __init__(self, message=""):
        super().__init__(message)


class ReportNotPresent(CredentialReportError):
    code = "ReportNotPresent"
    status = 410


class ReportExpired(CredentialReportError):
    code = "ReportExpired"
    status = 410


class ReportInProgress(CredentialReportError):
    code = "ReportInProgress"
    status = 404


# STS federation (AssumeRoleWithWebIdentity, AssumeRoleWithSAML): the codes and statuses of STS's model
class IDPCommunicationError(AWSError):
    code = "IDPCommunicationError"
    status = 400
    sender_fault = True


class ExpiredTokenException(AWSError):
    # An expired web identity token or SAML assertion (ExpiredToken is for request credentials).
    code = "ExpiredTokenException"
    status = 400
    sender_fault = True
