"""Charlie, root of another account, never sees or changes alice's users, groups or keys: 404."""

import re

import pytest
from django.urls import reverse

from accounts.models import AccessKey, Group, GroupMembership, IAMUser, LoginProfile, UserTag
from accounts.services.access_keys import access_key_create
from accounts.services.groups import group_add_user

from .factories import GroupFactory


@pytest.fixture
def alices_things(account, bob, root_acting):
    group = GroupFactory(account=account, name="developers")
    group_add_user(group=group, user=bob, acting=root_acting)
    key, _ = access_key_create(account=account, user=bob, acting=root_acting)
    root_key, _ = access_key_create(account=account, acting=root_acting)
    LoginProfile.objects.create(user=bob, password="x")
    UserTag.objects.create(user=bob, key="team", value="core")
    return {"user": bob, "group": group, "key": key, "root_key": root_key}


def _urls(things):
    key = things["key"].access_key_id
    root_key = things["root_key"].access_key_id
    return [
        ("get", reverse("accounts:user_detail", args=["bob"]), {}),
        ("get", reverse("accounts:user_detail", args=["bob"]) + "?tab=security_credentials", {}),
        ("get", reverse("accounts:user_delete", args=["bob"]), {}),
        ("post", reverse("accounts:user_delete", args=["bob"]), {"confirm": "bob"}),
        ("post", reverse("accounts:user_groups", args=["bob"]), {"group": "developers", "action": "remove"}),
        ("post", reverse("accounts:user_tags", args=["bob"]), {"action": "save"}),
        ("get", reverse("accounts:login_profile_manage", args=["bob"]), {}),
        ("post", reverse("accounts:login_profile_manage", args=["bob"]), {"access": "disable"}),
        ("get", reverse("accounts:login_profile_password", args=["bob"]), {}),
        ("get", reverse("accounts:access_key_create", args=["bob"]), {}),
        ("post", reverse("accounts:access_key_create", args=["bob"]), {"use_case": "cli"}),
        ("post", reverse("accounts:access_key_action", args=[key]), {"action": "deactivate"}),
        ("post", reverse("accounts:access_key_action", args=[key]), {"action": "delete", "confirm": key}),
        ("get", reverse("accounts:access_key_retrieve", args=[key]), {}),
        ("post", reverse("accounts:access_key_action", args=[root_key]), {"action": "deactivate"}),
        ("get", reverse("accounts:access_key_retrieve", args=[root_key]), {}),
        ("get", reverse("accounts:group_detail", args=["developers"]), {}),
        ("get", reverse("accounts:group_add_users", args=["developers"]), {}),
        ("post", reverse("accounts:group_add_users", args=["developers"]), {"user": "bob"}),
        ("post", reverse("accounts:group_remove_users", args=["developers"]), {"user": "bob"}),
    ]


def _unchanged(account, things):
    bob = IAMUser.objects.get(pk=things["user"].pk)
    assert bob.tags.count() == 1
    assert LoginProfile.objects.filter(user=bob).exists()
    assert AccessKey.objects.filter(account=account, status="Active").count() == 2
    assert GroupMembership.objects.filter(user=bob, group=things["group"]).exists()


def test_every_identity_page_answers_404_to_another_account(charlie_client, account, alices_things):
    for method, url, data in _urls(alices_things):
        response = getattr(charlie_client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        htmx = getattr(charlie_client, method)(
            url, data, headers={"HX-Request": "true", "HX-Target": "user-tab"}
        )
        assert htmx.status_code == 404, (method, url)
    _unchanged(account, alices_things)


def test_lists_and_bulk_actions_only_reach_the_own_account(charlie_client, account, alices_things):
    users = charlie_client.get(reverse("accounts:user_list")).content.decode()
    assert not re.search(r"\bbob\b", users) and 'Users <span class="count">(0)</span>' in users
    groups = charlie_client.get(reverse("accounts:group_list")).content.decode()
    assert "developers" not in groups

    charlie_client.post(reverse("accounts:user_delete_many"), {"user": "bob", "confirm": "delete"})
    charlie_client.post(reverse("accounts:group_delete"), {"group": "developers", "confirm": "developers"})
    page = charlie_client.get(reverse("accounts:user_delete_many"), {"user": "bob"})
    assert page.status_code == 302  # nothing to delete: back to the list

    assert IAMUser.objects.filter(pk=alices_things["user"].pk).exists()
    assert Group.objects.filter(pk=alices_things["group"].pk).exists()
    _unchanged(account, alices_things)


def test_charlies_wizard_cannot_add_his_user_to_alices_group(charlie_client, charlie_account, alices_things):
    wizard = reverse("accounts:user_create")
    charlie_client.post(f"{wizard}?step=1", {"name": "mallory"})
    charlie_client.post(f"{wizard}?step=2", {"groups": ["developers"], "action": "next"})
    charlie_client.post(f"{wizard}?step=3", {"action": "create"})
    assert not alices_things["group"].users.filter(name="mallory").exists()


def test_charlies_root_keys_page_shows_only_his_keys(charlie_client, alices_things):
    html = charlie_client.get(reverse("accounts:root_access_keys")).content.decode()
    assert alices_things["root_key"].access_key_id not in html
    assert 'Access keys <span class="count">(0)</span>' in html
