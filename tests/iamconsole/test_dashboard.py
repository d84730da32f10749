"""The IAM dashboard: security recommendations, resource counts, the account card and the activity
charts, each authorized as the API would be (a refused card says so in its place)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessKey, AuditEvent, IAMUser, LoginProfile, MFADevice
from accounts.selectors.dashboard import daily_activity
from policies.models import OpenIDConnectProvider, Role, SAMLProvider
from tests.accounts.factories import AccountFactory, GroupFactory, IAMUserFactory
from tests.grants import grant, statement
from tests.queries import policy_row, sign_in

pytestmark = pytest.mark.django_db

OLD = timedelta(days=100)
RECENT = timedelta(days=10)


@pytest.fixture
def account():
    return AccountFactory()


@pytest.fixture
def root(client, account):
    return sign_in(client, account)


def _titles(html):
    """The recommendations' titles, in order."""
    return re.findall(r'class="recommendation-title">([^<]+)<', unescape(html))


def _button_after(html, title):
    """The href of the button of the recommendation titled `title`."""
    block = unescape(html).split(f'class="recommendation-title">{title}<', 1)[1].split("</li>", 1)[0]
    return re.search(r'<a class="btn btn-normal" href="([^"]+)">([^<]+)</a>', block).groups()


def _key(account, user=None, *, age=RECENT, last_used=None, status=AccessKey.Status.ACTIVE, number=0):
    key = AccessKey.objects.create(
        account=account,
        user=user,
        access_key_id=f"AKIADASHBOARD{number:07d}",
        secret_encrypted="x",
        status=status,
    )
    now = timezone.now()
    AccessKey.objects.filter(pk=key.pk).update(
        created_at=now - age, last_used_at=now - last_used if last_used else None
    )
    return key


def _console_user(account, name, *, age=RECENT, last_used=RECENT, mfa=False):
    user = IAMUserFactory(account=account, name=name)
    profile = LoginProfile.objects.create(user=user, password="x")
    now = timezone.now()
    LoginProfile.objects.filter(pk=profile.pk).update(created_at=now - age)
    IAMUser.objects.filter(pk=user.pk).update(password_last_used_at=now - last_used if last_used else None)
    if mfa:
        MFADevice.objects.create(account=account, user=user, name=name, seed_encrypted="x", enabled_at=now)
    return user


# --- the root user's recommendations (GetAccountSummary) -------------------------------------------


def test_root_without_mfa_is_asked_to_add_it(root):
    html = root.get("/").content.decode()

    assert "Add MFA for root user" in _titles(html)
    assert _button_after(html, "Add MFA for root user") == ("/security-credentials/", "Add MFA")


def test_root_with_an_enabled_mfa_device_has_it(root, account):
    MFADevice.objects.create(account=account, name="root", seed_encrypted="x", enabled_at=timezone.now())

    titles = _titles(root.get("/").content.decode())

    assert "Root user has MFA" in titles
    assert "Add MFA for root user" not in titles


def test_root_without_access_keys_is_told_so(root):
    titles = _titles(root.get("/").content.decode())

    assert "Root user has no active access keys" in titles
    assert "Deactivate or delete access keys for root user" not in titles


def test_root_access_keys_are_to_be_deactivated_or_deleted(root, account):
    _key(account)

    html = root.get("/").content.decode()

    assert "Deactivate or delete access keys for root user" in _titles(html)
    assert "Root user has no active access keys" not in _titles(html)
    assert _button_after(html, "Deactivate or delete access keys for root user") == (
        "/security-credentials/access-keys/",
        "Manage access keys",
    )


# --- the IAM users' recommendations (the credential report's columns) ------------------------------


def test_a_console_user_without_mfa_is_named(root, account):
    _console_user(account, "bob")
    _console_user(account, "carol", mfa=True)
    IAMUserFactory(account=account, name="batch")  # no console password: no MFA to ask for

    html = root.get("/").content.decode()

    assert "Add MFA for bob" in _titles(html)
    assert _button_after(html, "Add MFA for bob") == ("/users/bob/?tab=security_credentials", "Add MFA")


def test_several_users_without_mfa_link_to_the_users_list(root, account):
    _console_user(account, "bob")
    _console_user(account, "dave")

    html = root.get("/").content.decode()

    assert "Add MFA for 2 IAM users" in _titles(html)
    assert _button_after(html, "Add MFA for 2 IAM users")[0] == "/users/"


def test_an_active_key_older_than_90_days_is_to_be_rotated(root, account):
    bob = IAMUserFactory(account=account, name="bob")
    _key(account, bob, age=OLD, last_used=timedelta(days=1))
    carol = IAMUserFactory(account=account, name="carol")
    _key(account, carol, age=RECENT, number=1)
    _key(account, carol, age=OLD, status=AccessKey.Status.INACTIVE, number=2)

    html = root.get("/").content.decode()

    assert "Rotate bob's access keys" in _titles(html)
    assert not [title for title in _titles(html) if "carol" in title]
    assert _button_after(html, "Rotate bob's access keys")[0] == "/users/bob/?tab=security_credentials"
    # Used yesterday: old, but not unused.
    assert not [title for title in _titles(html) if title.startswith("Remove unused credentials")]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda account, user: _key(account, user, age=OLD, last_used=OLD), id="key-last-used-long-ago"
        ),
        pytest.param(lambda account, user: _key(account, user, age=OLD), id="key-never-used"),
    ],
)
def test_an_access_key_unused_for_90_days_is_to_be_removed(root, account, make):
    make(account, IAMUserFactory(account=account, name="erin"))

    assert "Remove unused credentials of erin" in _titles(root.get("/").content.decode())


def test_a_password_unused_for_90_days_is_to_be_removed(root, account):
    _console_user(account, "frank", age=OLD, last_used=None, mfa=True)
    _console_user(account, "grace", age=OLD, last_used=RECENT, mfa=True)

    titles = _titles(root.get("/").content.decode())

    assert "Remove unused credentials of frank" in titles
    assert not [title for title in titles if "grace" in title]


def test_unused_credentials_link_to_the_users_security_credentials(root, account):
    _console_user(account, "frank", age=OLD, last_used=None, mfa=True)

    html = root.get("/").content.decode()

    assert (
        _button_after(html, "Remove unused credentials of frank")[0]
        == "/users/frank/?tab=security_credentials"
    )


def test_a_well_kept_account_has_only_the_root_users_checks(root, account):
    MFADevice.objects.create(account=account, name="root", seed_encrypted="x", enabled_at=timezone.now())
    bob = _console_user(account, "bob", mfa=True)
    _key(account, bob, age=RECENT, last_used=timedelta(days=1))

    html = root.get("/").content.decode()

    assert _titles(html) == ["Root user has MFA", "Root user has no active access keys"]
    assert "recommendation-todo" not in html


# --- counts, the account card, the charts ------------------------------------------------------------


def test_resource_counts_are_get_account_summarys_and_link_to_their_lists(root, account):
    other = AccountFactory()
    IAMUserFactory(account=account, name="bob")
    IAMUserFactory(account=other, name="mallory")
    GroupFactory(account=account, name="developers")
    Role.objects.create(account=account, name="deployer", trust_policy="{}")
    policy_row(account, 1)
    policy_row(account, 2)
    OpenIDConnectProvider.objects.create(account=account, url="token.actions.githubusercontent.com")
    SAMLProvider.objects.create(account=account, name="okta", metadata_document="<x/>")

    html = root.get("/").content.decode()

    assert 'data-testid="count-user-groups"><a href="/groups/">1<' in html
    assert 'data-testid="count-users"><a href="/users/">1<' in html
    assert 'data-testid="count-roles"><a href="/roles/">1<' in html
    assert 'data-testid="count-policies"><a href="/policies/?type=customer">2<' in html
    assert 'data-testid="count-identity-providers"><a href="/identity-providers/">2<' in html


def test_account_card_has_id_alias_and_sign_in_url_with_copy_buttons(root, account):
    account.alias = "alice-sandbox"
    account.save()

    html = root.get("/").content.decode()

    assert f'<span data-testid="account-id">{account.id}</span>' in html
    assert '<span data-testid="account-alias">alice-sandbox</span>' in html
    assert ">Edit</a>" in html
    assert 'data-copy="http://testserver/signin/alice-sandbox" aria-label="Copy sign-in URL"' in html
    assert f'data-copy="{account.id}" aria-label="Copy account ID"' in html
    assert "System status" not in html


def _event(account, name, days_ago, **fields):
    event = AuditEvent.objects.create(account=account, event_name=name, **fields)
    AuditEvent.objects.filter(pk=event.pk).update(event_time=timezone.now() - timedelta(days=days_ago))


def test_charts_count_sign_ins_and_refused_calls_per_day(root, account):
    for outcome in ("Success", "Success", "Failure"):
        _event(account, "ConsoleLogin", 2, response_elements={"ConsoleLogin": outcome})
    _event(account, "GetUser", 2, error_code="AccessDenied")
    _event(account, "ListRoles", 0, error_code="AccessDenied")
    _event(account, "CreateUser", 0)  # neither
    _event(account, "ConsoleLogin", 40, response_elements={"ConsoleLogin": "Success"})  # too old
    _event(AccountFactory(), "ConsoleLogin", 0, response_elements={"ConsoleLogin": "Success"})
    day = timezone.localdate() - timedelta(days=2)

    html = root.get("/").content.decode()

    assert len(re.findall(r'<g class="chart-bar">', html)) == 60  # 30 days, two charts
    assert f"<title>{day:%b} {day.day}: 2 successful, 1 failed</title>" in html
    assert f"<title>{day:%b} {day.day}: 1 refused</title>" in html
    assert '<strong>Console sign-ins</strong> <span class="muted">3 in all</span>' in html
    assert '<strong>Refused calls</strong> <span class="muted">2 in all</span>' in html


def test_the_page_draws_its_charts_inline_and_loads_only_the_projects_own_assets(root, account):
    html = root.get("/").content.decode()

    assert len(re.findall(r'<figure[^>]*data-testid="chart"', html)) == 2
    assert html.count("<svg") >= 2
    loaded = re.findall(r'<(?:script|img|iframe)[^>]*\ssrc="([^"]*)"|<link[^>]*\shref="([^"]*)"', html)
    addresses = [src or href for src, href in loaded]
    assert addresses and all(
        address.startswith("/") and not address.startswith("//") for address in addresses
    ), addresses


# --- each card authorized as the API would be --------------------------------------------------------


def test_an_iam_user_with_no_policy_sees_each_cards_refusal_and_the_page(client, account):
    bob = IAMUserFactory(account=account, name="bob")
    _console_user(account, "carol")
    sign_in(client, account, bob)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    for action in (
        "iam:GetAccountSummary",
        "iam:GetCredentialReport",
        "iam:ListAccountAliases",
        "cloudtrail:LookupEvents",
    ):
        assert f"is not authorized to perform: {action}" in html
    assert 'data-testid="count-users"' not in html
    assert _titles(html) == []
    assert '<g class="chart-bar">' not in html
    # The account's ID is the caller's own; the sign-in URL says it, not the alias it may not list.
    assert f'<span data-testid="account-id">{account.id}</span>' in html
    assert f'data-testid="signin-url">http://testserver/signin/{account.id}<' in html
    refused = AuditEvent.objects.filter(error_code="AccessDenied", user_identity__arn=bob.arn)
    assert set(refused.values_list("event_name", flat=True)) == {
        "GetAccountSummary",
        "GetCredentialReport",
        "ListAccountAliases",
        "LookupEvents",
    }


def test_each_card_shows_when_its_own_read_is_allowed(client, account):
    bob = IAMUserFactory(account=account, name="bob")
    _console_user(account, "carol")
    grant(statement(["iam:GetAccountSummary", "iam:GetCredentialReport"]), user=bob)
    sign_in(client, account, bob)

    html = client.get("/").content.decode()

    assert 'data-testid="count-users"><a href="/users/">2<' in html
    assert "Add MFA for root user" in _titles(html)
    assert "Add MFA for carol" in _titles(html)
    assert "iam:GetAccountSummary" not in html and "iam:GetCredentialReport" not in html
    assert "is not authorized to perform: iam:ListAccountAliases" in html
    assert "is not authorized to perform: cloudtrail:LookupEvents" in html


def test_the_credential_report_alone_shows_the_users_recommendations_not_the_counts(client, account):
    bob = IAMUserFactory(account=account, name="bob")
    _console_user(account, "carol")
    grant(
        statement(["iam:GetCredentialReport", "cloudtrail:LookupEvents", "iam:ListAccountAliases"]), user=bob
    )
    sign_in(client, account, bob)

    html = client.get("/").content.decode()

    assert _titles(html) == ["Add MFA for carol"]
    assert "is not authorized to perform: iam:GetAccountSummary" in html
    assert 'data-testid="count-users"' not in html
    assert html.count('<g class="chart-bar">') == 60


# --- query guards ------------------------------------------------------------------------------------


def _users(account, start, stop):
    """Users `start`..`stop`: console users without MFA, with an old active key never used."""
    users = IAMUser.objects.bulk_create(
        [IAMUser(account=account, name=f"user-{index:05d}") for index in range(start, stop)]
    )
    LoginProfile.objects.bulk_create([LoginProfile(user=user, password="x") for user in users])
    keys = AccessKey.objects.bulk_create(
        [
            AccessKey(
                account=account, user=user, access_key_id=f"AKIAGUARD{user.pk:011d}", secret_encrypted="x"
            )
            for user in users
        ]
    )
    AccessKey.objects.filter(pk__in=[key.pk for key in keys]).update(created_at=timezone.now() - OLD)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                account=account, event_name="ConsoleLogin", response_elements={"ConsoleLogin": "Success"}
            )
            for _ in users
        ]
    )


def _queries(client, url):
    client.get(url)  # the session, per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), unescape(response.content.decode())


@pytest.mark.parametrize("persona", ["root", "reader"])
def test_dashboard_makes_as_many_queries_at_5000_users_as_at_50(client, account, persona):
    if persona == "reader":
        reader = IAMUserFactory(account=account, name="reader")
        grant(statement(["iam:Get*", "iam:List*", "cloudtrail:LookupEvents"]), user=reader)
        sign_in(client, account, reader)
    else:
        sign_in(client, account)
    _users(account, 0, 50)
    few, html = _queries(client, "/")
    assert "Add MFA for 50 IAM users" in html

    _users(account, 50, 5000)
    many, html = _queries(client, "/")

    assert many == few
    assert "Add MFA for 5000 IAM users" in html
    assert "Rotate 5000 IAM users' access keys" in html
    assert "Remove unused credentials of 5000 IAM users" in html
    assert re.search(r'data-testid="count-users"><a href="/users/">500[01]<', html)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_charts_read_the_sign_in_and_refusal_index_not_every_call(account):
    """Among 5,000 calls, the few sign-ins and refusals are read through their partial index (the
    query took a date of each event's time before, which no index holds)."""
    AuditEvent.objects.bulk_create(AuditEvent(account=account, event_name="GetUser") for _ in range(5000))
    _event(account, "ConsoleLogin", 1, response_elements={"ConsoleLogin": "Success"})
    _event(account, "ListRoles", 0, error_code="AccessDenied")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_auditevent")
    with CaptureQueriesContext(connection) as queries:
        activity = daily_activity(account=account)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {queries.captured_queries[-1]['sql']}")
        plan = "\n".join(line for (line,) in cursor.fetchall())

    assert "audit_signin_refused_idx" in plan, plan
    assert sum(day[1] for day in activity) == 1 and sum(day[3] for day in activity) == 1
