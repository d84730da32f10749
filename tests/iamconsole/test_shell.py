import pytest
from django.contrib import messages
from django.db import connection
from django.shortcuts import render
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from access.acting import Acting
from console.http import http_methods
from iamconsole.urls import urlpatterns as root_urlpatterns
from organizations.services import organization_create
from policies.aws_managed.loader import aws_managed_policy, forget_catalog_loaded
from tests.accounts.factories import AccountFactory
from tests.queries import sign_in

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
    # The Access reports section lists the reports that exist.
    assert '<a href="/credential-report/">Credential report</a>' in html
    # The policy simulator exists now: its URL name resolves, so the nav shows it.
    assert '<a href="/policy-simulator/"' in html


def test_access_reports_link_the_organizations_control_policies_as_the_iam_console(client):
    account = AccountFactory()
    organization_create(acting=Acting(account=account))
    sign_in(client, account)
    html = client.get(
        reverse("organizations:policy_list", args=["service-control-policies"])
    ).content.decode()

    reports = html.split('<h3 class="sidenav-heading">Access reports</h3>', 1)[1].split("</ul>", 1)[0]
    assert [line.strip() for line in reports.splitlines() if "<a " in line] == [
        '<li><a href="/credential-report/">Credential report</a></li>',
        '<li><a href="/organizations/policies/service-control-policies/" class="active" aria-current="page">'
        "Service control policies</a></li>",
        '<li><a href="/organizations/policies/resource-control-policies/">Resource control policies</a></li>',
        '<li><a href="/event-history/">Event history</a></li>',
    ]
    # The page's own link only: "Organization policies" (/organizations/policies/) is not active too.
    assert html.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0].count('aria-current="page"') == 1


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


CATALOG_MISSING = (
    "AWS managed policies are not loaded. Run <code>python manage.py load_aws_managed_policies</code> "
    "on the server to load them."
)


@pytest.fixture
def signed_in(client):
    return sign_in(client, AccountFactory())


@pytest.mark.parametrize("url_name", ["dashboard", "accounts:user_list", "policies:policy_list"])
def test_console_pages_say_how_to_load_a_missing_aws_managed_catalog(signed_in, url_name):
    html = signed_in.get(reverse(url_name)).content.decode()

    assert 'class="alert alert-warning" role="status" data-testid="aws-managed-policies-missing"' in html
    assert CATALOG_MISSING in html


def test_organizations_administrator_access_alone_is_not_the_catalog(signed_in):
    aws_managed_policy("AdministratorAccess")  # what a new member account's role gets, catalog or not

    assert CATALOG_MISSING in signed_in.get("/").content.decode()


def test_no_catalog_warning_once_the_aws_managed_policies_are_loaded(signed_in, aws_managed_policies):
    for url_name in ("dashboard", "accounts:user_list", "policies:policy_list"):
        html = signed_in.get(reverse(url_name)).content.decode()
        assert "aws-managed-policies-missing" not in html


def test_visitors_and_sign_in_pages_get_no_catalog_warning(client):
    # The warning tells an operator what to run on the server; a visitor can do nothing with it.
    for url in ("/", reverse("accounts:signin")):
        assert "aws-managed-policies-missing" not in client.get(url).content.decode()


def test_htmx_fragments_carry_no_catalog_warning(signed_in):
    headers = {"HX-Request": "true", "HX-Target": "user-table"}
    response = signed_in.get(reverse("accounts:user_list"), headers=headers)

    assert response.status_code == 200
    assert 'id="user-table"' in response.content.decode()
    assert "aws-managed-policies-missing" not in response.content.decode()


def _page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:user_list")).status_code == 200
    return len(queries)


def test_a_process_stops_asking_for_the_catalog_once_it_has_seen_it(signed_in, aws_managed_policies):
    _page_queries(signed_in)  # the session; the catalog seen
    seen = _page_queries(signed_in)
    forget_catalog_loaded()

    assert _page_queries(signed_in) == seen + 1
    assert _page_queries(signed_in) == seen
