"""In a real browser (issue 6's flow): alice has no IAM rights and sees AWS's denial when she creates a
user; she switches to the role `admin` with a display name and colour, creates the user, switches back
and is denied again."""

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from accounts.models import IAMUser
from console.session import SESSION_KEY
from policies.models import PolicyAttachment, Role
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.e2e.console_steps import create_user
from tests.grants import grant, statement
from tests.policies.permissions_helpers import make_policy

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _sign_in_as(page, live_server, account, user):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": user.pk, "mfa_at": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def test_alice_is_denied_switches_to_admin_creates_a_user_and_is_denied_again(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="root@example.com")
    alice = IAMUserFactory(account=account, name="alice")
    grant(statement("sts:AssumeRole", f"arn:aws:iam::{account.id}:role/admin"), user=alice)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": account.root_arn}, "Action": "sts:AssumeRole"}
        ],
    }
    admin = Role.objects.create(account=account, name="admin", trust_policy=json.dumps(trust))
    PolicyAttachment.objects.create(
        policy=make_policy(name="AdministratorAccess", document=ADMIN), role=admin
    )
    _sign_in_as(page, live_server, account, alice)

    # Denied: the dashboard's resources card, the users list, and "Create user" on use.
    page.goto(live_server.url + "/")
    # (Both the recommendations and the resources card come from GetAccountSummary.)
    expect(page.get_by_test_id("access-denied").first).to_contain_text("iam:GetAccountSummary")
    screenshot("switch-role-00a-dashboard")
    page.goto(live_server.url + "/users/")
    expect(page.get_by_test_id("access-denied")).to_contain_text(
        f"User: arn:aws:iam::{account.id}:user/alice is not authorized to perform: iam:ListUsers"
    )
    screenshot("switch-role-00-users-denied")
    page.get_by_role("link", name="Create user").click()
    expect(page.get_by_role("heading", name="Specify user details")).to_be_visible()
    create_user(page, live_server, "carol")
    expect(
        page.get_by_text(
            f"is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::{account.id}:user/carol because no identity-based policy allows the iam:CreateUser action"
        )
    ).to_be_visible()
    screenshot("switch-role-01-denied")
    assert not IAMUser.objects.filter(name="carol").exists()

    # Switch role from the identity menu.
    page.get_by_test_id("identity-menu").click()
    page.get_by_role("link", name="Switch role").click()
    expect(page.get_by_role("heading", name="Switch role").first).to_be_visible()
    page.get_by_role("textbox", name="Account ID").fill(account.id)
    page.get_by_label("IAM role name").fill("admin")
    page.get_by_label("Display name - optional").fill("Admin")
    page.get_by_label("Red").check()
    screenshot("switch-role-02-form")
    page.get_by_role("button", name="Switch Role").click()

    menu = page.get_by_test_id("identity-menu")
    expect(menu).to_have_text("Admin")
    expect(menu).to_have_class("identity-role identity-role-red")
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=identity-menu]')).backgroundColor"
        )
        == "rgb(199, 37, 78)"
    )
    screenshot("switch-role-03-as-admin")

    create_user(page, live_server, "carol")
    expect(page.get_by_role("heading", name="carol")).to_be_visible()
    assert IAMUser.objects.filter(account=account, name="carol").exists()
    page.goto(live_server.url + "/users/")
    expect(page.get_by_role("link", name="carol")).to_be_visible()
    screenshot("switch-role-04-user-created")

    # Switch back: alice's own (lack of) rights again.
    page.get_by_test_id("identity-menu").click()
    expect(page.get_by_test_id("active-role")).to_have_text("admin")
    screenshot("switch-role-04b-identity-menu")
    page.get_by_test_id("switch-back").click()
    expect(page.get_by_test_id("identity-menu")).to_have_text(f"alice @ {account.id}")
    page.goto(live_server.url + "/users/")
    expect(page.get_by_test_id("access-denied")).to_contain_text("iam:ListUsers")
    create_user(page, live_server, "dave")
    expect(page.get_by_text("is not authorized to perform: iam:CreateUser")).to_be_visible()
    screenshot("switch-role-05-denied-again")
    assert not IAMUser.objects.filter(name="dave").exists()
