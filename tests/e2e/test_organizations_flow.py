"""In a real browser, as the administrator of alice's account (an IAM user with AdministratorAccess):
create an organization, enable SCPs, create a member account and an OU, move the account into the OU,
attach an SCP denying iam:CreateUser there, switch into the member account through
OrganizationAccountAccessRole, try to create a user and see the SCP's denial."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from access.acting import Acting
from accounts.models import IAMUser
from console.session import SESSION_KEY
from organizations.models import Membership, OrganizationalUnit
from policies.aws_managed.loader import aws_managed_policy
from policies.services.permissions import policy_attach
from tests.accounts.factories import AccountFactory, IAMUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DENY_CREATE_USER = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}'


def _sign_in(page, live_server, account, user=None):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": user.pk if user else None, "mfa_at": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def test_an_scp_on_an_ou_denies_create_user_in_the_member_account(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    admin = IAMUserFactory(account=account, name="admin")
    policy_attach(
        policy=aws_managed_policy("AdministratorAccess"), user=admin, acting=Acting(account=account)
    )
    _sign_in(page, live_server, account, admin)

    page.goto(live_server.url + "/organizations/accounts/")
    page.get_by_role("button", name="Create an organization").click()
    expect(page.get_by_role("heading", name="AWS accounts")).to_be_visible()
    expect(page.get_by_text("You successfully created an organization.")).to_be_visible()

    # Service control policies are disabled in a new organization, as in AWS: enable them. The IAM
    # console links them under Access reports.
    nav = page.get_by_role("navigation", name="Identity and Access Management (IAM)")
    nav.get_by_role("link", name="Service control policies").click()
    expect(nav.get_by_role("link", name="Service control policies")).to_have_attribute("aria-current", "page")
    page.get_by_role("button", name="Enable service control policies").click()
    expect(page.get_by_test_id("type-status")).to_have_text("enabled")
    expect(page.get_by_test_id("policy-table")).to_contain_text("FullAWSAccess")

    page.get_by_role("link", name="AWS accounts").click()
    page.get_by_role("link", name="Add an AWS account").click()
    page.get_by_label("AWS account name").fill("Dave's workload")
    page.get_by_label("Email address of the account's owner").fill("dave@example.com")
    screenshot("organizations-flow-01-create-account")
    page.get_by_role("button", name="Create AWS account").click()
    expect(page.get_by_text("The AWS account Dave's workload")).to_be_visible()
    member = Membership.objects.get(account__root_email="dave@example.com").account

    page.get_by_role("link", name="Create organizational unit").click()
    page.get_by_label("Organizational unit name").fill("Sandbox")
    page.get_by_role("button", name="Create organizational unit").click()
    ou = OrganizationalUnit.objects.get(name="Sandbox")
    tree = page.get_by_test_id("org-tree")
    expect(tree).to_contain_text(ou.id)

    # Move the account into the OU from its page, then see it inside the expanded OU.
    tree.get_by_role("link", name="Dave's workload").click()
    page.get_by_label("Move AWS account to").select_option(ou.id)
    page.get_by_role("button", name="Move AWS account").click()
    expect(page.get_by_text("was moved")).to_be_visible()
    page.get_by_role("link", name="AWS accounts").first.click()
    expect(tree.get_by_role("link", name="Dave's workload")).to_have_count(0)
    tree.get_by_label("Expand Sandbox").click()
    expect(tree.get_by_role("link", name="Dave's workload")).to_be_visible()
    screenshot("organizations-flow-02-tree")

    page.get_by_role("link", name="Organization policies").click()
    page.locator("main").get_by_role("link", name="Service control policies").click()
    page.get_by_role("link", name="Create policy").click()
    page.get_by_label("Policy name").fill("deny-create-user")
    page.get_by_label("Policy", exact=True).fill(DENY_CREATE_USER)
    page.get_by_role("button", name="Create policy").click()
    expect(page.get_by_role("heading", name="deny-create-user")).to_be_visible()
    expect(page.get_by_test_id("policy-content")).to_contain_text('"iam:CreateUser"')

    targets = page.locator("#policy-targets")
    page.get_by_label("Attach to").select_option(ou.id)
    page.get_by_role("button", name="Attach policy").click()
    expect(targets.get_by_role("link", name="Sandbox")).to_be_visible()
    screenshot("organizations-flow-03-policy-targets")

    page.goto(live_server.url + f"/organizations/accounts/{member.id}/")
    chain = page.get_by_test_id("effective-policies")
    expect(chain).to_contain_text("Organizational unit: Sandbox")
    expect(chain).to_contain_text("deny-create-user")
    screenshot("organizations-flow-04-effective-policies")

    # Switch into the member account through the role Organizations created there.
    page.goto(live_server.url + "/switchrole")
    page.get_by_label("Account ID", exact=True).fill(member.id)
    page.get_by_label("IAM role name").fill("OrganizationAccountAccessRole")
    page.get_by_role("button", name="Switch Role").click()
    expect(page.get_by_test_id("identity-menu")).to_contain_text("OrganizationAccountAccessRole")

    page.goto(live_server.url + "/users/create/")
    page.fill("#id_name", "intruder")
    page.get_by_role("button", name="Next").click()
    # Each step is swapped in by htmx: wait for it, or the next click lands on the step before.
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_text("with an explicit deny in a service control policy")).to_be_visible()
    expect(page.get_by_text("assumed-role/OrganizationAccountAccessRole/admin")).to_be_visible()
    screenshot("organizations-flow-05-scp-denial")
    assert not IAMUser.objects.filter(account=member, name="intruder").exists()
