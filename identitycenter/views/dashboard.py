"""IAM Identity Center's dashboard (with "Enable") and its Settings page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from aws.errors import AccessDenied, AWSError
from console.http import http_methods
from console.session import console_login_required
from identitycenter import portal, selectors, services
from organizations.selectors import managed_organization, membership_of

from .common import authorize_read, breadcrumbs, denied, managed_instance


def portal_url(request, instance):
    """The AWS access portal's URL: this site's /start/<identity store ID>/."""
    return portal.start_url(instance, request.build_absolute_uri("/"))


@console_login_required
@http_methods("GET")
def dashboard(request):
    try:
        authorize_read(request, "ListInstances")
    except AccessDenied as error:
        return denied(request, error)
    account = request.acting.account
    instance = selectors.instance_of(account)
    context = {"instance": instance, "breadcrumbs": breadcrumbs()}
    if instance is None:
        membership = membership_of(account)
        context["organization"] = membership.organization if membership else None
        context["is_management"] = (
            bool(membership) and membership.organization.management_account_id == account.id
        )
    else:
        try:
            authorize_read(request, "DescribeInstance", instance=instance)
        except AccessDenied as error:
            return denied(request, error)
        context.update(
            portal_url=portal_url(request, instance),
            user_count=instance.users.count(),
            group_count=instance.groups.count(),
            permission_set_count=instance.permission_sets.count(),
        )
    return render(request, "identitycenter/dashboard.html", context)


@console_login_required
@http_methods("POST")
def enable(request):
    try:
        services.instance_create(
            organization=managed_organization(request.acting.account), acting=request.acting
        )
    except AWSError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "You successfully enabled IAM Identity Center.")  # unconfirmed
    return redirect("identitycenter:dashboard")


@console_login_required
@http_methods("GET")
def settings(request):
    instance, refused = managed_instance(request, "DescribeInstance")
    if refused:
        return refused
    context = {
        "instance": instance,
        "portal_url": portal_url(request, instance),
        "breadcrumbs": breadcrumbs(("Settings", None)),
        "dashboard_url": reverse("identitycenter:dashboard"),
    }
    return render(request, "identitycenter/settings.html", context)
