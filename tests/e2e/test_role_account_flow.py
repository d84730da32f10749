"""In a real browser, as the root user: Create role with trusted entity "AWS account", as AWS's
documentation walks it ("Creating a role to delegate permissions to an IAM user"): the account ID field
appears only for "Another AWS account", the External ID only once "Require external ID" is ticked, "Require
MFA" adds its condition; on the review page each step's Edit goes back to that step with its choices kept."""

import json

import pytest
from playwright.sync_api import expect

from policies.models import Role
from tests.accounts.factories import AccountFactory
from tests.e2e.test_users_flow import _sign_in_as_root
from tests.policies.roles_helpers import s3_read_only

pytestmark = pytest.mark.django_db(transaction=True)


def test_another_account_with_external_id_and_mfa_and_the_review_edit_buttons(live_server, page, screenshot):
    account = AccountFactory()
    s3_read_only()
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/roles/create/")
    page.locator(".radio-card", has_text="AWS account").click()
    expect(page.locator(".radio-card", has_text="AWS account")).to_have_class("radio-card selected")
    expect(page.get_by_text(f"This account ({account.id})")).to_be_visible()
    expect(page.get_by_label("Account ID", exact=True)).to_be_hidden()
    expect(page.get_by_label("External ID", exact=True)).to_be_hidden()
    screenshot("role-account-01-this-account")

    page.get_by_text("Another AWS account").click()
    expect(page.get_by_label("Account ID", exact=True)).to_be_visible()
    page.get_by_label("Account ID", exact=True).fill("111122223333")
    page.get_by_text("Require external ID").click()
    expect(page.get_by_label("External ID", exact=True)).to_be_visible()
    page.get_by_label("External ID", exact=True).fill("Unicorn42")
    page.get_by_text("Require MFA").click()
    screenshot("role-account-02-another-account")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Add permissions")).to_be_visible()
    old_picker = page.locator("#policy-picker").element_handle()
    page.get_by_label("Filter policies by property or policy name").fill("AmazonS3ReadOnly")
    page.wait_for_function("picker => !picker.isConnected", arg=old_picker)
    page.get_by_label("Select AmazonS3ReadOnlyAccess").check()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Name, review, and create")).to_be_visible()
    page.fill("#id_name", "partner-audit")
    expect(page.get_by_test_id("trust-preview")).to_contain_text('"sts:ExternalId": "Unicorn42"')
    screenshot("role-account-03-review")

    page.get_by_role("button", name="Edit step 1: Select trusted entities").click()
    expect(page.get_by_role("heading", name="Select trusted entity")).to_be_visible()
    expect(page.locator("input[name=account_choice][value=another]")).to_be_checked()
    expect(page.get_by_label("Account ID", exact=True)).to_have_value("111122223333")
    expect(page.get_by_label("External ID", exact=True)).to_have_value("Unicorn42")
    expect(page.locator("input[name=require_mfa]")).to_be_checked()
    screenshot("role-account-04-edit-step-1")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Add permissions")).to_be_visible()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Name, review, and create")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("partner-audit")
    page.get_by_role("button", name="Edit step 2: Add permissions").click()
    expect(page.get_by_role("heading", name="Add permissions")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Name, review, and create")).to_be_visible()
    expect(page.get_by_role("cell", name="AmazonS3ReadOnlyAccess", exact=True)).to_be_visible()
    page.get_by_role("button", name="Create role").click()

    expect(page.get_by_role("heading", name="partner-audit")).to_be_visible()
    statement = json.loads(Role.objects.get(account=account, name="partner-audit").trust_policy)["Statement"][
        0
    ]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Condition"] == {
        "StringEquals": {"sts:ExternalId": "Unicorn42"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
    }
