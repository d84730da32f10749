from django.urls import reverse

from accounts.models import Group, GroupMembership
from accounts.services.groups import group_add_user

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
    fragment = root_client.get(url, {"q": "ali"}, headers=hx("group-user-choices")).content.decode()
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
