"""In a real browser, as the root user: a policy's "Entities attached" tab, as AWS's documentation
("Adding and removing IAM identity permissions") walks it from the policy's side: Attach opens a list
of the account's users, groups and roles, the chosen ones get the policy; Detach removes it from the
checked rows. "Attach policy" and Detach stay disabled until a row is ticked, as in the console."""

import json

import pytest
from playwright.sync_api import expect

from access.acting import Acting
from policies.models import PolicyAttachment
from policies.services.policies import policy_create
from tests.accounts.factories import AccountFactory, GroupFactory, IAMUserFactory
from tests.e2e.test_users_flow import _sign_in_as_root

pytestmark = pytest.mark.django_db(transaction=True)

S3_READ = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
)


def test_attach_to_a_user_and_a_group_then_detach_the_user(live_server, page, screenshot):
    account = AccountFactory()
    IAMUserFactory(account=account, name="bob")
    GroupFactory(account=account, name="developers")
    policy = policy_create(
        account=account, name="allow-s3-read", document=S3_READ, acting=Acting(account=account)
    )
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/policies/")
    page.get_by_role("link", name="allow-s3-read").click()
    page.get_by_role("tab", name="Entities attached").click()
    expect(page.get_by_text("No entities attached")).to_be_visible()
    expect(page.get_by_role("button", name="Detach")).to_be_disabled()
    page.get_by_role("link", name="Attach", exact=True).click()

    expect(page.get_by_role("heading", name="Attach allow-s3-read")).to_be_visible()
    attach = page.get_by_role("button", name="Attach policy")
    expect(attach).to_be_disabled()
    page.get_by_label("Select bob").check()
    expect(attach).to_be_enabled()
    page.get_by_label("Select bob").uncheck()
    expect(attach).to_be_disabled()
    page.get_by_label("Select bob").check()
    page.get_by_label("Select developers").check()
    screenshot("policy-entities-01-attach")
    attach.click()

    expect(page.get_by_text("Policy allow-s3-read attached to")).to_be_visible()
    tab = page.locator("#policy-tab")
    expect(tab.get_by_role("link", name="bob")).to_be_visible()
    expect(tab.get_by_role("link", name="developers")).to_be_visible()
    screenshot("policy-entities-02-attached")

    detach = tab.get_by_role("button", name="Detach")
    expect(detach).to_be_disabled()
    tab.get_by_label("Select bob").check()
    expect(detach).to_be_enabled()
    detach.click()
    expect(page.get_by_text("Policy allow-s3-read detached from bob.")).to_be_visible()
    expect(tab.get_by_role("link", name="bob")).to_have_count(0)
    expect(tab.get_by_role("link", name="developers")).to_be_visible()
    screenshot("policy-entities-03-detached")
    assert list(PolicyAttachment.objects.filter(policy=policy).values_list("group__name", flat=True)) == [
        "developers"
    ]
