import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from accounts.models import AccessKey, AuditEvent, GroupMembership, IAMUser, LoginProfile, UserTag
from accounts.services.access_keys import access_key_create
from accounts.services.groups import group_add_user
from tests.policies.permissions_helpers import make_policy

from .factories import GroupFactory, IAMUserFactory

HX = {"HX-Request": "true"}


def hx(target):
    return {**HX, "HX-Target": target}


@pytest.mark.parametrize(
    "url_name",
    ["accounts:user_list", "accounts:user_create", "accounts:group_list", "accounts:root_access_keys"],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, db, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:signin"))
    assert f"next={url.replace('/', '%2F')}" in response["Location"]


def test_users_list_shows_the_console_columns(root_client, account, bob, root_acting):
    group = GroupFactory(account=account, name="developers")
    group_add_user(group=group, user=bob, acting=root_acting)
    key, _ = access_key_create(account=account, user=bob, acting=root_acting)
    LoginProfile.objects.create(user=bob, password="x")

    response = root_client.get(reverse("accounts:user_list"))

    html = response.content.decode()
    assert response.status_code == 200
    for column in [
        "User name",
        "Path",
        "Groups",
        "Last activity",
        "MFA",
        "Password age",
        "Console last sign-in",
        "Access key ID",
        "Active key age",
        "Creation time",
    ]:
        assert f">{column}" in html
    assert 'Users <span class="count">(1)</span>' in html
    assert f"Active - {key.access_key_id}" in html
    assert "developers" in html
    assert "<html" in html


def test_filter_answers_with_the_table_fragment_only(root_client, account):
    IAMUserFactory(account=account, name="alice")
    IAMUserFactory(account=account, name="Ivan")

    response = root_client.get(reverse("accounts:user_list"), {"q": "iva"}, headers=hx("user-table"))

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="user-table"')
    assert "<html" not in html
    assert "Ivan" in html and "alice" not in html


def test_filter_box_is_debounced_htmx(root_client):
    html = root_client.get(reverse("accounts:user_list")).content.decode()
    assert 'hx-trigger="input changed delay:300ms' in html
    assert 'hx-target="#user-table"' in html


def test_users_list_paginates_and_sorts(root_client, account):
    for index in range(25):
        IAMUserFactory(account=account, name=f"user{index:02d}")
    first = root_client.get(reverse("accounts:user_list")).content.decode()
    assert "user00" in first and "user24" not in first
    second = root_client.get(reverse("accounts:user_list"), {"page": 2}).content.decode()
    assert "user24" in second and "user00" not in second
    descending = root_client.get(
        reverse("accounts:user_list"), {"sort": "name", "order": "desc"}
    ).content.decode()
    assert descending.index("user24") < descending.index("user23")


def test_bulk_delete_asks_to_type_delete(root_client, account, root_acting):
    alice = IAMUserFactory(account=account, name="alice")
    ivan = IAMUserFactory(account=account, name="Ivan")
    access_key_create(account=account, user=alice, acting=root_acting)
    url = reverse("accounts:user_delete_many")

    dialog = root_client.get(url, {"user": ["alice", "Ivan"]}, headers=hx("user-dialog"))
    assert dialog.content.decode().lstrip().startswith('<div id="user-dialog"')
    assert "Delete 2 users?" in dialog.content.decode()
    page = root_client.get(url, {"user": ["alice"]})
    assert "<html" in page.content.decode()

    refused = root_client.post(url, {"user": ["alice", "Ivan"], "confirm": "yes"})
    assert "To confirm deletion" in refused.content.decode()
    assert IAMUser.objects.count() == 2

    done = root_client.post(url, {"user": ["alice", "Ivan"], "confirm": "delete"})
    assert done.status_code == 302
    assert not IAMUser.objects.filter(pk__in=[alice.pk, ivan.pk]).exists()


def test_bulk_delete_over_htmx_redirects_the_browser(root_client, account):
    IAMUserFactory(account=account, name="alice")
    response = root_client.post(
        reverse("accounts:user_delete_many"),
        {"user": "alice", "confirm": "delete"},
        headers=hx("user-dialog"),
    )
    assert response["HX-Redirect"] == reverse("accounts:user_list")
    assert not IAMUser.objects.exists()


def test_user_detail_tabs(root_client, account, bob, root_acting):
    UserTag.objects.create(user=bob, key="team", value="core")
    url = reverse("accounts:user_detail", args=["bob"])

    page = root_client.get(url).content.decode()
    assert bob.arn in page and 'data-copy="' + bob.arn in page
    assert "Permissions policies" in page

    for tab, text in [
        ("groups", "User groups membership"),
        ("tags", "team"),
        ("security_credentials", "Access keys"),
    ]:
        fragment = root_client.get(url, {"tab": tab}, headers=hx("user-tab")).content.decode()
        assert fragment.lstrip().startswith('<div id="user-tab">')
        assert text in fragment
        assert "<html" not in fragment


def test_user_detail_of_unknown_user_is_404(root_client):
    assert root_client.get(reverse("accounts:user_detail", args=["nobody"])).status_code == 404


def test_groups_tab_adds_and_removes_memberships(root_client, account, bob):
    GroupFactory(account=account, name="developers")
    url = reverse("accounts:user_groups", args=["bob"])

    response = root_client.post(url, {"group": "developers", "action": "add"}, headers=hx("user-tab"))
    assert response.status_code == 200
    assert [g.name for g in bob.groups.all()] == ["developers"]

    root_client.post(url, {"group": "developers", "action": "remove"})
    assert not bob.groups.exists()


def test_groups_tab_names_each_groups_attached_policies(root_client, account, bob, root_acting):
    developers = GroupFactory(account=account, name="developers")
    make_policy(name="allow-s3-read", account=account)
    developers.attachments.create(policy=make_policy(name="allow-s3-read-2", account=account))
    group_add_user(group=developers, user=bob, acting=root_acting)
    group_add_user(group=GroupFactory(account=account, name="empty"), user=bob, acting=root_acting)

    html = root_client.get(reverse("accounts:user_detail", args=["bob"]) + "?tab=groups").content.decode()

    rows = {row.split("</a>", 1)[0]: row for row in html.split('<a href="/groups/')[1:]}
    assert ">allow-s3-read-2</a>" in rows['developers/">developers']
    assert "<td>-</td>" in rows['empty/">empty']


def test_groups_tab_shows_the_10_group_limit(root_client, account, bob, root_acting):
    for _index in range(10):
        group_add_user(group=GroupFactory(account=account), user=bob, acting=root_acting)
    GroupFactory(account=account, name="eleventh")

    response = root_client.post(
        reverse("accounts:user_groups", args=["bob"]), {"group": "eleventh"}, headers=hx("user-tab")
    )
    assert response.status_code == 422
    assert "Cannot exceed quota for GroupsPerUser: 10" in response.content.decode()


def test_tags_tab_edits_the_users_tags(root_client, bob):
    url = reverse("accounts:user_tags", args=["bob"])
    response = root_client.post(
        url, {"tag_key": ["team", "env"], "tag_value": ["core", ""], "action": "save"}
    )
    assert response.status_code == 302
    assert sorted((t.key, t.value) for t in bob.tags.all()) == [("env", ""), ("team", "core")]

    refused = root_client.post(
        url, {"tag_key": ["Team", "team"], "tag_value": ["a", "b"], "action": "save"}, headers=hx("user-tab")
    )
    assert refused.status_code == 422
    assert "Duplicate tag keys found." in refused.content.decode()

    root_client.post(
        url, {"tag_key": ["env"], "tag_value": ["prod"], "action": "save"}, headers=hx("user-tab")
    )
    assert [(t.key, t.value) for t in bob.tags.all()] == [("env", "prod")]


def test_delete_user_asks_for_its_name_and_removes_dependents(root_client, account, bob, root_acting):
    access_key_create(account=account, user=bob, acting=root_acting)
    group_add_user(group=GroupFactory(account=account), user=bob, acting=root_acting)
    url = reverse("accounts:user_delete", args=["bob"])

    dialog = root_client.get(url, headers=hx("user-dialog")).content.decode()
    assert dialog.lstrip().startswith('<div id="user-dialog"')
    assert "enter the user name" in dialog
    assert "<html" in root_client.get(url).content.decode()

    wrong = root_client.post(url, {"confirm": "delete"})
    assert wrong.status_code == 422
    assert IAMUser.objects.filter(pk=bob.pk).exists()

    response = root_client.post(url, {"confirm": "bob"})
    assert response.status_code == 302
    assert not IAMUser.objects.filter(pk=bob.pk).exists()
    assert not AccessKey.objects.exists() and not GroupMembership.objects.exists()
    assert AuditEvent.objects.filter(event_name="DeleteUser", error_code="").exists()


# The create user wizard


def _wizard(step):
    return f"{reverse('accounts:user_create')}?step={step}"


def test_wizard_creates_a_user_with_custom_password_groups_and_tags(root_client, account):
    GroupFactory(account=account, name="developers")

    step1 = root_client.post(
        _wizard(1),
        {
            "name": "alice",
            "console_access": "on",
            "password_type": "custom",
            "password": "Wonder-Land-42!",
            "reset_required": "on",
        },
        headers=hx("wizard-step"),
    )
    assert step1.status_code == 200
    assert "Set permissions" in step1.content.decode()
    assert step1["HX-Push-Url"] == _wizard(2)

    step2 = root_client.post(
        _wizard(2), {"groups": ["developers"], "action": "next"}, headers=hx("wizard-step")
    )
    assert "Review and create" in step2.content.decode()
    assert "developers" in step2.content.decode()

    with_tag = root_client.post(_wizard(3), {"action": "add_tag"}, headers=hx("wizard-step"))
    assert 'name="tag_key"' in with_tag.content.decode()

    created = root_client.post(
        _wizard(3),
        {"action": "create", "tag_key": ["team"], "tag_value": ["wonder"]},
        headers=hx("wizard-step"),
    )
    assert created["HX-Redirect"] == _wizard(4)

    alice = IAMUser.objects.get(account=account, name="alice")
    assert alice.login_profile.password_reset_required
    assert check_password("Wonder-Land-42!", alice.login_profile.password)
    assert [g.name for g in alice.groups.all()] == ["developers"]
    assert [(t.key, t.value) for t in alice.tags.all()] == [("team", "wonder")]

    retrieve = root_client.get(_wizard(4)).content.decode()
    assert "Wonder-Land-42!" in retrieve
    assert "Download .csv file" in retrieve
    assert f"http://testserver/signin/{account.id}" in retrieve
    again = root_client.get(_wizard(4)).content.decode()
    assert "Wonder-Land-42!" not in again
    assert "no longer available" in again


def test_wizard_keeps_the_draft_across_reloads_and_back(root_client):
    root_client.post(
        _wizard(1),
        {"name": "carol", "console_access": "on", "password_type": "autogenerated", "reset_required": "on"},
    )

    reload = root_client.get(_wizard(2))
    assert "Set permissions" in reload.content.decode()
    back = root_client.get(_wizard(1)).content.decode()
    assert 'value="carol"' in back
    assert 'name="console_access" id="id_console_access" checked' in back


def test_wizard_autogenerates_a_password_shown_once(root_client, account):
    root_client.post(_wizard(1), {"name": "dave", "console_access": "on", "password_type": "autogenerated"})
    root_client.post(_wizard(2), {"action": "next"})
    response = root_client.post(_wizard(3), {"action": "create"})
    assert response.status_code == 302
    page = root_client.get(_wizard(4)).content.decode()
    assert 'data-testid="console-password"' in page
    dave = IAMUser.objects.get(name="dave")
    assert not dave.login_profile.password_reset_required


def test_wizard_without_console_access_goes_to_the_user(root_client, account):
    root_client.post(_wizard(1), {"name": "service-bot"})
    root_client.post(_wizard(2), {"action": "next"})
    response = root_client.post(_wizard(3), {"action": "create"})
    assert response["Location"] == reverse("accounts:user_detail", args=["service-bot"])
    assert not LoginProfile.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "bad name"}, "Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
        ({"name": ""}, "Member must have length greater than or equal to 1"),
        ({"name": "BOB"}, "User with name BOB already exists."),
        (
            {"name": "erin", "console_access": "on", "password_type": "custom", "password": "short"},
            "Password should have a minimum length of 8",
        ),
    ],
)
def test_wizard_step_one_shows_errors_inline(root_client, bob, data, message):
    response = root_client.post(_wizard(1), data, headers=hx("wizard-step"))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert IAMUser.objects.count() == 1


def test_wizard_step_one_full_page_and_fragment(root_client):
    page = root_client.get(_wizard(1)).content.decode()
    assert "<html" in page and "Specify user details" in page
    assert "Users must create a new password at next sign-in - Recommended" in page
    fragment = root_client.get(_wizard(1), headers=hx("wizard-step")).content.decode()
    assert fragment.lstrip().startswith('<div id="wizard-step"') and "<html" not in fragment


def test_wizard_offers_the_three_permissions_options(root_client):
    # Copying permissions and attaching policies directly are tested with the policies app's pages.
    root_client.post(_wizard(1), {"name": "frank"})
    page = root_client.get(_wizard(2)).content.decode()
    assert 'value="groups" checked' in page
    assert 'value="copy" disabled' not in page and 'value="policies" disabled' not in page
    assert 'id="policy-picker"' in root_client.get(_wizard(2) + "&option=policies").content.decode()


def test_wizard_nothing_is_half_created_when_a_step_fails(root_client, account, monkeypatch):
    GroupFactory(account=account, name="developers")
    root_client.post(_wizard(1), {"name": "grace", "console_access": "on", "password_type": "autogenerated"})
    root_client.post(_wizard(2), {"groups": ["developers"], "action": "next"})
    import accounts.flows as flows

    def refuse(**kwargs):
        from aws.errors import LimitExceeded

        raise LimitExceeded("Cannot exceed quota for GroupsPerUser: 10")

    monkeypatch.setattr(flows, "group_add_user", refuse)
    response = root_client.post(_wizard(3), {"action": "create"})
    assert response.status_code == 422
    assert "Cannot exceed quota for GroupsPerUser: 10" in response.content.decode()
    assert not IAMUser.objects.filter(name="grace").exists()
    assert not LoginProfile.objects.exists()
