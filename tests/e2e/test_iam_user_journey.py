"""The trainee's first hour, end to end in a real browser (issue 4's flow): sign up, create alice with a
custom console password that must be reset, put her in a group, sign out, sign in as alice at the
account's sign-in URL, change the password as forced, enable a virtual MFA device, sign out, and sign in
again with a code."""

import json
import time

import pyotp
import pytest
from django.contrib.auth.hashers import check_password
from playwright.sync_api import expect

from accounts.models import Account, AuditEvent, Group, IAMUser
from tests.grants import CHANGE_OWN_PASSWORD, MANAGE_OWN_CREDENTIALS, grant
from tests.policies.permissions_helpers import make_policy


def _document(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


pytestmark = pytest.mark.django_db(transaction=True)

ROOT_EMAIL = "erin@example.com"
ROOT_PASSWORD = "Tangerine-Kite-2026!"
FIRST_PASSWORD = "Alice-First-Pass-1!"
NEW_PASSWORD = "Alice-Own-Choice-2?"


def _sign_out(page):
    page.get_by_test_id("identity-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def _sign_in_as_alice(page, live_server, account, password):
    page.goto(f"{live_server.url}/signin/{account.id}")
    expect(page.locator("#id_account")).to_have_value(account.id)
    page.fill("#id_user_name", "alice")
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()


def test_new_account_to_alice_signing_in_with_mfa(live_server, page, screenshot):
    page.goto(live_server.url + "/signup")
    page.get_by_label("Root user email address").fill(ROOT_EMAIL)
    page.get_by_label("AWS account name").fill("Erin's sandbox")
    page.get_by_label("Root user password", exact=True).fill(ROOT_PASSWORD)
    page.get_by_label("Confirm root user password").fill(ROOT_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    account = Account.objects.get(root_email=ROOT_EMAIL)

    # A group to put alice in, then alice through the create-user wizard.
    nav = page.get_by_role("navigation", name="Identity and Access Management (IAM)")
    nav.get_by_role("link", name="User groups").click()
    page.get_by_role("link", name="Create group").click()
    page.fill("#id_name", "developers")
    page.get_by_role("button", name="Create user group").click()
    expect(page.get_by_role("link", name="developers")).to_be_visible()
    # The console attaches AWS's IAMUserChangePassword to a user who must reset the password (the
    # catalog is loaded by `make run`; here just that policy), and the group lets its members manage
    # their own credentials, as AWS's example policy does: without them alice could do neither.
    make_policy(name="IAMUserChangePassword", document=json.dumps(_document(*CHANGE_OWN_PASSWORD)))
    grant(*MANAGE_OWN_CREDENTIALS, group=Group.objects.get(account=account, name="developers"))

    nav.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="Create user").click()
    page.fill("#id_name", "alice")
    page.check("#id_console_access")
    page.check("input[name=password_type][value=custom]")
    page.fill("#id_password", FIRST_PASSWORD)
    expect(page.locator("input[name=reset_required]")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    # Each step is swapped in by htmx: wait for it, or the next click lands on the step before.
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.check("input[name=groups][value=developers]")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", name="Retrieve password")).to_be_visible()
    expect(page.get_by_test_id("signin-url")).to_have_text(f"{live_server.url}/signin/{account.id}")
    screenshot("journey-01-retrieve-password")
    alice = IAMUser.objects.get(account=account, name="alice")
    assert alice.login_profile.password_reset_required
    assert list(alice.groups.values_list("name", flat=True)) == ["developers"]

    # alice signs in at the account's URL and must choose a new password first.
    _sign_out(page)
    _sign_in_as_alice(page, live_server, account, FIRST_PASSWORD)
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    screenshot("journey-02-forced-change")
    page.fill("#id_old_password", FIRST_PASSWORD)
    page.fill("#id_new_password", NEW_PASSWORD)
    page.fill("#id_new_password_confirm", NEW_PASSWORD)
    page.get_by_role("button", name="Confirm password change").click()
    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    expect(page.get_by_test_id("identity-menu")).to_have_text(f"alice @ {account.id}")
    alice.login_profile.refresh_from_db()
    assert not alice.login_profile.password_reset_required
    assert check_password(NEW_PASSWORD, alice.login_profile.password)

    # Her own security credentials, from the identity menu: a virtual MFA device.
    page.get_by_test_id("identity-menu").click()
    page.get_by_role("link", name="Security credentials").click()
    page.get_by_role("link", name="Assign MFA device").click()
    page.get_by_label("Device name").fill("alice-phone")
    page.get_by_role("button", name="Next").click()
    secret = page.get_by_test_id("mfa-secret").inner_text()
    totp = pyotp.TOTP(secret)
    now = time.time()
    page.get_by_label("MFA code 1").fill(totp.at(now))
    page.get_by_label("MFA code 2").fill(totp.at(now + 30))
    page.get_by_role("button", name="Add MFA").click()
    expect(page.get_by_text("MFA device assigned: alice-phone.")).to_be_visible()
    expect(page.get_by_role("cell", name=f"arn:aws:iam::{account.id}:mfa/alice-phone")).to_be_visible()
    screenshot("journey-03-mfa-assigned")
    assert alice.mfa_devices.get().enabled_at is not None

    # Next time, the code is asked for after the password.
    _sign_out(page)
    _sign_in_as_alice(page, live_server, account, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Multi-factor authentication")).to_be_visible()
    # Enabling used the codes of steps s and s+1; once the clock is past s, the code of step s+2 is
    # within the accepted drift and has never been used.
    step = int(now // 30)
    while int(time.time() // 30) <= step:
        time.sleep(0.5)
    page.get_by_label("MFA code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    expect(page.get_by_test_id("identity-menu")).to_have_text(f"alice @ {account.id}")
    screenshot("journey-04-alice-dashboard")

    sign_ins = AuditEvent.objects.filter(account=account, event_name="ConsoleLogin").order_by("id")
    last = sign_ins.last()
    assert last.user_identity["userName"] == "alice"
    assert last.response_elements == {"ConsoleLogin": "Success"}
    assert last.request_parameters["MFAUsed"] == "Yes"
