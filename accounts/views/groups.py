"""User groups pages: list, create, detail with Users and Permissions tabs, add users, delete."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accounts import selectors
from accounts.flows import group_create_with_users, group_users_change, groups_delete_with_dependents
from accounts.forms import GroupCreateForm
from accounts.models import Group, IAMUser
from accounts.views.common import PAGE_SIZE, sort_params, with_permissions_shown
from aws.arns import arn_of
from aws.errors import AWSError, NoSuchEntity
from aws.params import search_text
from console.dialogs import confirmation_error
from console.htmx import htmx_redirect, render_htmx, swap_or_redirect
from console.http import http_methods
from console.pages import allowed_rows, read_denial
from console.session import console_login_required
from policies.views.last_accessed import last_accessed_context
from policies.views.permissions import picker_context

GROUP_TABS = [("users", "Users"), ("permissions", "Permissions"), ("last_accessed", "Last Accessed")]


def groups_breadcrumbs(*more):
    return [
        ("IAM", reverse("dashboard")),
        ("User groups", reverse("accounts:group_list") if more else None),
        *more,
    ]


def get_group_or_404(request, name):
    try:
        return selectors.group_get(account=request.acting.account, name=name)
    except NoSuchEntity as exc:
        raise Http404(exc.message) from exc


@console_login_required
@http_methods("GET")
def group_list(request):
    search = search_text(request.GET)
    sort, descending = sort_params(request, selectors.GROUP_SORTS)
    groups = selectors.group_list(
        account=request.acting.account, search=search, sort=sort, descending=descending
    )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_permissions_shown(request, page.object_list)
    context = {
        "page": page,
        "search": search,
        "sort": sort,
        "descending": descending,
        "breadcrumbs": groups_breadcrumbs(),
    }
    return render_htmx(request, "accounts/group_list.html", context, "group-table")


def _user_choices(request, search="", exclude_group=None):
    users = IAMUser.objects.filter(account=request.acting.account)
    if search:
        users = users.filter(name__icontains=search)
    if exclude_group is not None:
        users = users.exclude(memberships__group=exclude_group)
    return users.order_by("name")[:200]


def _with_group_counts(request, users):
    """Each user's group count, shown where its ListGroupsForUser is allowed."""
    users = list(users.annotate(group_count=Count("memberships")).prefetch_related("tags"))
    shown = allowed_rows(request, "ListGroupsForUser", users)
    for user in users:
        user.groups_shown = user.pk in shown
    return users


@console_login_required
@http_methods("GET", "POST")
def group_create(request):
    """Create a group and, optionally, add users to it: one transaction."""
    form = GroupCreateForm(request.POST or None, account=request.acting.account)
    selected = request.POST.getlist("user")
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create_with_users(
                account=request.acting.account,
                name=form.cleaned_data["name"],
                users=list(IAMUser.objects.filter(account=request.acting.account, name__in=selected)),
                policy_arns=request.POST.getlist("policy_arn"),
                acting=request.acting,
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f"{group.name} user group created.")
            return redirect("accounts:group_list")
    # The users table is ListUsers'.
    users_denied = read_denial(request, "ListUsers", arn_of(request.acting.account.id, "user"))
    context = {
        "form": form,
        "error": error,
        "users": []
        if users_denied
        else _with_group_counts(request, _user_choices(request, search_text(request.GET, "user_q"))),
        "users_denied": users_denied,
        "selected": selected,
        "search": search_text(request.GET, "user_q"),
        "breadcrumbs": groups_breadcrumbs(("Create user group", None)),
    }
    if not request.htmx:
        # "Attach permissions policies - optional": the picker of the create user and role wizards,
        # which refreshes itself (policies:policy_picker); its choices come back with the form.
        context.update(
            picker_context(request, data=request.POST if request.method == "POST" else request.GET)
        )
    return render_htmx(
        request,
        "accounts/group_create.html",
        context,
        "group-user-choices",
        status=422 if request.method == "POST" else 200,
    )


@console_login_required
@http_methods("GET")
def group_detail(request, name):
    group = get_group_or_404(request, name)
    tab = request.GET.get("tab", "users")
    if tab not in dict(GROUP_TABS):
        tab = "users"
    return render_htmx(
        request, "accounts/group_detail.html", _detail_context(request, group, tab), "group-tab"
    )


def _detail_context(request, group, tab, **extra):
    # The Users tab pages its members as the users list does; every tab shows their count.
    members = group.users.order_by("name").prefetch_related("groups", "tags")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page") if tab == "users" else 1)
    if tab == "users":  # the other tabs show the count alone
        # Each member's group count is that user's ListGroupsForUser.
        shown = allowed_rows(request, "ListGroupsForUser", page.object_list)
        for member in page.object_list:
            member.groups_shown = member.pk in shown
    context = {
        "group": group,
        "tab": tab,
        "tabs": GROUP_TABS,
        "page": page,
        "breadcrumbs": groups_breadcrumbs((group.name, None)),
        **extra,
    }
    if tab == "last_accessed":
        context.update(last_accessed_context(request, group))
    return context


@console_login_required
@http_methods("GET", "POST")
def group_add_users(request, name):
    """The "Add users" dialog: a checklist of users not yet in the group, filtered as you type."""
    group = get_group_or_404(request, name)
    search = search_text(request.GET)
    error = ""
    if request.method == "POST":
        names = request.POST.getlist("user")
        users = IAMUser.objects.filter(account=request.acting.account, name__in=names)
        try:
            group_users_change(group=group, users=list(users), add=True, acting=request.acting)
        except AWSError as exc:
            error = exc.message
        else:
            if names:
                messages.success(request, f"Users added to {group.name}.")
            return htmx_redirect(request, reverse("accounts:group_detail", args=[group.name]))
    context = {
        "group": group,
        "users": _user_choices(request, search, exclude_group=group),
        "search": search,
        "error": error,
        "breadcrumbs": groups_breadcrumbs(
            (group.name, reverse("accounts:group_detail", args=[group.name])), ("Add users", None)
        ),
    }
    partial = "add-users-list" if request.htmx and request.htmx.target == "add-users-list" else "add-users"
    return render_htmx(
        request, "accounts/group_add_users.html", context, partial, status=422 if error else 200
    )


@console_login_required
@http_methods("POST")
def group_remove_users(request, name):
    group = get_group_or_404(request, name)
    error = ""
    users = IAMUser.objects.filter(account=request.acting.account, name__in=request.POST.getlist("user"))
    try:
        group_users_change(group=group, users=list(users), add=False, acting=request.acting)
    except AWSError as exc:
        error = exc.message
    return swap_or_redirect(
        request,
        lambda: render_htmx(
            request,
            "accounts/group_detail.html",
            _detail_context(request, group, "users", error=error),
            "group-tab",
            status=422 if error else 200,
        ),
        reverse("accounts:group_detail", args=[group.name]),
        error=error,
    )


@console_login_required
@http_methods("GET", "POST")
def group_delete(request):
    """Delete the selected groups: type the group's name (or "delete" for several) to confirm."""
    names = request.POST.getlist("group") if request.method == "POST" else request.GET.getlist("group")
    groups = list(Group.objects.filter(account=request.acting.account, name__in=names).order_by("name"))
    if not groups:
        messages.info(request, "Select one or more user groups to delete.")
        return redirect("accounts:group_list")
    expected = groups[0].name if len(groups) == 1 else "delete"
    error = ""
    if request.method == "POST":
        what = "the user group name" if len(groups) == 1 else '"delete"'
        error = confirmation_error(request, expected, what)
        if not error:
            try:
                groups_delete_with_dependents(groups=groups, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(request, f"{', '.join(group.name for group in groups)} deleted.")
                return htmx_redirect(request, reverse("accounts:group_list"))
    context = {
        "groups": groups,
        "expected": expected,
        "error": error,
        "breadcrumbs": groups_breadcrumbs(("Delete", None)),
    }
    return render_htmx(
        request, "accounts/group_delete.html", context, "group-dialog", status=422 if error else 200
    )
