"""IAM roles, instance profiles, service-linked roles and identity providers: the handlers of their
operations."""

from urllib.parse import quote

from aws.arns import arn_of
from aws.errors import InvalidInput
from iamconsole.aws_api.iam.common import (
    boundary_shape,
    get_role,
    operation,
    page,
    read,
    tag_operations,
    tag_pairs,
    tags_member,
    tags_of,
)
from policies.models import InstanceProfile, OpenIDConnectProvider, Role, SAMLProvider
from policies.services import instance_profiles, providers, roles
from policies.services.instance_profiles import profile_not_found
from policies.services.providers import oidc_not_found, saml_not_found, saml_valid_until


def _unsupported(params, *members):
    """Members of the model this installation does not keep: refused rather than silently dropped."""
    for member in members:
        if params.get(member):
            raise InvalidInput(f"{member} is not supported by this installation.")


def _listing(acting, kind, params):
    """The path prefix a List… call names, and the ARN its refusal shows (as ListUsers does)."""
    prefix = params.get("PathPrefix", "/")
    return prefix, arn_of(acting.account.id, kind, prefix.rstrip("/") + "/")


# Roles


def role_shape(role, *, full=False, session=True):
    """IAM's Role; `full` adds what GetRole and CreateRole show and ListRoles leaves out. `session`
    False leaves out MaxSessionDuration, as CreateRole (unless the request set it),
    UpdateRoleDescription and the roles of an instance profile do."""
    shape = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": role.created_at,
        # IAM returns policy documents URL-encoded; boto3 decodes them.
        "AssumeRolePolicyDocument": quote(role.trust_policy, safe=""),
    }
    if session:
        shape["MaxSessionDuration"] = role.max_session_duration
    if role.description:
        shape["Description"] = role.description
    if not full:
        return shape
    if role.permissions_boundary_arn:
        shape["PermissionsBoundary"] = boundary_shape(role)
    tags = tags_of(role)
    if tags:
        shape["Tags"] = tags
    return shape


@operation("CreateRole")
def create_role(acting, params):
    _unsupported(params, "MaxSigninSessionDuration")
    role = roles.role_create(
        account=acting.account,
        name=params["RoleName"],
        path=params.get("Path", "/"),
        description=params.get("Description", ""),
        trust_policy=params["AssumeRolePolicyDocument"],
        max_session_duration=params.get("MaxSessionDuration", roles.SESSION_MIN),
        tags=tag_pairs(params),
        permissions_boundary_arn=params.get("PermissionsBoundary", ""),
        acting=acting,
    )
    return {"Role": role_shape(role, full=True, session="MaxSessionDuration" in params)}


@operation("GetRole")
def get_role_op(acting, params):
    role = get_role(acting, params["RoleName"])
    read(acting, "GetRole", role.arn, role, {"roleName": role.name})
    last_used = {}
    if role.last_used_at is not None:
        last_used = {"LastUsedDate": role.last_used_at, "Region": role.last_used_region or None}
    return {"Role": {**role_shape(role, full=True), "RoleLastUsed": last_used}}


@operation("ListRoles")
def list_roles(acting, params):
    prefix, resource = _listing(acting, "role", params)
    read(acting, "ListRoles", resource)
    found = list(Role.objects.filter(account=acting.account, path__startswith=prefix).order_by("name"))
    chosen, paging = page(found, params)
    return {"Roles": [role_shape(role) for role in chosen], **paging}


@operation("UpdateRole")
def update_role(acting, params):
    _unsupported(params, "MaxSigninSessionDuration", "ResetMaxSigninSessionDuration")
    roles.role_update(
        role=get_role(acting, params["RoleName"]),
        description=params.get("Description"),
        max_session_duration=params.get("MaxSessionDuration"),
        acting=acting,
    )
    return {}


@operation("UpdateRoleDescription")
def update_role_description(acting, params):
    role = roles.role_update_description(
        role=get_role(acting, params["RoleName"]), description=params["Description"], acting=acting
    )
    return {"Role": role_shape(role, full=True, session=False)}


@operation("UpdateAssumeRolePolicy")
def update_assume_role_policy(acting, params):
    roles.role_update_trust_policy(
        role=get_role(acting, params["RoleName"]), trust_policy=params["PolicyDocument"], acting=acting
    )
    return {}


@operation("DeleteRole")
def delete_role(acting, params):
    roles.role_delete(role=get_role(acting, params["RoleName"]), acting=acting)
    return {}


# Service-linked roles


@operation("CreateServiceLinkedRole")
def create_service_linked_role(acting, params):
    role = roles.service_linked_role_create(
        account=acting.account,
        aws_service_name=params["AWSServiceName"],
        description=params.get("Description", ""),
        custom_suffix=params.get("CustomSuffix", ""),
        acting=acting,
    )
    return {"Role": role_shape(role, session=False)}


@operation("DeleteServiceLinkedRole")
def delete_service_linked_role(acting, params):
    deletion = roles.service_linked_role_delete(role=get_role(acting, params["RoleName"]), acting=acting)
    return {"DeletionTaskId": deletion.task_id}


@operation("GetServiceLinkedRoleDeletionStatus")
def get_service_linked_role_deletion_status(acting, params):
    deletion = roles.service_linked_role_deletion_status(
        account=acting.account, task_id=params["DeletionTaskId"]
    )
    read(
        acting,
        "GetServiceLinkedRoleDeletionStatus",
        deletion.role_arn,
        None,
        {"deletionTaskId": deletion.task_id},
    )
    shape = {"Status": deletion.status}
    if deletion.reason:
        shape["Reason"] = {"Reason": deletion.reason}
    return shape


tag_operations("Role", "RoleName", get_role, tag=roles.role_tag, untag=roles.role_untag, entity_key="role")


# Instance profiles


def get_profile(acting, name):
    profile = (
        InstanceProfile.objects.filter(account=acting.account, name__iexact=name)
        .select_related("role")
        .first()
    )
    if profile is None:
        raise profile_not_found(name)
    return profile


def profile_shape(profile, *, tags=None):
    """IAM's InstanceProfile. Its tags show in CreateInstanceProfile when it has some (`tags="some"`)
    and in GetInstanceProfile always, as an empty list too (`tags="all"`); the lists leave them out."""
    shape = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.instance_profile_id,
        "Arn": profile.arn,
        "CreateDate": profile.created_at,
        "Roles": [role_shape(profile.role, session=False)] if profile.role is not None else [],
    }
    if tags == "some":
        shape.update(tags_member(profile))
    elif tags == "all":
        shape["Tags"] = tags_of(profile)
    return shape


@operation("CreateInstanceProfile")
def create_instance_profile(acting, params):
    profile = instance_profiles.instance_profile_create(
        account=acting.account,
        name=params["InstanceProfileName"],
        path=params.get("Path", "/"),
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"InstanceProfile": profile_shape(profile, tags="some")}


@operation("GetInstanceProfile")
def get_instance_profile(acting, params):
    profile = get_profile(acting, params["InstanceProfileName"])
    read(acting, "GetInstanceProfile", profile.arn, profile, {"instanceProfileName": profile.name})
    return {"InstanceProfile": profile_shape(profile, tags="all")}


@operation("ListInstanceProfiles")
def list_instance_profiles(acting, params):
    prefix, resource = _listing(acting, "instance-profile", params)
    read(acting, "ListInstanceProfiles", resource)
    found = list(
        InstanceProfile.objects.filter(account=acting.account, path__startswith=prefix)
        .select_related("role")
        .order_by("name")
    )
    chosen, paging = page(found, params)
    return {"InstanceProfiles": [profile_shape(profile) for profile in chosen], **paging}


@operation("ListInstanceProfilesForRole")
def list_instance_profiles_for_role(acting, params):
    role = get_role(acting, params["RoleName"])
    read(acting, "ListInstanceProfilesForRole", role.arn, role, {"roleName": role.name})
    found = list(role.instance_profiles.select_related("role").order_by("name"))
    chosen, paging = page(found, params)
    return {"InstanceProfiles": [profile_shape(profile) for profile in chosen], **paging}


@operation("AddRoleToInstanceProfile")
def add_role_to_instance_profile(acting, params):
    instance_profiles.instance_profile_add_role(
        profile=get_profile(acting, params["InstanceProfileName"]),
        role=get_role(acting, params["RoleName"]),
        acting=acting,
    )
    return {}


@operation("RemoveRoleFromInstanceProfile")
def remove_role_from_instance_profile(acting, params):
    instance_profiles.instance_profile_remove_role(
        profile=get_profile(acting, params["InstanceProfileName"]),
        role=get_role(acting, params["RoleName"]),
        acting=acting,
    )
    return {}


@operation("DeleteInstanceProfile")
def delete_instance_profile(acting, params):
    instance_profiles.instance_profile_delete(
        profile=get_profile(acting, params["InstanceProfileName"]), acting=acting
    )
    return {}


tag_operations(
    "InstanceProfile",
    "InstanceProfileName",
    get_profile,
    tag=instance_profiles.instance_profile_tag,
    untag=instance_profiles.instance_profile_untag,
    entity_key="profile",
)


# OpenID Connect providers


def find_oidc_provider(acting, arn):
    """The caller's account's provider of that ARN, or None."""
    prefix = f"arn:aws:iam::{acting.account.id}:oidc-provider/"
    if not arn.startswith(prefix):
        return None
    return OpenIDConnectProvider.objects.filter(account=acting.account, url=arn.removeprefix(prefix)).first()


def get_oidc_provider(acting, arn):
    provider = find_oidc_provider(acting, arn)
    if provider is None:
        raise oidc_not_found(arn)
    return provider


@operation("CreateOpenIDConnectProvider")
def create_open_id_connect_provider(acting, params):
    _unsupported(params, "ContextProvider", "IdentityCenterInstanceArn")
    provider = providers.oidc_provider_create(
        account=acting.account,
        url=params["Url"],
        client_ids=params.get("ClientIDList", []),
        thumbprints=params.get("ThumbprintList", []),
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"OpenIDConnectProviderArn": provider.arn, **tags_member(provider)}


@operation("GetOpenIDConnectProvider")
def get_open_id_connect_provider(acting, params):
    provider = get_oidc_provider(acting, params["OpenIDConnectProviderArn"])
    read(
        acting, "GetOpenIDConnectProvider", provider.arn, provider, {"openIDConnectProviderArn": provider.arn}
    )
    return {
        "Url": provider.url,
        "ClientIDList": provider.client_ids,
        "ThumbprintList": provider.thumbprints,
        "CreateDate": provider.created_at,
        # GetOpenIDConnectProvider shows Tags even when there are none, as IAM does.
        "Tags": tags_of(provider),
    }


@operation("ListOpenIDConnectProviders")
def list_open_id_connect_providers(acting, params):
    read(acting, "ListOpenIDConnectProviders")
    found = OpenIDConnectProvider.objects.filter(account=acting.account).order_by("url")
    return {"OpenIDConnectProviderList": [{"Arn": provider.arn} for provider in found]}


@operation("UpdateOpenIDConnectProviderThumbprint")
def update_open_id_connect_provider_thumbprint(acting, params):
    providers.oidc_provider_update_thumbprints(
        provider=get_oidc_provider(acting, params["OpenIDConnectProviderArn"]),
        thumbprints=params["ThumbprintList"],
        acting=acting,
    )
    return {}


@operation("AddClientIDToOpenIDConnectProvider")
def add_client_id_to_open_id_connect_provider(acting, params):
    providers.oidc_provider_add_client_id(
        provider=get_oidc_provider(acting, params["OpenIDConnectProviderArn"]),
        client_id=params["ClientID"],
        acting=acting,
    )
    return {}


@operation("RemoveClientIDFromOpenIDConnectProvider")
def remove_client_id_from_open_id_connect_provider(acting, params):
    providers.oidc_provider_remove_client_id(
        provider=get_oidc_provider(acting, params["OpenIDConnectProviderArn"]),
        client_id=params["ClientID"],
        acting=acting,
    )
    return {}


@operation("DeleteOpenIDConnectProvider")
def delete_open_id_connect_provider(acting, params):
    # IAM: "it does not fail or return an error if you call the operation for a provider that does not
    # exist" (the caller still needs iam:DeleteOpenIDConnectProvider on the ARN).
    arn = params["OpenIDConnectProviderArn"]
    providers.oidc_provider_delete(provider=find_oidc_provider(acting, arn), arn=arn, acting=acting)
    return {}


tag_operations(
    "OpenIDConnectProvider",
    "OpenIDConnectProviderArn",
    get_oidc_provider,
    tag=providers.oidc_provider_tag,
    untag=providers.oidc_provider_untag,
    entity_key="provider",
)


# SAML providers


def get_saml_provider(acting, arn):
    prefix = f"arn:aws:iam::{acting.account.id}:saml-provider/"
    provider = None
    if arn.startswith(prefix):
        provider = SAMLProvider.objects.filter(account=acting.account, name=arn.removeprefix(prefix)).first()
    if provider is None:
        raise saml_not_found(arn)
    return provider


@operation("CreateSAMLProvider")
def create_saml_provider(acting, params):
    _unsupported(
        params,
        "AssertionEncryptionMode",
        "AddPrivateKey",
        "ContextProvider",
        "IdentityCenterInstanceArn",
    )
    provider = providers.saml_provider_create(
        account=acting.account,
        name=params["Name"],
        metadata_document=params["SAMLMetadataDocument"],
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"SAMLProviderArn": provider.arn, **tags_member(provider)}


@operation("GetSAMLProvider")
def get_saml_provider_op(acting, params):
    provider = get_saml_provider(acting, params["SAMLProviderArn"])
    read(acting, "GetSAMLProvider", provider.arn, provider, {"sAMLProviderArn": provider.arn})
    return {
        "SAMLMetadataDocument": provider.metadata_document,
        "CreateDate": provider.created_at,
        "ValidUntil": saml_valid_until(provider),
        # GetSAMLProvider shows Tags even when there are none, as IAM does.
        "Tags": tags_of(provider),
    }


@operation("ListSAMLProviders")
def list_saml_providers(acting, params):
    read(acting, "ListSAMLProviders")
    found = SAMLProvider.objects.filter(account=acting.account).order_by("name")
    return {
        "SAMLProviderList": [
            {"Arn": provider.arn, "ValidUntil": saml_valid_until(provider), "CreateDate": provider.created_at}
            for provider in found
        ]
    }


@operation("UpdateSAMLProvider")
def update_saml_provider(acting, params):
    _unsupported(
        params,
        "AssertionEncryptionMode",
        "AddPrivateKey",
        "RemovePrivateKey",
        "ContextProvider",
        "IdentityCenterInstanceArn",
        "RemoveContextProvider",
        "RemoveIdentityCenterInstance",
    )
    provider = providers.saml_provider_update(
        provider=get_saml_provider(acting, params["SAMLProviderArn"]),
        metadata_document=params.get("SAMLMetadataDocument"),
        acting=acting,
    )
    return {"SAMLProviderArn": provider.arn}


@operation("DeleteSAMLProvider")
def delete_saml_provider(acting, params):
    providers.saml_provider_delete(
        provider=get_saml_provider(acting, params["SAMLProviderArn"]), acting=acting
    )
    return {}


tag_operations(
    "SAMLProvider",
    "SAMLProviderArn",
    get_saml_provider,
    tag=providers.saml_provider_tag,
    untag=providers.saml_provider_untag,
    entity_key="provider",
)
