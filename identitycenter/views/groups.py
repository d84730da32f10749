"""Groups of the Identity Center directory: the list, Create group (with its members), a group's page."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from aws.errors import AccessDenied, AWSError
from console.dialogs import confirmation_error
from console.htmx import render_htmx
from console.http import http_methods
from console.session import console_login_required
from identitycenter import flows, selectors, services
from identitycenter.models import AccountAssignment, DirectoryGroup, DirectoryUser

from .common import authorize_read, breadcrumbs, denied, managed_instance, read_denial
from .users import _principal_assignments


def _groups_crumb():
    return ("Groups", reverse("identitycenter:group_list"))


@console_login_required
@http_methods("GET")
def group_list(request):
    instance, refused = managed_instance(request, "ListGroups")
    if refused:
        return refused
    search = request.GET.get("q", "").strip()[:128]
    groups = DirectoryGroup.objects.filter(instance=instance)
    if search:
        groups = groups.filter(display_name__icontains=search)
    context = {"groups": list(groups), "search": search, "breadcrumbs": breadcrumbs(("Groups", None))}
    return render_htmx(request, "identitycenter/group_list.html", context, "group-table")


@console_login_required
@http_methods("GET", "POST")
def group_create(request):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    display_name = request.POST.get("display_name", "").strip()
    description = request.POST.get("description", "").strip()
    chosen = set(request.POST.getlist("users"))
    error = ""
    if request.method == "POST":
        users = list(DirectoryUser.objects.filter(instance=instance, id__in=chosen))
        try:
            group = flows.group_create_with_members(
                instance=instance,
                display_name=display_name,
                description=description,
                users=users,
                acting=request.acting,
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f'The group "{group.display_name}" was successfully created.')
            return redirect("identitycenter:group_detail", group_id=group.id)
    users_denial = read_denial(request, "ListUsers", instance=instance)
    context = {
        "display_name": display_name,
        "description": description,
        "chosen": chosen,
        "users": [] if users_denial else list(DirectoryUser.objects.filter(instance=instance)),
        "users_denial": users_denial,
        "error": error,
        "breadcrumbs": breadcrumbs(_groups_crumb(), ("Create group", None)),
    }
    return render(request, "identitycenter/group_create.html", context, status=422 if error else 200)


def _group_or_404(instance, group_id):
    group = selectors.group_in(instance, group_id)
    if group is None:
        raise Http404("No such group.")
    return group


@console_login_required
@http_methods("GET", "POST")
def group_detail(request, group_id):
    """The group's details, members and assignments; POST adds the chosen users or removes the chosen
    members (CreateGroupMembership, DeleteGroupMembership)."""
    instance, refused = managed_instance(request)
    if refused:
        return refused
    group = _group_or_404(instance, group_id)
    if request.method == "POST":
        _change_members(request, instance, group)
        return redirect("identitycenter:group_detail", group_id=group.id)
    try:
        authorize_read(request, "DescribeGroup", instance=instance)
    except AccessDenied as exc:
        return denied(request, exc, "Group")
    members_denial = read_denial(request, "ListGroupMemberships", instance=instance)
    memberships = [] if members_denial else list(group.memberships.select_related("user"))
    assignments_denial = read_denial(request, "ListAccountAssignmentsForPrincipal", instance=instance)
    assignments = (
        []
        if assignments_denial
        else _principal_assignments(instance, AccountAssignment.PrincipalType.GROUP, group.id)
    )
    addable = []
    if not members_denial and not read_denial(request, "ListUsers", instance=instance):
        addable = list(DirectoryUser.objects.filter(instance=instance).exclude(memberships__group=group))
    context = {
        "group": group,
        "addable": addable,
        "memberships": memberships,
        "members_denial": members_denial,
        "assignments": assignments,
        "assignments_denial": assignments_denial,
        "breadcrumbs": breadcrumbs(_groups_crumb(), (group.display_name, None)),
    }
    return render(request, "identitycenter/group_detail.html", context)


def _change_members(request, instance, group):
    action = request.POST.get("action")
    try:
        with transaction.atomic():
            if action == "add_users":
                users = list(
                    DirectoryUser.objects.filter(instance=instance, id__in=request.POST.getlist("users"))
                )
                for user in users:
                    services.membership_create(group=group, user=user, acting=request.acting)
                changed = len(users)
            else:
                memberships = list(
                    group.memberships.select_related("group__instance").filter(
                        id__in=request.POST.getlist("memberships")
                    )
                )
                for membership in memberships:
                    services.membership_delete(membership=membership, acting=request.acting)
                changed = len(memberships)
    except AWSError as exc:
        messages.error(request, exc.message)
        return
    if not changed:
        messages.error(request, "Select at least one user.")  # unconfirmed
    elif action == "add_users":
        messages.success(request, f"Added {changed} user{'s' if changed != 1 else ''} to the group.")
    else:
        messages.success(request, f"Removed {changed} user{'s' if changed != 1 else ''} from the group.")


@console_login_required
@http_methods("POST")
def group_delete(request, group_id):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    group = _group_or_404(instance, group_id)
    unconfirmed = confirmation_error(request, group.display_name, "the group name")
    if unconfirmed:
        messages.error(request, unconfirmed)
        return redirect("identitycenter:group_detail", group_id=group.id)
    try:
        services.group_delete(group=group, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
        return redirect("identitycenter:group_detail", group_id=group.id)
    messages.success(request, f"The group {group.display_name} was deleted.")  # unconfirmed
    return redirect("identitycenter:group_list")
