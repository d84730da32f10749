"""In a real browser, as alice's root user: create a user through the console, then find its CreateUser
event in Event history by filtering on the event name, and open the row to read CloudTrail's JSON."""

import json
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from console.session import SESSION_KEY
from tests.accounts.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_as_root(page, live_server, account):
    # The sign-in pages belong to their own flow; here the console session is set directly.
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def test_the_create_user_event_is_found_and_expanded_in_event_history(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/users/create/")
    page.fill("#id_name", "dana")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    page.get_by_role("button", name="Create user").click()
    expect(page).to_have_url(re.compile(r"/users/dana/$"))

    page.get_by_role("link", name="Event history").click()
    expect(page.get_by_role("heading", name="Event history", level=1)).to_be_visible()
    page.get_by_placeholder("Enter an event name").fill("CreateUser")
    rows = page.locator("#event-table tbody[data-event-id]")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]event_name=CreateUser"))  # the filtered view can be shared
    row = rows.first
    expect(row).to_contain_text("root")
    expect(row).to_contain_text("iam.amazonaws.com")
    expect(row).to_contain_text("dana")

    record = row.get_by_test_id("event-record")
    expect(record).to_be_hidden()
    row.locator("summary", has_text="CreateUser").click()
    expect(record).to_be_visible()
    data = json.loads(record.inner_text())
    assert data["eventName"] == "CreateUser"
    assert data["requestParameters"]["userName"] == "dana"
    assert data["userIdentity"]["arn"] == account.root_arn
    assert data["recipientAccountId"] == account.id
    screenshot("event-history-01-create-user-expanded")
