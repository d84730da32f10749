"""Steps through the console that several browser tests take."""

from playwright.sync_api import expect


def create_user(page, live_server, name):
    """The create user wizard with a name and nothing else, up to its Create user button."""
    page.goto(live_server.url + "/users/create/")
    expect(page.get_by_role("heading", name="Specify user details")).to_be_visible()
    page.fill("#id_name", name)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    page.get_by_role("button", name="Create user").click()
