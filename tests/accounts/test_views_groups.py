from django.urls import reverse

from accounts.models import AuditEvent, Group, GroupMembership
from accounts.services.groups import group_add_user
from policies.services.permissions import policy_attach
from tests.grants import grant, statement
from tests.policies.permissions_helpers import make_policy
from tests.queries import sign_in

from .factories import GroupFactory, IAMUserFactory


def hx(target):
    return {"HX-Request": "true", "HX-Target": target}


def test_group_list_shows_counts_and_filters(root_client, account, bob, root_acting):
    developers = GroupFactory(account=account, name="developers")
    GroupFactory(account=account, name="SuperStars")
    group_add_user(group=developers, user=bob, acting=root_acting)
    url = reverse("accounts:group_list")

    page = root_client.get(url).content.decode()
    assert "<html" in page and 'User groups <span class="count">(2)</span>' in page
    for column in ["Group name", "Users", "Permissions", "Creation time"]:
        assert column in page

    fragment = root_client.get(url, {"q": "super"}, headers=hx("group-table")).content.decode()
    assert fragment.lstrip().startswith('<div id="group-table"')
    assert "SuperStars" in fragment and "developers" not in fragment


def test_create_group_with_users(root_client, account, bob):
    response = root_client.post(reverse("accounts:group_create"), {"name": "developers", "user": ["bob"]})
    assert response.status_code == 302
    group = Group.objects.get(account=account, name="developers")
    assert list(group.users.all()) == [bob]


def test_create_group_errors_are_inline(root_client, account):
    GroupFactory(account=account, name="developers")
    duplicate = root_client.post(reverse("accounts:group_create"), {"name": "Developers"})
    assert duplicate.status_code == 422
    assert "Group with name Developers already exists." in duplicate.content.decode()
    invalid = root_client.post(reverse("accounts:group_create"), {"name": "no spaces"})
    assert "Member must satisfy regular expression pattern" in invalid.content.decode()
    assert Group.objects.count() == 1


def test_create_group_user_checklist_filters(root_client, account):
    IAMUserFactory(account=account, name="alice")
    IAMUserFactory(account=account, name="Ivan")
    url = reverse("accounts:group_create")
    assert "<html" in root_client.get(url).content.decode()
    fragment = root_client.get(url, {"user_q": "ali"}, headers=hx("group-user-choices")).content.decode()
    assert fragment.lstrip().startswith('<div id="group-user-choices"')
    assert "alice" in fragment and "Ivan" not in fragment


def test_group_detail_tabs(root_client, account, bob, root_acting):
    group = GroupFactory(account=account, name="developers")
    group_add_user(group=group, user=bob, acting=root_acting)
    url = reverse("accounts:group_detail", args=["developers"])

    page = root_client.get(url).content.decode()
    assert group.arn in page and "Users in this group" in page and "bob" in page
    fragment = root_client.get(url, {"tab": "permissions"}, headers=hx("group-tab")).content.decode()
    assert fragment.lstrip().startswith('<div id="group-tab"')
    assert "Permissions policies" in fragment


def test_add_users_dialog_filters_and_adds(root_client, account, bob):
    GroupFactory(account=account, name="developers")
    IAMUserFactory(account=account, name="alice")
    url = reverse("accounts:group_add_users", args=["developers"])

    dialog = root_client.get(url, headers=hx("add-users")).content.decode()
    assert dialog.lstrip().startswith('<div id="add-users"') and "alice" in dialog and "bob" in dialog
    listing = root_client.get(url, {"q": "ali"}, headers=hx("add-users-list")).content.decode()
    assert listing.lstrip().startswith('<div id="add-users-list"')
    assert "alice" in listing and "bob" not in listing
    assert "<html" in root_client.get(url).content.decode()

    response = root_client.post(url, {"user": ["alice", "bob"]}, headers=hx("add-users"))
    assert response["HX-Redirect"] == reverse("accounts:group_detail", args=["developers"])
    assert sorted(u.name for u in Group.objects.get(name="developers").users.all()) == ["alice", "bob"]


def test_remove_users_from_a_group(root_client, account, bob, root_acting):
    group = GroupFactory(account=account, name="developers")
    group_add_user(group=group, user=bob, acting=root_acting)
    url = reverse("accounts:group_remove_users", args=["developers"])
    fragment = root_client.post(url, {"user": "bob"}, headers=hx("group-tab")).content.decode()
    assert fragment.lstrip().startswith('<div id="group-tab"')
    assert not group.users.exists()


def test_delete_group_confirms_and_removes_memberships(root_client, account, bob, root_acting):
    group = GroupFactory(account=account, name="developers")
    group_add_user(group=group, user=bob, acting=root_acting)
    url = reverse("accounts:group_delete")

    dialog = root_client.get(url, {"group": "developers"}, headers=hx("group-dialog")).content.decode()
    assert dialog.lstrip().startswith('<div id="group-dialog"') and "enter the user group name" in dialog
    assert "<html" in root_client.get(url, {"group": "developers"}).content.decode()

    refused = root_client.post(url, {"group": "developers", "confirm": "delete"})
    assert refused.status_code == 422
    assert Group.objects.filter(pk=group.pk).exists()

    done = root_client.post(url, {"group": "developers", "confirm": "developers"})
    assert done.status_code == 302
    assert not Group.objects.exists() and not GroupMembership.objects.exists()
    assert bob.pk and type(bob).objects.filter(pk=bob.pk).exists()


def test_deleting_several_groups_asks_for_delete(root_client, account):
    GroupFactory(account=account, name="a")
    GroupFactory(account=account, name="b")
    response = root_client.post(reverse("accounts:group_delete"), {"group": ["a", "b"], "confirm": "delete"})
    assert response.status_code == 302
    assert not Group.objects.exists()


# Permissions: "Defined" as soon as a group has an attached or an inline policy, as the console says.


def test_group_list_says_which_groups_have_permissions(root_client, account, root_acting):
    developers = GroupFactory(account=account, name="developers")
    admins = GroupFactory(account=account, name="admins")
    GroupFactory(account=account, name="empty")
    policy_attach(
        policy=make_policy(name="allow-s3-read", account=account), group=developers, acting=root_acting
    )
    grant(statement("s3:ListBucket"), group=admins, name="inline-only")

    rows = _rows(root_client.get(reverse("accounts:group_list")).content.decode())
    assert rows == {"admins": "Defined", "developers": "Defined", "empty": "Not defined"}


def test_group_list_refuses_permissions_cells_it_may_not_read(client, account, bob):
    GroupFactory(account=account, name="developers")
    grant(statement("iam:ListGroups"), statement("iam:ListAttachedGroupPolicies"), user=bob)
    rows = _rows(sign_in(client, account, bob).get(reverse("accounts:group_list")).content.decode())
    assert rows == {"developers": "Access denied"}  # ListGroupPolicies is not allowed


def test_create_user_group_picker_shows_attached_policies(root_client, account, root_acting):
    developers = GroupFactory(account=account, name="developers")
    GroupFactory(account=account, name="empty")
    s3 = make_policy(name="allow-s3-read", account=account)
    policy_attach(policy=s3, group=developers, acting=root_acting)
    root_client.post(reverse("accounts:user_create"), {"name": "carol"})
    step2 = root_client.get(reverse("accounts:user_create"), {"step": "2"}).content.decode()
    developers_row = step2[step2.index('value="developers"') :].split("</tr>")[0]
    empty_row = step2[step2.index('value="empty"') :].split("</tr>")[0]
    assert f'href="/policies/details/{s3.arn}"' in developers_row and ">allow-s3-read</a>" in developers_row
    assert "<td>-</td>" in empty_row


def _rows(html):
    """{group name: its Permissions cell} of the User groups table."""
    rows = {}
    for row in html.split('<input type="checkbox" name="group" value="')[1:]:
        name = row.split('"')[0]
        cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
        rows[name] = "Access denied" if "Access denied" in cells[2] else cells[2]
    return rows


# Create user group: "Attach permissions policies - optional"


def test_create_group_page_offers_the_policy_picker(root_client, account):
    make_policy(name="AdministratorAccess")
    page = root_client.get(reverse("accounts:group_create")).content.decode()
    assert "Attach permissions policies - <em>optional</em>" in page
    assert 'id="policy-picker"' in page and "AdministratorAccess" in page
    assert "later release" not in page


def test_create_group_attaches_the_chosen_policies(root_client, account):
    admin = make_policy(name="AdministratorAccess")
    s3 = make_policy(name="allow-s3-read", account=account)
    response = root_client.post(
        reverse("accounts:group_create"), {"name": "developers", "policy_arn": [admin.arn, s3.arn]}
    )
    assert response.status_code == 302
    group = Group.objects.get(account=account, name="developers")
    assert set(group.attachments.values_list("policy__name", flat=True)) == {
        "AdministratorAccess",
        "allow-s3-read",
    }
    events = list(
        AuditEvent.objects.filter(event_name="AttachGroupPolicy").values_list("error_code", flat=True)
    )
    assert events == ["", ""]  # each attachment is its own call, recorded as AWS records it


def test_create_group_is_all_or_nothing_when_an_attachment_is_refused(client, account, bob):
    """Each AttachGroupPolicy is authorized on its own; a refusal leaves no half-made group behind."""
    admin = make_policy(name="AdministratorAccess")
    s3 = make_policy(name="allow-s3-read", account=account)
    grant(
        statement(["iam:CreateGroup", "iam:ListUsers", "iam:ListPolicies"]),
        statement("iam:AttachGroupPolicy", condition={"ArnEquals": {"iam:PolicyARN": s3.arn}}),
        user=bob,
    )
    signed_in = sign_in(client, account, bob)
    refused = signed_in.post(
        reverse("accounts:group_create"), {"name": "developers", "policy_arn": [s3.arn, admin.arn]}
    )
    assert refused.status_code == 422
    assert "iam:AttachGroupPolicy" in refused.content.decode()
    assert not Group.objects.filter(account=account, name="developers").exists()
    allowed = signed_in.post(reverse("accounts:group_create"), {"name": "developers", "policy_arn": [s3.arn]})
    assert allowed.status_code == 302
    assert list(Group.objects.get(name="developers").attachments.values_list("policy__name", flat=True)) == [
        "allow-s3-read"
    ]
