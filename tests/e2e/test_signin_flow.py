import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from accounts.models import Account, AuditEvent, MFADevice

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "dana@example.com"
PASSWORD = "Correct-Horse-7-Battery"


def _sign_out(page):
    page.get_by_test_id("identity-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def _root_password_step(page, screenshot=None, name=None):
    page.get_by_label("Root user email address").fill(EMAIL)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Root user sign in")).to_be_visible()
    expect(page.get_by_test_id("root-email")).to_have_text(EMAIL)
    if screenshot:
        screenshot(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _wait_for_step_after(step):
    while int(time.time() // 30) <= step:
        time.sleep(0.5)


def test_sign_up_sign_in_and_mfa_for_the_root_user(live_server, page, screenshot):
    # Sign up: a new account whose root user is signed in, on the dashboard.
    page.goto(live_server.url + "/signup")
    page.get_by_label("Root user email address").fill(EMAIL)
    page.get_by_label("AWS account name").fill("Dana's sandbox")
    page.get_by_label("Root user password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm root user password").fill(PASSWORD)
    screenshot("signin-01-signup")
    page.get_by_role("button", name="Sign up").click()

    account = Account.objects.get(root_email=EMAIL)
    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    expect(page.get_by_test_id("account-id")).to_have_text(account.id)
    expect(page.get_by_test_id("signin-url")).to_have_text(f"{live_server.url}/signin/{account.id}")
    expect(page.get_by_test_id("identity-menu")).to_have_text(account.id)
    screenshot("signin-02-dashboard")

    # Sign out, then sign in as the root user: email first, then the password.
    _sign_out(page)
    screenshot("signin-03-signin")
    _root_password_step(page, screenshot, "signin-04-root-password")
    expect(page.get_by_test_id("account-id")).to_have_text(account.id)

    # Assign a virtual MFA device on the root user's security credentials page.
    page.get_by_test_id("identity-menu").click()
    page.get_by_role("link", name="Security credentials").click()
    expect(page.get_by_role("heading", name="My security credentials")).to_be_visible()
    page.get_by_role("link", name="Assign MFA device").click()
    page.get_by_label("Device name").fill("dana-phone")
    screenshot("signin-05-mfa-name")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Step 2: Set up device")).to_be_visible()
    expect(page.get_by_test_id("mfa-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("mfa-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{64}", secret)
    screenshot("signin-06-mfa-qr")

    totp = pyotp.TOTP(secret)
    now = time.time()
    page.get_by_label("MFA code 1").fill(totp.at(now))
    page.get_by_label("MFA code 2").fill(totp.at(now + 30))
    page.get_by_role("button", name="Add MFA").click()
    expect(page.get_by_text("MFA device assigned: dana-phone.")).to_be_visible()
    expect(page.get_by_test_id("mfa-devices")).to_contain_text(f"arn:aws:iam::{account.id}:mfa/dana-phone")
    screenshot("signin-07-security-credentials")
    assert MFADevice.objects.get(account=account).enabled_at is not None

    # Sign out; signing in again asks for the MFA code.
    _sign_out(page)
    _root_password_step(page)
    expect(page.get_by_role("heading", name="Multi-factor authentication")).to_be_visible()
    screenshot("signin-08-mfa-code")
    # Enabling used the codes of steps s and s+1; once the clock is past s, the code of the next
    # step (s+2) is one the server accepts (one step of drift) and has not seen.
    _wait_for_step_after(int(now // 30))
    page.get_by_label("MFA code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    expect(page.get_by_test_id("identity-menu")).to_have_text(account.id)
    last = AuditEvent.objects.filter(event_name="ConsoleLogin").order_by("id").last()
    assert last.response_elements == {"ConsoleLogin": "Success"}
    assert last.request_parameters["MFAUsed"] == "Yes"


def test_wrong_password_and_account_settings(live_server, page, screenshot):
    page.goto(live_server.url + "/signup")
    page.get_by_label("Root user email address").fill(EMAIL)
    page.get_by_label("AWS account name").fill("Dana's sandbox")
    page.get_by_label("Root user password", exact=True).fill("weak")
    page.get_by_label("Confirm root user password").fill("weak")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Password should have a minimum length of 8")).to_be_visible()
    screenshot("signin-09-signup-error")

    page.get_by_label("Root user password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm root user password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()

    # The alias, created in place on the dashboard (HTMX), changes the sign-in URL.
    page.get_by_role("link", name="Create").click()
    page.get_by_label("Preferred alias").fill("dana-sandbox")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("account-alias")).to_have_text("dana-sandbox")
    expect(page.get_by_test_id("signin-url")).to_have_text(f"{live_server.url}/signin/dana-sandbox")

    page.get_by_role("link", name="Account settings").first.click()
    expect(page.get_by_test_id("password-policy")).to_contain_text("default password policy")
    screenshot("signin-10-account-settings")
    page.get_by_role("link", name="Edit", exact=True).first.click()
    page.get_by_label("Custom").check()
    page.locator("#id_minimum_password_length").fill("5")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Member must have value greater than or equal to 6")).to_be_visible()
    screenshot("signin-11-password-policy-error")
    page.locator("#id_minimum_password_length").fill("12")
    page.get_by_label("Require at least one number").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("password-policy")).to_contain_text("Minimum password length is 12 characters")

    _sign_out(page)
    page.get_by_label("Root user email address").fill(EMAIL)
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill("Not-The-Passw0rd")
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_text("Your authentication information is incorrect. Please try again.")
    ).to_be_visible()
    screenshot("signin-12-wrong-password")

    # The account's sign-in URL opens the IAM user form with the alias filled in.
    page.goto(live_server.url + "/signin/dana-sandbox")
    expect(page.get_by_label("Account ID (12 digits) or account alias")).to_have_value("dana-sandbox")
    screenshot("signin-13-iam-user")
