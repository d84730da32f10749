"""The last accessed rollup: each identity's latest call per service, action and region, written with
every event in the event's transaction, only ever moved forward, backfilled from the events recorded
before it, and deleted with its account. Access Advisor and the lists' "Last activity" read it."""

import importlib
import threading
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from access.acting import Acting
from access.audit import record_event
from accounts.models import AuditEvent, ServiceLastAccess, TemporaryCredential
from accounts.selectors.activity import latest_calls
from tests.policies.permissions_helpers import make_role

backfill = importlib.import_module("accounts.migrations.0016_service_last_access").backfill_last_access

NOW = timezone.now()


def _rollup(account=None):
    rows = ServiceLastAccess.objects.order_by("principal_id", "event_source", "event_name", "aws_region")
    if account is not None:
        rows = rows.filter(account=account)
    return list(rows.values_list("principal_id", "event_source", "event_name", "aws_region", "last_accessed"))


def _call(acting, event_name, *, days_ago, source="iam", region="us-east-1", **extra):
    return record_event(
        acting=Acting(**{**acting.__dict__, "requested_region": region}),
        event_name=event_name,
        event_source=f"{source}.amazonaws.com",
        event_time=NOW - timedelta(days=days_ago),
        **extra,
    )


@pytest.mark.django_db
def test_each_identity_action_and_region_keeps_its_latest_call(account, bob):
    bob_acting = Acting(account=account, user=bob)
    _call(bob_acting, "ListUsers", days_ago=5)
    _call(bob_acting, "ListUsers", days_ago=2)
    _call(bob_acting, "ListUsers", days_ago=9)  # older: recorded late, it moves nothing back
    _call(bob_acting, "ListUsers", days_ago=7, region="eu-west-3")
    _call(bob_acting, "GetCallerIdentity", days_ago=1, source="sts")
    _call(Acting(account=account), "GetAccountSummary", days_ago=3)  # root

    assert _rollup() == sorted(
        [
            (account.id, "iam.amazonaws.com", "GetAccountSummary", "us-east-1", NOW - timedelta(days=3)),
            (bob.user_id, "iam.amazonaws.com", "ListUsers", "eu-west-3", NOW - timedelta(days=7)),
            (bob.user_id, "iam.amazonaws.com", "ListUsers", "us-east-1", NOW - timedelta(days=2)),
            (bob.user_id, "sts.amazonaws.com", "GetCallerIdentity", "us-east-1", NOW - timedelta(days=1)),
        ]
    )
    assert latest_calls(principal_ids=[bob.user_id, account.id, "AIDANOBODY"]) == {
        bob.user_id: NOW - timedelta(days=1),
        account.id: NOW - timedelta(days=3),
    }


@pytest.mark.django_db
def test_a_role_sessions_calls_roll_up_to_the_role_whatever_the_session(account, bob):
    role = make_role(account=account, name="deployer")
    for index, session_name in enumerate(("ci", "night-shift")):
        session = TemporaryCredential.objects.create(
            account=account,
            access_key_id=f"ASIAEXAMPLE00000000{index}",
            secret_encrypted="x",
            session_token_hash="x",
            issued_at=NOW,
            expiration=NOW + timedelta(hours=1),
            role=role,
            role_session_name=session_name,
            issuer_arn=bob.arn,
        )
        _call(Acting(account=account, credential=session), "ListRoles", days_ago=4 - index)

    assert _rollup() == [
        (role.role_id, "iam.amazonaws.com", "ListRoles", "us-east-1", NOW - timedelta(days=3))
    ]


@pytest.mark.django_db
def test_a_batch_keeps_each_keys_newest_and_calls_of_no_identity_are_not_rolled_up(account, bob):
    def event(name, days_ago, principal_id):
        return AuditEvent(
            account=account,
            event_name=name,
            principal_id=principal_id,
            event_time=NOW - timedelta(days=days_ago),
        )

    AuditEvent.objects.bulk_record(
        [event("GetUser", 3, bob.user_id), event("GetUser", 1, bob.user_id), event("GetUser", 2, bob.user_id)]
        + [event("ConsoleLogin", 1, "")]  # a refused sign-in names no identity
    )

    assert _rollup() == [(bob.user_id, "iam.amazonaws.com", "GetUser", "us-east-1", NOW - timedelta(days=1))]
    assert AuditEvent.objects.count() == 4


@pytest.mark.django_db
def test_an_event_rolled_back_takes_its_rollup_with_it(account, bob):
    with pytest.raises(RuntimeError), transaction.atomic():
        _call(Acting(account=account, user=bob), "CreateUser", days_ago=0)
        assert len(_rollup()) == 1
        raise RuntimeError("the request failed")

    assert _rollup() == [] and AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_the_rollup_goes_with_its_account(account, charlie_account, bob):
    _call(Acting(account=account, user=bob), "GetUser", days_ago=1)
    _call(Acting(account=charlie_account), "GetUser", days_ago=1)

    account.delete()

    assert [row[0] for row in _rollup()] == [charlie_account.id]


@pytest.mark.django_db
def test_the_backfill_rolls_up_the_events_recorded_before_the_table(account, bob):
    bob_acting = Acting(account=account, user=bob)
    _call(bob_acting, "GetUser", days_ago=6)
    _call(bob_acting, "GetUser", days_ago=2)
    _call(bob_acting, "GetUser", days_ago=4, region="ap-south-1")
    _call(Acting(account=account), "ListUsers", days_ago=1)
    AuditEvent.objects.create(account=account, event_name="ConsoleLogin")  # no identity
    expected = _rollup()
    ServiceLastAccess.objects.all().delete()

    backfill(apps, None)

    assert _rollup() == expected and len(expected) == 3
    assert set(ServiceLastAccess.objects.values_list("account", flat=True)) == {account.id}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_recording_at_once_leave_the_newer_time(account, bob):
    """Two transactions upsert the same row: the second waits for the first's lock, then keeps the
    newer time whichever commits first (an older time recorded late never moves it back)."""
    bob_acting = Acting(account=account, user=bob)
    _call(bob_acting, "GetUser", days_ago=10)
    newer_holds_the_row = threading.Event()
    older_done = threading.Event()

    def older():
        try:
            newer_holds_the_row.wait(5)
            with transaction.atomic():
                _call(bob_acting, "GetUser", days_ago=5)  # blocks until the newer one commits
        finally:
            connection.close()
            older_done.set()

    thread = threading.Thread(target=older)
    thread.start()
    with transaction.atomic():
        _call(bob_acting, "GetUser", days_ago=1)
        newer_holds_the_row.set()
        assert not older_done.wait(0.5)  # the older request waits on the row
    thread.join(10)

    assert older_done.is_set()
    assert _rollup() == [(bob.user_id, "iam.amazonaws.com", "GetUser", "us-east-1", NOW - timedelta(days=1))]
    assert AuditEvent.objects.filter(principal_id=bob.user_id).count() == 3
