"""In a real browser, as the root user: an IAM user's Security credentials → Create access key, as AWS's
documentation ("Manage access keys for IAM users") walks it: choose a use case and read its "Alternatives
recommended", tick "I understand the above recommendation and want to proceed to create an access key.",
Next; set the description tag (Enter in the field creates the key), then the retrieve page. The
description is stored as AWS stores it: a tag on the user whose key is the access key ID."""

import pytest
from playwright.sync_api import expect

from accounts.models import AccessKey
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.e2e.test_users_flow import _sign_in_as_root

pytestmark = pytest.mark.django_db(transaction=True)


def test_use_case_alternatives_confirmation_then_description_tag(live_server, page, screenshot):
    account = AccountFactory()
    bob = IAMUserFactory(account=account, name="bob")
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/users/bob/?tab=security_credentials")
    page.get_by_role("link", name="Create access key").click()
    expect(page.get_by_role("heading", name="Access key best practices & alternatives")).to_be_visible()
    expect(page.locator(".access-key-alternatives:visible")).to_have_count(0)

    page.get_by_text("Command Line Interface (CLI)").click()
    cli = page.get_by_test_id("alternatives-cli")
    expect(cli).to_be_visible()
    expect(cli).to_contain_text("Use AWS CloudShell, a browser-based CLI, to run commands.")
    page.get_by_text("Application running outside AWS").click()
    expect(cli).to_be_hidden()
    expect(page.get_by_test_id("alternatives-outside")).to_contain_text("IAM Roles Anywhere")
    page.locator("input[name=use_case][value=other]").check()
    expect(page.locator(".access-key-alternatives:visible")).to_have_count(0)
    page.get_by_text("Command Line Interface (CLI)").click()
    screenshot("access-key-01-use-case")

    # The confirmation is required: Next without it stays on the step.
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Access key best practices & alternatives")).to_be_visible()
    page.get_by_text(
        "I understand the above recommendation and want to proceed to create an access key."
    ).click()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Set description tag - optional")).to_be_visible()
    expect(page.locator("li[aria-current=step]")).to_contain_text("Set description tag")
    page.get_by_label("Description tag value").fill("CI runner")
    screenshot("access-key-02-description")
    page.get_by_label("Description tag value").press("Enter")  # Create access key, not Previous

    expect(page.get_by_role("heading", name="Retrieve access keys")).to_be_visible()
    key = AccessKey.objects.get(user=bob)
    expect(page.get_by_test_id("access-key-id")).to_have_text(key.access_key_id)
    screenshot("access-key-03-retrieve")
    assert [(tag.key, tag.value) for tag in bob.tags.all()] == [(key.access_key_id, "CI runner")]
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_test_id("access-key")).to_contain_text("CI runner")
