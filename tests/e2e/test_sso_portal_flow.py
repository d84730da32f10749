"""In a real browser (issue 18's flow): the management account has Identity Center with the user dana
in the group developers, and the permission set DeveloperAccess (ReadOnlyAccess, 8 hours) assigned to
the group in a member account. dana sets her password through the emailed link, signs in at the AWS
access portal, opens the member account's console, lists users but is refused creating one in AWS's
words naming her AWSReservedSSO_ role session, and the member account's Event history shows her
AssumeRoleWithSAML and her calls. IAMFullAccess added and provisioned again, her next session creates
the user."""

import json
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from access.acting import Acting
from accounts.models import IAMUser
from console.session import SESSION_KEY
from identitycenter import flows, portal, services
from organizations import flows as organizations_flows
from organizations import services as organizations_services
from policies.models import Role
from tests.accounts.factories import AccountFactory
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.console_steps import create_user
from tests.identitycenter.portal_helpers import directory_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Dana-Portal-2026!"


def _identity_center(live_server):
    management = AccountFactory(name="Management", root_email="admin@example.com")
    acting = Acting(account=management, source_ip="198.51.100.7", user_agent="e2e")
    organization = organizations_services.organization_create(acting=acting)
    member = organizations_flows.account_create_with_access_role(
        organization=organization, name="Workloads", email="workloads@example.com", acting=acting
    ).account
    instance = services.instance_create(organization=organization, name="main", acting=acting)
    dana = directory_user(instance, "dana", acting=acting)
    developers = services.group_create(instance=instance, display_name="developers", acting=acting)
    services.membership_create(group=developers, user=dana, acting=acting)
    permission_set = services.permission_set_create(
        instance=instance, name="DeveloperAccess", session_duration="PT8H", acting=acting
    )
    flows.managed_policy_attach(
        permission_set=permission_set, arn="arn:aws:iam::aws:policy/ReadOnlyAccess", acting=acting
    )
    flows.assignment_create(
        permission_set=permission_set,
        account_id=member.id,
        principal_type="GROUP",
        principal_id=developers.id,
        acting=acting,
    )
    portal.password_setup_send(user=dana, base_url=live_server.url)
    return acting, instance, member, permission_set


def _open_console(page, member):
    page.get_by_test_id(f"portal-account-{member.id}").locator("summary").click()
    page.get_by_test_id(f"console-{member.id}-DeveloperAccess").click()
    expect(page.get_by_test_id("identity-menu")).to_contain_text("AWSReservedSSO_DeveloperAccess_")


def test_dana_signs_in_at_the_portal_and_works_in_the_member_account_as_her_permission_set(
    live_server, page, browser, screenshot, mailoutbox
):
    acting, instance, member, permission_set = _identity_center(live_server)
    [email] = mailoutbox
    link = re.search(r"http://\S+/password-setup/\S+", email.body).group(0)

    # The invitation's link: dana chooses her password (Identity Center's rules first).
    page.goto(link)
    expect(page.get_by_role("heading", name="Set new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("Confirm password", exact=True).fill("password")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text(portal.PASSWORD_RULES).first).to_be_visible()
    screenshot("sso-portal-01-password-rules")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Set new password").click()

    # Signed in with the new password (the user name is remembered from the link).
    expect(page.get_by_text("Your password has been set.")).to_be_visible()
    expect(page.get_by_test_id("portal-username")).to_have_text("dana")
    page.get_by_label("Password", exact=True).fill("Not-Her-Password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Your authentication information is incorrect.")).to_be_visible()
    screenshot("sso-portal-02-wrong-password")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The Accounts tab: the member account, through the group developers.
    expect(page.get_by_role("heading", name="AWS access portal")).to_be_visible()
    account_row = page.get_by_test_id(f"portal-account-{member.id}")
    expect(account_row).to_contain_text("Workloads")
    account_row.locator("summary").click()
    expect(account_row).to_contain_text("DeveloperAccess")
    screenshot("sso-portal-03-accounts")

    # Access keys for the CLI.
    page.get_by_test_id(f"keys-{member.id}-DeveloperAccess").click()
    expect(page.get_by_role("heading", name="Get credentials for DeveloperAccess")).to_be_visible()
    expect(page.get_by_test_id("env-vars")).to_contain_text('export AWS_ACCESS_KEY_ID="ASIA')
    screenshot("sso-portal-04-access-keys")
    page.get_by_role("link", name="Close").click()

    # The member account's console as the role session: reading works, creating a user does not.
    _open_console(page, member)
    role_name = Role.objects.get(account=member, name__startswith="AWSReservedSSO_").name
    session_arn = f"arn:aws:sts::{member.id}:assumed-role/{role_name}/dana"
    page.goto(live_server.url + "/users/")
    expect(page.get_by_role("heading", name="Users (0)")).to_be_visible()
    expect(page.get_by_test_id("access-denied")).to_have_count(0)
    page.get_by_test_id("identity-menu").click()
    expect(page.get_by_test_id("federated-user")).to_have_text(f"{role_name}/dana")
    screenshot("sso-portal-05-console-users")
    create_user(page, live_server, "carol")
    expect(
        page.get_by_text(
            f"User: {session_arn} is not authorized to perform: iam:CreateUser on resource: "
            f"arn:aws:iam::{member.id}:user/carol because no identity-based policy allows the iam:CreateUser action"
        )
    ).to_be_visible()
    screenshot("sso-portal-06-create-user-denied")
    assert not IAMUser.objects.filter(account=member, name="carol").exists()

    # Signing out of the console returns to the portal, still signed in.
    page.get_by_test_id("identity-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="AWS access portal")).to_be_visible()

    # The member account's Event history, as its root user in another browser.
    admin = browser.new_context(viewport={"width": 1280, "height": 800})
    admin_page = admin.new_page()
    session = SessionStore()
    session[SESSION_KEY] = {"account": member.id, "user": None}
    session.create()
    admin.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
    admin_page.goto(live_server.url + "/event-history/?event_name=AssumeRoleWithSAML")
    rows = admin_page.locator("#event-table tbody[data-event-id]")
    expect(rows).to_have_count(2)  # the access keys, then the console (newest first)
    rows.first.locator("summary", has_text="AssumeRoleWithSAML").click()
    record = json.loads(rows.first.get_by_test_id("event-record").inner_text())
    assert record["userIdentity"]["type"] == "SAMLUser"
    assert record["userIdentity"]["userName"] == "dana"
    assert record["responseElements"]["assumedRoleUser"]["arn"] == session_arn
    admin_page.screenshot(path=str(ARTIFACTS / "sso-portal-07-event-history-saml.png"), full_page=True)
    admin_page.goto(live_server.url + "/event-history/?event_name=CreateUser")
    rows = admin_page.locator("#event-table tbody[data-event-id]")
    expect(rows).to_have_count(1)
    rows.first.locator("summary", has_text="CreateUser").click()
    record = json.loads(rows.first.get_by_test_id("event-record").inner_text())
    assert record["userIdentity"]["arn"] == session_arn
    assert record["errorCode"] == "AccessDenied"
    admin.close()

    # IAMFullAccess added and provisioned again: dana's next session creates the user.
    flows.managed_policy_attach(
        permission_set=permission_set, arn="arn:aws:iam::aws:policy/IAMFullAccess", acting=acting
    )
    assert flows.provision(permission_set=permission_set, acting=acting).status == "SUCCEEDED"
    page.reload()
    _open_console(page, member)
    create_user(page, live_server, "carol")
    expect(page).to_have_url(re.compile(r"/users/carol/$"))
    assert IAMUser.objects.filter(account=member, name="carol").exists()
    screenshot("sso-portal-08-user-created")
