"""In a real browser, as the root user: Create user as AWS's documentation ("Create an IAM user in your
AWS account") walks it. Step 1: "Provide user access to the AWS Management Console - optional", the user
type (Identity Center shown, not available here; "I want to create an IAM user" chosen), a custom password
with "Show password". Step 2: "Set permissions boundary - optional". Step 3: the boundary in the review.
Step 4: "Email sign-in instructions" and "Download .csv file"."""

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from accounts.models import IAMUser
from tests.accounts.factories import AccountFactory
from tests.e2e.test_users_flow import _sign_in_as_root
from tests.policies.roles_helpers import managed_policy

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Wonder-Land-42!"


def test_user_type_show_password_boundary_and_email_instructions(live_server, page, screenshot):
    account = AccountFactory()
    boundary = managed_policy(name="developer-boundary", account=account)
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/users/create/")
    page.fill("#id_name", "alice")
    expect(page.get_by_text("Are you providing console access to a person?")).to_be_hidden()
    page.get_by_text("Provide user access to the AWS Management Console").click()
    expect(page.get_by_text("Are you providing console access to a person?")).to_be_visible()
    identity_center = page.locator("input[name=user_type][value=identity_center]")
    expect(page.get_by_test_id("identity-center-link")).to_be_hidden()
    identity_center.check()
    expect(page.get_by_test_id("identity-center-link")).to_contain_text("Go to IAM Identity Center")
    page.get_by_label("I want to create an IAM user").check()
    expect(page.get_by_test_id("identity-center-link")).to_be_hidden()

    password = page.locator("#id_password")
    expect(password).to_be_hidden()
    page.locator("input[name=password_type][value=custom]").check()
    expect(password).to_be_visible()
    password.fill(PASSWORD)
    expect(password).to_have_attribute("type", "password")
    page.get_by_text("Show password").click()
    expect(password).to_have_attribute("type", "text")
    screenshot("user-create-steps-01-details")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.get_by_text("Set permissions boundary - optional").click()
    page.get_by_text("Use a permissions boundary to control the maximum user permissions").click()
    old_picker = page.locator("#boundary-picker").element_handle()
    page.get_by_label("Search boundary policies").fill("developer")
    page.wait_for_function("picker => !picker.isConnected", arg=old_picker)
    # The search keeps the choice made before it (the picker stays open on "Use a permissions boundary").
    expect(
        page.get_by_label("Use a permissions boundary to control the maximum user permissions")
    ).to_be_checked()
    page.get_by_label("Boundary developer-boundary").check()
    screenshot("user-create-steps-02-boundary")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    expect(page.get_by_test_id("boundary-row")).to_contain_text("developer-boundary")
    expect(page.get_by_test_id("boundary-row")).to_contain_text("Permissions boundary")
    screenshot("user-create-steps-03-review")
    page.get_by_role("button", name="Create user").click()

    expect(page.get_by_role("heading", name="Retrieve password")).to_be_visible()
    email = page.get_by_role("link", name="Email sign-in instructions")
    expect(email).to_be_visible()
    expect(page.get_by_role("link", name="Download .csv file")).to_be_visible()
    mailto = unquote(email.get_attribute("href"))
    assert mailto.startswith("mailto:?subject=")
    assert f"Console sign-in URL: {live_server.url}/signin/{account.id}" in mailto
    assert "User name: alice" in mailto and PASSWORD not in mailto
    screenshot("user-create-steps-04-retrieve")
    assert IAMUser.objects.get(account=account, name="alice").permissions_boundary_arn == boundary.arn
