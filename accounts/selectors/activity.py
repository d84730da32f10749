"""What IAM identities did, read from the last accessed rollup of Event history (ServiceLastAccess: a
row per identity, action and region, kept with each event), by the identities' unique IDs: each
identity's latest call, and its latest call to each service, action and region. One query each,
whatever the number of events."""

from datetime import timedelta

from django.db.models import Max, Q
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
    calls = ServiceLastAccess.objects.filter(principals, last_accessed__gte=since).order_by()
    return calls if event_sources is None else calls.filter(event_source__in=list(event_sources))


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
    action called, however many identities called it (a group of 5,000 users reads one row each).

    Two queries that hash rather than sort the identities' rows: each action's latest time, then the
    rows of those times (a tie keeps the first principal ID)."""
    calls = _calls(principal_ids, None, since)
    # Every source, kept in Python: an administrator's policy allows some 400 services, a list the
    # query would carry, while the rows are only the actions called.
    latest = [
        row
        for row in calls.values_list("event_source", "event_name").annotate(last=Max("last_accessed"))
        if row[0] in event_sources
    ]
    if not latest:
        return []
    times = Q()
    for source, name, moment in latest:
        times |= Q(event_source=source, event_name=name, last_accessed=moment)
    winners = {}
    rows = calls.filter(times).values_list(
        "event_source", "event_name", "principal_id", "aws_region", "last_accessed"
    )
    for row in sorted(rows, key=lambda row: (row[2], row[3])):
        winners.setdefault(row[:2], row)
    return list(winners.values())
