"""In a real browser, as the root user: every list whose rows are ticked for an action keeps that
action disabled until a row is ticked, as the AWS console does — a group's Remove (users) and its
"Add users" dialog, a user's Remove (groups), a Permissions tab's Remove, and a role's "Attach
policies", where a policy ticked on another page of the picker still counts. (The users and groups
lists' Delete, the versions' Compare/Delete/Set as default: test_visual_fixes.py; the policy's
Attach/Detach: test_policy_entities_flow.py; every page's at once: test_layout.py.)"""

import pytest
from playwright.sync_api import expect

from access.acting import Acting
from accounts.models import GroupMembership
from policies.models import PolicyAttachment
from policies.services.roles import role_create
from tests.accounts.factories import AccountFactory, GroupFactory, IAMUserFactory
from tests.e2e.test_users_flow import _sign_in_as_root
from tests.policies.permissions_helpers import make_policy
from tests.policies.roles_helpers import trust

pytestmark = pytest.mark.django_db(transaction=True)


def _waits_for_a_tick(button, box):
    expect(button).to_be_disabled()
    box.check()
    expect(button).to_be_enabled()
    box.uncheck()
    expect(button).to_be_disabled()
    box.check()


def test_remove_and_add_users_wait_for_a_tick(live_server, page, screenshot):
    account = AccountFactory()
    bob, carol = IAMUserFactory(account=account, name="bob"), IAMUserFactory(account=account, name="carol")
    developers = GroupFactory(account=account, name="developers")
    GroupFactory(account=account, name="testers")
    GroupMembership.objects.create(user=bob, group=developers)
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/groups/developers/")
    tab = page.locator("#group-tab")
    remove = tab.get_by_role("button", name="Remove")
    _waits_for_a_tick(remove, tab.get_by_label("Select bob"))
    screenshot("bulk-01-group-remove")
    remove.click()
    expect(tab.get_by_text("No resources to display")).to_be_visible()
    expect(remove).to_be_disabled()

    tab.get_by_role("link", name="Add users").click()
    dialog = page.get_by_role("dialog")
    add = dialog.get_by_role("button", name="Add users")
    _waits_for_a_tick(add, dialog.get_by_label("carol"))
    screenshot("bulk-02-add-users")
    add.click()
    expect(tab.get_by_role("link", name="carol")).to_be_visible()
    assert list(developers.memberships.values_list("user__name", flat=True)) == ["carol"]

    page.goto(live_server.url + "/users/carol/?tab=groups")
    user_tab = page.locator("#user-tab")
    remove = user_tab.get_by_role("button", name="Remove")
    _waits_for_a_tick(remove, user_tab.get_by_label("Select developers"))
    join = user_tab.get_by_role("button", name="Add user to groups")
    _waits_for_a_tick(join, user_tab.get_by_label("testers"))
    screenshot("bulk-03-user-groups")
    assert GroupMembership.objects.filter(user=carol).count() == 1


def test_a_roles_remove_and_attach_policies_wait_for_a_tick(live_server, page, screenshot):
    account = AccountFactory()
    acting = Acting(account=account)
    role = role_create(
        account=account, name="ec2-app", trust_policy=trust({"Service": "ec2.amazonaws.com"}), acting=acting
    )
    policies = [make_policy(name=f"Policy{index:02d}") for index in range(30)]  # two pages of 25
    PolicyAttachment.objects.create(policy=policies[0], role=role)
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/roles/ec2-app/permissions/")
    tab = page.locator("#permissions-tab")
    _waits_for_a_tick(tab.get_by_role("button", name="Remove"), tab.get_by_label("Select Policy00"))

    page.goto(live_server.url + "/roles/ec2-app/permissions/add/")
    attach = page.get_by_role("button", name="Attach policies")
    expect(page.get_by_label("Select Policy00")).to_be_checked()  # attached already: not a selection
    _waits_for_a_tick(attach, page.get_by_label("Select Policy01"))
    picker = page.locator("#policy-picker").element_handle()
    page.get_by_role("button", name="Next page").click()
    page.wait_for_function("picker => !picker.isConnected", arg=picker)
    expect(page.get_by_test_id("picker-page")).to_have_text("2")
    expect(attach).to_be_enabled()  # Policy01, ticked on page 1, is still chosen
    screenshot("bulk-04-attach-policies-page-2")
    attach.click()
    expect(page.get_by_text("Policy01")).to_be_visible()
    attached = PolicyAttachment.objects.filter(role=role).values_list("policy__name", flat=True)
    assert sorted(attached) == ["Policy00", "Policy01"]
