"""Issue 16's browser journey in one account, as alice's root user: the IAM user dev calls the API with
its own key (IAM in us-east-1, then STS in eu-west-2); the credential report generated and downloaded
afterwards shows that key's last use, dev's Last Accessed tab shows both services, and the top bar's
search finds the role DeployRole and opens it."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from policies.models import Role
from tests.accounts.factories import AccountFactory

from .test_event_history import _sign_in_as_root
from .test_last_accessed_flow import dev_calls_the_api

pytestmark = pytest.mark.django_db(transaction=True)


def test_report_last_accessed_and_search_after_a_users_api_calls(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    Role.objects.create(account=account, name="DeployRole", trust_policy="{}")
    dev_calls_the_api(live_server, account)
    _sign_in_as_root(page, live_server, account)

    # The credential report, generated and downloaded from its page.
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Identity and Access Management (IAM)").get_by_role(
        "link", name="Credential report"
    ).click()
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download credentials report").click()
    rows = list(csv.DictReader(io.StringIO(Path(caught.value.path()).read_text(encoding="utf-8"))))
    assert [row["user"] for row in rows] == ["<root_account>", "dev"]
    dev_row = rows[1]
    assert dev_row["access_key_1_active"] == "true"
    assert (dev_row["access_key_1_last_used_service"], dev_row["access_key_1_last_used_region"]) == (
        "sts",
        "eu-west-2",
    )
    assert dev_row["access_key_1_last_used_date"] != "N/A"

    # dev's Last Accessed tab, reached from the users list.
    page.goto(live_server.url + "/users/")
    page.get_by_role("link", name="dev", exact=True).click()
    page.get_by_role("tab", name="Last Accessed").click()
    expect(page.get_by_test_id("last-accessed-iam")).to_contain_text("ago")
    expect(page.get_by_test_id("last-accessed-sts")).to_contain_text("ago")
    screenshot("journey-16-last-accessed")

    # The top bar's search finds the role.
    page.keyboard.press("Alt+s")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("deploy", delay=30)
    results = page.locator(".topbar-search .search-results section[data-kind=roles]")
    results.get_by_role("link", name="DeployRole").click()
    expect(page).to_have_url(live_server.url + "/roles/DeployRole/")
    expect(page.get_by_role("heading", name="DeployRole")).to_be_visible()
    screenshot("journey-16-role-found")
