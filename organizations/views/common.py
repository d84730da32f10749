"""What every Organizations page shares: who may see it, breadcrumbs, and errors shown in place."""

from django.urls import reverse

from access.authorization import authorize
from aws.errors import AccessDenied
from console.pages import Page, render_denial

from .. import selectors


def breadcrumbs(*more):
    return [("AWS Organizations", reverse("organizations:accounts") if more else None), *more]


def denied(request, error):
    """AWS's message in place of the page, as every console page shows a refused read."""
    return render_denial(request, error, Page("", title="AWS Organizations"))


def refusal(request, action):
    """AWS's message when the acting identity may not call `action` (a section shows it), else None."""
    try:
        authorize(acting=request.acting, action=action)
    except AccessDenied as exc:
        return exc.message
    return None


def managed_organization(request, action):
    """(organization, None) for the management account's identities allowed `action`;
    (None, response) otherwise: AccessDenied for the policies, None when it manages no organization."""
    try:
        authorize(acting=request.acting, action=action)
    except AccessDenied as exc:
        return None, denied(request, exc)
    return selectors.managed_organization(request.acting.account), None
