from .account import Account, PasswordHistory, PasswordPolicy, normalized_email
from .audit import AuditEvent
from .credentials import CredentialStatus, ServiceSpecificCredential, SigningCertificate, SSHPublicKey
from .identities import AccessKey, Group, GroupMembership, IAMUser, LoginProfile, MFADevice, UserTag
from .signin import SignInFailure
from .sts import TemporaryCredential

__all__ = [
    "AccessKey",
    "Account",
    "AuditEvent",
    "CredentialStatus",
    "Group",
    "GroupMembership",
    "IAMUser",
    "LoginProfile",
    "MFADevice",
    "PasswordHistory",
    "PasswordPolicy",
    "SSHPublicKey",
    "ServiceSpecificCredential",
    "SignInFailure",
    "SigningCertificate",
    "TemporaryCredential",
    "UserTag",
    "normalized_email",
]
