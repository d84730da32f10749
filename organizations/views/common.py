"""What every Organizations page shares: who may see it, breadcrumbs, and errors shown in place."""

from django.shortcuts import render
from django.urls import reverse

from accounts.authorization import authorize
from accounts.errors import AccessDenied

from .. import selectors


def breadcrumbs(*more):
    return [("AWS Organizations", reverse("organizations:accounts") if more else None), *more]


def denied(request, error):
    """The page AWS shows when the caller's policies refuse an Organizations read."""
    return render(
        request,
        "organizations/denied.html",
        {"message": error.message, "breadcrumbs": breadcrumbs()},
        status=403,
    )


def managed_organization(request, action):
    """(organization, None) for the management account's identities allowed `action`;
    (None, response) otherwise: AccessDenied for the policies, None when it manages no organization."""
    try:
        authorize(acting=request.acting, action=action)
    except AccessDenied as exc:
        return None, denied(request, exc)
    return selectors.managed_organization(request.acting.account), None
