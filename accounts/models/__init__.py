from .account import Account, PasswordHistory, PasswordPolicy, normalized_email
from .audit import AuditEvent, AuditEventResource, ServiceLastAccess
from .credentials import (
    CredentialStatus,
    ServerCertificate,
    ServerCertificateTag,
    ServiceSpecificCredential,
    SigningCertificate,
    SSHPublicKey,
)
from .identities import (
    AccessKey,
    EntityTag,
    Group,
    GroupMembership,
    IAMUser,
    LoginProfile,
    MFADevice,
    MFADeviceTag,
    UserTag,
)
from .reports import CredentialReport
from .signin import SignInFailure
from .sts import TemporaryCredential

__all__ = [
    "AccessKey",
    "Account",
    "AuditEvent",
    "CredentialReport",
    "AuditEventResource",
    "CredentialStatus",
    "EntityTag",
    "Group",
    "GroupMembership",
    "IAMUser",
    "LoginProfile",
    "MFADevice",
    "MFADeviceTag",
    "PasswordHistory",
    "PasswordPolicy",
    "SSHPublicKey",
    "ServerCertificate",
    "ServerCertificateTag",
    "ServiceSpecificCredential",
    "ServiceLastAccess",
    "SignInFailure",
    "SigningCertificate",
    "TemporaryCredential",
    "UserTag",
    "normalized_email",
]
