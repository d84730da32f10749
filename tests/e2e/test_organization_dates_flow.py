"""In a real browser, as the management account's root user: the AWS accounts page shows each account's
date as the Organizations console does, "Created" for an account the organization created and "Joined"
for an invited one, and the account's page says the same."""

import pytest
from playwright.sync_api import expect

from access.acting import Acting
from organizations import flows, services
from organizations.models import Membership
from tests.accounts.factories import AccountFactory
from tests.e2e.test_users_flow import _sign_in_as_root

pytestmark = pytest.mark.django_db(transaction=True)


def test_created_and_invited_accounts_show_created_and_joined(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    invited = AccountFactory(name="Charlie's shop", root_email="charlie@example.com")
    acting = Acting(account=account)
    organization = services.organization_create(acting=acting)
    created = flows.account_create_with_access_role(
        organization=organization, name="Dave's workload", email="dave@example.com", acting=acting
    )
    handshake = services.handshake_invite(organization=organization, target=invited.id, acting=acting)
    services.handshake_accept(handshake=handshake, acting=Acting(account=invited))
    joined = Membership.objects.get(account=invited)
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/organizations/accounts/")
    expect(page.get_by_role("columnheader", name="Joined / created")).to_be_visible()
    expect(page.get_by_test_id(f"joined-{created.account_id}")).to_have_text(
        f"Created {created.joined_at:%Y/%m/%d}"
    )
    expect(page.get_by_test_id(f"joined-{invited.id}")).to_have_text(f"Joined {joined.joined_at:%Y/%m/%d}")
    screenshot("organization-dates-01-accounts")

    page.get_by_role("link", name="Charlie's shop").click()
    expect(page.get_by_text("Account details")).to_be_visible()
    expect(page.locator("dt", has_text="Joined")).to_be_visible()
    expect(page.get_by_test_id("joined-date")).to_have_text(f"{joined.joined_at:%Y/%m/%d}")
    screenshot("organization-dates-02-invited-account")
