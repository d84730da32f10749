"""Celery tasks of the accounts app: thin wrappers that load by id and call a service, and the purge of
old events."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from accounts.models import AuditEvent, ServiceLastAccess
from accounts.selectors.activity import tracking_start
from accounts.services.credential_report import credential_report_build

RETENTION = timedelta(days=90)
PURGE_BATCH = 1000


def audit_events_purge(*, now=None, batch_size=PURGE_BATCH):
    """Delete the events older than 90 days, a batch at a time; returns how many went."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted = 0
    while True:
        # Short batches keep each DELETE brief on a large table (Django cannot delete a sliced
        # queryset, hence the ids first).
        batch = list(
            AuditEvent.objects.filter(event_time__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return deleted
        deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]


def last_access_purge(*, now=None):
    """Delete the last accessed rows older than Access Advisor's tracking period (400 days): they
    outlive the events they roll up, as AWS's last accessed information outlives Event history."""
    return ServiceLastAccess.objects.filter(last_accessed__lt=tracking_start(now)).delete()[0]


@shared_task
def purge_old_audit_events():
    """Event history keeps 90 days of events, as CloudTrail's does, and last accessed information 400
    days; Celery beat runs this daily."""
    last_access_purge()
    return audit_events_purge()


@shared_task
def generate_credential_report(report_id):
    """GenerateCredentialReport's work, run after the request that started it has committed."""
    return credential_report_build(report_id=report_id)
