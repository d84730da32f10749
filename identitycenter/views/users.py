"""Users of the Identity Center directory: the list, the Add user wizard, a user's page, Delete."""

from django.contrib import messages
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

from .common import authorize_read, breadcrumbs, denied, managed_instance, read_denial, step_of
from .dashboard import portal_url

USER_STEPS = ((1, "Specify user details"), (2, "Add user to groups"), (3, "Review and add user"))
DETAIL_FIELDS = ("user_name", "email", "confirm_email", "given_name", "family_name", "display_name")


def _users_crumb():
    return ("Users", reverse("identitycenter:user_list"))


@console_login_required
@http_methods("GET")
def user_list(request):
    instance, refused = managed_instance(request, "ListUsers")
    if refused:
        return refused
    search = request.GET.get("q", "").strip()[:128]
    users = DirectoryUser.objects.filter(instance=instance)
    if search:
        users = users.filter(user_name__icontains=search)
    context = {"users": list(users), "search": search, "breadcrumbs": breadcrumbs(("Users", None))}
    return render_htmx(request, "identitycenter/user_list.html", context, "user-table")


def _details_errors(data):
    """The first step's refusals, field by field (the console checks them before the next step)."""
    errors = {}
    for field, label in (
        ("user_name", "Username"),
        ("email", "Email address"),
        ("given_name", "First name"),
        ("family_name", "Last name"),
        ("display_name", "Display name"),
    ):
        if not data[field].strip():
            errors[field] = f"{label} is required."  # unconfirmed
    if data["email"] and "@" not in data["email"]:
        errors["email"] = "Enter a valid email address."  # unconfirmed
    elif data["email"] != data["confirm_email"]:
        errors["confirm_email"] = "The email addresses must match."  # unconfirmed
    return errors


@console_login_required
@http_methods("GET", "POST")
def user_create(request):
    """Add user: details (username, password setup, email, names), groups, review."""
    instance, refused = managed_instance(request)
    if refused:
        return refused
    data = {field: request.POST.get(field, "").strip() for field in DETAIL_FIELDS}
    data["password_mode"] = "one_time" if request.POST.get("password_mode") == "one_time" else "email"
    chosen = set(request.POST.getlist("groups"))
    step = step_of(request, 3) if request.method == "POST" else 1
    errors, error = {}, ""
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action == "previous":
            step = max(step - 1, 1)
        elif action.startswith("edit_"):
            step = 1 if action == "edit_1" else 2
        elif step == 1:
            errors = _details_errors(data)
            step = 1 if errors else 2
        elif step == 2:
            step = 3
        elif step == 3:
            groups = list(DirectoryGroup.objects.filter(instance=instance, id__in=chosen))
            try:
                user, password = flows.user_create_with_groups(
                    instance=instance,
                    user_name=data["user_name"],
                    display_name=data["display_name"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    email=data["email"],
                    groups=groups,
                    password_mode=data["password_mode"],
                    base_url=request.build_absolute_uri("/"),
                    acting=request.acting,
                )
            except AWSError as exc:
                error = exc.message
            else:
                if password:
                    # Shown once, in this response only.
                    context = {
                        "created": user,
                        "password": password,
                        "portal_url": portal_url(request, instance),
                        "breadcrumbs": breadcrumbs(_users_crumb(), ("Add user", None)),
                    }
                    return render(request, "identitycenter/user_password.html", context)
                messages.success(
                    request,
                    f'The user "{user.user_name}" was successfully added and an email was sent to '
                    f"{user.primary_email} with instructions for setting up a password.",
                )  # unconfirmed
                return redirect("identitycenter:user_detail", user_id=user.id)
    group_denial = read_denial(request, "ListGroups", instance=instance)
    groups = [] if group_denial else list(DirectoryGroup.objects.filter(instance=instance))
    context = {
        "data": data,
        "chosen": chosen,
        "chosen_groups": [group for group in groups if group.id in chosen],
        "groups": groups,
        "group_denial": group_denial,
        "errors": errors,
        "error": error,
        "step": step,
        "steps": USER_STEPS,
        "breadcrumbs": breadcrumbs(_users_crumb(), ("Add user", None)),
    }
    status = 422 if errors or error else 200
    return render_htmx(request, "identitycenter/user_create.html", context, "wizard-step", status=status)


def _principal_assignments(instance, principal_type, principal_id):
    """The principal's assignments, with their accounts, by account."""
    return list(
        AccountAssignment.objects.filter(
            permission_set__instance=instance, principal_type=principal_type, principal_id=principal_id
        )
        .select_related("permission_set", "account")
        .order_by("account__name", "permission_set__name")
    )


def _user_assignments(instance, user):
    """The assignments reaching the user, directly or through its groups (what the access portal
    shows it), each with `through`: "Direct" or the group's name."""
    groups = dict(
        DirectoryGroup.objects.filter(instance=instance, memberships__user=user).values_list(
            "id", "display_name"
        )
    )
    assignments = sorted(
        selectors.assignments_of_user(instance, user),
        key=lambda each: (each.account.name.lower(), each.permission_set.name.lower()),
    )
    for assignment in assignments:
        direct = assignment.principal_type == AccountAssignment.PrincipalType.USER
        assignment.through = "Direct" if direct else f"Group: {groups.get(assignment.principal_id, '')}"
    return assignments


def _user_or_404(instance, user_id):
    user = selectors.user_in(instance, user_id)
    if user is None:
        raise Http404("No such user.")
    return user


@console_login_required
@http_methods("GET")
def user_detail(request, user_id):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    user = _user_or_404(instance, user_id)
    try:
        authorize_read(request, "DescribeUser", instance=instance)
    except AccessDenied as exc:
        return denied(request, exc, "User")
    groups_denial = read_denial(request, "ListGroupMembershipsForMember", instance=instance)
    memberships = [] if groups_denial else list(user.memberships.select_related("group"))
    assignments_denial = read_denial(request, "ListAccountAssignmentsForPrincipal", instance=instance)
    assignments = [] if assignments_denial else _user_assignments(instance, user)
    context = {
        "directory_user": user,
        "memberships": memberships,
        "groups_denial": groups_denial,
        "assignments": assignments,
        "assignments_denial": assignments_denial,
        "breadcrumbs": breadcrumbs(_users_crumb(), (user.user_name, None)),
    }
    return render(request, "identitycenter/user_detail.html", context)


@console_login_required
@http_methods("POST")
def user_delete(request, user_id):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    user = _user_or_404(instance, user_id)
    unconfirmed = confirmation_error(request, user.user_name, "the username")
    if unconfirmed:
        messages.error(request, unconfirmed)
        return redirect("identitycenter:user_detail", user_id=user.id)
    try:
        services.user_delete(user=user, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
        return redirect("identitycenter:user_detail", user_id=user.id)
    messages.success(request, f"The user {user.user_name} was deleted.")  # unconfirmed
    return redirect("identitycenter:user_list")
