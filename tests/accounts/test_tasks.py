"""Retention: Event history keeps 90 days, last accessed information 400; the daily beat task deletes
what is older."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from access.audit import record_event
from accounts.models import AuditEvent
from accounts.selectors.activity import latest_calls
from accounts.tasks import audit_events_purge, purge_old_audit_events


def _event_aged(acting, name, age):
    event = record_event(acting=acting, event_name=name)
    AuditEvent.objects.filter(pk=event.pk).update(event_time=timezone.now() - age)
    return event


def test_events_older_than_90_days_go_and_recent_ones_stay(root_acting, charlie_acting):
    _event_aged(root_acting, "Ancient", timedelta(days=400))
    _event_aged(charlie_acting, "JustTooOld", timedelta(days=90, minutes=5))
    _event_aged(root_acting, "AlmostTooOld", timedelta(days=89, hours=23))
    _event_aged(charlie_acting, "Recent", timedelta(hours=1))

    result = purge_old_audit_events.delay()

    assert result.get() == 2
    assert sorted(AuditEvent.objects.values_list("event_name", flat=True)) == ["AlmostTooOld", "Recent"]


def test_the_purge_runs_in_batches_until_nothing_old_is_left(root_acting):
    for index in range(7):
        _event_aged(root_acting, f"Old{index}", timedelta(days=100))
    _event_aged(root_acting, "Recent", timedelta(days=1))

    assert audit_events_purge(batch_size=3) == 7
    assert list(AuditEvent.objects.values_list("event_name", flat=True)) == ["Recent"]
    assert audit_events_purge(batch_size=3) == 0


def test_celery_beat_runs_the_purge_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-old-audit-events"]
    assert entry["task"] == "accounts.tasks.purge_old_audit_events"
    assert entry["schedule"] == timedelta(days=1).total_seconds()


def test_last_accessed_outlives_the_events_for_the_400_day_tracking_period(root_acting, charlie_acting):
    """Event history keeps 90 days, Access Advisor 400: the purge keeps each identity's latest call
    until it is older than the tracking period."""
    now = timezone.now()
    record_event(acting=root_acting, event_name="GetUser", event_time=now - timedelta(days=120))
    record_event(acting=charlie_acting, event_name="GetUser", event_time=now - timedelta(days=401))

    purge_old_audit_events.delay().get()

    assert AuditEvent.objects.count() == 0
    assert latest_calls(principal_ids=[root_acting.account.id, charlie_acting.account.id]) == {
        root_acting.account.id: now - timedelta(days=120)
    }
