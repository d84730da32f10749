"""IAM Identity Center's lists take as many queries for 20 rows as for 2, as the management account's
root user and as an IAM user allowed the reads (tests/queries.py)."""

import pytest
from django.urls import reverse

from access.acting import Acting
from identitycenter import services
from identitycenter.models import (
    AccountAssignment,
    DirectoryGroup,
    DirectoryUser,
    GroupMembership,
    ManagedPolicyAttachment,
    PermissionSet,
    ProvisionedPermissionSet,
    ProvisioningRequest,
    ResourceTag,
)
from organizations import services as organizations_services
from organizations.models import Membership, OrganizationalUnit
from policies.models import Role
from tests.accounts.factories import AccountFactory
from tests.queries import ListPage, check_page, guard_cases


def _instance(account):
    acting = Acting(account=account)
    organization = organizations_services.organization_create(acting=acting)
    return services.instance_create(organization=organization, acting=acting)


def _user(instance, index):
    return DirectoryUser.objects.create(
        instance=instance,
        user_name=f"user-{index:02d}",
        display_name=f"User {index:02d}",
        emails=[{"Value": f"user-{index:02d}@example.com", "Primary": True}],
    )


def _group(instance, index):
    return DirectoryGroup.objects.create(instance=instance, display_name=f"group-{index:02d}")


def _permission_set(instance, index):
    return PermissionSet.objects.create(instance=instance, name=f"set-{index:02d}")


def _member(instance, index, parent=None):
    account = AccountFactory(name=f"workload-{index:02d}")
    Membership.objects.create(
        account=account, organization=instance.organization, parent=parent, joined_method="CREATED"
    )
    return account


def _provisioned(permission_set, account, *, failed=False):
    row = ProvisionedPermissionSet.objects.create(permission_set=permission_set, account=account)
    row.role = Role.objects.create(account=account, name=row.role_name, trust_policy="{}")
    row.save()
    ProvisioningRequest.objects.create(
        instance=permission_set.instance,
        kind=ProvisioningRequest.Kind.PERMISSION_SET_PROVISIONING,
        status="FAILED" if failed else "SUCCEEDED",
        failure_reason="it failed" if failed else "",
        permission_set_arn=permission_set.arn,
        target_id=account.id,
    )
    return row


def _users(client, account):
    instance = _instance(account)
    return reverse("identitycenter:user_list"), lambda index: _user(instance, index).user_name


def _groups(client, account):
    instance = _instance(account)
    return reverse("identitycenter:group_list"), lambda index: _group(instance, index).display_name


def _permission_sets(client, account):
    instance = _instance(account)
    return reverse("identitycenter:permission_set_list"), lambda index: _permission_set(instance, index).name


def _user_wizard_groups(client, account):
    instance = _instance(account)
    return reverse("identitycenter:user_create"), lambda index: _group(instance, index).display_name


def _group_wizard_users(client, account):
    instance = _instance(account)
    return reverse("identitycenter:group_create"), lambda index: _user(instance, index).user_name


def _user_detail(client, account):
    """A user in a group per row, assigned to an account per row directly and to another through the group."""
    instance = _instance(account)
    dana = _user(instance, 99)

    def add_row(index):
        group = _group(instance, index)
        GroupMembership.objects.create(group=group, user=dana)
        permission_set = _permission_set(instance, index)
        member = _member(instance, index)
        AccountAssignment.objects.create(
            permission_set=permission_set, account=member, principal_type="USER", principal_id=dana.id
        )
        # And through the group, in another account.
        other = _member(instance, index + 50)
        AccountAssignment.objects.create(
            permission_set=permission_set, account=other, principal_type="GROUP", principal_id=group.id
        )
        return [group.display_name, member.name, other.name, permission_set.name]

    return reverse("identitycenter:user_detail", args=[dana.id]), add_row


def _group_detail(client, account):
    instance = _instance(account)
    developers = _group(instance, 99)

    def add_row(index):
        user = _user(instance, index)
        GroupMembership.objects.create(group=developers, user=user)
        permission_set = _permission_set(instance, index)
        member = _member(instance, index)
        AccountAssignment.objects.create(
            permission_set=permission_set, account=member, principal_type="GROUP", principal_id=developers.id
        )
        return [user.user_name, member.name, permission_set.name]

    return reverse("identitycenter:group_detail", args=[developers.id]), add_row


def _accounts(client, account):
    """The tree: an OU and an account in it per row, with a permission set provisioned there."""
    instance = _instance(account)

    def add_row(index):
        ou = OrganizationalUnit.objects.create(organization=instance.organization, name=f"unit-{index:02d}")
        member = _member(instance, index, parent=ou)
        _provisioned(_permission_set(instance, index), member)
        return [ou.name, member.name, f"set-{index:02d}"]

    return reverse("identitycenter:accounts"), add_row


def _assign(client, account):
    """The assign wizard lists every user, group and permission set."""
    instance = _instance(account)
    member = _member(instance, 99)

    def add_row(index):
        return [
            _user(instance, index).user_name,
            _group(instance, index).display_name,
            _permission_set(instance, index).name,
        ]

    return f"{reverse('identitycenter:assign')}?accounts={member.id}", add_row


def _account_detail(client, account):
    """An account's assignments (a user and a group per row) and its provisioned permission sets."""
    instance = _instance(account)
    member = _member(instance, 99)

    def add_row(index):
        permission_set = _permission_set(instance, index)
        user, group = _user(instance, index), _group(instance, index)
        for principal_type, principal in (("USER", user), ("GROUP", group)):
            AccountAssignment.objects.create(
                permission_set=permission_set,
                account=member,
                principal_type=principal_type,
                principal_id=principal.id,
            )
        row = _provisioned(permission_set, member, failed=index % 2 == 1)
        return [user.user_name, group.display_name, row.role_name]

    return reverse("identitycenter:account_detail", args=[member.id]), add_row


def _permission_set_accounts(client, account):
    instance = _instance(account)
    permission_set = _permission_set(instance, 99)

    def add_row(index):
        member = _member(instance, index)
        row = _provisioned(permission_set, member, failed=index % 2 == 1)
        return [member.name, row.role_name]

    return reverse("identitycenter:permission_set_detail", args=[permission_set.id]), add_row


def _permission_set_permissions(client, account):
    instance = _instance(account)
    permission_set = _permission_set(instance, 99)

    def add_row(index):
        name = f"Policy{index:02d}"
        ManagedPolicyAttachment.objects.create(
            permission_set=permission_set, arn=f"arn:aws:iam::aws:policy/{name}", name=name
        )
        permission_set.customer_policies.create(name=f"customer-{index:02d}", path="/")
        return [name, f"customer-{index:02d}"]

    return (
        f"{reverse('identitycenter:permission_set_detail', args=[permission_set.id])}?tab=permissions",
        add_row,
    )


def _permission_set_tags(client, account):
    instance = _instance(account)
    permission_set = _permission_set(instance, 99)

    def add_row(index):
        ResourceTag.objects.create(instance=instance, resource_arn=permission_set.arn, key=f"key-{index:02d}")
        return f"key-{index:02d}"

    return f"{reverse('identitycenter:permission_set_detail', args=[permission_set.id])}?tab=tags", add_row


PAGES = [
    ListPage("identitycenter:user_list", _users, fragment="user-table"),
    ListPage("identitycenter:group_list", _groups, fragment="group-table"),
    ListPage("identitycenter:permission_set_list", _permission_sets, fragment="permission-set-table"),
    ListPage("identitycenter:user_create", _user_wizard_groups, fragment="wizard-step"),
    ListPage("identitycenter:group_create", _group_wizard_users),
    ListPage("identitycenter:user_detail", _user_detail),
    ListPage("identitycenter:group_detail", _group_detail),
    ListPage("identitycenter:accounts", _accounts),
    ListPage("identitycenter:assign", _assign),
    ListPage("identitycenter:account_detail", _account_detail),
    ListPage(
        "identitycenter:permission_set_detail",
        _permission_set_accounts,
        fragment="permission-set-tab",
        label="accounts",
    ),
    ListPage("identitycenter:permission_set_detail", _permission_set_permissions, label="permissions"),
    ListPage("identitycenter:permission_set_detail", _permission_set_tags, label="tags"),
]


@pytest.mark.parametrize(("page", "persona", "headers"), guard_cases(PAGES))
def test_list_queries_do_not_grow_with_rows(page, persona, headers, client, account):
    check_page(page, persona, headers, client, account)
