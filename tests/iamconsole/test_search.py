"""The top bar's search: the console's pages by name, and the account's entities of each kind the
signed-in identity may list."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent, IAMUser
from policies.models import ManagedPolicy, OpenIDConnectProvider, Role, SAMLProvider
from tests.accounts.factories import AccountFactory, GroupFactory, IAMUserFactory
from tests.grants import grant, statement
from tests.queries import policy_row, sign_in

pytestmark = pytest.mark.django_db

FRAGMENT = {"HX-Request": "true", "HX-Target": "search-results"}


@pytest.fixture
def account():
    return AccountFactory()


@pytest.fixture
def root(client, account):
    return sign_in(client, account)


@pytest.fixture
def deploy_everything(account):
    """One entity of each kind named for deploying, and others that are not."""
    IAMUserFactory(account=account, name="deploy-bot")
    IAMUserFactory(account=account, name="alice")
    GroupFactory(account=account, name="Deployers")
    Role.objects.create(account=account, name="DeployRole", trust_policy="{}")
    Role.objects.create(account=account, name="ReadOnly", trust_policy="{}")
    policy_row(account, 1, prefix="deploy-policy")
    now = timezone.now()
    ManagedPolicy.objects.create(
        account=None,
        name="AWSDeployManagedAccess",
        arn="arn:aws:iam::aws:policy/AWSDeployManagedAccess",
        created_at=now,
        updated_at=now,
    )
    OpenIDConnectProvider.objects.create(account=account, url="deploy.example.com")
    SAMLProvider.objects.create(account=account, name="deploy-okta", metadata_document="<x/>")
    other = AccountFactory()
    IAMUserFactory(account=other, name="deploy-elsewhere")  # another account's: never found


def _groups(html):
    """{kind: [result names]} of the results."""
    found = {}
    for kind, body in re.findall(
        r'<section class="search-group" aria-label="([^"]+)".*?>(.*?)</section>', html, re.S
    ):
        found[kind] = re.findall(r'class="search-result-name">([^<]+)<', body)
    return found


def _search(client, query, headers=FRAGMENT):
    response = client.get("/search/", {"q": query}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_finds_console_pages_by_name(root):
    html = _search(root, "role")

    features = _groups(html)["Features"]
    assert features[0] == "Roles"  # a name that starts with the query comes first
    assert {"Create role", "Switch role"} <= set(features)
    assert '<a class="search-result" href="/roles/create/">' in html


@pytest.mark.parametrize(
    ("query", "name", "url"),
    [
        ("policy sim", "Policy simulator", "/policy-simulator/"),
        ("event", "Event history", "/event-history/"),
        ("account settings", "Account settings", "/account-settings/"),
        ("identity prov", "Identity providers", "/identity-providers/"),
        ("create user", "Create user", "/users/create/"),
        ("credential", "Credential report", "/credential-report/"),
        ("organization", "Organization policies", None),
    ],
)
def test_each_console_page_is_found_by_its_name(root, query, name, url):
    html = _search(root, query)

    assert name in _groups(html)["Features"]
    if url:
        assert f'<a class="search-result" href="{url}"><span class="search-result-name">{name}<' in html


def test_finds_the_accounts_entities_grouped_by_kind(root, deploy_everything):
    html = _search(root, "deploy")

    groups = _groups(html)
    assert groups["Users"] == ["deploy-bot"]
    assert groups["User groups"] == ["Deployers"]
    assert groups["Roles"] == ["DeployRole"]
    assert groups["Policies"] == ["AWSDeployManagedAccess", "deploy-policy-01"]
    assert groups["Identity providers"] == ["deploy-okta", "deploy.example.com"]
    assert '<a class="search-result" href="/users/deploy-bot/">' in html
    assert '<a class="search-result" href="/roles/DeployRole/">' in html
    assert '<a class="search-result" href="/groups/Deployers/">' in html
    assert 'href="/policies/details/arn:aws:iam::aws:policy/AWSDeployManagedAccess"' in html
    assert '<span class="muted">AWS managed</span>' in html
    assert '<span class="muted">Customer managed</span>' in html
    assert "deploy-elsewhere" not in html
    assert "See all" not in html


def test_at_most_five_of_a_kind_with_a_link_to_the_filtered_list(root, account):
    for index in range(7):
        IAMUserFactory(account=account, name=f"ops-{index}")

    html = _search(root, "ops")

    assert _groups(html)["Users"] == [f"ops-{index}" for index in range(5)]
    assert '<a class="search-see-all" href="/users/?q=ops">See all users matching “ops”</a>' in html


def test_a_user_allowed_only_list_roles_sees_only_roles(client, account, deploy_everything):
    carol = IAMUserFactory(account=account, name="carol")
    grant(statement("iam:ListRoles"), user=carol)
    sign_in(client, account, carol)
    before = AuditEvent.objects.count()

    html = _search(client, "deploy")

    assert set(_groups(html)) == {"Roles"}
    assert _groups(html)["Roles"] == ["DeployRole"]
    # A refused kind is left out without a word, and without an Event history entry per keystroke.
    assert "AccessDenied" not in html and "not authorized" not in html
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("actions", "kinds"),
    [
        (["iam:ListUsers"], {"Users"}),
        (["iam:ListGroups"], {"User groups"}),
        (["iam:ListPolicies"], {"Policies"}),
        (["iam:ListSAMLProviders"], {"Identity providers"}),
        (["iam:ListOpenIDConnectProviders", "iam:ListGroups"], {"Identity providers", "User groups"}),
    ],
)
def test_each_kind_needs_its_own_list_read(client, account, deploy_everything, actions, kinds):
    carol = IAMUserFactory(account=account, name="carol")
    grant(statement(actions), user=carol)
    sign_in(client, account, carol)

    groups = _groups(_search(client, "deploy"))

    assert set(groups) == kinds
    if "iam:ListSAMLProviders" in actions:
        assert groups["Identity providers"] == ["deploy-okta"]
    if "iam:ListOpenIDConnectProviders" in actions:
        assert groups["Identity providers"] == ["deploy.example.com"]


def test_an_explicit_deny_of_a_list_removes_its_kind(client, account, deploy_everything):
    carol = IAMUserFactory(account=account, name="carol")
    grant(statement("iam:List*"), statement("iam:ListUsers", effect="Deny"), user=carol)
    sign_in(client, account, carol)

    groups = _groups(_search(client, "deploy"))

    assert "Users" not in groups
    assert {"User groups", "Roles", "Policies", "Identity providers"} <= set(groups)


def test_an_iam_user_with_no_policy_still_finds_pages(client, account, deploy_everything):
    carol = IAMUserFactory(account=account, name="carol")
    sign_in(client, account, carol)

    html = _search(client, "deploy")

    assert _groups(html) == {}
    assert "No results for “deploy”." in html
    assert "Users" in _groups(_search(client, "users"))["Features"]


def test_the_fragment_is_the_results_alone_and_the_page_works_without_javascript(root, deploy_everything):
    fragment = _search(root, "deploy")
    page = _search(root, "deploy", headers={})

    assert fragment.strip().startswith('<div id="search-results" class="search-results"')
    assert "<html" not in fragment
    assert "<h1>Search results for “deploy”</h1>" in page
    assert _groups(page) == _groups(fragment)
    # The page's own results replace the top bar's dropdown: one element with the id.
    assert len(re.findall(r'\sid="search-results"', page)) == 1
    assert 'value="deploy"' in page


def test_an_empty_query_shows_nothing(root, deploy_everything):
    html = _search(root, "  ")

    assert 'data-testid="search-results" hidden' in html
    assert _groups(html) == {}


def test_the_top_bar_search_is_live_for_the_signed_in_and_off_for_visitors(client, account):
    assert (
        "disabled" in re.search(r'<input id="global-search"[^>]*>', client.get("/").content.decode()).group()
    )
    assert client.get("/search/", {"q": "x"}).status_code == 302  # to the sign-in page

    sign_in(client, account)
    box = re.search(r'<input id="global-search"[^>]*>', client.get("/").content.decode()).group()
    assert "disabled" not in box
    assert 'hx-get="/search/"' in box and 'hx-trigger="keyup changed delay:250ms, search"' in box
    assert 'hx-target="#search-results"' in box


@pytest.mark.parametrize("persona", ["root", "reader"])
def test_search_makes_as_many_queries_at_5000_users_as_at_50(client, account, persona):
    if persona == "reader":
        reader = IAMUserFactory(account=account, name="reader")
        grant(statement(["iam:List*"]), user=reader)
        sign_in(client, account, reader)
    else:
        sign_in(client, account)

    def add(start, stop):
        IAMUser.objects.bulk_create(
            [IAMUser(account=account, name=f"user-{index:05d}") for index in range(start, stop)]
        )
        Role.objects.bulk_create(
            [
                Role(account=account, name=f"user-role-{index:05d}", trust_policy="{}")
                for index in range(start, stop, 10)
            ]
        )

    def measure():
        _search(client, "user-")
        with CaptureQueriesContext(connection) as queries:
            html = _search(client, "user-")
        return len(queries), html

    add(0, 50)
    few, _ = measure()
    add(50, 5000)
    many, html = measure()

    assert many == few
    assert _groups(html)["Users"] == [f"user-{index:05d}" for index in range(5)]
    assert _groups(html)["Roles"] == [f"user-role-{index:05d}" for index in range(0, 50, 10)]


def test_old_entities_are_found_too(root, account):
    # Nothing but the name matters: not the age, not the path.
    user = IAMUserFactory(account=account, name="legacy-admin", path="/ops/")
    IAMUser.objects.filter(pk=user.pk).update(created_at=timezone.now() - timedelta(days=2000))

    assert _groups(_search(root, "LEGACY"))["Users"] == ["legacy-admin"]
