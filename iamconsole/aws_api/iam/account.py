"""Console passwords (login profiles, ChangePassword), virtual MFA devices, and the account itself:
its alias, password policy and summary. The handlers of their operations."""

from accounts.models import (
    LoginProfile,
    MFADevice,
    PasswordPolicy,
)
from accounts.selectors.dashboard import account_summary
from accounts.services import accounts, login_profiles, mfa, passwords
from accounts.services.access_keys import ACCESS_KEYS_PER_USER
from accounts.services.groups import GROUPS_PER_USER
from accounts.services.login_profiles import login_profile_not_found
from aws.arns import path_and_name
from aws.errors import InvalidInput, InvalidUserType, NoSuchEntity, ValidationError
from iamconsole.aws_api.iam.common import (
    get_user,
    operation,
    page,
    read,
    tag_operations,
    tag_pairs,
    tags_member,
    user_shape,
)
from policies.services.permissions import INLINE_SIZE, POLICIES_PER_ENTITY
from policies.services.policies import MAX_VERSIONS

# AWS's message when an operation whose UserName defaults to the caller is called by someone who is
# not an IAM user (the root user, a role session).
NON_USER = "Must specify userName when calling with non-User credentials"


def _named_or_own(acting, params):
    """The user named, or the caller's own IAM user (AWS's ValidationError for anyone else)."""
    if "UserName" in params:
        return get_user(acting, params["UserName"])
    if acting.user is None:
        raise ValidationError(NON_USER)
    return acting.user


# Login profiles


def _profile_shape(profile):
    return {
        "LoginProfile": {
            "UserName": profile.user.name,
            "CreateDate": profile.created_at,
            "PasswordResetRequired": profile.password_reset_required,
        }
    }


def _no_session_duration(params):
    # The console's sign-in sessions have one length; a per-user one is not modelled.
    if "MaxSigninSessionDuration" in params or params.get("ResetMaxSigninSessionDuration"):
        raise InvalidInput("MaxSigninSessionDuration is not supported by this IAM console.")


@operation("CreateLoginProfile")
def create_login_profile(acting, params):
    _no_session_duration(params)
    if "Password" not in params:
        raise ValidationError(
            "1 validation error detected: Value null at 'password' failed to satisfy constraint: "
            "Member must not be null"
        )
    profile = login_profiles.login_profile_create(
        user=_named_or_own(acting, params),
        password=params["Password"],
        password_reset_required=params.get("PasswordResetRequired", False),
        acting=acting,
    )
    return _profile_shape(profile)


@operation("GetLoginProfile")
def get_login_profile(acting, params):
    user = _named_or_own(acting, params)
    read(acting, "GetLoginProfile", user.arn, user, {"userName": user.name})
    profile = LoginProfile.objects.filter(user=user).select_related("user").first()
    if profile is None:
        raise login_profile_not_found(user.name)
    return _profile_shape(profile)


@operation("UpdateLoginProfile")
def update_login_profile(acting, params):
    _no_session_duration(params)
    login_profiles.login_profile_update(
        user=get_user(acting, params["UserName"]),
        password=params.get("Password"),
        password_reset_required=params.get("PasswordResetRequired"),
        acting=acting,
    )
    return {}


@operation("DeleteLoginProfile")
def delete_login_profile(acting, params):
    login_profiles.login_profile_delete(user=_named_or_own(acting, params), acting=acting)
    return {}


@operation("ChangePassword")
def change_password(acting, params):
    if acting.user is None:
        # Not the root user (its password is changed in the console) nor a role session.
        raise InvalidUserType("Only IAM users can change their own password.")
    passwords.user_password_change(
        user=acting.user,
        old_password=params["OldPassword"],
        new_password=params["NewPassword"],
        acting=acting,
    )
    return {}


# Virtual MFA devices


def _device(acting, serial_number):
    """The account's virtual MFA device with this serial number (its ARN, with the device's path)."""
    found = path_and_name(acting.account.id, "mfa", serial_number)
    device = None
    if found is not None:
        device = (
            MFADevice.objects.filter(account=acting.account, path=found[0], name=found[1])
            .select_related("user", "account")
            .first()
        )
    if device is None:
        raise NoSuchEntity(f"MFA Device with serial number {serial_number} does not exist.")
    return device


def _assigned_device(acting, params, owner):
    """The enabled device with the serial number, assigned to `owner` (None: the root user)."""
    device = _device(acting, params["SerialNumber"])
    if device.enabled_at is None or device.user_id != (owner.pk if owner else None):
        raise NoSuchEntity(f"MFA Device with serial number {params['SerialNumber']} does not exist.")
    return device


def _device_owner(acting, params):
    """The user named, or the caller: an IAM user or the root user (None), whose devices these are."""
    if "UserName" in params:
        return get_user(acting, params["UserName"])
    if acting.user is None and not acting.is_root:
        raise ValidationError(NON_USER)
    return acting.user


def _root_shape(account):
    return {"UserId": account.id, "Arn": account.root_arn, "CreateDate": account.created_at}


@operation("CreateVirtualMFADevice")
def create_virtual_mfa_device(acting, params):
    # A virtual device belongs to nobody until EnableMFADevice assigns it; until then the creator holds
    # it (its set-up in progress, as in the console).
    device, seed = mfa.mfa_device_create(
        account=acting.account,
        user=acting.user,
        name=params["VirtualMFADeviceName"],
        path=params.get("Path", "/"),
        tags=tag_pairs(params),
        acting=acting,
    )
    return {
        "VirtualMFADevice": {
            "SerialNumber": device.serial_number,
            "Base32StringSeed": seed.encode(),
            "QRCodePNG": mfa.mfa_qr_png(device=device, seed=seed),
            **tags_member(device),
        }
    }


tag_operations(
    "MFADevice",
    "SerialNumber",
    _device,
    tag=mfa.mfa_device_tag,
    untag=mfa.mfa_device_untag,
    entity_key="device",
)


@operation("EnableMFADevice")
def enable_mfa_device(acting, params):
    user = get_user(acting, params["UserName"])
    mfa.mfa_device_enable(
        device=_device(acting, params["SerialNumber"]),
        code1=params["AuthenticationCode1"],
        code2=params["AuthenticationCode2"],
        assign_to=user,
        acting=acting,
    )
    return {}


@operation("ResyncMFADevice")
def resync_mfa_device(acting, params):
    user = get_user(acting, params["UserName"])
    mfa.mfa_device_resync(
        device=_assigned_device(acting, params, user),
        code1=params["AuthenticationCode1"],
        code2=params["AuthenticationCode2"],
        acting=acting,
    )
    return {}


@operation("DeactivateMFADevice")
def deactivate_mfa_device(acting, params):
    owner = _device_owner(acting, params)
    mfa.mfa_device_deactivate(device=_assigned_device(acting, params, owner), acting=acting)
    return {}


@operation("DeleteVirtualMFADevice")
def delete_virtual_mfa_device(acting, params):
    mfa.mfa_device_delete(device=_device(acting, params["SerialNumber"]), acting=acting)
    return {}


@operation("ListMFADevices")
def list_mfa_devices(acting, params):
    owner = _device_owner(acting, params)
    resource = owner.arn if owner else acting.account.root_arn
    read(acting, "ListMFADevices", resource, owner, {"userName": owner.name} if owner else None)
    found = list(
        MFADevice.objects.filter(account=acting.account, user=owner, enabled_at__isnull=False).order_by(
            "enabled_at"
        )
    )
    chosen, paging = page(found, params)
    # The root user's devices are listed under the account's ID, the root user's UserId.
    name = owner.name if owner else acting.account.id
    devices = [
        {"UserName": name, "SerialNumber": device.serial_number, "EnableDate": device.enabled_at}
        for device in chosen
    ]
    return {"MFADevices": devices, **paging}


@operation("GetMFADevice")
def get_mfa_device(acting, params):
    """An MFA device assigned to the user named (or the caller): its serial number and enable date."""
    user = _device_owner(acting, params)
    device = _device(acting, params["SerialNumber"])
    if device.enabled_at is None or device.user_id != (user.pk if user else None):
        raise NoSuchEntity(f"MFA Device with serial number {device.serial_number} does not exist.")
    owner_arn = user.arn if user else acting.account.root_arn
    read(acting, "GetMFADevice", owner_arn, user, {"serialNumber": device.serial_number})
    shape = {"SerialNumber": device.serial_number, "EnableDate": device.enabled_at}
    if user is not None:
        shape["UserName"] = user.name
    return shape


@operation("ListVirtualMFADevices")
def list_virtual_mfa_devices(acting, params):
    read(acting, "ListVirtualMFADevices", params={"assignmentStatus": params.get("AssignmentStatus", "Any")})
    found = MFADevice.objects.filter(account=acting.account).select_related("user", "account")
    status = params.get("AssignmentStatus", "Any")
    if status == "Assigned":
        found = found.filter(enabled_at__isnull=False)
    elif status == "Unassigned":
        found = found.filter(enabled_at__isnull=True)
    chosen, paging = page(list(found.order_by("name")), params)
    devices = []
    for device in chosen:
        shape = {"SerialNumber": device.serial_number}
        if device.enabled_at is not None:
            shape["User"] = user_shape(device.user) if device.user_id else _root_shape(device.account)
            shape["EnableDate"] = device.enabled_at
        devices.append(shape)
    return {"VirtualMFADevices": devices, **paging}


# The account


@operation("CreateAccountAlias")
def create_account_alias(acting, params):
    accounts.account_alias_set(account=acting.account, alias=params["AccountAlias"], acting=acting)
    return {}


@operation("DeleteAccountAlias")
def delete_account_alias(acting, params):
    accounts.account_alias_delete(account=acting.account, alias=params["AccountAlias"], acting=acting)
    return {}


@operation("ListAccountAliases")
def list_account_aliases(acting, params):
    read(acting, "ListAccountAliases")
    chosen, paging = page([acting.account.alias] if acting.account.alias else [], params)
    return {"AccountAliases": chosen, **paging}


_POLICY_FIELDS = {
    "MinimumPasswordLength": "minimum_password_length",
    "RequireSymbols": "require_symbols",
    "RequireNumbers": "require_numbers",
    "RequireUppercaseCharacters": "require_uppercase_characters",
    "RequireLowercaseCharacters": "require_lowercase_characters",
    "AllowUsersToChangePassword": "allow_users_to_change_password",
    "MaxPasswordAge": "max_password_age",
    "PasswordReusePrevention": "password_reuse_prevention",
    "HardExpiry": "hard_expiry",
}


@operation("GetAccountPasswordPolicy")
def get_account_password_policy(acting, params):
    read(acting, "GetAccountPasswordPolicy")
    policy = PasswordPolicy.objects.filter(account=acting.account).first()
    if policy is None:
        raise NoSuchEntity(f"The Password Policy with domain name {acting.account.id} cannot be found.")
    shape = {aws: getattr(policy, field) for aws, field in _POLICY_FIELDS.items()}
    shape["ExpirePasswords"] = policy.max_password_age is not None
    return {"PasswordPolicy": {key: value for key, value in shape.items() if value is not None}}


@operation("UpdateAccountPasswordPolicy")
def update_account_password_policy(acting, params):
    # What the request leaves out takes AWS's defaults, as in IAM.
    values = {field: params[aws] for aws, field in _POLICY_FIELDS.items() if aws in params}
    passwords.password_policy_update(account=acting.account, acting=acting, **values)
    return {}


@operation("DeleteAccountPasswordPolicy")
def delete_account_password_policy(acting, params):
    passwords.password_policy_delete(account=acting.account, acting=acting)
    return {}


@operation("SetSecurityTokenServicePreferences")
def set_security_token_service_preferences(acting, params):
    accounts.sts_preferences_set(
        account=acting.account, version=params["GlobalEndpointTokenVersion"], acting=acting
    )
    return {}


@operation("GetAccountSummary")
def get_account_summary(acting, params):
    read(acting, "GetAccountSummary")
    counts = account_summary(account=acting.account)
    # IAM's default quotas, the ones this console enforces where it has the entity.
    quotas = {
        "UsersQuota": 5000,
        "GroupsQuota": 300,
        "RolesQuota": 1000,
        "PoliciesQuota": 1500,
        "InstanceProfilesQuota": 1000,
        "ServerCertificatesQuota": 20,
        "PolicyVersionsInUseQuota": 10000,
        "VersionsPerPolicyQuota": MAX_VERSIONS,
        "GroupsPerUserQuota": GROUPS_PER_USER,
        "AccessKeysPerUserQuota": ACCESS_KEYS_PER_USER,
        "SigningCertificatesPerUserQuota": 2,
        "AttachedPoliciesPerUserQuota": POLICIES_PER_ENTITY,
        "AttachedPoliciesPerGroupQuota": POLICIES_PER_ENTITY,
        "AttachedPoliciesPerRoleQuota": POLICIES_PER_ENTITY,
        "UserPolicySizeQuota": INLINE_SIZE["user"],
        "GroupPolicySizeQuota": INLINE_SIZE["group"],
        "RolePolicySizeQuota": INLINE_SIZE["role"],
        "PolicySizeQuota": 6144,
        "AssumeRolePolicySizeQuota": 2048,
    }
    quotas["GlobalEndpointTokenVersion"] = acting.account.global_endpoint_token_version
    return {"SummaryMap": {**counts, **quotas}}
