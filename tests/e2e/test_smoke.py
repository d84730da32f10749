import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_console_shell_opens_in_a_real_browser(live_server, page, screenshot):
    page.goto(live_server.url + "/")

    expect(page).to_have_title("IAM dashboard | IAM Console")
    expect(page.locator(".topbar-brand")).to_contain_text("IAM Console")
    expect(page.locator(".topbar-region")).to_have_text("Global")
    expect(page.get_by_role("navigation", name="Identity and Access Management (IAM)")).to_contain_text(
        "Dashboard"
    )
    expect(page.get_by_role("heading", name="IAM dashboard")).to_be_visible()
    # htmx loaded from django-htmx's static files, not a CDN.
    assert page.evaluate("typeof window.htmx") == "object"
    # Swapped-in content is wired up in the same tick as the swap (no 20 ms window where a fresh
    # control ignores the user).
    assert page.evaluate("htmx.config.defaultSettleDelay") == 0
    path = screenshot("smoke-dashboard")
    assert path.stat().st_size > 10_000


def test_admin_signs_in_to_the_admin_site_and_out(live_server, page, django_user_model):
    # The admin site keeps Django's own users; console identities sign in at /signin
    # (tests/e2e/test_signin_flow.py).
    django_user_model.objects.create_superuser("root", "root@example.com", "a-long-demo-password")
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-demo-password")
    page.click("input[type=submit]")

    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    # The server's health is the operator's: on the admin site, not the trainee's dashboard.
    expect(page.locator("#system-status")).to_contain_text("Database")
    expect(page.locator("#system-status")).to_contain_text("Available")
    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()
