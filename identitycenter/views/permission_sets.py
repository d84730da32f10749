"""Permission sets: the list, the Create permission set wizard, a permission set's page (its accounts,
permissions and tags), Edit, its policies' changes, re-provisioning and Delete."""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from access.authorization import authorize
from aws.errors import AccessDenied, AWSError
from aws.params import ascii_int
from console.dialogs import confirmation_error
from console.htmx import render_htmx
from console.http import http_methods
from console.session import console_login_required
from console.tags import parse_tags, remove_tag_row
from identitycenter import flows, selectors, services
from identitycenter.models import ResourceTag, iso_duration_seconds
from policies.models import ManagedPolicy

from .accounts import last_requests, status_of
from .common import authorize_read, breadcrumbs, denied, managed_instance, step_of

CREATE_STEPS = (
    (1, "Select permission set type"),
    (2, "Specify policies and permissions boundary"),
    (3, "Specify permission set details"),
    (4, "Review and create"),
)
# The console's "Session duration" select; "Custom duration" takes hours and minutes.
DURATIONS = (
    ("PT1H", "1 hour"),
    ("PT2H", "2 hours"),
    ("PT4H", "4 hours"),
    ("PT8H", "8 hours"),
    ("PT12H", "12 hours"),
)
POLICY_ROWS = 25
TABS = (("accounts", "AWS accounts"), ("permissions", "Permissions"), ("tags", "Tags"))


def _sets_crumb():
    return ("Permission sets", reverse("identitycenter:permission_set_list"))


def duration_label(value):
    labels = dict(DURATIONS)
    if value in labels:
        return labels[value]
    seconds = iso_duration_seconds(value) or 0
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} hour{'s' if hours != 1 else ''}" + (
        f" {minutes} minute{'s' if minutes != 1 else ''}" if minutes else ""
    )


@console_login_required
@http_methods("GET")
def permission_set_list(request):
    instance, refused = managed_instance(request, "ListPermissionSets")
    if refused:
        return refused
    permission_sets = list(selectors.permission_sets_of(instance))
    for permission_set in permission_sets:
        permission_set.duration_label = duration_label(permission_set.session_duration)
    context = {"permission_sets": permission_sets, "breadcrumbs": breadcrumbs(("Permission sets", None))}
    return render_htmx(request, "identitycenter/permission_set_list.html", context, "permission-set-table")


def _draft(data):
    """The wizard's fields as posted (every step's inputs travel with every step)."""
    references = [
        [name.strip(), path.strip()]
        for name, path in zip(data.getlist("ref_name"), data.getlist("ref_path"), strict=False)
    ]
    duration = data.get("duration", "PT1H")
    tags, tags_error = parse_tags(data)
    return {
        "type": "predefined" if data.get("type") == "predefined" else "custom",
        "predefined": data.get("predefined", "") if data.get("predefined") in flows.PREDEFINED else "",
        "managed": [arn for arn in data.getlist("managed") if arn.startswith("arn:aws:iam::aws:policy/")],
        "references": references,
        "inline_policy": data.get("inline_policy", ""),
        "boundary_mode": data.get("boundary_mode", "none"),
        "boundary_arn": data.get("boundary_arn", "").strip(),
        "boundary_name": data.get("boundary_name", "").strip(),
        "boundary_path": data.get("boundary_path", "").strip() or "/",
        "name": data.get("name", "").strip(),
        "description": data.get("description", "").strip(),
        "duration": duration,
        "custom_hours": data.get("custom_hours", "").strip(),
        "custom_minutes": data.get("custom_minutes", "").strip(),
        "relay_state": data.get("relay_state", "").strip(),
        "tags": [[key, value] for key, value in tags],
        "tags_error": tags_error,
    }


def _session_duration(draft):
    """The ISO 8601 duration of the select, or of "Custom duration"'s hours and minutes (PT0H for
    none, which the service refuses as it refuses anything outside 1 to 12 hours)."""
    if draft["duration"] != "custom":
        return draft["duration"] if draft["duration"] in dict(DURATIONS) else "PT1H"
    # A few digits at most: a longer number is no duration (and int() refuses thousands of digits).
    hours = ascii_int(draft["custom_hours"][:5]) or 0
    minutes = ascii_int(draft["custom_minutes"][:5]) or 0
    if not hours and not minutes:
        return "PT0H"
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")


def _boundary(draft):
    if draft["boundary_mode"] == "managed" and draft["boundary_arn"]:
        return {"managed_arn": draft["boundary_arn"]}
    if draft["boundary_mode"] == "customer" and draft["boundary_name"]:
        return {"name": draft["boundary_name"], "path": draft["boundary_path"]}
    return None


def _policy_table(request, query, chosen):
    """The AWS managed policies the table shows (the chosen first, then the search's first rows), or
    AWS's refusal of iam:ListPolicies in its place."""
    try:
        authorize(acting=request.acting, action="iam:ListPolicies")
    except AccessDenied as exc:
        return [], exc.message
    query = query[:128]
    policies = ManagedPolicy.objects.filter(account__isnull=True)
    rows = list(policies.filter(arn__in=chosen).order_by("name"))
    matching = policies.exclude(arn__in=chosen).order_by("name")
    if query:
        matching = matching.filter(name__icontains=query)
    return rows + list(matching[:POLICY_ROWS]), ""


def _create(request, instance, draft):
    if draft["type"] == "predefined":
        name = draft["predefined"]
        managed, references, inline, boundary = [flows.PREDEFINED.get(name, "")], [], "", None
    else:
        name = draft["name"]
        managed = draft["managed"]
        references = [(ref_name, path or "/") for ref_name, path in draft["references"] if ref_name]
        inline, boundary = draft["inline_policy"].strip(), _boundary(draft)
    return flows.permission_set_create_with_policies(
        instance=instance,
        name=name,
        description=draft["description"],
        session_duration=_session_duration(draft),
        relay_state=draft["relay_state"],
        tags=[(key, value) for key, value in draft["tags"] if key or value],
        managed_arns=[arn for arn in managed if arn],
        customer_references=references,
        inline_policy=inline,
        boundary=boundary,
        acting=request.acting,
    )


def _step_error(step, draft):
    """What keeps the wizard on `step` (the console's checks before Next), or ""."""
    if step == 1 and draft["type"] == "predefined" and not draft["predefined"]:
        return "Select a policy for the predefined permission set."  # unconfirmed
    if step == 3 and draft["type"] == "custom" and not draft["name"]:
        return "Permission set name is required."  # unconfirmed
    if step == 3 and draft["tags_error"]:
        return draft["tags_error"]
    return ""


@console_login_required
@http_methods("GET", "POST")
def permission_set_create(request):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    draft = _draft(request.POST)
    step = step_of(request, 4) if request.method == "POST" else 1
    action = request.POST.get("action", "")
    error = ""
    if request.method == "POST":
        if action == "add_reference":
            draft["references"].append(["", "/"])
        elif action.startswith("remove_reference_"):
            remove_tag_row(draft["references"], action.replace("remove_reference_", "remove_tag_"))
        elif action == "add_tag":
            draft["tags"].append(["", ""])
        elif action.startswith("remove_tag_"):
            remove_tag_row(draft["tags"], action)
        elif action == "search":
            pass
        elif action == "previous":
            step = max(step - 1, 1)
            if step == 2 and draft["type"] == "predefined":
                step = 1
        elif step == 4:
            try:
                permission_set = _create(request, instance, draft)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(
                    request, f"Successfully created permission set {permission_set.name}."
                )  # unconfirmed
                return redirect("identitycenter:permission_set_detail", permission_set_id=permission_set.id)
        else:
            error = _step_error(step, draft)
            if not error:
                step += 1
                if step == 2 and draft["type"] == "predefined":
                    step = 3
    if not draft["references"]:
        draft["references"] = [["", "/"]]
    policies, policies_denial = _policy_table(
        request, request.POST.get("policy_q", "").strip(), draft["managed"]
    )
    context = {
        "draft": draft,
        "step": step,
        "steps": CREATE_STEPS,
        "error": error,
        "predefined": flows.PREDEFINED,
        "durations": DURATIONS,
        "session_duration": _session_duration(draft),
        "session_label": duration_label(_session_duration(draft)),
        "policies": policies,
        "policies_denial": policies_denial,
        "policy_q": request.POST.get("policy_q", ""),
        "tags_left": services.TAGS_PER_RESOURCE - len(draft["tags"]),
        "breadcrumbs": breadcrumbs(_sets_crumb(), ("Create permission set", None)),
    }
    return render_htmx(
        request,
        "identitycenter/permission_set_create.html",
        context,
        "wizard-step",
        status=422 if error else 200,
    )


def _permission_set_or_404(instance, permission_set_id):
    permission_set = instance.permission_sets.filter(id=permission_set_id).first()
    if permission_set is None:
        raise Http404("No such permission set.")
    return permission_set


_TAB_READS = {
    "accounts": ("ListAccountsForProvisionedPermissionSet",),
    "permissions": (
        "ListManagedPoliciesInPermissionSet",
        "ListCustomerManagedPolicyReferencesInPermissionSet",
        "GetInlinePolicyForPermissionSet",
        "GetPermissionsBoundaryForPermissionSet",
    ),
    "tags": ("ListTagsForResource",),
}


@console_login_required
@http_methods("GET")
def permission_set_detail(request, permission_set_id):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    permission_set = _permission_set_or_404(instance, permission_set_id)
    tab = request.GET.get("tab") if request.GET.get("tab") in _TAB_READS else "accounts"
    try:
        authorize_read(request, "DescribePermissionSet", permission_set=permission_set)
        for operation in _TAB_READS[tab]:
            # ListTagsForResource is authorized on the instance, as the API does; the rest on the set.
            on = (
                {"instance": instance}
                if operation == "ListTagsForResource"
                else {"permission_set": permission_set}
            )
            authorize_read(request, operation, **on)
    except AccessDenied as exc:
        return denied(request, exc, "Permission set")
    provisioned = list(permission_set.provisioned.select_related("account").order_by("account__name"))
    context = {
        "permission_set": permission_set,
        "duration_label": duration_label(permission_set.session_duration),
        "tab": tab,
        "tabs": TABS,
        "outdated": [row for row in provisioned if not row.current],
        "breadcrumbs": breadcrumbs(_sets_crumb(), (permission_set.name, None)),
    }
    if tab == "accounts":
        latest = last_requests(instance, permission_set_arn=permission_set.arn)
        accounts = []
        for row in provisioned:
            status, reason = status_of(row, latest.get((permission_set.arn, row.account_id)))
            accounts.append({"row": row, "status": status, "reason": reason})
        failed_elsewhere = [
            request_row
            for (arn, account_id), request_row in latest.items()
            if request_row.status == "FAILED" and account_id not in {row.account_id for row in provisioned}
        ]
        context.update(accounts=accounts, failed_elsewhere=failed_elsewhere)
    elif tab == "permissions":
        policy_q = request.GET.get("policy_q", "").strip()
        attached = list(permission_set.managed_policies.all())
        policies, policies_denial = _policy_table(request, policy_q, [])
        context.update(
            managed=attached,
            references=list(permission_set.customer_policies.all()),
            inline_pretty=_pretty(permission_set.inline_policy),
            policies=[policy for policy in policies if policy.arn not in {a.arn for a in attached}],
            policies_denial=policies_denial,
            policy_q=policy_q,
        )
    else:
        context["tags"] = list(ResourceTag.objects.filter(resource_arn=permission_set.arn))
    return render_htmx(request, "identitycenter/permission_set_detail.html", context, "permission-set-tab")


def _pretty(document):
    if not document:
        return ""
    try:
        return json.dumps(json.loads(document), indent=4)
    except ValueError:
        return document


@console_login_required
@http_methods("GET", "POST")
def permission_set_edit(request, permission_set_id):
    """Edit the general settings: description, session duration, relay state."""
    instance, refused = managed_instance(request)
    if refused:
        return refused
    permission_set = _permission_set_or_404(instance, permission_set_id)
    try:
        authorize_read(request, "DescribePermissionSet", permission_set=permission_set)
    except AccessDenied as exc:
        return denied(request, exc, "Edit permission set")
    error = ""
    if request.method == "POST" and "duration" not in request.POST:
        # The form always posts its select: a request without it changes nothing.
        error = "Select a session duration."  # unconfirmed
        draft = _draft(request.POST)
    elif request.method == "POST":
        draft = _draft(request.POST)
        try:
            services.permission_set_update(
                permission_set=permission_set,
                description=draft["description"],
                session_duration=_session_duration(draft),
                relay_state=draft["relay_state"],
                acting=request.acting,
            )
        except AWSError as exc:
            error = exc.message
            permission_set.refresh_from_db()
        else:
            messages.success(request, f"Successfully updated permission set {permission_set.name}.")
            return redirect("identitycenter:permission_set_detail", permission_set_id=permission_set.id)
    else:
        current = permission_set.session_duration
        custom = current not in dict(DURATIONS)
        seconds = iso_duration_seconds(current) or 3600
        draft = {
            "description": permission_set.description,
            "relay_state": permission_set.relay_state,
            "duration": "custom" if custom else current,
            "custom_hours": str(seconds // 3600) if custom else "",
            "custom_minutes": str(seconds % 3600 // 60) if custom else "",
        }
    context = {
        "permission_set": permission_set,
        "draft": draft,
        "durations": DURATIONS,
        "error": error,
        "breadcrumbs": breadcrumbs(
            _sets_crumb(),
            (permission_set.name, reverse("identitycenter:permission_set_detail", args=[permission_set.id])),
            ("Edit", None),
        ),
    }
    return render(request, "identitycenter/permission_set_edit.html", context, status=422 if error else 200)


def _change_policies(request, permission_set):
    """The Permissions tab's buttons: one sso-admin write each."""
    action, data, acting = request.POST.get("action", ""), request.POST, request.acting
    common = {"permission_set": permission_set, "acting": acting}
    if action == "attach_managed":
        arns = data.getlist("managed")
        if not arns:
            return "Select at least one policy."  # unconfirmed
        for arn in arns:
            flows.managed_policy_attach(arn=arn, **common)
        return f"Successfully attached {len(arns)} AWS managed polic{'y' if len(arns) == 1 else 'ies'}."
    if action == "detach_managed":
        services.managed_policy_detach(arn=data.get("arn", ""), **common)
        return "Successfully detached the policy."
    if action == "attach_customer":
        services.customer_policy_attach(
            name=data.get("ref_name", "").strip(), path=data.get("ref_path", "").strip() or "/", **common
        )
        return "Successfully attached the customer managed policy reference."
    if action == "detach_customer":
        services.customer_policy_detach(
            name=data.get("ref_name", ""), path=data.get("ref_path", "/"), **common
        )
        return "Successfully detached the customer managed policy reference."
    if action == "put_inline":
        flows.inline_policy_set(document=data.get("inline_policy", ""), **common)
        return "Successfully saved the inline policy."
    if action == "delete_inline":
        services.inline_policy_delete(**common)
        return "Successfully deleted the inline policy."
    if action == "put_boundary":
        boundary = _boundary(_draft(data)) or {"managed_arn": "", "name": ""}
        flows.boundary_set(**boundary, **common)
        return "Successfully set the permissions boundary."
    if action == "delete_boundary":
        services.boundary_delete(**common)
        return "Successfully removed the permissions boundary."
    return "Choose what to change."  # unconfirmed


@console_login_required
@http_methods("POST")
def permission_set_policies(request, permission_set_id):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    permission_set = _permission_set_or_404(instance, permission_set_id)
    try:
        with_message = _change_policies(request, permission_set)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        level = messages.success if with_message.startswith("Successfully") else messages.error
        level(request, with_message)
    url = reverse("identitycenter:permission_set_detail", args=[permission_set.id])
    return redirect(f"{url}?tab=permissions")


@console_login_required
@http_methods("POST")
def permission_set_provision(request, permission_set_id):
    """Update in AWS accounts: re-provision every account the permission set is provisioned to."""
    instance, refused = managed_instance(request)
    if refused:
        return refused
    permission_set = _permission_set_or_404(instance, permission_set_id)
    # The accounts that need the update, one ProvisionPermissionSet each, so that each account's status
    # is its own request's.
    account_ids = list(
        permission_set.provisioned.filter(current=False)
        .order_by("account_id")
        .values_list("account_id", flat=True)
    )
    if not account_ids:
        messages.info(request, "The permission set is up to date in every AWS account.")  # unconfirmed
        return redirect("identitycenter:permission_set_detail", permission_set_id=permission_set.id)
    failures = []
    try:
        for account_id in account_ids:
            provisioning = flows.provision(
                permission_set=permission_set, account_id=account_id, acting=request.acting
            )
            if provisioning.status == "FAILED":
                failures.append(provisioning.failure_reason)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        for reason in failures:
            messages.error(request, f"Provisioning failed: {reason}")  # unconfirmed
        if not failures:
            messages.success(
                request, f"Successfully updated permission set {permission_set.name} in the AWS accounts."
            )  # unconfirmed
    return redirect("identitycenter:permission_set_detail", permission_set_id=permission_set.id)


@console_login_required
@http_methods("POST")
def permission_set_delete(request, permission_set_id):
    instance, refused = managed_instance(request)
    if refused:
        return refused
    permission_set = _permission_set_or_404(instance, permission_set_id)
    unconfirmed = confirmation_error(request, permission_set.name, "the permission set name")
    if unconfirmed:
        messages.error(request, unconfirmed)
        return redirect("identitycenter:permission_set_detail", permission_set_id=permission_set.id)
    try:
        services.permission_set_delete(permission_set=permission_set, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
        return redirect("identitycenter:permission_set_detail", permission_set_id=permission_set.id)
    messages.success(request, f"Successfully deleted permission set {permission_set.name}.")  # unconfirmed
    return redirect("identitycenter:permission_set_list")
