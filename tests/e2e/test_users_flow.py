"""In a real browser, as alice's root user: create a group, create user alice through the wizard with a
custom console password that must be reset, add her to the group, then create an access key whose secret
is shown once and is gone after a reload."""

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from access.crypto import decrypt
from accounts.models import AccessKey, IAMUser
from console.session import SESSION_KEY
from tests.accounts.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Wonder-Land-42!"


def _sign_in_as_root(page, live_server, account):
    # The sign-in pages belong to their own flow; here the console session is set directly.
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def test_create_user_with_console_password_group_and_access_key(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/groups/create/")
    page.fill("#id_name", "developers")
    screenshot("users-flow-01-create-group")
    page.get_by_role("button", name="Create user group").click()
    expect(page.get_by_role("link", name="developers")).to_be_visible()
    screenshot("users-flow-02-groups")

    page.goto(live_server.url + "/users/")
    page.get_by_role("link", name="Create user").click()
    expect(page.get_by_role("heading", name="Specify user details")).to_be_visible()
    page.fill("#id_name", "alice")
    page.check("#id_console_access")
    page.check("input[name=password_type][value=custom]")
    page.fill("#id_password", PASSWORD)
    expect(page.locator("input[name=reset_required]")).to_be_checked()
    screenshot("users-flow-03-wizard-details")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    assert page.url.endswith("?step=2")  # each step is an HTMX swap that keeps the URL in step
    expect(page.locator("input[value=copy]")).to_be_enabled()
    page.check("input[name=groups][value=developers]")
    screenshot("users-flow-04-wizard-permissions")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    page.reload()  # a reload keeps the entered values
    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    expect(page.locator(".summary-grid")).to_contain_text("alice")
    expect(page.locator(".summary-grid")).to_contain_text("Custom password")
    screenshot("users-flow-05-wizard-review")
    page.get_by_role("button", name="Create user").click()

    expect(page.get_by_role("heading", name="Retrieve password")).to_be_visible()
    page.get_by_text("Show").click()
    expect(page.get_by_test_id("console-password")).to_have_text(PASSWORD)
    expect(page.get_by_test_id("signin-url")).to_have_text(f"{live_server.url}/signin/{account.id}")
    expect(page.get_by_role("link", name="Download .csv file")).to_be_visible()
    screenshot("users-flow-06-wizard-retrieve")

    alice = IAMUser.objects.get(account=account, name="alice")
    assert check_password(PASSWORD, alice.login_profile.password)
    assert alice.login_profile.password_reset_required
    assert [group.name for group in alice.groups.all()] == ["developers"]

    page.get_by_role("link", name="Return to users list").click()
    expect(page.locator("#user-table")).to_contain_text("developers")
    screenshot("users-flow-07-users-list")

    page.get_by_role("link", name="alice").click()
    page.get_by_role("tab", name="Security credentials").click()
    expect(page.get_by_test_id("console-password-status")).to_contain_text("Enabled (reset required)")
    screenshot("users-flow-08-security-credentials")
    page.get_by_role("link", name="Create access key").click()
    page.check("input[name=use_case][value=cli]")
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Next").click()
    page.fill("#id_description", "laptop of alice")
    screenshot("users-flow-09-create-access-key")
    page.get_by_role("button", name="Create access key").click()

    expect(page.get_by_role("heading", name="Retrieve access keys")).to_be_visible()
    key = AccessKey.objects.get(user=alice)
    secret = decrypt(key.secret_encrypted)
    expect(page.get_by_test_id("access-key-id")).to_have_text(key.access_key_id)
    page.get_by_text("Show").click()
    expect(page.get_by_test_id("secret-access-key")).to_have_text(secret)
    expect(page.get_by_role("link", name="Download .csv file")).to_be_visible()
    screenshot("users-flow-10-secret-once")

    page.reload()
    expect(page.get_by_test_id("secret-gone")).to_be_visible()
    assert secret not in page.content()
    screenshot("users-flow-11-secret-gone")

    page.get_by_role("link", name="Done").click()
    expect(page.get_by_test_id("access-key")).to_contain_text(key.access_key_id)
    expect(page.get_by_test_id("access-key")).to_contain_text("laptop of alice")
    screenshot("users-flow-12-access-keys")
