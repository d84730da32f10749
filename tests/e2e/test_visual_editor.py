"""In a real browser, as alice's root user: build a policy in the visual editor (S3, GetObject, an object
ARN through the ARN dialog, MFA required) and read the JSON it wrote on the JSON tab; then paste a policy
the visual editor cannot show and see the console's note."""

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from console.session import SESSION_KEY
from policies.engine import catalog
from tests.accounts.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def _json(page):
    return json.loads(page.locator("#policy-document").input_value())


def test_build_a_policy_in_the_visual_editor(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    _sign_in_as_root(page, live_server, account)
    page.goto(live_server.url + "/policies/editor/")
    expect(page.get_by_role("heading", name="Specify permissions")).to_be_visible()
    expect(page.get_by_role("tab", name="Visual")).to_have_attribute("aria-selected", "true")

    # Choose a service from the searchable list.
    page.get_by_placeholder("Choose a service").fill("s3")
    page.get_by_role("option", name="S3 s3", exact=True).click()
    expect(page.get_by_text("All S3 actions (s3:*)")).to_be_visible()

    # Actions: open the Read level (its boxes load then) and filter to GetObject.
    page.locator(".ve-level[data-level=Read] > summary").click()
    expect(page.locator("input[name='ve-0-action'][value=GetObject]")).to_be_visible()
    page.get_by_placeholder("Filter Actions").fill("GetObjectA")
    expect(page.locator("label.ve-action", has_text="GetObjectAcl")).to_be_visible()
    expect(page.get_by_text("GetBucketPolicy", exact=True)).to_be_hidden()
    page.get_by_placeholder("Filter Actions").fill("")
    page.check("input[name='ve-0-action'][value=GetObject]")
    expect(page.locator(".ve-level[data-level=Read] [data-count]")).to_have_text("1")
    # The resource types for GetObject arrive with the sync.
    expect(page.locator("[data-resource-type=object]")).to_be_visible()
    page.wait_for_function(
        "() => JSON.parse(document.getElementById('policy-document').value).Statement.length === 1"
    )
    screenshot("visual-editor-01-actions")

    # Resources: Add ARNs for the object type through the dialog.
    page.locator("[data-resource-type=object]").get_by_role("button", name="Add ARNs").click()
    dialog = page.get_by_role("dialog", name="Specify ARNs")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Resource bucket name").fill("my-bucket")
    dialog.get_by_label("Any object name").check()
    screenshot("visual-editor-02-arn-dialog")
    dialog.get_by_role("button", name="Add ARNs").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".chip")).to_contain_text("arn:aws:s3:::my-bucket/*")
    expect(page.locator(".visual-editor")).to_have_count(1)  # swapped in place, not nested

    # Request conditions: MFA required.
    page.get_by_label("MFA required").check()
    page.wait_for_function(
        "() => 'Condition' in JSON.parse(document.getElementById('policy-document').value).Statement[0]"
    )
    expect(page.locator("#policy-summary")).to_contain_text("aws:MultiFactorAuthPresent | bool | true")
    expect(page.locator("#policy-summary")).to_contain_text("Limited: Read")
    screenshot("visual-editor-03-built")

    # The JSON tab shows the policy the visual editor wrote.
    page.get_by_role("tab", name="JSON").click()
    expect(page.locator("#policy-document")).to_be_visible()
    assert _json(page) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "VisualEditor0",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::my-bucket/*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        ],
    }
    screenshot("visual-editor-04-json")

    # Edit the JSON, back to Visual: the blocks follow the JSON.
    document = _json(page)
    document["Statement"][0]["Action"] = ["s3:GetObject", "s3:PutObject"]
    page.locator("#policy-document").fill(json.dumps(document, indent=4))
    page.get_by_role("tab", name="Visual").click()
    expect(page.get_by_role("tab", name="Visual")).to_have_attribute("aria-selected", "true")
    expect(page.locator("input[name='ve-0-action'][value=PutObject]")).to_be_checked()

    # A document the visual editor cannot show stays on the JSON tab, with the console's note.
    page.get_by_role("tab", name="JSON").click()
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    page.locator("#policy-document").fill(json.dumps(admin))
    page.get_by_role("tab", name="Visual").click()
    expect(page.locator("#visual-note")).to_contain_text("The visual editor can't show this policy")
    expect(page.get_by_role("tab", name="JSON")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#policy-document")).to_be_visible()
    # The summary follows the JSON: every service, each row's actions loaded when it is opened.
    every = len(catalog.services())
    expect(page.locator("#policy-summary")).to_contain_text(f"Allow ({every} of {every} services)")
    s3 = page.locator(".summary-service[data-service=s3]")
    s3.locator("summary").click()
    expect(s3.locator(".summary-actions")).to_contain_text("All Read actions")
    screenshot("visual-editor-05-cannot-show")
