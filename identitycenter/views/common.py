"""What every IAM Identity Center page shares: the instance the signed-in account manages, the reads a
page makes (sso:<Operation>, identitystore:<Operation> on the resource, as the APIs authorize them,
recorded in Event history when refused), breadcrumbs and the pages' steps."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from access.audit import record_event
from access.operations import IDENTITYSTORE_SOURCE, SSO_SOURCE, authorize_operation
from aws.errors import AccessDenied
from console.pages import Page, render_denial
from identitycenter import selectors

TITLE = "IAM Identity Center"
STORE_READS = {
    "ListUsers",
    "DescribeUser",
    "ListGroups",
    "DescribeGroup",
    "ListGroupMemberships",
    "ListGroupMembershipsForMember",
}


def breadcrumbs(*more):
    return [(TITLE, reverse("identitycenter:dashboard") if more else None), *more]


def authorize_read(request, operation, **resources):
    """AccessDenied (recorded, as CloudTrail records refused reads) unless the acting identity may call
    the read `operation` on the instance, permission set, user or group named in `resources`."""
    source = IDENTITYSTORE_SOURCE if operation in STORE_READS else SSO_SOURCE
    try:
        authorize_operation(operation, {"acting": request.acting, **resources}, source)
    except AccessDenied as error:
        record_event(
            acting=request.acting, event_name=operation, error=error, read_only=True, event_source=source
        )
        raise


def read_denial(request, operation, **resources):
    """AWS's message when a section's read is refused (the section shows it in place), else None."""
    try:
        authorize_read(request, operation, **resources)
    except AccessDenied as error:
        return error.message
    return None


def denied(request, error, title=TITLE):
    return render_denial(request, error, Page(title=title))


def managed_instance(request, *operations):
    """(instance, None) once the page's `operations` on the instance are allowed; (None, response):
    the refusal in the page's place, or the dashboard when the account manages no instance."""
    try:
        authorize_read(request, "ListInstances")
    except AccessDenied as error:
        return None, denied(request, error)
    instance = selectors.instance_of(request.acting.account)
    if instance is None:
        messages.info(request, "IAM Identity Center is not enabled.")  # unconfirmed
        return None, redirect("identitycenter:dashboard")
    try:
        for operation in operations:
            authorize_read(request, operation, instance=instance)
    except AccessDenied as error:
        return None, denied(request, error)
    return instance, None


def step_of(request, last):
    """The wizard step the form posted (1 … last)."""
    value = request.POST.get("step", "1")
    number = int(value) if value.isascii() and value.isdigit() else 1
    return min(max(number, 1), last)
