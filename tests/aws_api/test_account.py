"""Login profiles, passwords, virtual MFA devices and the account (alias, password policy, summary)
through boto3 against the live server."""

import datetime
import time

import botocore.session
import pyotp
import pytest
from botocore.exceptions import ClientError
from django.contrib.auth.hashers import check_password

from access.acting import Acting
from accounts.models import AuditEvent, LoginProfile, MFADevice, PasswordPolicy
from accounts.services.mfa import mfa_device_enable
from aws.names import PATH_INVALID
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .conftest import allow

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Correct-Horse-9"


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def consecutive_codes(seed, offset_seconds=0):
    """Two consecutive codes, as an authenticator app shows them: the previous step's and this one's."""
    totp = pyotp.TOTP(seed)
    now = time.time() + offset_seconds
    return totp.at(now - 30), totp.at(now)


# Login profiles and passwords


def test_login_profile_create_get_update_delete(iam):
    iam.create_user(UserName="carol")
    made = iam.create_login_profile(UserName="carol", Password=PASSWORD, PasswordResetRequired=True)
    assert made["LoginProfile"]["UserName"] == "carol" and made["LoginProfile"]["PasswordResetRequired"]
    assert isinstance(made["LoginProfile"]["CreateDate"], datetime.datetime)
    assert iam.get_login_profile(UserName="carol")["LoginProfile"]["PasswordResetRequired"] is True

    iam.update_login_profile(UserName="carol", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="carol")["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName="carol", Password="Another-Horse-10")
    assert check_password("Another-Horse-10", LoginProfile.objects.get(user__name="carol").password)

    iam.delete_login_profile(UserName="carol")
    error, status = error_of(iam.get_login_profile, UserName="carol")
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "Login Profile for User carol cannot be found.",
        404,
    )


def test_login_profile_errors(iam):
    iam.create_user(UserName="dave")
    error, status = error_of(iam.create_login_profile, UserName="dave", Password="short")
    assert (error["Code"], error["Message"], status) == (
        "PasswordPolicyViolation",
        "Password should have a minimum length of 8",
        400,
    )
    iam.create_login_profile(UserName="dave", Password=PASSWORD)
    error, status = error_of(iam.create_login_profile, UserName="dave", Password=PASSWORD)
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "Login Profile for user dave already exists.",
        409,
    )
    error, status = error_of(iam.get_login_profile)  # the root user is not an IAM user
    assert (error["Code"], error["Message"], status) == (
        "ValidationError",
        "Must specify userName when calling with non-User credentials",
        400,
    )
    error, _ = error_of(iam.get_login_profile, UserName="nobody")
    assert error["Message"] == "The user with name nobody cannot be found."


def test_a_user_changes_their_own_password(iam, iam_as):
    client, user = iam_as([allow("iam:ChangePassword", "iam:GetLoginProfile", resource="*")], name="erin")
    iam.create_login_profile(UserName="erin", Password=PASSWORD, PasswordResetRequired=True)
    assert client.get_login_profile()["LoginProfile"]["UserName"] == "erin"  # no name: the caller's own

    error, status = error_of(client.change_password, OldPassword="Wrong-Horse-1", NewPassword="New-Horse-11")
    assert (error["Code"], error["Message"], status) == (
        "InvalidInput",
        "The old password is incorrect.",
        400,
    )
    client.change_password(OldPassword=PASSWORD, NewPassword="New-Horse-11")
    profile = LoginProfile.objects.get(user=user)
    assert check_password("New-Horse-11", profile.password)
    assert profile.password_reset_required is False

    error, status = error_of(iam.change_password, OldPassword=PASSWORD, NewPassword="New-Horse-12")
    assert (error["Code"], error["Message"], status) == (
        "InvalidUserType",
        "Only IAM users can change their own password.",
        400,
    )


def test_login_profiles_allowed_and_refused_through_a_users_keys(iam, iam_as, api_account):
    iam.create_user(UserName="target")
    client, user = iam_as(
        [allow("iam:CreateLoginProfile", resource=f"arn:aws:iam::{api_account.id}:user/target")]
    )
    client.create_login_profile(UserName="target", Password=PASSWORD)
    error, status = error_of(client.get_login_profile, UserName="target")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:GetLoginProfile on resource: user target "
        "because no identity-based policy allows the iam:GetLoginProfile action"
    )
    events = AuditEvent.objects.filter(event_name__in=["CreateLoginProfile", "GetLoginProfile"])
    assert {(event.event_name, event.error_code) for event in events} == {
        ("CreateLoginProfile", ""),
        ("GetLoginProfile", "AccessDenied"),
    }


# Virtual MFA devices


def test_virtual_mfa_device_lifecycle(iam, api_account):
    iam.create_user(UserName="bob")
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob-phone")["VirtualMFADevice"]
    serial = f"arn:aws:iam::{api_account.id}:mfa/bob-phone"
    assert made["SerialNumber"] == serial
    seed = made["Base32StringSeed"].decode()  # boto3 decodes the base64 blob into the seed's bytes
    assert len(seed) == 64 and pyotp.TOTP(seed).now().isdigit()
    assert made["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")

    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert unassigned == [{"SerialNumber": serial}]  # the seed is never shown again
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"] == []

    code1, code2 = consecutive_codes(seed)
    iam.enable_mfa_device(
        UserName="bob", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [(d["SerialNumber"], d["User"]["UserName"]) for d in assigned] == [(serial, "bob")]
    assert isinstance(assigned[0]["EnableDate"], datetime.datetime) and "Base32StringSeed" not in assigned[0]
    listed = iam.list_mfa_devices(UserName="bob")["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [("bob", serial)]

    # A device whose clock runs five minutes ahead is resynchronized with two of its codes.
    code1, code2 = consecutive_codes(seed, offset_seconds=300)
    iam.resync_mfa_device(
        UserName="bob", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    assert MFADevice.objects.get(name="bob-phone").drift_steps == 10

    error, status = error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert (error["Code"], error["Message"], status) == ("DeleteConflict", "MFA device is still in use.", 409)
    iam.deactivate_mfa_device(UserName="bob", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="bob")["MFADevices"] == []
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    error, status = error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"MFA Device with serial number {serial} does not exist.",
        404,
    )


def test_enabling_needs_two_consecutive_valid_codes(iam, api_account):
    iam.create_user(UserName="bob")
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
    code1, code2 = consecutive_codes(made["Base32StringSeed"].decode())
    error, status = error_of(
        iam.enable_mfa_device,
        UserName="bob",
        SerialNumber=made["SerialNumber"],
        AuthenticationCode1=code2,
        AuthenticationCode2=code1,
    )
    assert (error["Code"], error["Message"], status) == (
        "InvalidAuthenticationCode",
        "Authentication code for device is not valid.",
        403,
    )
    assert MFADevice.objects.get(name="phone").enabled_at is None


def test_a_user_sets_up_their_own_device_and_cannot_enable_it_for_another(iam, iam_as, api_account):
    iam.create_user(UserName="victim")
    client, user = iam_as(
        [
            allow("iam:CreateVirtualMFADevice", resource=f"arn:aws:iam::{api_account.id}:mfa/*"),
            allow(
                "iam:EnableMFADevice",
                "iam:ListMFADevices",
                resource=f"arn:aws:iam::{api_account.id}:user/frank",
            ),
        ],
        name="frank",
    )
    made = client.create_virtual_mfa_device(VirtualMFADeviceName="frank-phone")["VirtualMFADevice"]
    seed, serial = made["Base32StringSeed"].decode(), made["SerialNumber"]

    code1, code2 = consecutive_codes(seed)
    error, status = error_of(
        client.enable_mfa_device,
        UserName="victim",
        SerialNumber=serial,
        AuthenticationCode1=code1,
        AuthenticationCode2=code2,
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:EnableMFADevice on resource: "
        f"arn:aws:iam::{api_account.id}:user/victim because no identity-based policy allows the "
        "iam:EnableMFADevice action"
    )
    assert MFADevice.objects.get(name="frank-phone").enabled_at is None

    client.enable_mfa_device(
        UserName="frank", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    assert [d["SerialNumber"] for d in client.list_mfa_devices()["MFADevices"]] == [serial]
    events = AuditEvent.objects.filter(event_name="EnableMFADevice").order_by("event_time")
    assert [(event.error_code, event.request_parameters["userName"]) for event in events] == [
        ("AccessDenied", "victim"),
        ("", "frank"),
    ]


def test_the_root_users_device_is_listed_and_deactivated_without_a_user_name(iam, api_account):
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-phone")["VirtualMFADevice"]
    device = MFADevice.objects.get(name="root-phone")
    assert device.user is None
    # IAM enables the root user's device in the console only; the service does it here.
    code1, code2 = consecutive_codes(made["Base32StringSeed"].decode())
    mfa_device_enable(device=device, code1=code1, code2=code2, acting=Acting(account=api_account))
    listed = iam.list_mfa_devices()["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [(api_account.id, made["SerialNumber"])]
    virtual = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert virtual[0]["User"]["Arn"] == f"arn:aws:iam::{api_account.id}:root"
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    iam.deactivate_mfa_device(SerialNumber=made["SerialNumber"])
    assert iam.list_mfa_devices()["MFADevices"] == []


def test_another_accounts_device_and_user_do_not_exist(iam, api_account):
    other = AccountFactory()
    IAMUserFactory(account=other, name="elsewhere")
    foreign = f"arn:aws:iam::{other.id}:mfa/their-phone"
    error, status = error_of(iam.delete_virtual_mfa_device, SerialNumber=foreign)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"MFA Device with serial number {foreign} does not exist.",
        404,
    )
    error, _ = error_of(iam.create_login_profile, UserName="elsewhere", Password=PASSWORD)
    assert (error["Code"], error["Message"]) == (
        "NoSuchEntity",
        "The user with name elsewhere cannot be found.",
    )


# The account


def test_account_alias_create_list_delete(iam, api_account):
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="acme-sandbox")
    assert iam.list_account_aliases()["AccountAliases"] == ["acme-sandbox"]
    AccountFactory(alias="taken")
    error, status = error_of(iam.create_account_alias, AccountAlias="taken")
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "The account alias taken already exists.",
        409,
    )
    error, status = error_of(iam.delete_account_alias, AccountAlias="other")
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "The account alias other cannot be found.",
        404,
    )
    iam.delete_account_alias(AccountAlias="acme-sandbox")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_account_alias_constraints_are_validation_errors(iam_unvalidated):
    error, status = error_of(iam_unvalidated.create_account_alias, AccountAlias="Bad--Alias")
    assert (error["Code"], status) == ("ValidationError", 400)
    assert error["Message"] == (
        "1 validation error detected: Value 'Bad--Alias' at 'accountAlias' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
    )


def test_account_password_policy_update_get_delete(iam, api_account):
    error, status = error_of(iam.get_account_password_policy)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"The Password Policy with domain name {api_account.id} cannot be found.",
        404,
    )
    iam.update_account_password_policy(
        MinimumPasswordLength=12, RequireSymbols=True, MaxPasswordAge=90, PasswordReusePrevention=3
    )
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 12,
        "RequireSymbols": True,
        "RequireNumbers": False,
        "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False,
        "ExpirePasswords": True,
        "MaxPasswordAge": 90,
        "PasswordReusePrevention": 3,
    }
    # HardExpiry shows once a request sets it (IAM leaves out what the request left out).
    iam.update_account_password_policy(MaxPasswordAge=90, HardExpiry=False)
    assert iam.get_account_password_policy()["PasswordPolicy"]["HardExpiry"] is False
    # What a later update leaves out goes back to AWS's defaults.
    iam.update_account_password_policy(RequireNumbers=True)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert (policy["MinimumPasswordLength"], policy["RequireSymbols"], policy["RequireNumbers"]) == (
        6,
        False,
        True,
    )
    assert policy["ExpirePasswords"] is False and "MaxPasswordAge" not in policy

    iam.delete_account_password_policy()
    assert not PasswordPolicy.objects.filter(account=api_account).exists()
    error, status = error_of(iam.delete_account_password_policy)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "The account policy with name PasswordPolicy cannot be found.",
        404,
    )


def test_account_password_policy_with_no_arguments_is_aws_defaults(iam):
    iam.update_account_password_policy()
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6,
        "RequireSymbols": False,
        "RequireNumbers": False,
        "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False,
        "ExpirePasswords": False,
    }


def test_account_summary_counts_the_account_with_aws_keys(iam, api_account):
    iam.create_user(UserName="u1")
    iam.create_user(UserName="u2")
    iam.create_group(GroupName="g1")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")
    summary = iam.get_account_summary()["SummaryMap"]
    keys = botocore.session.get_session().get_service_model("iam").shape_for("summaryKeyType").enum
    assert set(summary) == set(keys)
    assert (summary["Users"], summary["Groups"], summary["Roles"], summary["Policies"]) == (2, 1, 0, 0)
    assert (summary["MFADevices"], summary["MFADevicesInUse"], summary["AccountMFAEnabled"]) == (1, 0, 0)
    assert (summary["AccountAccessKeysPresent"], summary["AccountPasswordPresent"]) == (1, 1)
    assert (summary["UsersQuota"], summary["AccessKeysPerUserQuota"], summary["GroupsPerUserQuota"]) == (
        5000,
        2,
        10,
    )


def test_the_global_endpoint_token_version_is_set_and_shown_in_the_account_summary(
    iam, iam_unvalidated, iam_as, api_account
):
    """SetSecurityTokenServicePreferences: v2Token makes GetAccountSummary's GlobalEndpointTokenVersion 2,
    v1Token (the default) 1; anything else is the model's enum error and changes nothing."""
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2

    error, status = error_of(
        iam_unvalidated.set_security_token_service_preferences, GlobalEndpointTokenVersion="v3Token"
    )
    assert (error["Code"], status) == ("ValidationError", 400)
    assert error["Message"] == (
        "1 validation error detected: Value 'v3Token' at 'globalEndpointTokenVersion' failed to satisfy "
        "constraint: Member must satisfy enum value set: [v1Token, v2Token]"
    )
    api_account.refresh_from_db()
    assert api_account.global_endpoint_token_version == 2

    client, user = iam_as([allow("iam:GetAccountSummary")], name="reader")
    error, status = error_of(
        client.set_security_token_service_preferences, GlobalEndpointTokenVersion="v1Token"
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:SetSecurityTokenServicePreferences on resource: "
        "* because no identity-based policy allows the iam:SetSecurityTokenServicePreferences action"
    )
    assert client.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    events = AuditEvent.objects.filter(account=api_account, event_name="SetSecurityTokenServicePreferences")
    assert [(event.request_parameters, event.error_code) for event in events.order_by("pk")] == [
        ({"globalEndpointTokenVersion": "v2Token"}, ""),
        # The model's refusal is recorded too, as CloudTrail records a call that fails validation.
        ({"globalEndpointTokenVersion": "v3Token"}, "ValidationError"),
        ({"globalEndpointTokenVersion": "v1Token"}, "AccessDenied"),
        ({"globalEndpointTokenVersion": "v1Token"}, ""),
    ]


def test_the_account_allowed_and_refused_through_a_users_keys(iam_as, api_account):
    client, user = iam_as([allow("iam:GetAccountSummary", "iam:ListAccountAliases")], name="auditor")
    assert client.get_account_summary()["SummaryMap"]["Users"] == 1
    error, status = error_of(client.update_account_password_policy, MinimumPasswordLength=20)
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:UpdateAccountPasswordPolicy on resource: * "
        "because no identity-based policy allows the iam:UpdateAccountPasswordPolicy action"
    )
    assert not PasswordPolicy.objects.filter(account=api_account).exists()
    error, _ = error_of(client.list_virtual_mfa_devices)
    assert error["Code"] == "AccessDenied" and "iam:ListVirtualMFADevices" in error["Message"]
    events = AuditEvent.objects.filter(
        account=api_account,
        event_name__in=["GetAccountSummary", "UpdateAccountPasswordPolicy", "ListVirtualMFADevices"],
    )
    assert {(event.event_name, event.error_code) for event in events} == {
        ("GetAccountSummary", ""),
        ("UpdateAccountPasswordPolicy", "AccessDenied"),
        ("ListVirtualMFADevices", "AccessDenied"),
    }
    assert all(event.user_identity["arn"] == user.arn for event in events)


def test_what_this_console_does_not_model_is_refused_not_ignored(iam):
    iam.create_user(UserName="gina")
    error, status = error_of(
        iam.create_login_profile, UserName="gina", Password=PASSWORD, MaxSigninSessionDuration=7200
    )
    assert (error["Code"], error["Message"], status) == (
        "InvalidInput",
        "MaxSigninSessionDuration is not supported by this IAM console.",
        400,
    )
    assert not LoginProfile.objects.exists()


def test_mfa_devices_have_paths_and_tags(iam, iam_as, api_account):
    made = iam.create_virtual_mfa_device(
        VirtualMFADeviceName="tagged", Path="/team/", Tags=[{"Key": "owner", "Value": "gina"}]
    )["VirtualMFADevice"]
    serial = f"arn:aws:iam::{api_account.id}:mfa/team/tagged"
    assert made["SerialNumber"] == serial and made["Tags"] == [{"Key": "owner", "Value": "gina"}]
    iam.tag_mfa_device(
        SerialNumber=serial, Tags=[{"Key": "Owner", "Value": "hal"}, {"Key": "site", "Value": "x"}]
    )
    listed = iam.list_mfa_device_tags(SerialNumber=serial, MaxItems=1)
    assert listed["Tags"] == [{"Key": "Owner", "Value": "hal"}] and listed["IsTruncated"]
    rest = iam.list_mfa_device_tags(SerialNumber=serial, Marker=listed["Marker"])["Tags"]
    assert rest == [{"Key": "site", "Value": "x"}]
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["OWNER"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "site", "Value": "x"}]
    # The serial number names the device with its path: without it, there is no such device.
    error, status = error_of(
        iam.list_mfa_device_tags, SerialNumber=f"arn:aws:iam::{api_account.id}:mfa/tagged"
    )
    assert (error["Code"], status) == ("NoSuchEntity", 404)
    # IAM checks a device's path in its own words, not the model's pattern, and lets "//" through.
    for bad in ("team", "team/", "/team"):
        error, status = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="bad", Path=bad)
        assert (error["Code"], error["Message"], status) == ("ValidationError", PATH_INVALID, 400)
    error, _ = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="bad", Path="/" + "a" * 512 + "/")
    assert error["Message"].endswith("Member must have length less than or equal to 512")
    doubled = iam.create_virtual_mfa_device(VirtualMFADeviceName="twice", Path="/a//b/")["VirtualMFADevice"]
    assert doubled["SerialNumber"] == f"arn:aws:iam::{api_account.id}:mfa/a//b/twice"
    iam.delete_virtual_mfa_device(SerialNumber=doubled["SerialNumber"])
    # The name is unique with its path: the same name under another path is another device.
    error, status = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="tagged", Path="/team/")
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "MFA device already exists.",
        409,
    )
    other = iam.create_virtual_mfa_device(VirtualMFADeviceName="tagged")["VirtualMFADevice"]
    assert other["SerialNumber"] == f"arn:aws:iam::{api_account.id}:mfa/tagged"
    assert iam.list_mfa_device_tags(SerialNumber=other["SerialNumber"])["Tags"] == []
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "site", "Value": "x"}]
    iam.delete_virtual_mfa_device(SerialNumber=other["SerialNumber"])

    # Tagging is authorized on the device's ARN, with the request's tags as condition keys.
    caller, user = iam_as(
        [
            allow("iam:ListMFADeviceTags", resource=serial),
            {
                "Effect": "Allow",
                "Action": "iam:TagMFADevice",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/site": "y"}},
            },
        ]
    )
    caller.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "site", "Value": "y"}])
    error, _ = error_of(caller.tag_mfa_device, SerialNumber=serial, Tags=[{"Key": "site", "Value": "z"}])
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:TagMFADevice on resource: {serial} "
        "because no identity-based policy allows the iam:TagMFADevice action"
    )
    assert caller.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "site", "Value": "y"}]
    error, _ = error_of(caller.untag_mfa_device, SerialNumber=serial, TagKeys=["site"])
    assert error["Code"] == "AccessDenied"
    events = AuditEvent.objects.filter(event_name__in=["TagMFADevice", "UntagMFADevice"]).order_by("pk")
    assert [(e.event_name, e.error_code) for e in events] == [
        ("TagMFADevice", ""),
        ("UntagMFADevice", ""),
        ("TagMFADevice", ""),
        ("TagMFADevice", "AccessDenied"),
        ("UntagMFADevice", "AccessDenied"),
    ]


def test_get_mfa_device_of_a_user(iam, api_account):
    iam.create_user(UserName="ivy")
    made = iam.create_virtual_mfa_device(VirtualMFADeviceName="ivy-phone")["VirtualMFADevice"]
    serial = made["SerialNumber"]
    error, status = error_of(iam.get_mfa_device, SerialNumber=serial, UserName="ivy")
    assert (error["Code"], status) == ("NoSuchEntity", 404)  # not assigned yet
    code1, code2 = consecutive_codes(made["Base32StringSeed"].decode())
    iam.enable_mfa_device(
        UserName="ivy", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    got = iam.get_mfa_device(SerialNumber=serial, UserName="ivy")
    assert got["UserName"] == "ivy" and got["SerialNumber"] == serial
    assert isinstance(got["EnableDate"], datetime.datetime)
