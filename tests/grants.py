"""Give a test's principal permissions the way an administrator would: an inline policy."""

import json

from policies.models import InlinePolicy

# The statements of AWS's managed policy IAMUserChangePassword.
CHANGE_OWN_PASSWORD = [
    {
        "Effect": "Allow",
        "Action": ["iam:ChangePassword"],
        "Resource": ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"],
    },
    {"Effect": "Allow", "Action": ["iam:GetAccountPasswordPolicy"], "Resource": "*"},
]

# AWS's example policy "Allows IAM users to manage their own credentials and MFA" (the parts this
# console uses): their own user page, access keys, console password and virtual MFA device.
MANAGE_OWN_CREDENTIALS = [
    {
        "Sid": "AllowViewAccountInfo",
        "Effect": "Allow",
        "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
        "Resource": "*",
    },
    {
        "Sid": "AllowManageOwnPasswordsAndKeys",
        "Effect": "Allow",
        "Action": [
            "iam:ChangePassword",
            "iam:GetUser",
            "iam:GetLoginProfile",
            "iam:ListAccessKeys",
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
            "iam:UpdateAccessKey",
            "iam:ListGroupsForUser",
            "iam:ListUserTags",
            "iam:ListAttachedUserPolicies",
        ],
        "Resource": "arn:aws:iam::*:user/${aws:username}",
    },
    {
        "Sid": "AllowManageOwnVirtualMFADevice",
        "Effect": "Allow",
        "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
        "Resource": "arn:aws:iam::*:mfa/*",
    },
    {
        "Sid": "AllowManageOwnUserMFA",
        "Effect": "Allow",
        "Action": [
            "iam:DeactivateMFADevice",
            "iam:EnableMFADevice",
            "iam:ListMFADevices",
            "iam:ResyncMFADevice",
        ],
        "Resource": "arn:aws:iam::*:user/${aws:username}",
    },
]


def statement(actions, resource="*", effect="Allow", condition=None):
    result = {"Effect": effect, "Action": actions, "Resource": resource}
    if condition:
        result["Condition"] = condition
    return result


def grant(*statements, user=None, group=None, role=None, name="granted"):
    """An inline policy with `statements` on the user, group or role."""
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return InlinePolicy.objects.create(
        user=user, group=group, role=role, name=name, document=json.dumps(document)
    )
