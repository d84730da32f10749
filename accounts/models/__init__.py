from .account import Account, PasswordHistory, PasswordPolicy, normalized_email
from .audit import AuditEvent
from .identities import AccessKey, Group, GroupMembership, IAMUser, LoginProfile, MFADevice, UserTag
from .signin import SignInFailure
from .sts import TemporaryCredential

__all__ = [
    "AccessKey",
    "Account",
    "AuditEvent",
    "Group",
    "GroupMembership",
    "IAMUser",
    "LoginProfile",
    "MFADevice",
    "PasswordHistory",
    "PasswordPolicy",
    "SignInFailure",
    "TemporaryCredential",
    "UserTag",
    "normalized_email",
]
