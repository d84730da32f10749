"""In a real browser, as the administrator of the organization's management account (an IAM user with
AdministratorAccess): enable IAM Identity Center, add the user dana and the group developers (dana in
it), create the permission set DeveloperAccess (ReadOnlyAccess, an 8-hour session; 12 hours and 1
minute refused), assign developers to the member account, see the AWSReservedSSO_ role there, add a
policy and re-provision, then reference a customer managed policy the account lacks: FAILED, with the
reason. Between, dana (in her own browser) sets her password through the emailed link, signs in at the
AWS access portal, opens the member account's console as her AWSReservedSSO_ role session, reads users
but is refused creating one in AWS's words, her actions are in the member account's Event history, and
once IAMFullAccess is added and provisioned her next session creates the user."""

import json
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from access.acting import Acting
from accounts.models import IAMUser
from console.session import SESSION_KEY
from identitycenter.models import DirectoryUser, Instance, PermissionSet, ProvisionedPermissionSet
from organizations import flows as organizations_flows
from organizations import services as organizations_services
from policies.aws_managed.loader import aws_managed_policy
from policies.services.permissions import policy_attach
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.console_steps import create_user

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, account, user):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": user.pk, "mfa_at": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


PASSWORD = "Dana-Portal-2026!"


def _dana_signs_in_at_the_portal(dana_page, link, member):
    """The invitation's link: her password, then the portal's sign-in and the member account's console."""
    dana_page.goto(link)
    dana_page.get_by_label("New password", exact=True).fill(PASSWORD)
    dana_page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    dana_page.get_by_role("button", name="Set new password").click()
    expect(dana_page.get_by_text("Your password has been set.")).to_be_visible()
    dana_page.get_by_label("Password", exact=True).fill(PASSWORD)
    dana_page.get_by_role("button", name="Sign in").click()
    expect(dana_page.get_by_role("heading", name="AWS access portal")).to_be_visible()
    _open_console(dana_page, member)


def _open_console(dana_page, member):
    dana_page.get_by_test_id(f"portal-account-{member.id}").locator("summary").click()
    dana_page.get_by_test_id(f"console-{member.id}-DeveloperAccess").click()
    expect(dana_page.get_by_test_id("identity-menu")).to_contain_text("AWSReservedSSO_DeveloperAccess_")


def _events(browser, live_server, account, event_name):
    """Event history of `account` filtered by `event_name`, read by its root user: the records, newest first."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
    admin_page = context.new_page()
    admin_page.goto(live_server.url + f"/event-history/?event_name={event_name}")
    rows = admin_page.locator("#event-table tbody[data-event-id]")
    expect(rows.first).to_be_visible()
    records = []
    for index in range(rows.count()):
        rows.nth(index).locator("summary", has_text=event_name).click()
        records.append(json.loads(rows.nth(index).get_by_test_id("event-record").inner_text()))
    admin_page.screenshot(path=str(ARTIFACTS / f"identity-center-events-{event_name}.png"), full_page=True)
    context.close()
    return records


def test_identity_center_from_enable_to_a_failed_provisioning(
    live_server, page, browser, screenshot, mailoutbox
):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    acting = Acting(account=account)
    organization = organizations_services.organization_create(acting=acting)
    member = organizations_flows.account_create_with_access_role(
        organization=organization, name="Dave's workload", email="dave@example.com", acting=acting
    ).account
    admin = IAMUserFactory(account=account, name="admin")
    policy_attach(policy=aws_managed_policy("AdministratorAccess"), user=admin, acting=acting)
    for name in ("ReadOnlyAccess", "IAMFullAccess"):
        aws_managed_policy(name)
    _sign_in(page, live_server, account, admin)

    # The IAM console's left navigation leads to IAM Identity Center; it is not enabled yet.
    page.goto(live_server.url + "/users/")
    page.get_by_role("link", name="IAM Identity Center").click()
    expect(page.get_by_role("heading", name="Enable IAM Identity Center")).to_be_visible()
    screenshot("identity-center-01-enable")
    page.get_by_test_id("enable").click()
    expect(page.get_by_text("You successfully enabled IAM Identity Center.")).to_be_visible()
    instance = Instance.objects.get(organization=organization)
    expect(page.get_by_test_id("portal-url")).to_have_text(
        f"{live_server.url}/start/{instance.identity_store_id}/"
    )
    screenshot("identity-center-02-dashboard")

    nav = page.get_by_test_id("identity-center-nav")
    nav.get_by_role("link", name="Settings").click()
    expect(page.get_by_test_id("instance-arn")).to_have_text(instance.arn)
    screenshot("identity-center-03-settings")

    # Add user: details, groups, review.
    nav = page.get_by_test_id("identity-center-nav")
    nav.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Email address", exact=True).fill("dana@example.com")
    page.get_by_label("Confirm email address").fill("dana@example.org")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Doe")
    page.get_by_label("Display name").fill("Dana Doe")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("The email addresses must match.")).to_be_visible()
    page.get_by_label("Confirm email address").fill("dana@example.com")
    screenshot("identity-center-04-add-user")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Add user to groups")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and add user")).to_be_visible()
    screenshot("identity-center-05-review-user")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("heading", name="dana")).to_be_visible()
    expect(page.get_by_text("an email was sent to dana@example.com")).to_be_visible()
    dana = DirectoryUser.objects.get(instance=instance, user_name="dana")

    # Create group with dana in it.
    page.goto(live_server.url + "/identity-center/groups/")
    page.get_by_role("link", name="Create group").click()
    page.get_by_label("Group name").fill("developers")
    page.get_by_label("Select dana").check()
    screenshot("identity-center-06-create-group")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", name="developers")).to_be_visible()
    expect(page.get_by_test_id("group-members")).to_contain_text("dana")
    page.get_by_test_id("group-members").get_by_role("link", name="dana").click()
    expect(page.get_by_test_id("user-groups")).to_contain_text("developers")
    assert dana.memberships.get().group.display_name == "developers"

    # Create permission set: custom, ReadOnlyAccess; 12 hours and 1 minute refused, then 8 hours.
    page.goto(live_server.url + "/identity-center/permission-sets/")
    page.get_by_role("link", name="Create permission set").click()
    page.get_by_label("Custom permission set").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Specify policies and permissions boundary")).to_be_visible()
    page.get_by_label("Find policies by name").fill("ReadOnlyAccess")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Select ReadOnlyAccess", exact=True).check()
    screenshot("identity-center-07-policies")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Specify permission set details")).to_be_visible()
    page.get_by_label("Permission set name").fill("DeveloperAccess")
    page.get_by_label("Session duration").select_option("custom")
    page.get_by_label("Hours").fill("12")
    page.get_by_label("Minutes").fill("1")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("review-duration")).to_have_text("12 hours 1 minute")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_test_id("wizard-error")).to_contain_text(
        "The session duration PT12H1M is not valid. A session duration must be between 1 hour (PT1H) and 12 hours (PT12H)"
    )
    screenshot("identity-center-08-session-refused")
    assert not PermissionSet.objects.exists()
    page.get_by_role("button", name="Previous").click()
    page.get_by_label("Session duration").select_option("PT8H")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("review-duration")).to_have_text("8 hours")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="DeveloperAccess")).to_be_visible()
    expect(page.get_by_test_id("session-duration")).to_have_text("8 hours")
    permission_set = PermissionSet.objects.get(name="DeveloperAccess")
    assert permission_set.session_duration == "PT8H"

    # AWS accounts: assign developers to dave's account with DeveloperAccess.
    page.goto(live_server.url + "/identity-center/accounts/")
    page.get_by_label("Select Dave's workload").check()
    screenshot("identity-center-09-accounts")
    page.get_by_test_id("assign-users").click()
    page.get_by_label("Select developers").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Select DeveloperAccess").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("assign-review")).to_contain_text("Group: developers")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Dave's workload")).to_be_visible()
    expect(page.get_by_test_id("status-DeveloperAccess")).to_have_text("Provisioned")
    expect(page.get_by_test_id("account-assignments")).to_contain_text("developers")
    role_name = ProvisionedPermissionSet.objects.get(permission_set=permission_set).role_name
    assert re.fullmatch(r"AWSReservedSSO_DeveloperAccess_[0-9a-f]{16}", role_name)
    screenshot("identity-center-10-assigned")

    # The role is in dave's account: switch into it and look at its roles.
    page.goto(live_server.url + "/switchrole")
    page.get_by_label("Account ID", exact=True).fill(member.id)
    page.get_by_label("IAM role name").fill("OrganizationAccountAccessRole")
    page.get_by_role("button", name="Switch Role").click()
    expect(page.get_by_test_id("identity-menu")).to_contain_text("OrganizationAccountAccessRole")
    page.goto(live_server.url + "/roles/")
    expect(page.get_by_role("link", name=role_name)).to_be_visible()
    screenshot("identity-center-11-member-roles")
    page.get_by_test_id("identity-menu").click()
    page.get_by_test_id("switch-back").click()
    expect(page.get_by_test_id("identity-menu")).not_to_contain_text("OrganizationAccountAccessRole")

    # dana, in her own browser: the emailed link, the portal, the member account's console as her role
    # session; she reads users but may not create one (AWS's denial names the AWSReservedSSO_ session).
    [invitation] = mailoutbox
    link = re.search(r"http://\S+/password-setup/\S+", invitation.body).group(0)
    dana_context = browser.new_context(viewport={"width": 1280, "height": 800})
    dana_page = dana_context.new_page()
    _dana_signs_in_at_the_portal(dana_page, link, member)
    session_arn = f"arn:aws:sts::{member.id}:assumed-role/{role_name}/dana"
    dana_page.goto(live_server.url + "/users/")
    expect(dana_page.get_by_role("heading", name="Users (0)")).to_be_visible()
    create_user(dana_page, live_server, "carol")
    expect(
        dana_page.get_by_text(
            f"User: {session_arn} is not authorized to perform: iam:CreateUser on resource: "
            f"arn:aws:iam::{member.id}:user/carol because no identity-based policy allows the iam:CreateUser action"
        )
    ).to_be_visible()
    dana_page.screenshot(path=str(ARTIFACTS / "identity-center-dana-denied.png"), full_page=True)
    assert not IAMUser.objects.filter(account=member, name="carol").exists()
    [saml] = _events(browser, live_server, member, "AssumeRoleWithSAML")
    assert (saml["userIdentity"]["type"], saml["userIdentity"]["userName"]) == ("SAMLUser", "dana")
    assert saml["responseElements"]["assumedRoleUser"]["arn"] == session_arn
    [refused] = _events(browser, live_server, member, "CreateUser")
    assert (refused["userIdentity"]["arn"], refused["errorCode"]) == (session_arn, "AccessDenied")

    # Add a policy: the accounts need an update; Update in AWS accounts re-provisions.
    page.goto(live_server.url + f"/identity-center/permission-sets/{permission_set.id}/?tab=permissions")
    page.get_by_label("Find policies by name").fill("IAMFullAccess")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Select IAMFullAccess").check()
    page.get_by_role("button", name="Attach policies").click()
    expect(page.get_by_test_id("ps-managed-policies")).to_contain_text("IAMFullAccess")
    expect(page.get_by_test_id("reprovision-notice")).to_be_visible()
    screenshot("identity-center-12-reprovision-notice")
    page.get_by_test_id("reprovision").click()
    expect(page.get_by_text("Successfully updated permission set DeveloperAccess")).to_be_visible()
    expect(page.get_by_test_id(f"status-{member.id}")).to_have_text("Provisioned")
    role = ProvisionedPermissionSet.objects.get(permission_set=permission_set).role
    assert set(role.attachments.values_list("policy__name", flat=True)) == {"ReadOnlyAccess", "IAMFullAccess"}

    # dana's next session has the new right: she creates the user.
    dana_page.goto(live_server.url + f"/start/{instance.identity_store_id}/")
    _open_console(dana_page, member)
    create_user(dana_page, live_server, "carol")
    expect(dana_page).to_have_url(re.compile(r"/users/carol/$"))
    assert IAMUser.objects.filter(account=member, name="carol").exists()
    dana_context.close()
    created, refused_before = _events(browser, live_server, member, "CreateUser")
    assert (created["userIdentity"]["arn"], created.get("errorCode")) == (session_arn, None)
    assert refused_before["errorCode"] == "AccessDenied"

    # A customer managed policy reference dave's account lacks: provisioning FAILED, with the reason.
    page.goto(live_server.url + f"/identity-center/permission-sets/{permission_set.id}/?tab=permissions")
    page.locator("#id_ref_name").fill("team-policy")
    page.get_by_role("button", name="Attach policy", exact=True).click()
    expect(page.get_by_test_id("ps-customer-policies")).to_contain_text("team-policy")
    page.get_by_test_id("reprovision").click()
    reason = f"Policy with name team-policy and path / does not exist in account {member.id}"
    expect(page.get_by_test_id(f"status-{member.id}")).to_contain_text("Failed")
    expect(page.get_by_test_id("failure-reason")).to_contain_text(reason)
    screenshot("identity-center-13-provisioning-failed")
    page.goto(live_server.url + f"/identity-center/accounts/{member.id}/")
    expect(page.get_by_test_id("status-DeveloperAccess")).to_contain_text(reason)
