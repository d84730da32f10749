"""The accounts app's flows: what combines several services, for the console and the AWS API alike.

Each step goes through its own service, so it is authorized and audited as the call the console makes
on AWS; a flow runs in one transaction, so a refusal half-way changes nothing.
"""

from functools import partial

from access.audit import all_or_nothing
from access.entities import ensure_same_account, tags_replace
from accounts.models import IAMUser, LoginProfile
from accounts.services.access_keys import access_key_create, access_key_delete
from accounts.services.groups import group_add_user, group_create, group_delete, group_remove_user
from accounts.services.login_profiles import login_profile_create, login_profile_delete, login_profile_update
from accounts.services.mfa import mfa_device_deactivate, mfa_device_delete
from accounts.services.service_credentials import service_credential_delete
from accounts.services.signing_certificates import signing_certificate_delete
from accounts.services.ssh_keys import ssh_public_key_delete
from accounts.services.users import user_create, user_delete, user_tag, user_untag
from policies.flows import permissions_grant, permissions_remove_all
from policies.services.permissions import attach_change_password_policy


@all_or_nothing
def user_delete_with_dependents(*, user, acting):
    """The console's delete: remove keys, password, certificates, SSH keys, service-specific
    credentials, MFA devices and memberships, then the user, atomically.

    Each removal goes through its own service, so the audit trail shows the same calls the console
    makes on AWS.
    """
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    if LoginProfile.objects.filter(user=user).exists():
        login_profile_delete(user=user, acting=acting)
    for key in list(user.access_keys.all()):
        access_key_delete(key=key, acting=acting)
    for certificate in list(user.signing_certificates.select_related("user")):
        signing_certificate_delete(certificate=certificate, acting=acting)
    for ssh_key in list(user.ssh_public_keys.select_related("user")):
        ssh_public_key_delete(key=ssh_key, acting=acting)
    for credential in list(user.service_credentials.select_related("user")):
        service_credential_delete(credential=credential, acting=acting)
    for device in list(user.mfa_devices.all()):
        mfa_device_remove(device=device, acting=acting)
    permissions_remove_all(user=user, acting=acting)
    for membership in list(user.memberships.select_related("group")):
        group_remove_user(group=membership.group, user=user, acting=acting)
    user_delete(user=user, acting=acting)


@all_or_nothing
def mfa_device_remove(*, device, acting):
    """The console's Remove of a virtual MFA device: deactivate it (when enabled), then delete it,
    both or neither."""
    if device.enabled_at is not None:
        mfa_device_deactivate(device=device, acting=acting)
    mfa_device_delete(device=device, acting=acting)


@all_or_nothing
def group_delete_with_dependents(*, group, acting):
    """The console's delete: remove every member and every policy, then the group, in one transaction."""
    ensure_same_account(group, acting, f"The group with name {group.name} cannot be found.")
    for membership in list(group.memberships.select_related("user")):
        group_remove_user(group=group, user=membership.user, acting=acting)
    permissions_remove_all(group=group, acting=acting)
    group_delete(group=group, acting=acting)


@all_or_nothing
def users_delete_with_dependents(*, users, acting):
    """Delete several users at once (the Users list's Delete): all of them or none."""
    for user in users:
        user_delete_with_dependents(user=user, acting=acting)


@all_or_nothing
def groups_delete_with_dependents(*, groups, acting):
    """Delete several groups at once (the User groups list's Delete): all of them or none."""
    for group in groups:
        group_delete_with_dependents(group=group, acting=acting)


@all_or_nothing
def user_create_with_access(
    *,
    account,
    name,
    tags,
    password,
    password_reset_required,
    groups,
    permissions,
    permissions_boundary_arn="",
    acting,
):
    """The create user wizard's Create: the user with its permissions boundary (CreateUser's
    PermissionsBoundary, as the console sends it), its console password (when `password` is given;
    with IAMUserChangePassword when a reset is required, as the console does), its groups and the
    permissions chosen (`permissions`: policies_grant's keywords, or None)."""
    user = user_create(
        account=account,
        name=name,
        tags=tags,
        permissions_boundary_arn=permissions_boundary_arn,
        acting=acting,
    )
    if password is not None:
        login_profile_create(
            user=user, password=password, password_reset_required=password_reset_required, acting=acting
        )
        if password_reset_required:
            attach_change_password_policy(user=user, acting=acting)
    for group in groups:
        group_add_user(group=group, user=user, acting=acting)
    if permissions:
        permissions_grant(user=user, acting=acting, **permissions)
    return user


@all_or_nothing
def console_access_change(*, user, enable, password, password_reset_required, acting):
    """The console's "Manage console access": disable (delete the login profile, when there is one),
    or enable / reset the password (`password` None keeps it), with IAMUserChangePassword when a
    reset is required; a refused attachment leaves the old password working."""
    profile = LoginProfile.objects.filter(user=user).first()
    if not enable:
        if profile is not None:
            login_profile_delete(user=user, acting=acting)
        return
    change = login_profile_create if profile is None else login_profile_update
    change(user=user, password=password, password_reset_required=password_reset_required, acting=acting)
    if password_reset_required:
        attach_change_password_policy(user=user, acting=acting)


@all_or_nothing
def access_key_create_with_description(*, account, user, description, acting):
    """Create an access key and, for an IAM user, its description tag (the key ID as the tag's key, as
    the console stores it): both or neither. Returns (key, secret)."""
    key, secret = access_key_create(account=account, user=user, acting=acting)
    if user is not None and description:
        user_tag(user=user, tags=[(key.access_key_id, description)], acting=acting)
    return key, secret


@all_or_nothing
def memberships_change(*, pairs, add, acting):
    """Add each (group, user) membership (`add`), or remove it: all of them or none."""
    change = group_add_user if add else group_remove_user
    for group, user in pairs:
        change(group=group, user=user, acting=acting)


def user_groups_change(*, user, groups, add, acting):
    """The user's Groups tab: add it to the groups, or remove it from them."""
    memberships_change(pairs=[(group, user) for group in groups], add=add, acting=acting)


@all_or_nothing
def group_create_with_users(*, account, name, users, policy_arns=(), acting):
    """Create a group with its first members and policies (the Create user group page).

    AWS's console makes the calls one by one (CreateGroup, AddUserToGroup…, AttachGroupPolicy…), each
    authorized on its own; a refusal half-way leaves a group there. Here the calls are the same and
    each is authorized and recorded as AWS would, but a refusal rolls the whole page back, as the
    create user wizard does, so that a trainee never finds a half-made group."""
    group = group_create(account=account, name=name, acting=acting)
    group_users_change(group=group, users=users, add=True, acting=acting)
    if policy_arns:
        permissions_grant(group=group, policy_arns=policy_arns, acting=acting)
    return group


def group_users_change(*, group, users, add, acting):
    """The group's Users tab: add the users to it, or remove them from it."""
    memberships_change(pairs=[(group, user) for user in users], add=add, acting=acting)


@all_or_nothing
def user_tags_replace(*, user, tags, acting):
    """The user's Tags editor saves a whole set: untag what left it, tag the rest (TagUser, UntagUser)."""
    own = {"user": user, "acting": acting}
    tags_replace(user.tags.all(), tags, tag=partial(user_tag, **own), untag=partial(user_untag, **own))
