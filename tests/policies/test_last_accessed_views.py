"""The Last Accessed tab (Access Advisor) of the user, group, role and policy pages, and the users' and
roles' lists' Last activity, from calls recorded in Event history."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, GroupMembership, IAMUser
from policies.models import InlinePolicy, PolicyAttachment
from tests.accounts.factories import GroupFactory, IAMUserFactory
from tests.grants import grant, statement

from .permissions_helpers import make_policy, make_role, statement_policy

pytestmark = pytest.mark.django_db

TAB = {"tab": "last_accessed"}


def called(account, principal_id, namespace, event_name, *, days_ago, region="us-east-1"):
    AuditEvent.objects.record(
        account=account,
        event_name=event_name,
        event_source=f"{namespace}.amazonaws.com",
        principal_id=principal_id,
        aws_region=region,
        event_time=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def bob_calls(account, bob):
    """bob may use IAM's reads and S3; he called IAM's ListUsers 3 days ago, and S3 never."""
    InlinePolicy.objects.create(user=bob, name="work", document=statement_policy(["iam:List*", "s3:*"]))
    called(account, bob.user_id, "iam", "ListUsers", days_ago=3)


def _row(page, namespace):
    start = page.index(f'data-namespace="{namespace}"')
    return page[start : page.index("</tr>", page.index(f'data-testid="last-accessed-{namespace}"'))]


def test_a_users_tab_lists_its_services_with_their_last_access(root_client, bob, bob_calls):
    page = root_client.get(reverse("accounts:user_detail", args=["bob"]), TAB).content.decode()

    assert 'Allowed services <span class="count">(2)</span>' in page
    assert "maximum of 400 days" in page
    assert "3\xa0days ago" in _row(page, "iam")
    assert "Not accessed in the tracking period" in _row(page, "s3")
    assert "work" in _row(page, "s3")  # the policy granting it
    # IAM is tracked at action level: its actions, called or not, on expand.
    assert 'data-testid="actions-iam"' in page and "iam:ListUsers" in page and "iam:ListRoles" in page
    assert 'data-testid="actions-s3"' not in page


@pytest.mark.parametrize(
    ("chosen", "shown", "hidden"), [("accessed", "iam", "s3"), ("not-accessed", "s3", "iam")]
)
def test_the_filter_keeps_the_services_accessed_or_not_as_a_fragment(
    root_client, bob, bob_calls, chosen, shown, hidden
):
    response = root_client.get(
        reverse("accounts:user_detail", args=["bob"]),
        {**TAB, "accessed": chosen},
        headers={"HX-Request": "true", "HX-Target": "user-tab"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="user-tab">')  # the tab alone
    assert f'data-namespace="{shown}"' in page and f'data-namespace="{hidden}"' not in page
    assert "(2)" in page  # the count is of all the allowed services


@pytest.fixture
def bob_old_and_new_calls(account, bob):
    """bob may use IAM, STS and S3: he called IAM 3 days ago, STS 120 days ago, S3 never."""
    InlinePolicy.objects.create(user=bob, name="work", document=statement_policy(["iam:*", "sts:*", "s3:*"]))
    called(account, bob.user_id, "iam", "ListUsers", days_ago=3)
    called(account, bob.user_id, "sts", "GetCallerIdentity", days_ago=120)


@pytest.mark.parametrize(
    ("days", "shown"),
    [("90", {"sts", "s3"}), ("2", {"iam", "sts", "s3"}), ("121", {"s3"}), ("400", {"s3"})],
)
def test_not_accessed_in_n_days_keeps_the_services_unused_since(
    root_client, bob, bob_old_and_new_calls, days, shown
):
    response = root_client.get(
        reverse("accounts:user_detail", args=["bob"]),
        {**TAB, "accessed": "not-accessed-in", "days": days},
        headers={"HX-Request": "true", "HX-Target": "user-tab"},
    )
    page = response.content.decode()
    assert {ns for ns in ("iam", "sts", "s3") if f'data-namespace="{ns}"' in page} == shown
    assert "(3)" in page
    assert f'value="{days}"' in page and 'data-testid="accessed-days-error"' not in page


@pytest.mark.parametrize("days", ["0", "401", "-5", "ninety", "9" * 40, ""])
def test_a_bad_number_of_days_filters_nothing_and_says_why(root_client, bob, bob_old_and_new_calls, days):
    page = root_client.get(
        reverse("accounts:user_detail", args=["bob"]), {**TAB, "accessed": "not-accessed-in", "days": days}
    ).content.decode()
    assert "Enter a whole number of days from 1 to 400." in page
    assert all(f'data-namespace="{ns}"' in page for ns in ("iam", "sts", "s3"))


def test_the_n_days_filter_of_a_group_counts_its_members_calls(root_client, account, bob):
    group = GroupFactory(account=account, name="developers")
    alice = IAMUserFactory(account=account, name="alice")
    for user in (alice, bob):
        GroupMembership.objects.create(user=user, group=group)
    InlinePolicy.objects.create(group=group, name="both", document=statement_policy(["sts:*", "iam:*"]))
    called(account, bob.user_id, "sts", "GetCallerIdentity", days_ago=200)
    called(account, alice.user_id, "sts", "GetCallerIdentity", days_ago=10)
    called(account, bob.user_id, "iam", "GetUser", days_ago=100)

    page = root_client.get(
        reverse("accounts:group_detail", args=["developers"]),
        {**TAB, "accessed": "not-accessed-in", "days": "30"},
    ).content.decode()

    assert 'data-namespace="iam"' in page and 'data-namespace="sts"' not in page
    assert "by bob" in page


def test_a_groups_tab_names_the_member_who_called_last(root_client, account, bob):
    group = GroupFactory(account=account, name="developers")
    GroupMembership.objects.create(user=bob, group=group)
    InlinePolicy.objects.create(group=group, name="sts", document=statement_policy("sts:*"))
    called(account, bob.user_id, "sts", "GetCallerIdentity", days_ago=1, region="eu-west-2")

    page = root_client.get(reverse("accounts:group_detail", args=["developers"]), TAB).content.decode()

    assert "by bob" in _row(page, "sts")
    assert "eu-west-2" in page


def test_a_roles_and_a_policys_tabs(root_client, account):
    role = make_role(account=account, name="deployer")
    policy = make_policy(name="deploy", account=account, document=statement_policy("organizations:List*"))
    PolicyAttachment.objects.create(policy=policy, role=role)
    called(account, role.role_id, "organizations", "ListAccounts", days_ago=2)

    role_page = root_client.get(reverse("policies:role_detail", args=["deployer"]), TAB).content.decode()
    policy_page = root_client.get(reverse("policies:policy_detail", args=[policy.arn]), TAB).content.decode()

    for page in (role_page, policy_page):
        assert "AWS Organizations" in page and "2\xa0days ago" in _row(page, "organizations")
    assert "by deployer" in policy_page


def test_the_tab_needs_generate_service_last_accessed_details(client, sign_in_as, account, bob):
    reader = bob
    grant(statement(["iam:GetUser", "iam:GetServiceLastAccessedDetails"]), user=reader)
    sign_in_as(client, account, reader)

    page = html.unescape(client.get(reverse("accounts:user_detail", args=["bob"]), TAB).content.decode())

    assert "is not authorized to perform: iam:GenerateServiceLastAccessedDetails" in page
    assert 'data-testid="last-accessed-table"' not in page


def test_the_lists_last_activity_counts_every_call(root_client, account, bob):
    role = make_role(account=account, name="deployer")
    called(account, bob.user_id, "iam", "ListUsers", days_ago=5)
    called(account, role.role_id, "sts", "GetCallerIdentity", days_ago=6)

    users = root_client.get(reverse("accounts:user_list")).content.decode()
    roles = root_client.get(reverse("policies:role_list")).content.decode()

    assert "5\xa0days ago" in users
    assert "6\xa0days ago" in roles


def test_an_administrators_services_come_fifty_a_page_keeping_the_filter(root_client, account, bob):
    InlinePolicy.objects.create(user=bob, name="admin", document=statement_policy("*"))
    called(account, bob.user_id, "iam", "ListUsers", days_ago=200)
    url = reverse("accounts:user_detail", args=["bob"])
    query = {**TAB, "accessed": "not-accessed-in", "days": "100"}

    first = root_client.get(url, query).content.decode()
    rows = re.findall(r'<tr data-namespace="([^"]+)"', first)
    total = int(re.search(r'Allowed services <span class="count">\((\d+)\)', first).group(1))

    assert len(rows) == 50 and total > 100 and rows == sorted(rows)
    assert f'<span class="muted">of {-(-total // 50)}</span>' in first
    next_link = html.unescape(re.search(r'href="([^"]*page=2[^"]*)"', first).group(1))
    assert "accessed=not-accessed-in" in next_link and "days=100" in next_link
    second = root_client.get(url + next_link).content.decode()
    more = re.findall(r'<tr data-namespace="([^"]+)"', second)
    assert more and more[0] > rows[-1] and not set(more) & set(rows)


def _members(account, group, policy, start, stop):
    """Users `start`..`stop` in `group`, each with `policy` attached and a call to IAM a day ago."""
    users = IAMUser.objects.bulk_create(
        [IAMUser(account=account, name=f"member-{index:05d}") for index in range(start, stop)]
    )
    GroupMembership.objects.bulk_create([GroupMembership(user=user, group=group) for user in users])
    PolicyAttachment.objects.bulk_create([PolicyAttachment(policy=policy, user=user) for user in users])
    for user in users:
        called(account, user.user_id, "iam", "GetUser", days_ago=1)


def _counted(client, url):
    client.get(url, TAB)  # the session, per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, TAB)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_groups_and_a_policys_tabs_take_as_many_queries_at_5000_users_as_at_50(root_client, account):
    group = GroupFactory(account=account, name="everyone")
    policy = make_policy(name="iam-reads", account=account, document=statement_policy("iam:Get*"))
    PolicyAttachment.objects.create(policy=policy, group=group)
    urls = [
        reverse("accounts:group_detail", args=["everyone"]),
        reverse("policies:policy_detail", args=[policy.arn]),
    ]
    _members(account, group, policy, 0, 50)
    few = [_counted(root_client, url)[0] for url in urls]

    _members(account, group, policy, 50, 5000)
    many = [_counted(root_client, url) for url in urls]

    assert [count for count, _page in many] == few
    for _count, page in many:
        assert "by member-" in _row(page, "iam")
