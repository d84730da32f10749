"""In a real browser, as alice's root user: what a trainee noticed beside the real console (issue 20,
Visual) — the users table fits at 1,440 px, bulk actions wait for a selection, the roles list keeps its
buttons on one row, the visual editor wraps action names between words and shows a caret on each access
level, tag fields keep their labels once typed in, the access-key best practices sit inside their panel;
and an AWS managed policy's Policy versions tab lists its recorded history with its gaps."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from playwright.sync_api import expect

from access.acting import Acting
from accounts.services.users import user_create
from console.session import SESSION_KEY
from policies.aws_managed.loader import read_data_file, sync_catalog
from policies.services.policies import policy_create, policy_version_create
from policies.services.roles import role_create
from tests.accounts.factories import AccountFactory
from tests.policies.roles_helpers import trust

pytestmark = pytest.mark.django_db(transaction=True)

DOCUMENT = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "%s", "Resource": "*"}]}'


@pytest.fixture
def alice(live_server, page):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
    return account, Acting(account=account, source_ip="198.51.100.7", user_agent="e2e")


def _inside(page, inner, outer):
    """Whether `inner`'s box lies within `outer`'s horizontally (both CSS selectors or locators)."""
    a, b = inner.bounding_box(), outer.bounding_box()
    return b["x"] - 0.5 <= a["x"] and a["x"] + a["width"] <= b["x"] + b["width"] + 0.5


def test_users_table_fits_at_1440_and_delete_waits_for_a_selection(live_server, page, alice, screenshot):
    account, acting = alice
    for name in ["build-server", "deployment-pipeline-operator"]:
        user_create(account=account, name=name, path="/engineering/ci/", acting=acting)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_server.url + "/users/")

    creation = page.get_by_role("columnheader", name="Creation time")
    expect(creation).to_be_visible()
    assert _inside(page, creation, page.locator("#user-table"))
    wrap = page.locator("#user-table")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")

    delete = page.get_by_test_id("delete-users")
    expect(delete).to_be_disabled()
    page.get_by_label("Select build-server").check()
    expect(delete).to_be_enabled()
    page.get_by_label("Select build-server").uncheck()
    expect(delete).to_be_disabled()
    page.get_by_label("Select build-server").check()
    screenshot("visual-01-users-1440")
    delete.click()
    expect(page.get_by_role("dialog")).to_contain_text("build-server")


def test_policy_versions_compare_and_set_default_wait_for_their_selection(live_server, page, alice):
    account, acting = alice
    policy = policy_create(
        account=account, name="app-read", document=DOCUMENT % "s3:GetObject", acting=acting
    )
    policy_version_create(policy=policy, document=DOCUMENT % "s3:*", acting=acting)
    page.goto(live_server.url + reverse("policies:policy_detail", args=[policy.arn]) + "?tab=versions")

    compare = page.get_by_role("button", name="Compare")
    set_default = page.get_by_role("button", name="Set as default")
    delete = page.get_by_role("button", name="Delete", exact=True)
    for button in (compare, set_default, delete):
        expect(button).to_be_disabled()
    page.get_by_label("Select v2").check()
    expect(set_default).to_be_enabled()
    expect(delete).to_be_enabled()
    expect(compare).to_be_disabled()
    page.get_by_label("Select v1").check()
    expect(compare).to_be_enabled()
    expect(set_default).to_be_disabled()


def test_roles_list_keeps_its_buttons_on_one_row(live_server, page, alice, screenshot):
    account, acting = alice
    role_create(
        account=account, name="ec2-app", trust_policy=trust({"Service": "ec2.amazonaws.com"}), acting=acting
    )
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + "/roles/")
        boxes = [
            page.get_by_role("link", name=name, exact=True).bounding_box()
            for name in ("Instance profiles", "Create role")
        ]
        assert boxes[0]["y"] == boxes[1]["y"], width
    screenshot("visual-02-roles")


def test_dashboard_account_card_keeps_each_label_on_one_line(live_server, page, alice, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    labels = page.locator(".account-facts dt")
    expect(labels.first).to_be_visible()
    line = labels.first.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 20")
    for index in range(labels.count()):
        assert labels.nth(index).bounding_box()["height"] <= line * 1.5, labels.nth(index).inner_text()
    screenshot("visual-03-dashboard")


def test_visual_editor_wraps_action_names_between_words_and_shows_carets(
    live_server, page, alice, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/policies/editor/")
    page.get_by_placeholder("Choose a service").fill("s3")
    page.get_by_role("option", name="S3 s3", exact=True).click()

    write = page.locator(".ve-level[data-level=Write] > summary")
    caret = "el => getComputedStyle(el, '::before').transform"
    assert write.evaluate("el => getComputedStyle(el, '::before').borderLeftWidth") == "7px"
    closed = write.evaluate(caret)
    write.click()
    name = "UpdateBucketMetadataAnnotationTableConfiguration"
    label = page.locator("label.ve-action", has_text=name)
    expect(label).to_be_visible()
    assert write.evaluate(caret) != closed  # the caret turns down once the level is open

    # Where the name wraps, each line starts with a capital: a word boundary, never mid-word.
    starts = label.locator("span").evaluate(
        """span => {
            const text = span.firstChild ? span.textContent : '';
            const range = document.createRange(); const starts = []; let top = null; let offset = 0;
            for (const node of span.childNodes) {
              if (node.nodeType !== Node.TEXT_NODE) continue;
              for (let i = 0; i < node.length; i++, offset++) {
                range.setStart(node, i); range.setEnd(node, i + 1);
                const y = Math.round(range.getBoundingClientRect().top);
                if (top === null || y > top + 2) { starts.push(text[offset]); top = y; }
              }
            }
            return starts;
        }"""
    )
    assert len(starts) > 1, "the longest S3 action name fits one line: nothing to check"
    assert all(letter.isupper() for letter in starts), starts
    screenshot("visual-04-visual-editor")


def test_tag_fields_keep_their_labels_once_typed_in(live_server, page, alice, screenshot):
    account, acting = alice
    user_create(account=account, name="tagged", acting=acting)
    page.goto(live_server.url + "/users/tagged/?tab=tags")
    page.get_by_role("link", name="Manage tags").click()
    page.get_by_role("button", name="Add new tag").click()

    key = page.get_by_label("Key", exact=True)
    value = page.get_by_label("Value - optional")
    key.fill("team")
    value.fill("platform")
    expect(page.locator(".tag-field-label", has_text="Key")).to_be_visible()
    expect(page.locator(".tag-field-label", has_text="Value - optional")).to_be_visible()
    screenshot("visual-05-tags")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("cell", name="platform")).to_be_visible()


def test_access_key_best_practices_sit_inside_their_panel(live_server, page, alice, screenshot):
    account, acting = alice
    user_create(account=account, name="cli-user", acting=acting)
    page.goto(live_server.url + "/users/cli-user/?tab=security_credentials")
    page.get_by_role("link", name="Create access key").click()
    page.get_by_label("Command Line Interface (CLI)").check()
    page.get_by_text(
        "I understand the above recommendation and want to proceed to create an access key."
    ).click()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Create access key").click()

    practices = page.get_by_test_id("best-practices")
    expect(practices).to_contain_text("Rotate access keys regularly.")
    panel = practices.locator("xpath=ancestor::section[1]")
    for index in range(practices.locator("li").count()):
        item = practices.locator("li").nth(index)
        # The bullet hangs about 20 px left of its text: that much room is inside the panel.
        box, outer = item.bounding_box(), panel.bounding_box()
        assert box["x"] - 20 >= outer["x"] and box["x"] + box["width"] <= outer["x"] + outer["width"]
    screenshot("visual-06-access-key-retrieve")


def test_an_aws_managed_policys_versions_tab_lists_its_recorded_history(live_server, page, alice, screenshot):
    entries = [entry for entry in read_data_file() if entry["name"] == "PowerUserAccess"]
    history = [
        [5, "2023-07-06T22:04:00+00:00", DOCUMENT % "iam:*"],
        [1, "2015-02-06T18:39:47+00:00", DOCUMENT % "*"],
    ]
    sync_catalog(entries, {"PowerUserAccess": history})
    page.goto(live_server.url + "/policies/details/arn:aws:iam::aws:policy/PowerUserAccess?tab=versions")

    expect(page.get_by_role("heading", name="Policy versions (3)")).to_be_visible()
    note = page.get_by_test_id("unrecorded-versions")
    default = int(entries[0]["default_version_id"].removeprefix("v"))
    expect(note).to_contain_text(f"Versions v2\u2013v4 and v6\u2013v{default - 1} were not recorded.")
    expect(page.get_by_test_id("version-v5")).to_contain_text("July 6, 2023")
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    page.get_by_role("link", name="v5", exact=True).click()
    expect(page.get_by_test_id("shown-version")).to_contain_text('"Action": "iam:*"')
    screenshot("visual-07-aws-managed-versions")
