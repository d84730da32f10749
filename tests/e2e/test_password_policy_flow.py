"""In a real browser, as the root user: Account settings → Edit password policy. "IAM default" hides the
custom requirements; "Custom" shows them, and the selected card's outline follows the radio, as AWS's
page does. Saving a custom minimum length shows it on Account settings."""

import pytest
from playwright.sync_api import expect

from accounts.models import PasswordPolicy
from tests.accounts.factories import AccountFactory
from tests.e2e.test_users_flow import _sign_in_as_root

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_selected_card_follows_the_radio_and_default_hides_the_custom_fields(
    live_server, page, screenshot
):
    account = AccountFactory()
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/account-settings/")
    page.get_by_role("link", name="Edit").first.click()
    expect(page.get_by_role("heading", name="Edit password policy")).to_be_visible()
    default_card = page.locator(".radio-card", has_text="IAM default")
    custom_card = page.locator(".radio-card", has_text="Custom")
    expect(default_card).to_have_class("radio-card selected")
    expect(page.get_by_text("Enforce a minimum length of characters.")).to_be_hidden()
    screenshot("password-policy-01-iam-default")

    page.get_by_label("Custom").check()
    expect(custom_card).to_have_class("radio-card selected")
    expect(default_card).to_have_class("radio-card")
    expect(page.get_by_text("Enforce a minimum length of characters.")).to_be_visible()
    page.fill("#id_minimum_password_length", "14")
    screenshot("password-policy-02-custom")

    page.get_by_label("IAM default").check()
    expect(default_card).to_have_class("radio-card selected")
    expect(page.get_by_text("Require at least one number")).to_be_hidden()
    page.get_by_label("Custom").check()
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Minimum password length is 14 characters")).to_be_visible()
    assert PasswordPolicy.objects.get(account=account).minimum_password_length == 14
    screenshot("password-policy-03-saved")
