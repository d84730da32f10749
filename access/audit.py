"""Audit events shaped like CloudTrail records, written by every service."""

import contextlib
import contextvars
import functools

from django.db import transaction

from access.operations import OPERATIONS, ORGANIZATIONS_SOURCE, SELF_AUTHORIZED, authorize_operation
from accounts.models import AuditEvent
from aws.errors import AccessDenied, AWSError
from aws.organizations_errors import AccessDeniedException
from policies.engine import catalog

REDACTED = "HIDDEN_DUE_TO_SECURITY_REASONS"
_SECRET_WORDS = ("password", "secret", "authenticationcode", "privatekey", "seed")


def redact(value):
    """Replace passwords, secrets and MFA codes anywhere in a parameters structure, as CloudTrail does."""
    if isinstance(value, dict):
        # Secrets are strings; numbers and flags under such keys (minimumPasswordLength,
        # passwordResetRequired) are settings, which CloudTrail shows.
        return {
            key: REDACTED
            if any(word in key.lower() for word in _SECRET_WORDS) and isinstance(val, str)
            else redact(val)
            for key, val in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def record_event(
    *,
    acting,
    event_name,
    request_parameters=None,
    response_elements=None,
    error=None,
    read_only=False,
    event_source="iam.amazonaws.com",
    event_type="AwsApiCall",
    account=None,
    event_id=None,
    event_time=None,
):
    # A given ID and time: a refusal written again after a rollback; a call placed in the past (tests).
    extra = {"event_id": event_id} if event_id is not None else {}
    if event_time is not None:
        extra["event_time"] = event_time
    recorded = AuditEvent.objects.record(
        **extra,
        account=account or (acting.account if acting else None),
        event_name=event_name,
        event_source=event_source,
        event_type=event_type,
        user_identity=acting.user_identity() if acting else {},
        source_ip_address=acting.source_ip if acting else "",
        user_agent=acting.user_agent if acting else "",
        request_parameters=redact(request_parameters) if request_parameters is not None else None,
        response_elements=redact(response_elements) if response_elements is not None else None,
        error_code=error.code if error else "",
        error_message=error.message if error else "",
        read_only=read_only,
        aws_region=(acting.requested_region if acting else "") or "us-east-1",
        principal_id=acting.entity_id if acting else "",
    )
    failures = _FAILURES.get()
    if error is not None and failures is not None:
        failures.append(recorded.event_id)
    return recorded


# The events of failed calls recorded during the API call under way (see `failure_recorded`).
_FAILURES = contextvars.ContextVar("audit_failures", default=None)


def read_only_operation(name, event_source):
    """CloudTrail's readOnly of the operation `name` of the service behind `event_source`: whether its
    action's access level is Read or List."""
    if event_source == "iam.amazonaws.com":
        action = OPERATIONS[name].action if name in OPERATIONS else f"iam:{name}"
    else:
        action = f"{event_source.partition('.')[0]}:{name}"
    found = catalog.action(action)
    return found is not None and found.access_level in ("Read", "List")


@contextlib.contextmanager
def failure_recorded(*, acting, event_name, request_parameters, event_source):
    """Around one AWS API call of a caller already known (authenticated): the AWS error it fails with
    is in Event history even when nothing recorded it on the way (a name that does not exist, a member
    a handler rejects), written after the call's transactions have rolled back, so the event is all
    that is left of the call. CloudTrail records every call it can attribute, failed or not (a
    request its model rejects too). Yields the event's fields: the caller sets its requestParameters
    again once the request is read."""
    failures = []
    token = _FAILURES.set(failures)
    call = {"request_parameters": request_parameters}
    try:
        yield call
    except AWSError as error:
        _FAILURES.reset(token)
        token = None
        # An event recorded inside a transaction that then rolled back is gone (unless kept as a refusal).
        if not (failures and AuditEvent.objects.filter(event_id__in=failures).exists()):
            record_event(
                acting=acting,
                event_name=event_name,
                request_parameters=call["request_parameters"],
                error=error,
                read_only=read_only_operation(event_name, event_source),
                event_source=event_source,
            )
        raise
    finally:
        if token is not None:
            _FAILURES.reset(token)


# Refused calls are recorded at once; when an enclosing transaction (a console flow) rolls back, the
# record goes with it, so the request writes it again once its transactions have ended. CloudTrail
# records every denial.
_REFUSALS = contextvars.ContextVar("audit_refusals", default=None)


def record_refusal(**event):
    """Record a failed call so that no rollback of an enclosing transaction can erase it."""
    recorded = record_event(**event)
    pending = _REFUSALS.get()
    if pending is not None and transaction.get_connection().in_atomic_block:
        pending.append((recorded.event_id, event))
    return recorded


@contextlib.contextmanager
def refusals_kept():
    """Around a request (or a flow called on its own): afterwards, write again the refusals its
    rolled-back transactions erased. Nested, the outermost one writes them."""
    if _REFUSALS.get() is not None:
        yield
        return
    token = _REFUSALS.set([])
    try:
        yield
    finally:
        pending = _REFUSALS.get()
        _REFUSALS.reset(token)
        if pending:
            kept = set(
                AuditEvent.objects.filter(event_id__in=[event_id for event_id, _ in pending]).values_list(
                    "event_id", flat=True
                )
            )
            for event_id, event in pending:
                if event_id not in kept:
                    record_event(**event, event_id=event_id)


def all_or_nothing(flow):
    """A flow: one transaction, so that a refusal half-way changes nothing, and its refusals kept in
    Event history after the rollback."""

    @functools.wraps(flow)
    def wrapper(*args, **kwargs):
        with refusals_kept(), transaction.atomic():
            return flow(*args, **kwargs)

    return wrapper


def refuse_if_write_locked(acting, event_source):
    """A write locked account (a closed classroom's seat) refuses every write, with its reason."""
    reason = acting.account.write_locked_reason if acting is not None else ""
    if reason:
        raise (AccessDeniedException if event_source == ORGANIZATIONS_SOURCE else AccessDenied)(reason)


def audited(event_name, *, params, response=None, read_only=False, event_source="iam.amazonaws.com"):
    """Authorize, then run a keyword-only service atomically and record its audit event.

    The acting principal must be allowed the operation `event_name` (accounts/operations.py says
    which action on which resource), except for the operations that decide for themselves.
    `params(kwargs)` gives AWS's requestParameters; `response(result)` its responseElements. A
    typed AWS error rolls the write back and is then recorded with errorCode and errorMessage.
    """

    authorized = event_name not in SELF_AUTHORIZED

    def decorate(service):
        @functools.wraps(service)
        def wrapper(**kwargs):
            acting = kwargs["acting"]
            request_parameters = params(kwargs)
            try:
                with transaction.atomic():
                    if not read_only:
                        refuse_if_write_locked(acting, event_source)
                    if authorized:
                        authorize_operation(event_name, kwargs, event_source)
                    result = service(**kwargs)
                    if acting is not None and acting.cache:
                        acting.cache.clear()  # the caller's own policies may have changed
                    record_event(
                        acting=acting,
                        event_name=event_name,
                        request_parameters=request_parameters,
                        response_elements=response(result) if response else None,
                        read_only=read_only,
                        event_source=event_source,
                    )
                    return result
            except AWSError as error:
                record_refusal(
                    acting=acting,
                    event_name=event_name,
                    request_parameters=request_parameters,
                    error=error,
                    read_only=read_only,
                    event_source=event_source,
                )
                raise

        return wrapper

    return decorate
