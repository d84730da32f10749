"""What IAM identities did, read from the last accessed rollup of Event history (ServiceLastAccess: a
row per identity, action and region, kept with each event), by the identities' unique IDs: each
identity's latest call, and its latest call to each service, action and region. One query each,
whatever the number of events."""

from datetime import timedelta

from django.db.models import F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import ServiceLastAccess

# Access Advisor's tracking period: AWS keeps last accessed information for up to 400 days.
TRACKING_DAYS = 400


def tracking_start(now=None):
    return (now or timezone.now()) - timedelta(days=TRACKING_DAYS)


def latest_calls(*, principal_ids):
    """{principal ID: the time of its latest recorded call} for the IDs that made one."""
    rows = (
        ServiceLastAccess.objects.filter(principal_id__in=list(principal_ids))
        .order_by()
        .values("principal_id")
        .annotate(last=Max("last_accessed"))
    )
    return {row["principal_id"]: row["last"] for row in rows}


def _calls(principal_ids, event_sources, since):
    # `principal_ids` is a list of IDs, or a tuple of queries of them (a group's members; a policy's
    # users and roles), read by the database in the same query.
    if isinstance(principal_ids, tuple):
        principals = Q()
        for ids in principal_ids:
            principals |= Q(principal_id__in=ids)
    else:
        principals = Q(principal_id__in=list(principal_ids))
    return ServiceLastAccess.objects.filter(
        principals, event_source__in=list(event_sources), last_accessed__gte=since
    ).order_by()


def service_calls(*, principal_ids, event_sources, since):
    """The latest call since `since` of each (event source, event name, principal ID, region): a row
    per combination, so as many rows as the identities used actions and regions, not as events."""
    return list(
        _calls(principal_ids, event_sources, since).values_list(
            "event_source", "event_name", "principal_id", "aws_region", "last_accessed"
        )
    )


def latest_action_calls(*, principal_ids, event_sources, since):
    """The latest call since `since` of each (event source, event name) by any of `principal_ids`,
    with who made it and where: [(event source, event name, principal ID, region, time)], a row per
    action called, however many identities called it (a group of 5,000 users reads one row each)."""
    latest = Window(
        RowNumber(),
        partition_by=[F("event_source"), F("event_name")],
        order_by=[F("last_accessed").desc(), F("principal_id").asc()],
    )
    return list(
        _calls(principal_ids, event_sources, since)
        .annotate(rank=latest)
        .filter(rank=1)
        .values_list("event_source", "event_name", "principal_id", "aws_region", "last_accessed")
    )
