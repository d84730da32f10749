"""Reads of IAM Identity Center for the services, the API and (later) the console: the instance an
account manages, the objects of an instance by their IDs or ARNs (another instance's are not found),
who is assigned what."""

from django.db.models import Q

from organizations.models import Membership

from .models import (
    AccountAssignment,
    DirectoryGroup,
    DirectoryUser,
    GroupMembership,
    Instance,
    ProvisionedPermissionSet,
    ProvisioningRequest,
)


def instance_of(account):
    """The Identity Center instance of the organization the account manages, or None."""
    return Instance.objects.filter(organization__management_account=account).first()


def instance_by_arn(account, arn):
    """The instance `arn` names when `account` manages its organization, else None."""
    instance = instance_of(account)
    return instance if instance is not None and instance.arn == arn else None


def instance_by_store(account, identity_store_id):
    instance = instance_of(account)
    return instance if instance is not None and instance.identity_store_id == identity_store_id else None


def permission_set_by_arn(instance, arn):
    prefix = f"arn:aws:sso:::permissionSet/{instance.id}/"
    if not arn.startswith(prefix):
        return None
    return instance.permission_sets.filter(id=arn.removeprefix(prefix)).first()


def user_in(instance, user_id):
    return DirectoryUser.objects.filter(instance=instance, id=user_id).first()


def group_in(instance, group_id):
    return DirectoryGroup.objects.filter(instance=instance, id=group_id).first()


def membership_in(instance, membership_id):
    return (
        GroupMembership.objects.select_related("group", "user")
        .filter(group__instance=instance, id=membership_id)
        .first()
    )


def principal_exists(instance, principal_type, principal_id):
    model = DirectoryUser if principal_type == AccountAssignment.PrincipalType.USER else DirectoryGroup
    return model.objects.filter(instance=instance, id=principal_id).exists()


def organization_account(instance, account_id):
    """The member (or management) account `account_id` of the instance's organization, or None."""
    membership = (
        Membership.objects.select_related("account")
        .filter(organization_id=instance.organization_id, account_id=account_id)
        .first()
    )
    return membership.account if membership is not None else None


def request_in(instance, request_id, kind):
    return ProvisioningRequest.objects.filter(instance=instance, request_id=request_id, kind=kind).first()


def permission_sets_of(instance):
    return instance.permission_sets.order_by("created_at", "id")


def assignments(permission_set, account_id):
    return AccountAssignment.objects.filter(permission_set=permission_set, account_id=account_id)


def provisioned_accounts(permission_set, status=None):
    rows = ProvisionedPermissionSet.objects.filter(permission_set=permission_set)
    if status is not None:
        rows = rows.filter(current=status == "LATEST_PERMISSION_SET_PROVISIONED")
    return [row.account_id for row in rows.order_by("account_id")]


def provisioned_to_account(instance, account_id, status=None):
    rows = ProvisionedPermissionSet.objects.filter(
        permission_set__instance=instance, account_id=account_id
    ).select_related("permission_set")
    if status is not None:
        rows = rows.filter(current=status == "LATEST_PERMISSION_SET_PROVISIONED")
    return [row.permission_set for row in rows.order_by("permission_set__created_at")]


def assignments_of_user(instance, user):
    """The assignments reaching a directory user, directly or through the groups it is in (the access
    portal's accounts and permission sets)."""
    groups = GroupMembership.objects.filter(user=user).values_list("group_id", flat=True)
    return (
        AccountAssignment.objects.filter(permission_set__instance=instance)
        .filter(
            Q(principal_type=AccountAssignment.PrincipalType.USER, principal_id=user.id)
            | Q(principal_type=AccountAssignment.PrincipalType.GROUP, principal_id__in=list(groups))
        )
        .select_related("permission_set", "account")
    )


def assignments_of_principal(instance, principal_type, principal_id):
    """The assignments made to one user or group directly (ListAccountAssignmentsForPrincipal)."""
    return (
        AccountAssignment.objects.filter(
            permission_set__instance=instance, principal_type=principal_type, principal_id=principal_id
        )
        .select_related("permission_set")
        .order_by("created_at", "id")
    )
