"""In a real browser, as the root user: simulate alice's policies for S3 GetObject and DeleteObject on one
object, see one allowed and one denied, open the deciding statement; run all S3 actions and see the
progress bar at its end (tasks run inline); then paste a custom policy with a
condition on aws:SourceIp and see the context key's input appear. And in custom mode, add a second SCP
that denies s3:DeleteObject and see the result name the SCP and highlight its statement."""

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from console.session import SESSION_KEY
from policies.engine import catalog
from policies.models import PolicyAttachment
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.policies.permissions_helpers import make_policy, statement_policy

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE_IP_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            }
        ],
    },
    indent=2,
)


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def _wait_for_the_filter(page, text):
    """Every swap of the action list replaces its checkboxes: tick them only once the filter's swap has
    landed and no other request (the service box's own, sent as focus left it) is still in flight."""
    expect(page.locator("#simulator-actions")).to_contain_text(f'match "{text}"')
    expect(page.locator("#htmx-indicator.htmx-request")).to_have_count(0)
    expect(page.locator("#simulator-actions")).to_contain_text(f'match "{text}"')


def test_simulate_alice_then_a_custom_policy(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    alice = IAMUserFactory(account=account, name="alice")
    read = make_policy(name="S3ReadReports", account=account, document=statement_policy("s3:GetObject"))
    PolicyAttachment.objects.create(policy=read, user=alice)
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/policy-simulator/")
    expect(page.get_by_role("heading", name="Policy simulator")).to_be_visible()
    page.get_by_label("User, group or role").select_option(label="alice")
    expect(page.get_by_label("Include S3ReadReports")).to_be_checked()

    page.get_by_label("Service").fill("s3")
    page.get_by_label("Filter actions").fill("Object")
    _wait_for_the_filter(page, "Object")
    page.locator("#simulator-actions input[value='s3:GetObject']").check()
    page.locator("#simulator-actions input[value='s3:DeleteObject']").check()
    page.get_by_label("Resource ARN (for every selected action)").fill("arn:aws:s3:::my-bucket/report.csv")
    page.get_by_role("button", name="Run simulation").click()

    expect(page.get_by_test_id("result-s3:GetObject")).to_contain_text("Allowed")
    expect(page.get_by_test_id("result-s3:DeleteObject")).to_contain_text("Implicitly denied")
    page.get_by_text("Show statement: S3ReadReports").click()
    highlighted = page.locator("#simulator-results .sim-line-on")
    expect(highlighted.first).to_be_visible()
    expect(page.locator("#simulator-results .sim-line-on", has_text='"s3:GetObject"')).to_have_count(1)
    screenshot("simulator-flow-01-existing")

    # All S3 actions: tasks run inline here, so the progress bar is already at its end.
    page.get_by_role("button", name="All actions of this service").click()
    progress = page.locator("#simulator-run-progress")
    total = str(len(catalog.service("s3").actions))
    expect(progress).to_have_attribute("max", total)
    expect(progress).to_have_attribute("value", total)
    expect(page.get_by_test_id("run-summary")).to_contain_text(f"{total} actions simulated: 1 allowed")
    expect(page.get_by_test_id("run-result-s3:GetObject")).to_contain_text("Allowed")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    screenshot("simulator-flow-01b-all-s3-actions")

    page.get_by_role("tab", name="Custom policies").click()
    expect(page.get_by_label("Custom policy 1")).to_be_visible()
    expect(page.locator("#simulator-context")).not_to_contain_text("aws:SourceIp")
    page.get_by_label("Custom policy 1").fill(SOURCE_IP_POLICY)
    context_input = page.locator("input[name='ctx:aws:SourceIp']")
    expect(context_input).to_be_visible()
    context_input.fill("203.0.113.9")
    page.get_by_label("Service").fill("s3")
    page.get_by_label("Filter actions").fill("GetObject")
    _wait_for_the_filter(page, "GetObject")
    page.locator("#simulator-actions input[value='s3:GetObject']").check()
    page.get_by_role("button", name="Run simulation").click()
    expect(page.get_by_test_id("result-s3:GetObject")).to_contain_text("Allowed")
    screenshot("simulator-flow-02-custom")


ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, indent=2
)
FULL_AWS_ACCESS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
    indent=2,
)
DENY_DELETE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ProtectReports", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
        ],
    },
    indent=2,
)


def test_an_scp_in_custom_mode_denies_and_is_named(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/policy-simulator/?mode=custom")
    page.get_by_label("Custom policy 1").fill(ALLOW_ALL)
    page.get_by_label("SCP 1").fill(FULL_AWS_ACCESS)
    page.get_by_role("button", name="Add SCP").click()
    expect(page.get_by_label("SCP 2")).to_be_visible()
    expect(page.get_by_label("SCP 1")).to_have_value(FULL_AWS_ACCESS)
    page.get_by_label("SCP 2").fill(DENY_DELETE)

    page.get_by_label("Service").fill("s3")
    page.get_by_label("Filter actions").fill("Object")
    _wait_for_the_filter(page, "Object")
    page.locator("#simulator-actions input[value='s3:GetObject']").check()
    page.locator("#simulator-actions input[value='s3:DeleteObject']").check()
    page.get_by_role("button", name="Run simulation").click()

    deleted = page.get_by_test_id("result-s3:DeleteObject")
    expect(deleted).to_contain_text("Explicitly denied")
    expect(deleted).to_contain_text("SCP at level 0")
    expect(page.get_by_test_id("result-s3:GetObject")).to_contain_text("Allowed")
    expect(page.get_by_test_id("result-s3:GetObject")).to_contain_text(
        "SCP at level 0, Identity-based policy"
    )
    deleted.get_by_text("Show statement: SCP 2 (ProtectReports)").click()
    expect(deleted.locator(".sim-line-on", has_text='"Sid": "ProtectReports"')).to_be_visible()
    screenshot("simulator-flow-03-custom-scp")


def test_a_members_user_under_the_organizations_scps(live_server, page, screenshot):
    """dave's account sits in the OU Workloads, whose ProtectReports SCP denies s3:DeleteObject: the
    simulator lists the SCPs by level, names the one that denies, and leaving it out allows."""
    from access.acting import Acting
    from organizations import flows as organizations_flows
    from organizations import services as org
    from organizations.models import SCP
    from policies.services.permissions import inline_policy_put

    management = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    acting = Acting(account=management, source_ip="198.51.100.7", user_agent="pytest")
    organization = org.policy_type_enable(
        organization=org.organization_create(acting=acting), policy_type=SCP, acting=acting
    )
    ou = org.ou_create(
        organization=organization, parent_id=organization.root_id, name="Workloads", acting=acting
    )
    member = organizations_flows.account_create_with_access_role(
        organization=organization, name="Dave's workload", email="dave@example.com", acting=acting
    )
    org.account_move(membership=member, destination_id=ou.id, acting=acting)
    protect = org.policy_create(
        organization=organization, policy_type=SCP, name="ProtectReports", content=DENY_DELETE, acting=acting
    )
    org.policy_attach(organization=organization, policy=protect, target_id=ou.id, acting=acting)
    dave = IAMUserFactory(account=member.account, name="dave")
    inline_policy_put(
        name="S3All",
        document=statement_policy("s3:*"),
        user=dave,
        acting=Acting(account=member.account, source_ip="198.51.100.8", user_agent="pytest"),
    )
    _sign_in_as_root(page, live_server, member.account)

    page.goto(live_server.url + "/policy-simulator/")
    page.get_by_label("User, group or role").select_option(label="dave")
    expect(page.get_by_label("Include ProtectReports")).to_be_checked()
    expect(page.locator("#simulator-policies")).to_contain_text("SCP at level 1 (OU Workloads)")
    page.get_by_label("Service").fill("s3")
    page.get_by_label("Filter actions").fill("DeleteObject")
    _wait_for_the_filter(page, "DeleteObject")
    page.locator("#simulator-actions input[value='s3:DeleteObject']").check()
    page.get_by_role("button", name="Run simulation").click()
    deleted = page.get_by_test_id("result-s3:DeleteObject")
    expect(deleted).to_contain_text("Explicitly denied")
    expect(deleted).to_contain_text("SCP at level 1")
    screenshot("simulator-flow-04-organization")

    page.get_by_label("Include ProtectReports").uncheck()
    page.get_by_role("button", name="Run simulation").click()
    expect(page.get_by_test_id("result-s3:DeleteObject")).to_contain_text("Allowed")
