"""What the accounts app's pages share: the user a URL names, the users breadcrumbs, list sorting,
the groups' Permissions cells."""

from django.http import Http404
from django.urls import reverse

from accounts import selectors
from aws.errors import NoSuchEntity
from console.pages import allowed_rows

PAGE_SIZE = 20


def get_user_or_404(request, name):
    try:
        return selectors.user_get(account=request.acting.account, name=name)
    except NoSuchEntity as exc:
        raise Http404(exc.message) from exc


def signin_url(request):
    return request.build_absolute_uri(f"/signin/{request.acting.account.signin_identifier}")


def users_breadcrumbs(*more):
    return [("IAM", reverse("dashboard")), ("Users", reverse("accounts:user_list") if more else None), *more]


def sort_params(request, allowed):
    sort = request.GET.get("sort", "name")
    if sort not in allowed:
        sort = "name"
    return sort, request.GET.get("order") == "desc"


def with_permissions_shown(request, groups):
    """The groups, each marked with whether its policies may be listed: the console reads a group's
    attached (ListAttachedGroupPolicies) and inline (ListGroupPolicies) policies for its row."""
    groups = list(groups)
    shown = allowed_rows(request, "ListAttachedGroupPolicies", groups) & allowed_rows(
        request, "ListGroupPolicies", groups
    )
    for group in groups:
        group.permissions_shown = group.pk in shown
    return groups
