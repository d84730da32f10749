"""AWS accounts: the organization's tree to pick accounts from, "Assign users or groups" (principals →
permission sets → review), and an account's assignments with their provisioning status."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from access.authorization import authorize
from aws.errors import AccessDenied, AWSError
from console.http import http_methods
from console.session import console_login_required
from identitycenter import flows, selectors
from identitycenter.models import (
    AccountAssignment,
    DirectoryGroup,
    DirectoryUser,
    ProvisionedPermissionSet,
    ProvisioningRequest,
)
from organizations.selectors import organization_tree

from .common import breadcrumbs, denied, managed_instance, read_denial, step_of

ASSIGN_STEPS = ((1, "Select users and groups"), (2, "Select permission sets"), (3, "Review and submit"))


def _accounts_crumb():
    return ("AWS accounts", reverse("identitycenter:accounts"))


def _tree_rows(node, rows):
    for child in node.children:
        rows.append(child)
        _tree_rows(child, rows)
    return rows


def _organization_instance(request):
    """(instance, None) when the page may list the organization's accounts, else (None, response)."""
    instance, refused = managed_instance(request, "ListPermissionSetsProvisionedToAccount")
    if refused:
        return None, refused
    try:
        authorize(acting=request.acting, action="organizations:ListAccounts")
    except AccessDenied as exc:
        return None, denied(request, exc, "AWS accounts")
    return instance, None


@console_login_required
@http_methods("GET")
def account_list(request):
    instance, refused = _organization_instance(request)
    if refused:
        return refused
    tree = organization_tree(instance.organization)
    rows = _tree_rows(tree, [])
    provisioned = {}
    for row in ProvisionedPermissionSet.objects.filter(permission_set__instance=instance).select_related(
        "permission_set"
    ):
        provisioned.setdefault(row.account_id, []).append(row.permission_set.name)
    for node in rows:
        node.permission_set_names = sorted(provisioned.get(node.id, []), key=str.lower)
    context = {
        "tree": tree,
        "rows": rows,
        "breadcrumbs": breadcrumbs(("AWS accounts", None)),
    }
    return render(request, "identitycenter/account_list.html", context)


def _principals(instance, values):
    """The users and groups posted as USER:<id> / GROUP:<id>, of this instance only."""
    wanted = {"USER": set(), "GROUP": set()}
    for value in values:
        kind, _, principal_id = value.partition(":")
        if kind in wanted:
            wanted[kind].add(principal_id)
    users = list(DirectoryUser.objects.filter(instance=instance, id__in=wanted["USER"]))
    groups = list(DirectoryGroup.objects.filter(instance=instance, id__in=wanted["GROUP"]))
    return users, groups


@console_login_required
@http_methods("GET", "POST")
def assign(request):
    """Assign users or groups to the accounts chosen on the AWS accounts page."""
    instance, refused = _organization_instance(request)
    if refused:
        return refused
    data = request.POST if request.method == "POST" else request.GET
    organization_ids = set(instance.organization.memberships.values_list("account_id", flat=True))
    account_ids = [account_id for account_id in data.getlist("accounts") if account_id in organization_ids]
    if not account_ids:
        messages.error(request, "Select at least one AWS account.")  # unconfirmed
        return redirect("identitycenter:accounts")
    users, groups = _principals(instance, data.getlist("principals"))
    permission_sets = list(instance.permission_sets.filter(id__in=data.getlist("permission_sets")))
    step = step_of(request, 3) if request.method == "POST" else 1
    action = request.POST.get("action", "")
    error = ""
    if request.method == "POST":
        if action == "previous":
            step = max(step - 1, 1)
        elif step == 1:
            error = "" if users or groups else "Select at least one user or group."  # unconfirmed
            step = 1 if error else 2
        elif step == 2:
            error = "" if permission_sets else "Select at least one permission set."  # unconfirmed
            step = 2 if error else 3
        else:
            return _submit(request, instance, account_ids, users, groups, permission_sets)
    users_denial = read_denial(request, "ListUsers", instance=instance)
    groups_denial = read_denial(request, "ListGroups", instance=instance)
    sets_denial = read_denial(request, "ListPermissionSets", instance=instance)
    chosen = {f"USER:{user.id}" for user in users} | {f"GROUP:{group.id}" for group in groups}
    context = {
        "step": step,
        "steps": ASSIGN_STEPS,
        "error": error,
        "accounts": list(
            instance.organization.memberships.filter(account_id__in=account_ids).select_related("account")
        ),
        "account_ids": account_ids,
        "all_users": [] if users_denial else list(DirectoryUser.objects.filter(instance=instance)),
        "all_groups": [] if groups_denial else list(DirectoryGroup.objects.filter(instance=instance)),
        "all_permission_sets": [] if sets_denial else list(selectors.permission_sets_of(instance)),
        "users_denial": users_denial,
        "groups_denial": groups_denial,
        "sets_denial": sets_denial,
        "chosen": chosen,
        "chosen_users": users,
        "chosen_groups": groups,
        "chosen_sets": {permission_set.id for permission_set in permission_sets},
        "permission_sets": permission_sets,
        "breadcrumbs": breadcrumbs(_accounts_crumb(), ("Assign users and groups", None)),
    }
    return render(request, "identitycenter/assign.html", context, status=422 if error else 200)


def _submit(request, instance, account_ids, users, groups, permission_sets):
    principals = [(AccountAssignment.PrincipalType.USER, user.id) for user in users] + [
        (AccountAssignment.PrincipalType.GROUP, group.id) for group in groups
    ]
    failed = []
    count = 0
    for account_id in account_ids:
        for permission_set in permission_sets:
            for principal_type, principal_id in principals:
                try:
                    request_status = flows.assignment_create(
                        permission_set=permission_set,
                        account_id=account_id,
                        principal_type=principal_type,
                        principal_id=principal_id,
                        acting=request.acting,
                    )
                except AWSError as exc:
                    failed.append(exc.message)
                    continue
                if request_status.status == ProvisioningRequest.Status.FAILED:
                    failed.append(request_status.failure_reason)
                else:
                    count += 1
    for reason in dict.fromkeys(failed):
        messages.error(request, reason)
    if count:
        messages.success(
            request,
            f"Successfully assigned {len(principals)} user or group{'' if len(principals) == 1 else 's'} "
            f"to {len(account_ids)} AWS account{'' if len(account_ids) == 1 else 's'}.",
        )  # unconfirmed
    if len(account_ids) == 1:
        return redirect("identitycenter:account_detail", account_id=account_ids[0])
    return redirect("identitycenter:accounts")


def status_of(provisioned, last_request):
    """The provisioning status the console shows for a permission set in an account."""
    if last_request is not None and last_request.status == ProvisioningRequest.Status.FAILED:
        return "Failed", last_request.failure_reason
    if provisioned is None:
        return "Not provisioned", ""
    return ("Provisioned", "") if provisioned.current else ("Outdated", "")


def last_requests(instance, **filters):
    """The latest provisioning or assignment-creation request per (permission set ARN, account)."""
    latest = {}
    for request in ProvisioningRequest.objects.filter(
        instance=instance,
        kind__in=[
            ProvisioningRequest.Kind.ASSIGNMENT_CREATION,
            ProvisioningRequest.Kind.PERMISSION_SET_PROVISIONING,
        ],
        **filters,
    ).order_by("created_at"):
        latest[(request.permission_set_arn, request.target_id)] = request
    return latest


@console_login_required
@http_methods("GET", "POST")
def account_detail(request, account_id):
    """The account's assignments and the permission sets provisioned to it; POST removes assignments."""
    instance, refused = _organization_instance(request)
    if refused:
        return refused
    account = selectors.organization_account(instance, account_id)
    if account is None:
        raise Http404("No such account in the organization.")
    if request.method == "POST":
        return _remove(request, instance, account)
    denial = read_denial(request, "ListAccountAssignments", instance=instance)
    assignments = (
        []
        if denial
        else list(
            AccountAssignment.objects.filter(permission_set__instance=instance, account=account)
            .select_related("permission_set")
            .order_by("permission_set__name", "principal_type", "principal_id")
        )
    )
    users = {
        user.id: user
        for user in DirectoryUser.objects.filter(
            instance=instance, id__in=[a.principal_id for a in assignments if a.principal_type == "USER"]
        )
    }
    groups = {
        group.id: group
        for group in DirectoryGroup.objects.filter(
            instance=instance, id__in=[a.principal_id for a in assignments if a.principal_type == "GROUP"]
        )
    }
    provisioned = {
        row.permission_set_id: row
        for row in ProvisionedPermissionSet.objects.filter(
            permission_set__instance=instance, account=account
        ).select_related("permission_set", "role")
    }
    latest = last_requests(instance, target_id=account.id)
    sets = {}
    for assignment in assignments:
        sets.setdefault(assignment.permission_set_id, assignment.permission_set)
    for row in provisioned.values():
        sets.setdefault(row.permission_set_id, row.permission_set)
    permission_sets = []
    for permission_set in sorted(sets.values(), key=lambda each: each.name.lower()):
        row = provisioned.get(permission_set.id)
        status, reason = status_of(row, latest.get((permission_set.arn, account.id)))
        permission_sets.append(
            {"permission_set": permission_set, "row": row, "status": status, "reason": reason}
        )
    rows = []
    for assignment in assignments:
        if assignment.principal_type == "USER":
            principal = users.get(assignment.principal_id)
            label = principal.user_name if principal else assignment.principal_id
        else:
            principal = groups.get(assignment.principal_id)
            label = principal.display_name if principal else assignment.principal_id
        rows.append({"assignment": assignment, "label": label, "principal": principal})
    context = {
        "account": account,
        "rows": rows,
        "permission_sets": permission_sets,
        "denial": denial,
        "breadcrumbs": breadcrumbs(_accounts_crumb(), (account.name, None)),
    }
    return render(request, "identitycenter/account_detail.html", context)


def _remove(request, instance, account):
    """Remove access: the chosen assignments (posted as <permission set id>:<type>:<principal id>)."""
    chosen = request.POST.getlist("assignments")
    if not chosen:
        messages.error(request, "Select at least one assignment.")  # unconfirmed
    for value in chosen:
        permission_set_id, _, principal = value.partition(":")
        principal_type, _, principal_id = principal.partition(":")
        permission_set = instance.permission_sets.filter(id=permission_set_id).first()
        if permission_set is None:
            continue
        try:
            flows.assignment_delete(
                permission_set=permission_set,
                account_id=account.id,
                principal_type=principal_type,
                principal_id=principal_id,
                acting=request.acting,
            )
        except AWSError as exc:
            messages.error(request, exc.message)
            break
    else:
        if chosen:
            messages.success(request, "Access was removed.")  # unconfirmed
    return redirect("identitycenter:account_detail", account_id=account.id)
