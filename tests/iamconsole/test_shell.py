import pytest
from django.contrib import messages
from django.shortcuts import render
from django.test import override_settings
from django.urls import path

from console.http import http_methods
from iamconsole.urls import urlpatterns as root_urlpatterns

pytestmark = pytest.mark.django_db


def test_dashboard_renders_the_console_shell(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="topbar"' in html
    assert "IAM Console" in html
    assert 'placeholder="Search [Alt+S]"' in html
    assert ">Global<" in html
    assert "Identity and Access Management (IAM)" in html
    assert "<h1>IAM dashboard</h1>" in html
    # htmx comes from django-htmx, and every HTMX request carries the CSRF token.
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    csrf = response.cookies.get("csrftoken")
    assert csrf is not None
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert 'id="htmx-indicator"' in html


def test_navigation_lists_only_sections_that_exist(client):
    html = client.get("/").content.decode()

    assert '<a href="/" class="active" aria-current="page">Dashboard</a>' in html
    # Pages that do not exist yet are absent, never dead links.
    for missing in ("Credential report",):
        assert f">{missing}</a>" not in html
    # The policy simulator exists now: its URL name resolves, so the nav shows it.
    assert '<a href="/policy-simulator/"' in html


def test_breadcrumbs_name_the_page(client):
    html = client.get("/").content.decode()

    assert 'aria-label="Breadcrumbs"' in html
    assert '<span aria-current="page">Dashboard</span>' in html


def test_anonymous_visitor_is_offered_sign_in(client):
    html = client.get("/").content.decode()

    assert "Sign in</a>" in html
    assert "Sign out" not in html


def test_admin_site_user_is_not_a_console_identity(client, admin_user):
    # Django users run the admin site; the console's identity menu is for IAM identities
    # (tests/accounts/test_views_signin.py covers it).
    client.force_login(admin_user)

    html = client.get("/").content.decode()

    assert 'data-testid="identity-menu"' not in html
    assert "Sign in</a>" in html
    assert "Open the admin site" in html


@http_methods("GET")
def _view_with_message(request):
    messages.success(request, "User alice created.")
    return render(request, "dashboard.html", {"checks": {}})


urlpatterns = [path("flash/", _view_with_message), *root_urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_flash_messages_render_as_dismissible_alerts(client):
    html = client.get("/flash/").content.decode()

    assert 'class="alert alert-success" role="alert"' in html
    assert "User alice created." in html
    assert 'data-dismiss="alert"' in html
    assert "hx-swap-oob" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_flash_messages_travel_out_of_band_on_htmx_requests(client):
    html = client.get("/flash/", headers={"HX-Request": "true"}).content.decode()

    assert '<div id="flash-messages" class="flash-messages" aria-live="polite" hx-swap-oob="true">' in html
    assert "User alice created." in html


def test_dashboard_shows_no_template_comment_text(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>IAM dashboard</h1>" in html
    assert "{#" not in html and "#}" not in html


def test_no_template_opens_a_one_line_comment_it_does_not_close():
    # Django's {# #} comments end on their own line; a multi-line one is printed on the page.
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    unclosed = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.count("{#") != line.count("#}")
    ]
    assert not unclosed
