"""Reads for Event history: one account's audit events, filtered like CloudTrail's lookup attributes,
and each event as the JSON record CloudTrail writes."""

import uuid
from datetime import UTC

from django.db.models import Q

from accounts.models import AuditEvent

EVENT_VERSION = "1.08"
REGION = "us-east-1"
# A download holds at most this many events, as the console caps its export.
EXPORT_LIMIT = 10_000

# requestParameters keys that name the resource an event acted on (CloudTrail's "Resource name").
RESOURCE_KEYS = (
    "userName",
    "newUserName",
    "groupName",
    "roleName",
    "policyArn",
    "policyName",
    "instanceProfileName",
    "serialNumber",
    "virtualMFADeviceName",
    "accessKeyId",
    "roleArn",
    "openIDConnectProviderArn",
    "sAMLProviderArn",
)


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
        events = events.filter(_user_name_q(user_name))
    if event_name:
        events = events.filter(event_name=event_name)
    if resource_name:
        resource_q = Q()
        for key in RESOURCE_KEYS:
            resource_q |= Q(**{f"request_parameters__{key}": resource_name})
        events = events.filter(resource_q)
    if event_source:
        events = events.filter(event_source=event_source)
    if read_only is not None:
        events = events.filter(read_only=read_only)
    if start is not None:
        events = events.filter(event_time__gte=start)
    if end is not None:
        events = events.filter(event_time__lte=end)
    return events.order_by("-event_time", "-id")


def _user_name_q(name):
    # The console shows root as "root" and a role session by its session name (the ARN's last part).
    q = Q(user_identity__userName=name) | Q(
        user_identity__type="AssumedRole", user_identity__arn__endswith=f"/{name}"
    )
    if name == "root":
        q |= Q(user_identity__type="Root")
    return q


def event_user_name(event):
    identity = event.user_identity or {}
    kind = identity.get("type")
    if kind == "Root":
        return "root"
    if kind == "AssumedRole":
        return identity.get("arn", "").rsplit("/", 1)[-1]
    return identity.get("userName", "")


def event_resource_names(event):
    parameters = event.request_parameters if isinstance(event.request_parameters, dict) else {}
    names = []
    for key in RESOURCE_KEYS:
        value = parameters.get(key)
        if isinstance(value, str) and value and value not in names:
            names.append(value)
    return names


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
