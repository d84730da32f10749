"""At AWS's quota sizes: Event history's filters read indexed names (filled when an event is recorded,
and backfilled), a group's members come a page at a time, and those filters and a user's attachments
are read with PostgreSQL's indexes. The figures are bench/quota.py's; these tests hold the behaviour and the queries."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.acting import Acting
from access.audit import record_event
from accounts.models import AuditEvent, AuditEventResource, Group, GroupMembership, IAMUser
from accounts.models.audit import identity_user_name
from accounts.services.signin import Client, console_login_event
from policies.models import PolicyAttachment
from policies.selectors.permissions import entity_permissions
from tests.grants import grant, statement
from tests.policies.permissions_helpers import make_policy

EVENTS_URL = reverse("accounts:event_history")
backfill = importlib.import_module("accounts.migrations.0013_audit_event_names").backfill_names


def _resources(event):
    return sorted(AuditEventResource.objects.filter(event=event).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("identity", "name"),
    [
        ({"type": "Root", "arn": "arn:aws:iam::123456789012:root"}, "root"),
        ({"type": "IAMUser", "userName": "bob"}, "bob"),
        ({"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/Deploy/ci-run"}, "ci-run"),
        ({"type": "WebIdentityUser", "userName": "sub-123"}, "sub-123"),
        ({"type": "FederatedUser", "arn": "arn:aws:sts::123456789012:federated-user/ann"}, ""),
        ({"type": "AWSService", "invokedBy": "iam.amazonaws.com"}, ""),
        ({}, ""),
    ],
)
def test_the_user_name_column_is_the_one_event_history_shows(identity, name):
    assert identity_user_name(identity) == name


def test_recording_fills_the_user_name_and_each_resource_name_once(account, bob):
    acting = Acting(account=account, user=bob)

    event = record_event(
        acting=acting,
        event_name="UpdateUser",
        request_parameters={"userName": "carol", "newUserName": "carol", "tags": [{"Key": "userName"}]},
    )
    attach = record_event(
        acting=acting,
        event_name="AttachUserPolicy",
        request_parameters={"userName": "carol", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    )

    event.refresh_from_db()
    assert event.user_name == "bob"
    assert _resources(event) == ["carol"]
    assert _resources(attach) == ["arn:aws:iam::aws:policy/ReadOnlyAccess", "carol"]


def test_a_name_longer_than_any_arn_is_recorded_but_not_indexed(account, bob):
    # A refused call's hostile input (PostgreSQL's column holds 2,048 characters, as an ARN at most).
    hostile = "[" * 3000
    event = record_event(
        acting=Acting(account=account, user=bob),
        event_name="CreateInstanceProfile",
        request_parameters={"instanceProfileName": hostile, "userName": "carol"},
    )
    event.refresh_from_db()
    assert event.request_parameters["instanceProfileName"] == hostile
    assert _resources(event) == ["carol"]


def test_a_console_sign_in_is_recorded_with_its_user_name(account, bob):
    client = Client(source_ip="203.0.113.5", user_agent="browser")

    event = console_login_event(account=account, user=bob, is_root=False, success=True, client=client)

    event.refresh_from_db()
    assert event.user_name == "bob"
    assert _resources(event) == []


def test_the_backfill_fills_events_recorded_before_the_columns(account):
    # bulk_create writes the rows as the tables held them before this change: no names.
    old = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                account=account,
                event_name="CreateRole",
                user_identity={"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/Admin/ann"},
                request_parameters={"roleName": "deploy", "policyArn": "p", "path": "/"},
            ),
            AuditEvent(account=account, event_name="ListUsers", user_identity={"type": "Root"}),
            AuditEvent(account=account, event_name="GetUser", request_parameters=["not", "a", "dict"]),
        ]
    )

    backfill(apps, None)

    names = dict(AuditEvent.objects.filter(account=account).values_list("event_name", "user_name"))
    assert names == {"CreateRole": "ann", "ListUsers": "root", "GetUser": ""}
    assert [_resources(event) for event in old] == [["deploy", "p"], [], []]


def test_filtered_event_history_reads_the_indexes_not_the_json(root_client, account, bob):
    acting = Acting(account=account, user=bob)
    record_event(acting=acting, event_name="DeleteUser", request_parameters={"userName": "carol"})

    with CaptureQueriesContext(connection) as queries:
        response = root_client.get(EVENTS_URL, {"user_name": "bob", "resource_name": "carol"})

    assert [row["event"].event_name for row in response.context["rows"]] == ["DeleteUser"]
    sql = " ".join(
        query["sql"] for query in queries.captured_queries if "accounts_auditevent" in query["sql"]
    )
    assert '"accounts_auditevent"."user_name" =' in sql
    assert "accounts_auditeventresource" in sql
    assert "user_identity" not in sql.split("FROM")[-1]  # no JSON in a WHERE clause


def _queries_of(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries.captured_queries), response


@pytest.mark.parametrize("filter_by", ["user_name", "resource_name"])
def test_a_filter_makes_the_same_queries_for_3_and_300_matching_events(root_client, account, bob, filter_by):
    def add(count):
        AuditEvent.objects.bulk_record(
            [
                AuditEvent(
                    account=account,
                    event_name="GetUser",
                    user_identity={"type": "IAMUser", "userName": "bob"},
                    request_parameters={"userName": "bob"},
                )
                for _ in range(count)
            ]
        )

    add(3)
    few, _ = _queries_of(root_client, EVENTS_URL, {filter_by: "bob"})
    add(297)
    many, response = _queries_of(root_client, EVENTS_URL, {filter_by: "bob"})

    assert response.context["page"].paginator.count == 300
    assert few == many


def _members(group, count, start=0):
    users = IAMUser.objects.bulk_create(
        [IAMUser(account=group.account, name=f"member{index:05}") for index in range(start, start + count)]
    )
    GroupMembership.objects.bulk_create([GroupMembership(user=user, group=group) for user in users])


def test_the_group_page_makes_the_same_queries_at_50_and_5000_members(root_client, account):
    group = Group.objects.create(account=account, name="everyone")
    url = reverse("accounts:group_detail", args=["everyone"])
    _members(group, 50)
    fifty, _ = _queries_of(root_client, url)
    _members(group, 4950, start=50)
    five_thousand, response = _queries_of(root_client, url)

    assert fifty == five_thousand
    assert 'Users in this group <span class="count">(5000)</span>' in response.content.decode()
    assert len(response.context["page"].object_list) == 20


def test_the_group_users_tab_pages_its_members(root_client, account):
    group = Group.objects.create(account=account, name="everyone")
    _members(group, 45)
    url = reverse("accounts:group_detail", args=["everyone"])

    first = root_client.get(url).content.decode()
    third = root_client.get(
        url, {"tab": "users", "page": 3}, headers={"HX-Request": "true", "HX-Target": "group-tab"}
    )

    assert "member00019" in first and "member00020" not in first
    assert 'href="?tab=users&page=2"' in first
    body = third.content.decode()
    assert body.lstrip().startswith('<div id="group-tab"')
    assert [user.name for user in third.context["page"].object_list] == [
        f"member{i:05}" for i in range(40, 45)
    ]
    assert 'aria-label="Previous page"' in body and 'aria-label="Next page"' not in body


def test_the_permissions_tab_still_counts_every_member(root_client, account):
    group = Group.objects.create(account=account, name="everyone")
    _members(group, 25)

    response = root_client.get(reverse("accounts:group_detail", args=["everyone"]), {"tab": "permissions"})

    assert "Users (25)" in response.content.decode()


def test_a_policys_entities_attached_tab_is_paged(root_client, account):
    group = Group.objects.create(account=account, name="everyone")
    _members(group, 30)
    policy = make_policy(name="reads", account=account)
    PolicyAttachment.objects.create(policy=policy, group=group)
    PolicyAttachment.objects.bulk_create(
        [PolicyAttachment(policy=policy, user=user) for user in IAMUser.objects.filter(account=account)]
    )
    url = reverse("policies:policy_detail", args=[policy.arn])

    response = root_client.get(url, {"tab": "entities", "page": 2})

    body = response.content.decode()
    assert 'Entities attached <span class="count">(31)</span>' in body
    assert len(response.context["page"].object_list) == 31 - 25


def test_a_users_policies_are_its_own_and_its_groups_each_once(account):
    bob = IAMUser.objects.create(account=account, name="bob")
    ops, devs = (
        Group.objects.create(account=account, name="ops"),
        Group.objects.create(account=account, name="devs"),
    )
    GroupMembership.objects.create(user=bob, group=ops)
    GroupMembership.objects.create(user=bob, group=devs)
    shared = make_policy(name="shared", account=account)
    PolicyAttachment.objects.create(policy=shared, user=bob)
    PolicyAttachment.objects.create(policy=shared, group=ops)
    grant(statement("ec2:*"), group=devs, name="dev-inline")
    grant(statement("sqs:*"), user=bob, name="own-inline")

    rows = entity_permissions(user=bob).rows

    assert sorted((row.attached_via, row.name) for row in rows) == [
        ("Directly", "shared"),
        ("Group devs", "dev-inline"),
        ("Group ops", "shared"),
        ("Inline", "own-inline"),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_users_attachments_are_read_with_postgresqls_indexes(account):
    """With 5,000 attachments, the query every request a user signs makes uses the user_id and
    group_id indexes (it scanned the whole table when it was `user_id = … OR group_id IN (…)`)."""
    users = IAMUser.objects.bulk_create([IAMUser(account=account, name=f"u{index}") for index in range(5000)])
    group = Group.objects.create(account=account, name="everyone")
    GroupMembership.objects.bulk_create([GroupMembership(user=user, group=group) for user in users])
    policy = make_policy(name="admin", account=account)
    PolicyAttachment.objects.create(policy=policy, group=group)
    PolicyAttachment.objects.bulk_create([PolicyAttachment(policy=policy, user=user) for user in users[1:]])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        entity_permissions(user=users[1])
    sql = next(
        query["sql"] for query in queries.captured_queries if "policies_policyattachment" in query["sql"]
    )

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(line for (line,) in cursor.fetchall())

    assert "Seq Scan on policies_policyattachment" not in plan, plan
    assert "policies_policyattachment_user_id" in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("filter_by", "index"),
    [("user_name", "audit_account_user_time_idx"), ("resource_name", "audit_resource_name_idx")],
)
def test_event_history_filters_are_read_with_postgresqls_indexes(root_client, account, filter_by, index):
    """Among 5,000 events of 500 users each naming its user, a filter's rows come through its index
    (the resource-name filter scanned the JSON of every row twice before)."""
    AuditEvent.objects.bulk_record(
        [
            AuditEvent(
                account=account,
                event_name="GetUser",
                user_identity={"type": "IAMUser", "userName": f"user{number % 500}"},
                request_parameters={"userName": f"target{number % 500}"},
            )
            for number in range(5000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    value = "user7" if filter_by == "user_name" else "target7"
    with CaptureQueriesContext(connection) as queries:
        response = root_client.get(EVENTS_URL, {filter_by: value})
    assert response.context["page"].paginator.count == 10
    reads = [
        query["sql"] for query in queries.captured_queries if 'FROM "accounts_auditevent"' in query["sql"]
    ]
    assert len(reads) == 2  # the count, then the page
    for sql in reads:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(line for (line,) in cursor.fetchall())
        assert "Seq Scan" not in plan, plan
        assert index in plan, plan
