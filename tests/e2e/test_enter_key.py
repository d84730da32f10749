"""In a real browser, as alice's root user: Enter is pressed in every search box and every tag Key and
Value of every wizard and tag editor (create user, create user group, create role, create policy, Add
permissions, a user's, a role's and a customer managed policy's Tags), and nothing is lost: the step
stays, the tags stay, and a search box filters what it searches; and in every search box of every other
console page, where the page stays and nothing is written."""

import json
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from accounts.models import AuditEvent
from console.session import SESSION_KEY
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.e2e.test_layout import console_pages
from tests.policies.permissions_helpers import make_policy, make_role
from tests.security.surface import build_surface

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = (
    "main input[type=search]:visible, main input[name=tag_key]:visible, main input[name=tag_value]:visible"
)
DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
    indent=4,
)


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def _settled(page):
    expect(page.locator("#htmx-indicator.htmx-request")).to_have_count(0)


def _tags(page):
    keys = page.locator("main input[name=tag_key]")
    values = page.locator("main input[name=tag_value]")
    return [(keys.nth(i).input_value(), values.nth(i).input_value()) for i in range(keys.count())]


def _enter_everywhere(page, heading, *, at_least):
    """Press Enter in each search box and tag field on the page; the step and the tags survive."""
    fields = page.locator(FIELDS)
    count = fields.count()
    assert count >= at_least, f"expected {at_least} search or tag fields under {heading!r}, found {count}"
    tags = _tags(page)
    url = page.url
    for index in range(count):
        fields.nth(index).press("Enter")
        page.wait_for_timeout(150)  # a submit would have left by now
        _settled(page)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert page.url == url
        assert _tags(page) == tags
    return count


def _search_and_enter(page, label, text, *, shows, hides):
    """Type in a picker's search and press Enter at once: it filters, and the step stays."""
    picker = page.locator("#policy-picker").element_handle()
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")
    page.wait_for_function("picker => !picker.isConnected", arg=picker)
    _settled(page)
    expect(page.locator("#policy-picker")).to_contain_text(shows)
    expect(page.locator("#policy-picker")).not_to_contain_text(hides)


def _add_tag(page, key, value):
    before = page.locator("main input[name=tag_key]").count()
    page.get_by_role("button", name="Add new tag").click()
    expect(page.locator("main input[name=tag_key]")).to_have_count(before + 1)
    page.locator("main input[name=tag_key]").last.fill(key)
    page.locator("main input[name=tag_value]").last.fill(value)


@pytest.fixture
def alice(db):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    for name in ["AdministratorAccess", "AIDevOpsAgentAccess", "AmazonS3ReadOnlyAccess"]:
        make_policy(name=name)
    IAMUserFactory(account=account, name="bob")
    make_role(account=account, name="deployer")
    return account


def test_enter_in_the_create_user_wizard(live_server, page, screenshot, alice):
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/users/create/")
    page.fill("#id_name", "carol")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    _enter_everywhere(page, "Set permissions", at_least=0)

    page.check("input[name=permissions_option][value=policies]")
    expect(page.locator("#policy-picker")).to_be_visible()
    _search_and_enter(
        page,
        "Filter policies by property or policy name",
        "administrator",
        shows="AdministratorAccess",
        hides="AIDevOps",
    )
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.get_by_label("Select AdministratorAccess").check()
    page.get_by_text("Set permissions boundary").click()
    page.get_by_text("Use a permissions boundary to control the maximum user permissions").click()
    expect(page.get_by_label("Search boundary policies")).to_be_visible()
    _enter_everywhere(page, "Set permissions", at_least=2)
    expect(page.get_by_label("Select AdministratorAccess")).to_be_checked()
    screenshot("enter-01-create-user-policies")

    page.check("input[name=permissions_option][value=copy]")
    expect(page.get_by_label("Copy from bob")).to_be_visible()
    _enter_everywhere(page, "Set permissions", at_least=0)
    page.check("input[name=permissions_option][value=policies]")
    expect(page.locator("#policy-picker")).to_be_visible()
    page.get_by_label("Select AdministratorAccess").check()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    _add_tag(page, "team", "payments")
    _add_tag(page, "cost-center", "42")
    _enter_everywhere(page, "Review and create", at_least=4)
    assert _tags(page) == [("team", "payments"), ("cost-center", "42")]
    screenshot("enter-02-create-user-tags")


def test_enter_in_create_user_group(live_server, page, screenshot, alice):
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/groups/create/")
    page.fill("#id_name", "admins")
    page.get_by_label("Search users").fill("bob")
    page.get_by_label("Search users").press("Enter")
    _settled(page)
    _search_and_enter(
        page,
        "Filter policies by property or policy name",
        "administrator",
        shows="AdministratorAccess",
        hides="AIDevOps",
    )
    page.get_by_label("Select AdministratorAccess").check()
    _enter_everywhere(page, "Create user group", at_least=2)
    expect(page.locator("#id_name")).to_have_value("admins")
    expect(page.get_by_label("Select AdministratorAccess")).to_be_checked()
    screenshot("enter-03-create-group")


def test_enter_in_the_create_role_wizard(live_server, page, screenshot, alice):
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/roles/create/")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Add permissions")).to_be_visible()
    _search_and_enter(
        page,
        "Filter policies by property or policy name",
        "s3",
        shows="AmazonS3ReadOnlyAccess",
        hides="AIDevOps",
    )
    page.get_by_label("Select AmazonS3ReadOnlyAccess").check()
    page.get_by_text("Set permissions boundary").click()
    page.get_by_text("Use a permissions boundary to control the maximum role permissions").click()
    expect(page.get_by_label("Search boundary policies")).to_be_visible()
    _enter_everywhere(page, "Add permissions", at_least=2)
    expect(page.get_by_label("Select AmazonS3ReadOnlyAccess")).to_be_checked()
    # The boundary's search refreshes its own section, which stays open under the typing hands.
    page.get_by_label("Search boundary policies").fill("Admin")
    page.get_by_label("Search boundary policies").press("Enter")
    _settled(page)
    expect(page.get_by_label("Boundary AdministratorAccess")).to_be_visible()
    expect(page.get_by_label("Boundary AmazonS3ReadOnlyAccess")).to_have_count(0)
    screenshot("enter-04-create-role-permissions")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Name, review, and create")).to_be_visible()
    _add_tag(page, "team", "platform")
    _enter_everywhere(page, "Name, review, and create", at_least=2)
    assert _tags(page) == [("team", "platform")]
    # The role name: the form's first button is Remove (a tag's), not Create role; Enter does nothing.
    page.fill("#id_name", "s3-reader")
    page.locator("#id_name").press("Enter")
    page.wait_for_timeout(150)
    _settled(page)
    expect(page.get_by_role("heading", name="Name, review, and create")).to_be_visible()
    assert _tags(page) == [("team", "platform")]
    screenshot("enter-05-create-role-tags")


def test_enter_in_the_create_policy_wizard(live_server, page, screenshot, alice):
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/policies/create/")
    expect(page.get_by_role("heading", name="Specify permissions")).to_be_visible()
    page.get_by_placeholder("Choose a service").fill("s3")
    page.get_by_role("option", name="S3 s3", exact=True).click()
    expect(page.get_by_label("Filter actions")).to_be_visible()
    page.get_by_label("Filter actions").fill("GetObject")
    _enter_everywhere(page, "Specify permissions", at_least=1)
    screenshot("enter-06-create-policy-visual")

    page.get_by_role("tab", name="JSON").click()
    page.fill("#policy-document", DOCUMENT)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    page.fill("#id_policy_name", "read-objects")
    _add_tag(page, "team", "data")
    _enter_everywhere(page, "Review and create", at_least=2)
    assert _tags(page) == [("team", "data")]
    expect(page.locator("#id_policy_name")).to_have_value("read-objects")
    screenshot("enter-07-create-policy-tags")


def test_enter_in_add_permissions(live_server, page, screenshot, alice):
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + "/users/bob/permissions/add/?option=policies")
    heading = page.locator("main h1").first.inner_text()
    _search_and_enter(
        page,
        "Filter policies by property or policy name",
        "administrator",
        shows="AdministratorAccess",
        hides="AIDevOps",
    )
    page.get_by_label("Select AdministratorAccess").check()
    _enter_everywhere(page, heading, at_least=1)
    expect(page.get_by_label("Select AdministratorAccess")).to_be_checked()
    screenshot("enter-08-add-permissions")
    page.goto(live_server.url + "/users/bob/permissions/add/?option=copy")
    _enter_everywhere(page, heading, at_least=1)


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/users/bob/?tab=tags", "bob"),
        ("/roles/deployer/?tab=tags", "deployer"),
        ("/policies/details/arn:aws:iam::{account}:policy/app-read?tab=tags", "app-read"),
    ],
)
def test_enter_in_a_tags_editor(live_server, page, screenshot, alice, url, heading):
    make_policy(name="app-read", account=alice)
    url = url.format(account=alice.id)
    _sign_in_as_root(page, live_server, alice)
    page.goto(live_server.url + url)
    page.get_by_role("link", name="Manage tags").click()
    _add_tag(page, "team", "payments")
    _add_tag(page, "owner", "alice")
    _enter_everywhere(page, heading, at_least=4)
    assert _tags(page) == [("team", "payments"), ("owner", "alice")]
    screenshot(f"enter-09-tags-{heading}")


def test_enter_in_every_search_box_of_every_console_page(live_server, page):
    """Every console page of an account with one of each entity (test_layout.py's list): type in each
    of its search boxes and press Enter. The page stays (a list's GET filter may reload it with the
    filter in its query), the text stays in the box, and nothing was written (no event other than a
    read in Event history)."""
    surface = build_surface(prefix="Enter", caller_name="caller")
    _sign_in_as_root(page, live_server, surface.account)
    boxes = "main input[type=search]:visible, [role=dialog] input[type=search]:visible"
    writes = AuditEvent.objects.filter(account=surface.account, read_only=False)
    before = writes.count()
    pressed = set()
    for url_name, path in console_pages(surface):
        page.goto(live_server.url + path)
        _settled(page)
        heading = page.locator("main h1").first.inner_text() if page.locator("main h1").count() else ""
        for index in range(page.locator(boxes).count()):
            box = page.locator(boxes).nth(index)
            label = (
                box.get_attribute("aria-label")
                or box.get_attribute("placeholder")
                or box.get_attribute("name")
            )
            # Where the filter may take the page: a list's box pushes its filtered URL, a GET form submits.
            filtered = box.evaluate(
                """box => [box.getAttribute('hx-push-url') === 'true' && box.getAttribute('hx-get'),
                          box.form && box.form.method === 'get' && box.form.action].filter(Boolean)"""
            )
            paths = {urlsplit(live_server.url + path).path} | {urlsplit(url).path for url in filtered}
            box.fill("enter")
            box.press("Enter")
            page.wait_for_timeout(150)  # a submit would have left by now
            _settled(page)
            where = f"{path} ({label})"
            assert urlsplit(page.url).path in paths, where
            if heading:
                expect(page.locator("main h1").first, where).to_have_text(heading)
            expect(page.locator(boxes).nth(index), where).to_have_value("enter")
            pressed.add(url_name)
    assert writes.count() == before, list(writes.values_list("event_name", flat=True)[before:])
    # The lists, a Permissions tab, the simulator, Event history and a policy's Attach page at least.
    assert {
        "accounts:user_list",
        "accounts:group_list",
        "policies:role_list",
        "policies:policy_list",
        "policies:user_permissions",
        "policies:simulator",
        "accounts:event_history",
        "policies:policy_attach",
        "accounts:group_add_users",
    } <= pressed, pressed
