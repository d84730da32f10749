"""In a real browser, as the root user: attach a customer managed policy to a group through the picker and
see it on the group's Permissions tab; attach an AWS managed policy to a user directly, and see on the
user's tab how each policy applies ("Directly", "Group developers", "Inline"); set a boundary."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from accounts.models import GroupMembership
from console.session import SESSION_KEY
from tests.accounts.factories import AccountFactory, GroupFactory, IAMUserFactory
from tests.policies.permissions_helpers import make_policy, statement_policy

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def test_attach_policies_to_a_group_and_a_user(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    developers = GroupFactory(account=account, name="developers")
    bob = IAMUserFactory(account=account, name="bob")
    GroupMembership.objects.create(user=bob, group=developers)
    make_policy(name="allow-s3-read", account=account)
    for index in range(30):  # enough AWS managed policies for the picker to page
        make_policy(name=f"AmazonService{index:02d}ReadOnly", document=statement_policy("s3:List*"))
    make_policy(name="AdministratorAccess", document=statement_policy("*"))
    _sign_in_as_root(page, live_server, account)

    # The group: Add permissions > Attach policies, filter to customer managed, pick, attach.
    page.goto(live_server.url + "/groups/developers/?tab=permissions")
    expect(page.get_by_test_id("permissions-count")).to_have_text("(0)")
    page.get_by_test_id("add-permissions-menu").click()
    page.get_by_role("menuitem", name="Attach policies").click()
    expect(page.get_by_role("heading", name="Attach policy to developers")).to_be_visible()
    expect(page.get_by_test_id("picker-page")).to_have_text("1")
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_test_id("picker-page")).to_have_text("2")
    page.get_by_label("Filter by Type").select_option("customer")
    # Wait for the filtered table (back on page 1) before ticking: a box ticked in the old table
    # would be replaced by the swap.
    expect(page.get_by_test_id("picker-page")).to_have_text("1")
    expect(page.get_by_label("Select allow-s3-read")).to_be_visible()
    expect(page.get_by_label("Select AdministratorAccess")).to_have_count(0)
    page.get_by_label("Select allow-s3-read").check()
    expect(page.get_by_test_id("picker-selected")).to_have_text("1 selected")
    screenshot("permissions-flow-01-group-picker")
    page.get_by_role("button", name="Attach policies").click()

    expect(page).to_have_url(live_server.url + "/groups/developers/?tab=permissions")
    expect(page.get_by_test_id("permissions-count")).to_have_text("(1)")
    table = page.get_by_test_id("permissions-table")
    expect(table).to_contain_text("allow-s3-read")
    expect(table).to_contain_text("Customer managed")
    screenshot("permissions-flow-02-group-permissions")

    # The user: Add permissions > Attach policies directly, search, review, add.
    page.goto(live_server.url + "/users/bob/")
    expect(page.get_by_test_id("permissions-table")).to_contain_text("Group developers")
    page.get_by_test_id("add-permissions-menu").click()
    page.get_by_role("menuitem", name="Add permissions").click()
    page.get_by_text("Attach policies directly").click()
    expect(page.get_by_test_id("policy-picker")).to_be_visible()
    page.get_by_label("Filter policies by property or policy name").fill("administrator")
    expect(page.get_by_label("Select AmazonService00ReadOnly")).to_have_count(0)
    page.get_by_label("Select AdministratorAccess").check()
    screenshot("permissions-flow-03-user-picker")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("permissions-summary")).to_contain_text("AdministratorAccess")
    page.get_by_role("button", name="Add permissions").click()

    expect(page).to_have_url(live_server.url + "/users/bob/?tab=permissions")
    rows = page.get_by_test_id("permissions-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="AdministratorAccess")).to_contain_text("Directly")
    expect(rows.filter(has_text="allow-s3-read")).to_contain_text("Group developers")
    # A row expands to its JSON.
    rows.filter(has_text="AdministratorAccess").get_by_text("AdministratorAccess").click()
    expect(rows.filter(has_text="AdministratorAccess").get_by_test_id("policy-json")).to_contain_text(
        '"Action": "*"'
    )

    # An inline policy, created in two steps.
    page.get_by_test_id("add-permissions-menu").click()
    page.get_by_role("menuitem", name="Create inline policy").click()
    page.get_by_label("Policy editor (JSON)").fill(statement_policy("s3:CreateBucket"))
    page.get_by_role("button", name="Next").click()
    page.fill("#id_policy_name", "InlineIsBad")
    page.get_by_role("button", name="Create policy").click()
    expect(page.get_by_test_id("permissions-table").locator("tbody tr")).to_have_count(3)
    expect(rows.filter(has_text="InlineIsBad")).to_contain_text("Inline")

    # A permissions boundary.
    page.get_by_role("link", name="Set permissions boundary").click()
    page.get_by_label("Filter policies by property or policy name").fill("allow")
    page.get_by_label("Select allow-s3-read").check()
    page.get_by_role("button", name="Set boundary").click()
    expect(page.get_by_test_id("boundary-status")).to_have_text("(set)")
    expect(page.get_by_test_id("boundary-name")).to_have_text("allow-s3-read")
    screenshot("permissions-flow-04-user-permissions")


def test_create_user_wizard_attaches_policies_directly(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    make_policy(name="AdministratorAccess", document=statement_policy("*"))
    make_policy(name="allow-s3-read", account=account)
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/users/create/")
    page.fill("#id_name", "erin")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.get_by_text("Attach policies directly").click()
    expect(page.get_by_test_id("policy-picker")).to_be_visible()
    page.get_by_label("Select allow-s3-read").check()
    screenshot("permissions-flow-05-wizard-attach-directly")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    expect(page.locator("table").filter(has_text="Permissions policy")).to_contain_text("allow-s3-read")
    page.get_by_role("button", name="Create user").click()

    expect(page).to_have_url(live_server.url + "/users/erin/")
    expect(page.get_by_test_id("permissions-table")).to_contain_text("allow-s3-read")
    expect(page.get_by_test_id("permissions-table")).to_contain_text("Directly")
