"""In a real browser, as alice's root user: the dashboard's cards and charts, and the top bar's search
finding a role (type, pick the result, land on the role's page), by mouse and by keyboard."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AccessKey, AuditEvent, IAMUser, LoginProfile
from console.session import SESSION_KEY
from policies.models import Role
from tests.accounts.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_as_root(page, live_server, account):
    session = SessionStore()
    session[SESSION_KEY] = {"account": account.id, "user": None}
    session.create()
    page.context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def _month_of_events(account):
    """Sign-ins and refusals spread over the last 30 days, so the charts have something to show."""
    now = timezone.now()
    for day in range(30):
        events = [
            AuditEvent(
                account=account,
                event_name="ConsoleLogin",
                response_elements={"ConsoleLogin": "Failure" if number == 3 else "Success"},
            )
            for number in range(day % 7)
        ]
        events += [
            AuditEvent(account=account, event_name="GetUser", error_code="AccessDenied")
            for _ in range(day % 4)
        ]
        created = AuditEvent.objects.bulk_create(events)
        AuditEvent.objects.filter(pk__in=[event.pk for event in created]).update(
            event_time=now - timedelta(days=day, hours=1)
        )


def test_dashboard_shows_recommendations_counts_and_readable_charts(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    bob = IAMUser.objects.create(account=account, name="bob")
    LoginProfile.objects.create(user=bob, password="x")
    key = AccessKey.objects.create(
        account=account, user=bob, access_key_id="AKIAE2EDASHBOARD0001", secret_encrypted="x"
    )
    AccessKey.objects.filter(pk=key.pk).update(created_at=timezone.now() - timedelta(days=120))
    Role.objects.create(account=account, name="DeployRole", trust_policy="{}")
    _month_of_events(account)
    _sign_in_as_root(page, live_server, account)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_server.url + "/")

    recommendations = page.get_by_test_id("recommendations")
    expect(recommendations).to_contain_text("Add MFA for root user")
    expect(recommendations).to_contain_text("Add MFA for bob")
    expect(recommendations).to_contain_text("Rotate bob's access keys")
    expect(page.get_by_test_id("count-roles")).to_have_text("1")
    expect(page.get_by_test_id("account-id")).to_have_text(account.id)
    charts = page.get_by_test_id("chart")
    expect(charts).to_have_count(2)
    for index in range(2):
        box = charts.nth(index).locator("svg").bounding_box()
        assert box["width"] > 250 and box["height"] > 50, box  # drawn at a readable size
    # Nothing runs out of its card: every card's content fits its width.
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.card')].filter(c => c.scrollWidth > c.clientWidth + 1).length"
    )
    assert overflowing == 0
    # The charts and everything else come from the project itself: no CDN, no other origin.
    assert requested and all(url.startswith((live_server.url, "data:")) for url in requested), requested
    path = screenshot("dashboard")
    assert path.stat().st_size > 20_000


def test_top_bar_search_finds_a_role_and_opens_it(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    Role.objects.create(account=account, name="DeployRole", trust_policy="{}")
    Role.objects.create(account=account, name="ReadOnlyRole", trust_policy="{}")
    _sign_in_as_root(page, live_server, account)
    page.goto(live_server.url + "/")

    page.keyboard.press("Alt+s")
    search = page.locator("#global-search")
    expect(search).to_be_focused()
    search.press_sequentially("deploy", delay=30)

    results = page.locator(".topbar-search .search-results")
    roles = results.locator("section[data-kind=roles]")
    expect(roles).to_contain_text("DeployRole")
    expect(results).not_to_contain_text("ReadOnlyRole")
    screenshot("search-results")
    # Escape closes the results and keeps the text; typing on narrows them.
    page.keyboard.press("Escape")
    expect(results).to_be_hidden()
    expect(search).to_have_value("deploy")
    search.press_sequentially("r", delay=30)
    expect(roles).to_contain_text("DeployRole")
    expect(results).not_to_contain_text("ReadOnlyRole")
    roles.get_by_role("link", name="DeployRole").click()

    expect(page).to_have_url(live_server.url + "/roles/DeployRole/")
    expect(page.get_by_role("heading", name="DeployRole")).to_be_visible()


def test_search_results_open_from_the_keyboard(live_server, page):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    Role.objects.create(account=account, name="DeployRole", trust_policy="{}")
    _sign_in_as_root(page, live_server, account)
    page.goto(live_server.url + "/users/")

    page.keyboard.press("Alt+s")
    page.keyboard.type("deployrole", delay=30)
    expect(page.locator(".topbar-search .search-result")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(page.locator(".topbar-search .search-result")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/roles/DeployRole/")
