"""Reads for Event history: one account's audit events, filtered like CloudTrail's lookup attributes,
and each event as the JSON record CloudTrail writes."""

import uuid
from datetime import UTC

from accounts.models import AuditEvent
from accounts.models.audit import identity_user_name, parameters_resource_names

EVENT_VERSION = "1.08"
REGION = "us-east-1"
# A download holds at most this many events, as the console caps its export.
EXPORT_LIMIT = 10_000


def event_list(
    *,
    account,
    user_name="",
    event_name="",
    resource_name="",
    event_source="",
    read_only=None,
    start=None,
    end=None,
):
    """The account's events, newest first. Names match exactly, as CloudTrail's lookup attributes do."""
    events = AuditEvent.objects.filter(account=account)
    if user_name:
        events = events.filter(user_name=user_name)
    if event_name:
        events = events.filter(event_name=event_name)
    if resource_name:
        events = events.filter(resources__name=resource_name)
    if event_source:
        events = events.filter(event_source=event_source)
    if read_only is not None:
        events = events.filter(read_only=read_only)
    if start is not None:
        events = events.filter(event_time__gte=start)
    if end is not None:
        events = events.filter(event_time__lte=end)
    return events.order_by("-event_time", "-id")


def event_user_name(event):
    return identity_user_name(event.user_identity)


def event_resource_names(event):
    return parameters_resource_names(event.request_parameters)


def _iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_record(event):
    """The event as one of CloudTrail's JSON records (what the console's row expands to and exports)."""
    record = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": event.user_identity or {},
        "eventTime": _iso(event.event_time),
        "eventSource": event.event_source,
        "eventName": event.event_name,
        "awsRegion": REGION,
        "sourceIPAddress": event.source_ip_address,
        "userAgent": event.user_agent,
        "requestParameters": event.request_parameters,
        "responseElements": event.response_elements,
    }
    if event.event_type == "AwsConsoleSignIn":
        # Sign-in events keep their facts (LoginTo, MFAUsed…) in additionalEventData, not requestParameters.
        record["requestParameters"] = None
        record["additionalEventData"] = event.request_parameters
    # CloudTrail writes errorCode and errorMessage only for calls that failed.
    if event.error_code:
        record["errorCode"] = event.error_code
    if event.error_message:
        record["errorMessage"] = event.error_message
    record.update(
        {
            # No request ID is stored; one derived from the event ID stays the same on every read.
            "requestID": str(uuid.uuid5(event.event_id, "requestID")),
            "eventID": str(event.event_id),
            "readOnly": event.read_only,
            "eventType": event.event_type,
            "managementEvent": True,
            "recipientAccountId": event.account_id or "",
            "eventCategory": "Management",
        }
    )
    return record
