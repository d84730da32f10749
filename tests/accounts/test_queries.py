"""The identity pages' lists take as many queries for 20 rows as for 2, as the root user and as an IAM
user whose every row is authorized by the engine (tests/queries.py)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessKey, AuditEvent, Group, GroupMembership, IAMUser, MFADevice
from policies.engine import catalog
from policies.models import InlinePolicy
from policies.selectors.last_accessed import service_name
from tests.queries import ListPage, check_page, classified, guard_cases, policy_row, user_row


def _users(client, account):
    return reverse("accounts:user_list"), lambda index: user_row(account, index)


def _group(account, index):
    """The group `group-NN` with two members of its own and an attached and an inline policy."""
    name = f"group-{index:02d}"
    group = Group.objects.create(account=account, name=name)
    for suffix in ("a", "b"):
        GroupMembership.objects.create(
            group=group, user=IAMUser.objects.create(account=account, name=f"{name}-{suffix}")
        )
    group.attachments.create(policy=policy_row(account, index, prefix="group-policy"))
    group.inline_policies.create(name=f"{name}-inline", document="{}")
    return group


def _groups(client, account):
    return reverse("accounts:group_list"), lambda index: _group(account, index).name


def _group_members(client, account):
    team = Group.objects.create(account=account, name="team")
    return (
        reverse("accounts:group_detail", args=["team"]),
        lambda index: user_row(account, index, group=team),
    )


def _group_add_users(client, account):
    Group.objects.create(account=account, name="team")
    return reverse("accounts:group_add_users", args=["team"]), lambda index: user_row(account, index)


def _group_create(client, account):
    return reverse("accounts:group_create"), lambda index: user_row(account, index)


def _member(user):
    def add_row(index):
        group = _group(user.account, index)
        if index % 2 == 0:
            GroupMembership.objects.create(user=user, group=group)
        return group.name

    return add_row


def _user_groups_tab(client, account):
    """The Groups tab: the user's memberships and the groups it could join."""
    user = IAMUser.objects.create(account=account, name="ivan")
    return reverse("accounts:user_detail", args=["ivan"]), _member(user)


def _user_tags_tab(client, account):
    user = IAMUser.objects.create(account=account, name="ivan")

    def add_row(index):
        user.tags.create(key=f"tag-{index:02d}", value=f"value-{index:02d}")
        return f"tag-{index:02d}"

    return reverse("accounts:user_detail", args=["ivan"]), add_row


def _access_key(account, user, index):
    key_id = f"AKIAQUERYGUARDKEY{index:03d}"
    AccessKey.objects.create(account=account, user=user, access_key_id=key_id, secret_encrypted="x")
    return key_id


def _mfa_device(account, user, index):
    name = f"device-{index:02d}"
    MFADevice.objects.create(
        account=account, user=user, name=name, seed_encrypted="x", enabled_at=timezone.now()
    )
    return name


def _user_credentials_tab(kind):
    def build(client, account):
        user = IAMUser.objects.create(account=account, name="ivan")
        add = _access_key if kind == "keys" else _mfa_device
        return reverse("accounts:user_detail", args=["ivan"]), lambda index: add(account, user, index)

    return build


def _root_credentials(kind):
    def build(client, account):
        add = _access_key if kind == "keys" else _mfa_device
        return reverse("accounts:root_security_credentials"), lambda index: add(account, None, index)

    return build


def _root_access_keys(client, account):
    return reverse("accounts:root_access_keys"), lambda index: _access_key(account, None, index)


def _events(client, account):
    def add_row(index):
        user = f"user-{index:02d}"
        AuditEvent.objects.create(
            account=account,
            event_name="CreateUser",
            user_identity={"type": "Root", "arn": account.root_arn, "accountId": account.id},
            request_parameters={"userName": user, "tags": classified(index)},
            response_elements={"user": {"userName": user, "arn": f"arn:aws:iam::{account.id}:user/{user}"}},
        )
        return user

    return reverse("accounts:event_history"), add_row


# Services of the catalog, one per row of a Last Accessed tab (skipping IAM, which the reader's own
# group allows).
SERVICES = [prefix for prefix in sorted(catalog.services()) if prefix != "iam"][:20]


def _service_row(account, index, *, user=None, group=None):
    """A policy allowing the index-th service, and a call to it by `user` (or by a new member of `group`)."""
    prefix = SERVICES[index]
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": f"{prefix}:*", "Resource": "*"}],
        }
    )
    InlinePolicy.objects.create(user=user, group=group, name=f"service-{index:02d}", document=document)
    if group is not None:
        user = IAMUser.objects.create(account=account, name=f"member-{index:02d}")
        GroupMembership.objects.create(user=user, group=group)
    AuditEvent.objects.create(
        account=account,
        event_name="Describe",
        event_source=f"{prefix}.amazonaws.com",
        principal_id=user.user_id,
        user_identity={"type": "IAMUser", "arn": user.arn},
    )
    return service_name(prefix)


def _user_last_accessed_tab(client, account):
    user = IAMUser.objects.create(account=account, name="ivan")
    return reverse("accounts:user_detail", args=["ivan"]), lambda index: _service_row(
        account, index, user=user
    )


def _group_last_accessed_tab(client, account):
    team = Group.objects.create(account=account, name="team")
    return reverse("accounts:group_detail", args=["team"]), lambda index: _service_row(
        account, index, group=team
    )


def _delete_many(url_name, add):
    """A bulk delete's confirmation lists the selected rows (the URL names all 20)."""
    return lambda client, account: (reverse(url_name), lambda index: add(account, index))


def _wizard(add):
    """The create-user wizard's step 2, once step 1 has named the user."""

    def build(client, account):
        response = client.post(f"{reverse('accounts:user_create')}?step=1", {"name": "newcomer"})
        assert response.status_code == 302
        return reverse("accounts:user_create"), lambda index: add(account, index)

    return build


NAMES = [f"user-{index:02d}" for index in range(20)]
GROUPS = [f"group-{index:02d}" for index in range(20)]

PAGES = [
    ListPage("accounts:user_list", _users, {"q": "user-"}, "user-table"),
    ListPage("accounts:group_list", _groups, {"q": "group-"}, "group-table"),
    ListPage("accounts:group_detail", _group_members, {"tab": "users"}, "group-tab", label="users"),
    ListPage("accounts:group_add_users", _group_add_users, {"q": "user-"}, "add-users-list"),
    ListPage("accounts:group_create", _group_create, {"user_q": "user-"}, "group-user-choices"),
    ListPage("accounts:user_detail", _user_groups_tab, {"tab": "groups"}, "user-tab", label="groups"),
    ListPage("accounts:user_detail", _user_tags_tab, {"tab": "tags"}, "user-tab", label="tags"),
    ListPage(
        "accounts:user_detail",
        _user_last_accessed_tab,
        {"tab": "last_accessed"},
        "user-tab",
        label="last_accessed",
    ),
    ListPage(
        "accounts:group_detail",
        _group_last_accessed_tab,
        {"tab": "last_accessed"},
        "group-tab",
        label="last_accessed",
    ),
    ListPage(
        "accounts:user_detail",
        _user_credentials_tab("keys"),
        {"tab": "security_credentials"},
        "user-tab",
        sizes=(1, 2),  # AWS allows two access keys
        label="access-keys",
    ),
    ListPage(
        "accounts:user_detail",
        _user_credentials_tab("mfa"),
        {"tab": "security_credentials"},
        "user-tab",
        sizes=(1, 8),  # and eight MFA devices
        label="mfa-devices",
    ),
    ListPage(
        "accounts:root_security_credentials",
        _root_credentials("keys"),
        personas=("root",),
        sizes=(1, 2),
        label="access-keys",
    ),
    ListPage(
        "accounts:root_security_credentials",
        _root_credentials("mfa"),
        personas=("root",),
        sizes=(1, 8),
        label="mfa-devices",
    ),
    ListPage(
        "accounts:root_access_keys",
        _root_access_keys,
        fragment="access-keys",
        personas=("root",),
        sizes=(1, 2),
    ),
    ListPage("accounts:event_history", _events, {"event_name": "CreateUser"}, "event-table"),
    ListPage("accounts:event_history_download", _events, {"event_name": "CreateUser"}),
    ListPage(
        "accounts:user_delete_many",
        _delete_many("accounts:user_delete_many", user_row),
        {"user": NAMES},
        "user-dialog",
    ),
    ListPage(
        "accounts:group_delete",
        _delete_many("accounts:group_delete", lambda account, index: _group(account, index).name),
        {"group": GROUPS},
        "group-dialog",
    ),
    ListPage(
        "accounts:user_create",
        # "Copy permissions": the users to copy from, each with its groups and policies' count.
        _wizard(user_row),
        {"step": "2", "option": "copy", "copy_q": "user-"},
        "wizard-step",
        label="copy-users",
    ),
    ListPage(
        "accounts:user_create",
        _wizard(lambda account, index: _group(account, index).name),
        {"step": "2"},
        "wizard-step",
        label="groups",
    ),
]


@pytest.mark.parametrize(("page", "persona", "headers"), guard_cases(PAGES))
def test_list_queries_do_not_grow_with_rows(page, persona, headers, client, account):
    check_page(page, persona, headers, client, account)
