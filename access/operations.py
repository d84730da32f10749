"""AWS operations and what each needs: the IAM action, the resource ARN, the condition keys.

One table for the console and the AWS API. A write service is decorated with `@audited("CreateUser",
…)`; the decorator authorizes the operation of that name here before the service runs, from the
service's own keyword arguments. Console pages that only read name their operation in
iamconsole/enforcement.py and build the same ARNs with `arn_of`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from access.authorization import authorize, resource_tags_context
from accounts.models import PasswordPolicy
from aws.arns import arn_of, read_resource_label


@dataclass(frozen=True)
class Target:
    """The existing entity an operation acts on: its ARN is the request's resource and its tags the
    request's `aws:ResourceTag/*` (and `iam:ResourceTag/*`) keys, as far as the catalog lists them for
    the action. `otherwise` gives the ARN when there is no entity (the root user's own keys)."""

    entity: Callable[[dict], object]
    otherwise: Callable[[dict], str] | None = None
    arn: Callable[[object], str] = attrgetter("arn")

    def __call__(self, kw):
        entity = self.entity(kw)
        return self.arn(entity) if entity is not None else self.otherwise(kw)


def _entity(key):
    return Target(itemgetter(key))


def _new(kind):
    return lambda kw: arn_of(kw["account"].id, kind, kw.get("path", "/"), kw["name"])


def _renamed(key):
    """The ARN an UpdateUser/UpdateGroup gives its entity (its new name and path)."""

    def arn(kw):
        entity = kw[key]
        return arn_of(
            entity.account_id, key, kw.get("new_path") or entity.path, kw.get("new_name") or entity.name
        )

    return arn


def _anywhere(kw):
    return "*"


def _own_or(key):
    """The named user, or the caller's own (access keys and MFA of "the current user")."""
    return Target(lambda kw: kw.get(key) or kw["acting"].user, otherwise=lambda kw: kw["acting"].arn)


_device_user = Target(lambda kw: kw["device"].user, otherwise=lambda kw: kw["device"].account.root_arn)
# EnableMFADevice acts on the user it assigns the device to (the API names one; the console's is the
# device's own).
_enabled_user = Target(
    lambda kw: kw.get("assign_to") or kw["device"].user, otherwise=lambda kw: kw["device"].account.root_arn
)
_device = Target(itemgetter("device"), arn=attrgetter("serial_number"))
_key_user = Target(lambda kw: kw["key"].user, otherwise=lambda kw: kw["key"].account.root_arn)
_credential_user = Target(lambda kw: kw["credential"].user)
_certificate_user = Target(
    lambda kw: kw["certificate"].user, otherwise=lambda kw: kw["certificate"].account.root_arn
)


def _request_tags(tags):
    tags = list(tags or [])
    if not tags:
        return {}
    pairs = [(t["Key"], t["Value"]) if isinstance(t, dict) else (t[0], t[1]) for t in tags]
    context = {f"aws:RequestTag/{key}": value for key, value in pairs}
    context["aws:TagKeys"] = [key for key, _ in pairs]
    return context


def _tag_keys(kw):
    return {"aws:TagKeys": list(kw["keys"])}


def _tags_context(kw):
    return _request_tags(kw.get("tags"))


def _policy_arn(kw):
    return {"iam:PolicyARN": kw["policy"].arn}


def _boundary(kw):
    return {"iam:PermissionsBoundary": kw["policy_arn"]}


def _create_context(kw):
    """CreateUser's and CreateRole's keys: the request's tags and the permissions boundary it sets."""
    context = _request_tags(kw.get("tags"))
    if kw.get("permissions_boundary_arn"):
        context["iam:PermissionsBoundary"] = kw["permissions_boundary_arn"]
    return context


def _policy_lets_users_change(kw):
    """The password policy's "Allow users to change their own password" gives every user
    iam:ChangePassword on themselves, whatever their policies say."""

    acting, user = kw["acting"], kw["user"]
    return (
        acting.user is not None
        and acting.credential is None
        and acting.user.pk == user.pk
        and PasswordPolicy.objects.filter(
            account_id=user.account_id, allow_users_to_change_password=True
        ).exists()
    )


@dataclass(frozen=True)
class Operation:
    action: str
    resource: Callable[[dict], str] = _anywhere
    context: Callable[[dict], dict] | None = None
    # Further actions AWS checks in the same call: (action, resource(kw), context(kw) or None, when(kw)).
    also: tuple = field(default=())
    # When it returns True, IAM grants the call without asking the policies.
    granted: Callable[[dict], bool] | None = None


def _with_tags(kind_key):
    """Creating with tags needs the Tag* action too, as AWS checks it."""
    return (
        (
            f"iam:Tag{kind_key}",
            None,  # the same resource as the operation
            _tags_context,
            lambda kw: bool(kw.get("tags")),
        ),
    )


def _pass_role_to_ec2():
    return (
        (
            "iam:PassRole",
            _entity("role"),
            lambda kw: {"iam:PassedToService": "ec2.amazonaws.com"},
            lambda kw: True,
        ),
    )


OPERATIONS = {
    # Users
    "CreateUser": Operation("iam:CreateUser", _new("user"), _create_context, _with_tags("User")),
    "UpdateUser": Operation("iam:UpdateUser", _entity("user")),
    "DeleteUser": Operation("iam:DeleteUser", _entity("user")),
    "TagUser": Operation("iam:TagUser", _entity("user"), _tags_context),
    "UntagUser": Operation("iam:UntagUser", _entity("user"), _tag_keys),
    "CreateLoginProfile": Operation("iam:CreateLoginProfile", _entity("user")),
    "UpdateLoginProfile": Operation("iam:UpdateLoginProfile", _entity("user")),
    "DeleteLoginProfile": Operation("iam:DeleteLoginProfile", _entity("user")),
    "ChangePassword": Operation("iam:ChangePassword", _entity("user"), granted=_policy_lets_users_change),
    "CreateAccessKey": Operation("iam:CreateAccessKey", _own_or("user")),
    "UpdateAccessKey": Operation("iam:UpdateAccessKey", _key_user),
    "DeleteAccessKey": Operation("iam:DeleteAccessKey", _key_user),
    "UploadSSHPublicKey": Operation("iam:UploadSSHPublicKey", _entity("user")),
    "UpdateSSHPublicKey": Operation("iam:UpdateSSHPublicKey", _key_user),
    "DeleteSSHPublicKey": Operation("iam:DeleteSSHPublicKey", _key_user),
    "UploadSigningCertificate": Operation("iam:UploadSigningCertificate", _own_or("user")),
    "UpdateSigningCertificate": Operation("iam:UpdateSigningCertificate", _certificate_user),
    "DeleteSigningCertificate": Operation("iam:DeleteSigningCertificate", _certificate_user),
    "CreateServiceSpecificCredential": Operation("iam:CreateServiceSpecificCredential", _entity("user")),
    "ResetServiceSpecificCredential": Operation("iam:ResetServiceSpecificCredential", _credential_user),
    "UpdateServiceSpecificCredential": Operation("iam:UpdateServiceSpecificCredential", _credential_user),
    "DeleteServiceSpecificCredential": Operation("iam:DeleteServiceSpecificCredential", _credential_user),
    "CreateVirtualMFADevice": Operation(
        "iam:CreateVirtualMFADevice",
        lambda kw: f"arn:aws:iam::{kw['account'].id}:mfa{kw.get('path', '/')}{kw['name']}",
        _tags_context,
        _with_tags("MFADevice"),
    ),
    "TagMFADevice": Operation("iam:TagMFADevice", _device, _tags_context),
    "UntagMFADevice": Operation("iam:UntagMFADevice", _device, _tag_keys),
    "EnableMFADevice": Operation("iam:EnableMFADevice", _enabled_user),
    "ResyncMFADevice": Operation("iam:ResyncMFADevice", _device_user),
    "DeactivateMFADevice": Operation("iam:DeactivateMFADevice", _device_user),
    "DeleteVirtualMFADevice": Operation("iam:DeleteVirtualMFADevice", _device),
    # Groups
    "CreateGroup": Operation("iam:CreateGroup", _new("group")),
    # Renaming needs iam:UpdateGroup on the new name too, as AWS documents.
    "UpdateGroup": Operation(
        "iam:UpdateGroup",
        _entity("group"),
        also=(
            (
                "iam:UpdateGroup",
                _renamed("group"),
                None,
                lambda kw: bool(kw.get("new_name") or kw.get("new_path")),
            ),
        ),
    ),
    "DeleteGroup": Operation("iam:DeleteGroup", _entity("group")),
    "AddUserToGroup": Operation("iam:AddUserToGroup", _entity("group")),
    "RemoveUserFromGroup": Operation("iam:RemoveUserFromGroup", _entity("group")),
    # Server certificates
    "UploadServerCertificate": Operation(
        "iam:UploadServerCertificate",
        _new("server-certificate"),
        _tags_context,
        _with_tags("ServerCertificate"),
    ),
    "UpdateServerCertificate": Operation("iam:UpdateServerCertificate", _entity("server_certificate")),
    "DeleteServerCertificate": Operation("iam:DeleteServerCertificate", _entity("server_certificate")),
    "TagServerCertificate": Operation(
        "iam:TagServerCertificate", _entity("server_certificate"), _tags_context
    ),
    "UntagServerCertificate": Operation(
        "iam:UntagServerCertificate", _entity("server_certificate"), _tag_keys
    ),
    # Roles and instance profiles
    "CreateRole": Operation("iam:CreateRole", _new("role"), _create_context, _with_tags("Role")),
    "UpdateRole": Operation("iam:UpdateRole", _entity("role")),
    "UpdateRoleDescription": Operation("iam:UpdateRoleDescription", _entity("role")),
    "UpdateAssumeRolePolicy": Operation("iam:UpdateAssumeRolePolicy", _entity("role")),
    "DeleteRole": Operation("iam:DeleteRole", _entity("role")),
    "TagRole": Operation("iam:TagRole", _entity("role"), _tags_context),
    "UntagRole": Operation("iam:UntagRole", _entity("role"), _tag_keys),
    "CreateServiceLinkedRole": Operation(
        "iam:CreateServiceLinkedRole",
        lambda kw: arn_of(kw["account"].id, "role", "/aws-service-role/", f"{kw['aws_service_name']}/*"),
        lambda kw: {"iam:AWSServiceName": kw["aws_service_name"]},
    ),
    "DeleteServiceLinkedRole": Operation("iam:DeleteServiceLinkedRole", _entity("role")),
    "CreateInstanceProfile": Operation(
        "iam:CreateInstanceProfile", _new("instance-profile"), _tags_context, _with_tags("InstanceProfile")
    ),
    "TagInstanceProfile": Operation("iam:TagInstanceProfile", _entity("profile"), _tags_context),
    "UntagInstanceProfile": Operation("iam:UntagInstanceProfile", _entity("profile"), _tag_keys),
    "DeleteInstanceProfile": Operation("iam:DeleteInstanceProfile", _entity("profile")),
    "AddRoleToInstanceProfile": Operation(
        "iam:AddRoleToInstanceProfile", _entity("profile"), also=_pass_role_to_ec2()
    ),
    "RemoveRoleFromInstanceProfile": Operation("iam:RemoveRoleFromInstanceProfile", _entity("profile")),
    # Managed policies
    "CreatePolicy": Operation("iam:CreatePolicy", _new("policy"), _tags_context, _with_tags("Policy")),
    "CreatePolicyVersion": Operation("iam:CreatePolicyVersion", _entity("policy")),
    "SetDefaultPolicyVersion": Operation("iam:SetDefaultPolicyVersion", _entity("policy")),
    "DeletePolicyVersion": Operation("iam:DeletePolicyVersion", _entity("policy")),
    "DeletePolicy": Operation("iam:DeletePolicy", _entity("policy")),
    "TagPolicy": Operation("iam:TagPolicy", _entity("policy"), _tags_context),
    "UntagPolicy": Operation("iam:UntagPolicy", _entity("policy"), _tag_keys),
    # Permissions of users, groups and roles
    "AttachUserPolicy": Operation("iam:AttachUserPolicy", _entity("user"), _policy_arn),
    "AttachGroupPolicy": Operation("iam:AttachGroupPolicy", _entity("group"), _policy_arn),
    "AttachRolePolicy": Operation("iam:AttachRolePolicy", _entity("role"), _policy_arn),
    "DetachUserPolicy": Operation("iam:DetachUserPolicy", _entity("user"), _policy_arn),
    "DetachGroupPolicy": Operation("iam:DetachGroupPolicy", _entity("group"), _policy_arn),
    "DetachRolePolicy": Operation("iam:DetachRolePolicy", _entity("role"), _policy_arn),
    "PutUserPolicy": Operation("iam:PutUserPolicy", _entity("user")),
    "PutGroupPolicy": Operation("iam:PutGroupPolicy", _entity("group")),
    "PutRolePolicy": Operation("iam:PutRolePolicy", _entity("role")),
    "DeleteUserPolicy": Operation("iam:DeleteUserPolicy", _entity("user")),
    "DeleteGroupPolicy": Operation("iam:DeleteGroupPolicy", _entity("group")),
    "DeleteRolePolicy": Operation("iam:DeleteRolePolicy", _entity("role")),
    "PutUserPermissionsBoundary": Operation("iam:PutUserPermissionsBoundary", _entity("user"), _boundary),
    "PutRolePermissionsBoundary": Operation("iam:PutRolePermissionsBoundary", _entity("role"), _boundary),
    "DeleteUserPermissionsBoundary": Operation("iam:DeleteUserPermissionsBoundary", _entity("user")),
    "DeleteRolePermissionsBoundary": Operation("iam:DeleteRolePermissionsBoundary", _entity("role")),
    # Identity providers
    "CreateOpenIDConnectProvider": Operation(
        "iam:CreateOpenIDConnectProvider",
        lambda kw: f"arn:aws:iam::{kw['account'].id}:oidc-provider/{kw['url'].split('://', 1)[-1]}",
        _tags_context,
        _with_tags("OpenIDConnectProvider"),
    ),
    "TagOpenIDConnectProvider": Operation("iam:TagOpenIDConnectProvider", _entity("provider"), _tags_context),
    "UntagOpenIDConnectProvider": Operation("iam:UntagOpenIDConnectProvider", _entity("provider"), _tag_keys),
    # Idempotent: a provider already gone is authorized on the ARN the request names.
    "DeleteOpenIDConnectProvider": Operation(
        "iam:DeleteOpenIDConnectProvider", Target(itemgetter("provider"), otherwise=itemgetter("arn"))
    ),
    "UpdateOpenIDConnectProviderThumbprint": Operation(
        "iam:UpdateOpenIDConnectProviderThumbprint", _entity("provider")
    ),
    "AddClientIDToOpenIDConnectProvider": Operation(
        "iam:AddClientIDToOpenIDConnectProvider", _entity("provider")
    ),
    "RemoveClientIDFromOpenIDConnectProvider": Operation(
        "iam:RemoveClientIDFromOpenIDConnectProvider", _entity("provider")
    ),
    "CreateSAMLProvider": Operation(
        "iam:CreateSAMLProvider",
        lambda kw: f"arn:aws:iam::{kw['account'].id}:saml-provider/{kw['name']}",
        _tags_context,
        _with_tags("SAMLProvider"),
    ),
    "TagSAMLProvider": Operation("iam:TagSAMLProvider", _entity("provider"), _tags_context),
    "UntagSAMLProvider": Operation("iam:UntagSAMLProvider", _entity("provider"), _tag_keys),
    "DeleteSAMLProvider": Operation("iam:DeleteSAMLProvider", _entity("provider")),
    "UpdateSAMLProvider": Operation("iam:UpdateSAMLProvider", _entity("provider")),
    # The account
    "CreateAccountAlias": Operation("iam:CreateAccountAlias"),
    "DeleteAccountAlias": Operation("iam:DeleteAccountAlias"),
    "SetSecurityTokenServicePreferences": Operation("iam:SetSecurityTokenServicePreferences"),
    "UpdateAccountPasswordPolicy": Operation("iam:UpdateAccountPasswordPolicy"),
    "DeleteAccountPasswordPolicy": Operation("iam:DeleteAccountPasswordPolicy"),
    "GenerateCredentialReport": Operation("iam:GenerateCredentialReport"),
    # Reads the console's pages make (iamconsole/enforcement.py names them per page)
    "GetAccountSummary": Operation("iam:GetAccountSummary"),
    "GetAccountPasswordPolicy": Operation("iam:GetAccountPasswordPolicy"),
    "GetCredentialReport": Operation("iam:GetCredentialReport"),
    "ListAccountAliases": Operation("iam:ListAccountAliases"),
    "ListUsers": Operation("iam:ListUsers"),
    "GetUser": Operation("iam:GetUser"),
    "ListGroupsForUser": Operation("iam:ListGroupsForUser"),
    "ListUserTags": Operation("iam:ListUserTags"),
    "GetLoginProfile": Operation("iam:GetLoginProfile"),
    "ListAccessKeys": Operation("iam:ListAccessKeys"),
    "ListMFADevices": Operation("iam:ListMFADevices"),
    "ListSSHPublicKeys": Operation("iam:ListSSHPublicKeys"),
    "GetSSHPublicKey": Operation("iam:GetSSHPublicKey"),
    "ListSigningCertificates": Operation("iam:ListSigningCertificates"),
    "ListServiceSpecificCredentials": Operation("iam:ListServiceSpecificCredentials"),
    "ListVirtualMFADevices": Operation("iam:ListVirtualMFADevices"),
    "ListMFADeviceTags": Operation("iam:ListMFADeviceTags"),
    "GetMFADevice": Operation("iam:GetMFADevice"),
    "ListGroups": Operation("iam:ListGroups"),
    "GetGroup": Operation("iam:GetGroup"),
    "GetAccessKeyLastUsed": Operation("iam:GetAccessKeyLastUsed"),
    "ListRoles": Operation("iam:ListRoles"),
    "GetRole": Operation("iam:GetRole"),
    "ListPolicies": Operation("iam:ListPolicies"),
    "GetPolicy": Operation("iam:GetPolicy"),
    "GetPolicyVersion": Operation("iam:GetPolicyVersion"),
    "ListPolicyVersions": Operation("iam:ListPolicyVersions"),
    "ListPolicyTags": Operation("iam:ListPolicyTags"),
    "ListInstanceProfiles": Operation("iam:ListInstanceProfiles"),
    "ListInstanceProfilesForRole": Operation("iam:ListInstanceProfilesForRole"),
    "GetInstanceProfile": Operation("iam:GetInstanceProfile"),
    "ListInstanceProfileTags": Operation("iam:ListInstanceProfileTags"),
    "ListOpenIDConnectProviders": Operation("iam:ListOpenIDConnectProviders"),
    "GetOpenIDConnectProvider": Operation("iam:GetOpenIDConnectProvider"),
    "ListOpenIDConnectProviderTags": Operation("iam:ListOpenIDConnectProviderTags"),
    "ListSAMLProviders": Operation("iam:ListSAMLProviders"),
    "GetSAMLProvider": Operation("iam:GetSAMLProvider"),
    "GetServerCertificate": Operation("iam:GetServerCertificate"),
    "ListServerCertificates": Operation("iam:ListServerCertificates"),
    "ListServerCertificateTags": Operation("iam:ListServerCertificateTags"),
    "ListSAMLProviderTags": Operation("iam:ListSAMLProviderTags"),
    "ListAttachedUserPolicies": Operation("iam:ListAttachedUserPolicies"),
    "ListUserPolicies": Operation("iam:ListUserPolicies"),
    "ListGroupPolicies": Operation("iam:ListGroupPolicies"),
    "ListRolePolicies": Operation("iam:ListRolePolicies"),
    "GetUserPolicy": Operation("iam:GetUserPolicy"),
    "GetGroupPolicy": Operation("iam:GetGroupPolicy"),
    "GetRolePolicy": Operation("iam:GetRolePolicy"),
    "ListRoleTags": Operation("iam:ListRoleTags"),
    "ListEntitiesForPolicy": Operation("iam:ListEntitiesForPolicy"),
    "ListAttachedGroupPolicies": Operation("iam:ListAttachedGroupPolicies"),
    "ListAttachedRolePolicies": Operation("iam:ListAttachedRolePolicies"),
    "SimulatePrincipalPolicy": Operation("iam:SimulatePrincipalPolicy"),
    "SimulateCustomPolicy": Operation("iam:SimulateCustomPolicy"),
    "GetContextKeysForPrincipalPolicy": Operation("iam:GetContextKeysForPrincipalPolicy"),
    "GetContextKeysForCustomPolicy": Operation("iam:GetContextKeysForCustomPolicy"),
    "GetAccountAuthorizationDetails": Operation("iam:GetAccountAuthorizationDetails"),
    "GetServiceLinkedRoleDeletionStatus": Operation("iam:GetServiceLinkedRoleDeletionStatus"),
    "LookupEvents": Operation("cloudtrail:LookupEvents"),
    # Access Advisor: a job on a user, group, role or policy, read back by its JobId (no resource).
    "GenerateServiceLastAccessedDetails": Operation(
        "iam:GenerateServiceLastAccessedDetails", _entity("entity")
    ),
    "GetServiceLastAccessedDetails": Operation("iam:GetServiceLastAccessedDetails"),
    "GetServiceLastAccessedDetailsWithEntities": Operation("iam:GetServiceLastAccessedDetailsWithEntities"),
    "ListPoliciesGrantingServiceAccess": Operation("iam:ListPoliciesGrantingServiceAccess"),
}

ORGANIZATIONS_SOURCE = "organizations.amazonaws.com"
SSO_SOURCE = "sso.amazonaws.com"
IDENTITYSTORE_SOURCE = "identitystore.amazonaws.com"
# The Identity Center directory's own calls (the console's one-time password), outside identitystore.
SSO_DIRECTORY_SOURCE = "sso-directory.amazonaws.com"


def _sso_resource(kw):
    """IAM Identity Center's resource of a call: the permission set it names, else its instance."""
    named = kw.get("permission_set") or kw.get("instance")
    return named.arn if named is not None else "*"


def _identity_store(kw):
    """The identity store of the call's instance, user, group or membership."""
    named = kw.get("instance") or kw.get("user") or kw.get("group") or kw["membership"]
    while not hasattr(named, "identity_store_arn"):
        named = named.group if hasattr(named, "group") else named.instance
    return named.identity_store_arn


def operation_for(name, event_source="iam.amazonaws.com"):
    """The operation `name` of the service behind `event_source`. AWS Organizations' operations need
    organizations:<Operation> on "*" (their names, CreatePolicy and DeletePolicy among them, are not
    IAM's); IAM Identity Center's sso:<Operation> on the permission set or instance, identitystore:
    <Operation> on the identity store."""
    if event_source == ORGANIZATIONS_SOURCE:
        return Operation(f"organizations:{name}")
    if event_source == SSO_SOURCE:
        return Operation(f"sso:{name}", _sso_resource)
    if event_source == IDENTITYSTORE_SOURCE:
        return Operation(f"identitystore:{name}", _identity_store)
    if event_source == SSO_DIRECTORY_SOURCE:
        return Operation(f"sso-directory:{name}")
    return OPERATIONS[name]


# Operations whose service decides for itself: STS's trust-policy checks, the root user's own
# password, sign-in events.
SELF_AUTHORIZED = {
    "AssumeRole",
    "AssumeRoleWithWebIdentity",
    "AssumeRoleWithSAML",
    "GetSessionToken",
    "GetFederationToken",
    "DecodeAuthorizationMessage",
    "PasswordUpdated",
}


def authorize_operation(name, kwargs, event_source="iam.amazonaws.com"):
    """AccessDenied unless `kwargs["acting"]` may call the operation `name` with these arguments."""
    operation = operation_for(name, event_source)
    acting = kwargs.get("acting")
    if acting is None or (operation.granted is not None and operation.granted(kwargs)):
        return
    resource = operation.resource(kwargs)
    context = operation.context(kwargs) if operation.context else {}
    authorize(
        acting=acting,
        action=operation.action,
        resource=resource,
        context={**target_tags(operation.action, operation.resource, kwargs), **context},
    )
    for action, resource_of, context_of, when in operation.also:
        if when(kwargs):
            target = resource_of or operation.resource
            authorize(
                acting=acting,
                action=action,
                resource=target(kwargs),
                context={**target_tags(action, target, kwargs), **(context_of(kwargs) if context_of else {})},
            )


def target_tags(action, resource, kwargs):
    """The resource tags of the operation's target entity that `action` takes ({} when it creates)."""
    if not isinstance(resource, Target):
        return {}
    return resource_tags_context(action, resource.entity(kwargs))


def authorize_read(*, acting, name, resource="*", context=None, named=True):
    """The check a console page makes for the read operation `name` (GetUser on the user's ARN …).
    `named=False` when the caller did not name the resource (a key ID's owner): a refusal then does
    not say which it is."""
    authorize(
        acting=acting,
        action=OPERATIONS[name].action,
        resource=resource,
        context=context,
        on_resource=named,
        shown_resource=read_resource_label(resource) if named else None,
    )
