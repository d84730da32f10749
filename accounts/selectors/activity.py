"""What IAM identities did, read from Event history by the acting identity's unique ID (an indexed
column, never the userIdentity JSON): each identity's latest call, and its latest call to each service,
action and region. One query each, whatever the number of events."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from accounts.models import AuditEvent

# Access Advisor's tracking period: AWS keeps last accessed information for up to 400 days.
TRACKING_DAYS = 400


def tracking_start(now=None):
    return (now or timezone.now()) - timedelta(days=TRACKING_DAYS)


def latest_calls(*, principal_ids):
    """{principal ID: the time of its latest recorded call} for the IDs that made one."""
    rows = (
        AuditEvent.objects.filter(principal_id__in=list(principal_ids))
        .order_by()
        .values("principal_id")
        .annotate(last=Max("event_time"))
    )
    return {row["principal_id"]: row["last"] for row in rows}


def service_calls(*, principal_ids, event_sources, since):
    """The latest call since `since` of each (event source, event name, principal ID, region): a row
    per combination, so as many rows as the identities used actions and regions, not as events."""
    return list(
        AuditEvent.objects.filter(
            principal_id__in=list(principal_ids), event_source__in=list(event_sources), event_time__gte=since
        )
        .order_by()
        .values_list("event_source", "event_name", "principal_id", "aws_region")
        .annotate(last=Max("event_time"))
    )
