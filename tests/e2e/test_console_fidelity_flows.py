"""In a real browser, as alice's root user, the steps of AWS's documentation where the console was wrong:
"Creating IAM groups" (name the group, add users, attach permissions policies, create; the groups list
then says Permissions "Defined"), the create user wizard's group table with its attached policies, the
policy picker's type filter and order, and the policy simulator (type a service, tick its first action,
enter the resource ARN)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from accounts.models import Group
from console.session import SESSION_KEY
from tests.accounts.factories import AccountFactory, GroupFactory, IAMUserFactory
from tests.policies.permissions_helpers import make_policy

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def _settled(page):
    expect(page.locator("#htmx-indicator.htmx-request")).to_have_count(0)


@pytest.fixture
def alice(db):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    for name in ["AIDevOpsAgentAccess", "AccessAnalyzerServiceRolePolicy", "AdministratorAccess"]:
        make_policy(name=name)
    make_policy(name="AWSManagementConsoleAdministratorAccess", path="/job-function/")
    make_policy(name="ViewOnlyAccess", path="/job-function/")
    IAMUserFactory(account=account, name="bob")
    return account


def test_create_user_group_with_a_policy_and_see_it_defined(live_server, page, screenshot, alice):
    s3 = make_policy(name="allow-s3-read", account=alice)
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/groups/")
    page.get_by_role("link", name="Create group").click()
    expect(page.get_by_role("heading", name="Create user group")).to_be_visible()
    expect(page.get_by_role("heading", name="Attach permissions policies - optional")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("later release")

    page.fill("#id_name", "developers")
    page.get_by_label("Add bob").check()
    picker = page.locator("#policy-picker").element_handle()
    page.get_by_label("Filter by Type").select_option(label="Customer managed")
    page.wait_for_function("picker => !picker.isConnected", arg=picker)
    page.get_by_label("Select allow-s3-read").check()
    expect(page.get_by_test_id("picker-selected")).to_have_text("1 selected")
    screenshot("fidelity-01-create-group-policies")
    page.get_by_role("button", name="Create user group").click()

    expect(page.get_by_text("developers user group created.")).to_be_visible()
    group = Group.objects.get(account=alice, name="developers")
    assert list(group.attachments.values_list("policy", flat=True)) == [s3.pk]
    row = page.locator("#group-table tbody tr", has_text="developers")
    expect(row.locator("td").nth(3)).to_have_text("Defined")
    GroupFactory(account=alice, name="empty")
    page.reload()
    expect(page.locator("#group-table tbody tr", has_text="empty").locator("td").nth(3)).to_have_text(
        "Not defined"
    )
    screenshot("fidelity-02-groups-defined")

    # The create user wizard's group table names the policies attached to each group.
    page.goto(live_server.url + "/users/create/")
    page.fill("#id_name", "carol")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    developers = page.locator("tr", has=page.get_by_label("Add to developers"))
    expect(developers.locator("td").nth(3)).to_have_text("allow-s3-read")
    expect(page.locator("tr", has=page.get_by_label("Add to empty")).locator("td").nth(3)).to_have_text("-")
    screenshot("fidelity-03-create-user-groups")


def test_the_picker_orders_names_as_the_console_and_knows_job_functions(live_server, page, screenshot, alice):
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/groups/create/")
    names = page.locator("#policy-picker tbody td:nth-child(2) a").all_inner_texts()
    assert names[:3] == ["AccessAnalyzerServiceRolePolicy", "AdministratorAccess", "AIDevOpsAgentAccess"]
    admin_row = page.locator("#policy-picker tr", has=page.get_by_label("Select AdministratorAccess"))
    expect(admin_row.locator("td").nth(2)).to_have_text("AWS managed - job function")
    console_row = page.locator(
        "#policy-picker tr", has=page.get_by_label("Select AWSManagementConsoleAdministratorAccess")
    )
    expect(console_row.locator("td").nth(2)).to_have_text("AWS managed")

    picker = page.locator("#policy-picker").element_handle()
    page.get_by_label("Filter by Type").select_option(label="AWS managed - job function")
    page.wait_for_function("picker => !picker.isConnected", arg=picker)
    names = page.locator("#policy-picker tbody td:nth-child(2) a").all_inner_texts()
    assert names == ["AdministratorAccess", "ViewOnlyAccess"]
    screenshot("fidelity-04-picker-job-functions")


def test_simulator_keeps_the_first_tick_and_shows_a_full_resource_field(live_server, page, screenshot, alice):
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/policy-simulator/")
    expect(page.get_by_role("heading", name="Policy simulator")).to_be_visible()

    page.get_by_label("Service").press_sequentially("s3", delay=50)
    expect(page.locator("#simulator-actions")).to_contain_text("action")
    _settled(page)
    first = page.locator("#simulator-actions input[name=action]").first
    first.check()  # focus leaves the service box here: the list must not be re-rendered under the tick
    page.wait_for_timeout(600)
    _settled(page)
    expect(page.locator("#simulator-actions input[name=action]").first).to_be_checked()
    expect(page.get_by_test_id("sim-selected")).to_have_text("1")

    resource = page.get_by_label("Resource ARN (for every selected action)")
    resource.fill("arn:aws:s3:::my-bucket/report.csv")
    box = resource.bounding_box()
    assert box["height"] >= 28 and box["width"] >= 400, box
    assert box["width"] >= page.get_by_label("Service").bounding_box()["width"]

    # The action filter's magnifier (a 14 px icon 9 px in) sits left of the text typed in, not under it.
    search = page.get_by_label("Filter actions")
    search.fill("Object")
    assert search.evaluate("el => parseFloat(getComputedStyle(el).paddingLeft)") >= 9 + 14 + 4
    expect(page.locator("#simulator-actions")).to_contain_text('match "Object"')
    expect(page.get_by_test_id("sim-selected")).to_have_text("1")  # the first tick, filtered out, stays
    screenshot("fidelity-05-simulator")
