"""The migration that added AuditEvent.principal_id fills it for the events recorded before, from their
userIdentity: the user or root itself, a session's issuing role or user."""

import importlib

import pytest
from django.apps import apps

from accounts.models import AuditEvent

migration = importlib.import_module("accounts.migrations.0012_audit_event_principal_and_region")

pytestmark = pytest.mark.django_db


def _session(kind, issuer_id):
    return {
        "type": kind,
        "principalId": f"{issuer_id}:x",
        "sessionContext": {"sessionIssuer": {"principalId": issuer_id}},
    }


@pytest.mark.parametrize(
    ("identity", "principal_id"),
    [
        ({"type": "IAMUser", "principalId": "AIDAEXAMPLE"}, "AIDAEXAMPLE"),
        ({"type": "Root", "principalId": "123456789012"}, "123456789012"),
        (_session("AssumedRole", "AROAEXAMPLE"), "AROAEXAMPLE"),
        (_session("FederatedUser", "AIDAEXAMPLE"), "AIDAEXAMPLE"),
        ({"type": "AWSService", "invokedBy": "organizations.amazonaws.com"}, ""),
        ({"type": "WebIdentityUser", "principalId": "accounts.google.com:1"}, ""),
        ({}, ""),
    ],
)
def test_principal_of_a_recorded_identity(identity, principal_id):
    assert migration.principal_of(identity) == principal_id


def test_backfill_fills_the_events_recorded_before(account):
    user_event = AuditEvent.objects.create(
        account=account,
        event_name="ListUsers",
        user_identity={"type": "IAMUser", "principalId": "AIDAEXAMPLE"},
    )
    role_event = AuditEvent.objects.create(
        account=account, event_name="GetCallerIdentity", user_identity=_session("AssumedRole", "AROAEXAMPLE")
    )

    migration.backfill(apps, None)

    user_event.refresh_from_db()
    role_event.refresh_from_db()
    assert (user_event.principal_id, role_event.principal_id) == ("AIDAEXAMPLE", "AROAEXAMPLE")
