"""In a real browser, as alice's root user: the IAM user dev makes API calls with boto3 and its own key
(IAM's ListUsers, STS's GetCallerIdentity in eu-west-2), then dev's Last Accessed tab shows when it
last used IAM and STS, S3 as not accessed in the tracking period, and IAM's actions on expand."""

import json
import re

import boto3
import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from access.acting import Acting
from accounts.services.access_keys import access_key_create
from console.session import SESSION_KEY
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import AccountFactory, IAMUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["iam:List*", "sts:GetCallerIdentity", "s3:*"], "Resource": "*"}
    ],
}


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def dev_calls_the_api(live_server, account, policy=POLICY):
    """The IAM user dev, allowed `policy`, calls IAM's ListUsers in us-east-1 and then STS's
    GetCallerIdentity in eu-west-2 with its own access key."""
    dev = IAMUserFactory(account=account, name="dev")
    root = Acting(account=account)
    inline_policy_put(name="developer", document=json.dumps(policy), user=dev, acting=root)
    key, secret = access_key_create(account=account, user=dev, acting=root)
    session = boto3.session.Session(aws_access_key_id=key.access_key_id, aws_secret_access_key=secret)
    session.client("iam", endpoint_url=live_server.url, region_name="us-east-1").list_users()
    session.client("sts", endpoint_url=live_server.url, region_name="eu-west-2").get_caller_identity()
    return dev


def test_a_users_last_accessed_tab_after_its_api_calls(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    dev_calls_the_api(live_server, account)

    _sign_in_as_root(page, live_server, account)
    page.goto(live_server.url + "/users/dev/")
    page.get_by_role("tab", name="Last Accessed").click()

    table = page.get_by_test_id("last-accessed-table")
    expect(table).to_be_visible()
    expect(page.get_by_role("heading", name="Allowed services (3)")).to_be_visible()
    expect(page.get_by_test_id("last-accessed-iam")).to_contain_text("ago")
    expect(page.get_by_test_id("last-accessed-sts")).to_contain_text("ago")
    expect(page.get_by_test_id("last-accessed-s3")).to_have_text("Not accessed in the tracking period")
    expect(page.get_by_test_id("tracking-period")).to_contain_text("400 days")

    page.get_by_test_id("actions-iam").locator("summary").click()
    actions = page.get_by_test_id("actions-iam")
    expect(actions.get_by_role("row", name="iam:ListUsers")).to_contain_text("ago")
    expect(actions.get_by_role("row", name="iam:ListUsers")).to_contain_text("us-east-1")
    page.get_by_test_id("actions-sts").locator("summary").click()
    expect(
        page.get_by_test_id("actions-sts").get_by_role("row", name="sts:GetCallerIdentity")
    ).to_contain_text("eu-west-2")
    expect(actions.get_by_role("row", name="iam:ListRoles")).to_contain_text(
        "Not accessed in the tracking period"
    )
    screenshot("last-accessed-user-tab")

    page.get_by_label("Filter by services accessed").select_option("not-accessed")
    expect(page.locator('tr[data-namespace="s3"]')).to_be_visible()
    expect(page.locator('tr[data-namespace="iam"]')).to_have_count(0)
    expect(page).to_have_url(re.compile(r"[?&]accessed=not-accessed"))
    screenshot("last-accessed-user-tab-not-accessed")

    # Not accessed in the last N days: IAM and STS were called a moment ago, S3 never.
    page.get_by_label("N days").fill("1")
    page.get_by_label("Filter by services accessed").select_option("not-accessed-in")
    expect(page).to_have_url(
        re.compile(r"[?&]accessed=not-accessed-in.*days=1|days=1.*accessed=not-accessed-in")
    )
    expect(page.locator('tr[data-namespace="s3"]')).to_be_visible()
    expect(page.locator('tr[data-namespace="sts"]')).to_have_count(0)
    # The browser refuses a bad N in the field (min 1, max 400); an address carrying one is told why.
    page.goto(page.url.replace("days=1", "days=0"))
    expect(page.get_by_test_id("accessed-days-error")).to_have_text(
        "Enter a whole number of days from 1 to 400."
    )
    expect(page.locator('tr[data-namespace="sts"]')).to_be_visible()  # a bad N filters nothing
    screenshot("last-accessed-user-tab-not-accessed-in-n-days")
