"""The accounts app's flows: what combines several services, for the console and the AWS API alike.

Each step goes through its own service, so it is authorized and audited as the call the console makes
on AWS; a flow runs in one transaction, so a refusal half-way changes nothing.
"""

from access.audit import all_or_nothing
from access.entities import ensure_same_account
from accounts.models import IAMUser, LoginProfile
from accounts.services.access_keys import access_key_delete
from accounts.services.groups import group_delete, group_remove_user
from accounts.services.login_profiles import login_profile_delete
from accounts.services.mfa import mfa_device_deactivate, mfa_device_delete
from accounts.services.users import user_delete
from policies.flows import permissions_remove_all


@all_or_nothing
def user_delete_with_dependents(*, user, acting):
    """The console's delete: remove keys, password, MFA devices and memberships, then the user, atomically.

    Each removal goes through its own service, so the audit trail shows the same calls the console
    makes on AWS.
    """
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    if LoginProfile.objects.filter(user=user).exists():
        login_profile_delete(user=user, acting=acting)
    for key in list(user.access_keys.all()):
        access_key_delete(key=key, acting=acting)
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
