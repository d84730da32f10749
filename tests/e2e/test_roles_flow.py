"""In a real browser, as alice's root user: create a role for EC2 through the wizard with
AmazonS3ReadOnlyAccess attached, then read its trust relationship and instance profile on the role page."""

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from console.session import SESSION_KEY
from policies.models import InstanceProfile, Role
from tests.accounts.factories import AccountFactory
from tests.policies.roles_helpers import s3_read_only

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def test_create_ec2_role_and_see_its_trust_relationship(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    policy = s3_read_only()  # the AWS managed catalog's row, without loading all of it
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/roles/")
    expect(page.get_by_role("heading", name="Roles", exact=True)).to_be_visible()
    page.get_by_role("link", name="Create role").click()

    expect(page.get_by_role("heading", name="Select trusted entity")).to_be_visible()
    expect(page.locator("input[name=entity_type][value=service]")).to_be_checked()
    page.select_option("#id_service", "ec2.amazonaws.com")
    screenshot("roles-flow-01-trusted-entity")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Add permissions")).to_be_visible()
    assert page.url.endswith("?step=2")
    # Tick only once the filtered picker has replaced the old one: a box ticked in the old one is lost.
    old_picker = page.locator("#policy-picker").element_handle()
    page.get_by_label("Filter policies by property or policy name").fill("AmazonS3ReadOnly")
    page.wait_for_function("picker => !picker.isConnected", arg=old_picker)
    checkbox = page.get_by_label("Select AmazonS3ReadOnlyAccess")
    expect(checkbox).to_be_visible()
    checkbox.check()
    screenshot("roles-flow-02-permissions")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Name, review, and create")).to_be_visible()
    expect(page.get_by_test_id("trust-preview")).to_contain_text('"Service": "ec2.amazonaws.com"')
    expect(page.locator("#id_description")).to_have_value(
        "Allows EC2 instances to call AWS services on your behalf."
    )
    page.fill("#id_name", "ec2-s3-read")
    screenshot("roles-flow-03-review")
    page.get_by_role("button", name="Create role").click()

    expect(page.get_by_role("heading", name="ec2-s3-read")).to_be_visible()
    expect(page.get_by_test_id("role-arn")).to_have_text(f"arn:aws:iam::{account.id}:role/ec2-s3-read")
    expect(page.get_by_test_id("instance-profile-arn")).to_have_text(
        f"arn:aws:iam::{account.id}:instance-profile/ec2-s3-read"
    )
    expect(page.locator("#role-permissions")).to_contain_text("AmazonS3ReadOnlyAccess")
    screenshot("roles-flow-04-role-permissions")

    page.get_by_role("tab", name="Trust relationships").click()
    expect(page.get_by_test_id("trust-policy")).to_contain_text('"Service": "ec2.amazonaws.com"')
    expect(page.get_by_role("link", name="Edit trust policy")).to_be_visible()
    screenshot("roles-flow-05-trust-relationships")

    role = Role.objects.get(account=account, name="ec2-s3-read")
    assert json.loads(role.trust_policy)["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert [attachment.policy_id for attachment in role.attachments.all()] == [policy.pk]
    assert InstanceProfile.objects.get(account=account, name="ec2-s3-read").role == role

    page.goto(live_server.url + "/roles/")
    expect(page.locator("#role-table")).to_contain_text("AWS Service: ec2")
    screenshot("roles-flow-06-roles-list")
