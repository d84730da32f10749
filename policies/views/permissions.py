"""Permissions tabs of users, groups and roles; "Add permissions", inline policies, boundaries, the picker."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from accounts import selectors as account_selectors
from accounts.models import Group, GroupMembership, IAMUser
from aws.arns import arn_of
from aws.errors import AccessDenied, AWSError
from aws.params import search_text
from console.htmx import htmx_redirect, render_htmx, swap_or_redirect
from console.http import http_methods
from console.pages import allowed_rows, read_denial
from console.session import console_login_required
from policies import flows
from policies.engine import jsonpos
from policies.engine.validation import validate
from policies.models import ManagedPolicy, Role
from policies.selectors import TYPE_AWS, TYPE_CUSTOMER, TYPE_JOB_FUNCTION, of_type, visible_policies
from policies.selectors.permissions import entity_permissions, policy_type_label
from policies.services.permissions import (
    inline_policy_put,
    permissions_boundary_delete,
    permissions_boundary_put,
    policy_for_arn,
)
from policies.views.policies import policy_editor_context

PICKER_PAGE_SIZE = 25
KINDS = {
    "user": {
        "model": IAMUser,
        "plural": "users",
        "label": "user",
        "list": "accounts:user_list",
        "title": "Users",
    },
    "group": {
        "model": Group,
        "plural": "groups",
        "label": "user group",
        "list": "accounts:group_list",
        "title": "User groups",
    },
    "role": {
        "model": Role,
        "plural": "roles",
        "label": "role",
        "list": "policies:role_list",
        "title": "Roles",
    },
}
PICKER_TYPES = [
    ("all", "All types"),
    ("aws", "AWS managed"),
    ("customer", "Customer managed"),
    ("job", "AWS managed - job function"),
]
# The picker's query values, as the selectors name the types.
PICKER_KINDS = {"aws": TYPE_AWS, "customer": TYPE_CUSTOMER, "job": TYPE_JOB_FUNCTION}
ROW_TYPES = [("all", "All types"), *PICKER_TYPES[1:], ("inline", "Customer inline")]
EMPTY_DOCUMENT = '{\n    "Version": "2012-10-17",\n    "Statement": [\n        {\n            "Effect": "Allow",\n            "Action": [],\n            "Resource": []\n        }\n    ]\n}'


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def get_entity_or_404(request, kind, name):
    """A user, group or role of the signed-in account; anything else does not exist."""
    entity = KINDS[kind]["model"].objects.filter(account=request.acting.account, name=name).first()
    if entity is None:
        raise Http404(f"The {kind} with name {name} cannot be found.")
    return entity


def detail_url(kind, entity):
    """The entity's detail page, on its Permissions tab."""
    name = {"user": "accounts:user_detail", "group": "accounts:group_detail", "role": "policies:role_detail"}[
        kind
    ]
    url = _url(name, entity.name)
    return f"{url}?tab=permissions" if url else _url(f"policies:{kind}_permissions", entity.name)


def entity_urls(kind, entity):
    prefix = f"policies:{kind}_permissions"
    return {
        "tab": reverse(prefix, args=[entity.name]),
        "remove": reverse(f"{prefix}_remove", args=[entity.name]),
        "add": reverse(f"{prefix}_add", args=[entity.name]),
        "inline": reverse(f"{prefix}_inline", args=[entity.name]),
        "boundary": reverse(f"{prefix}_boundary", args=[entity.name]) if kind != "group" else "",
        "detail": detail_url(kind, entity),
    }


def _breadcrumbs(kind, entity, *more):
    return [
        ("IAM", reverse("dashboard")),
        (KINDS[kind]["title"], _url(KINDS[kind]["list"]) or None),
        (entity.name, detail_url(kind, entity)),
        *more,
    ]


def _matches(row, search, row_type):
    if search and search.lower() not in row.name.lower():
        return False
    wanted = dict(ROW_TYPES).get(row_type)
    return row_type in ("", "all") or row.type == wanted


def _hide_unreadable_documents(request, kind, entity, rows):
    """A row's document is its GetPolicyVersion (managed, with the policy's tags) or Get*Policy (inline,
    on its owner): where that read is refused the row shows AWS's refusal instead."""
    policies = ManagedPolicy.objects.filter(
        pk__in={row.policy.pk for row in rows if row.policy}
    ).prefetch_related("tags")
    readable = allowed_rows(request, "GetPolicyVersion", list(policies))
    inline_readable = {}
    for row in rows:
        if row.policy is not None:
            shown = row.policy.pk in readable
            action = "iam:GetPolicyVersion"
        else:
            owner_kind, owner = ("group", row.group) if row.inherited else (kind, entity)
            operation = f"Get{owner_kind.title()}Policy"
            key = (operation, owner.pk)
            if key not in inline_readable:
                inline_readable[key] = bool(allowed_rows(request, operation, [owner]))
            shown = inline_readable[key]
            action = f"iam:{operation}"
        if not shown:
            row.document = ""
            row.denied = action


def permissions_context(request, kind, entity, **extra):
    """What the Permissions tab shows: filtered rows, the boundary, the actions' URLs."""
    permissions = entity_permissions(**{kind: entity})
    _hide_unreadable_documents(request, kind, entity, permissions.rows)
    search = search_text(request.GET)
    row_type = request.GET.get("type", "all")
    rows = [row for row in permissions.rows if _matches(row, search, row_type)]
    return {
        "kind": kind,
        "kind_label": KINDS[kind]["label"],
        "entity": entity,
        "rows": rows,
        "total": len(permissions.rows),
        "permissions": permissions,
        "boundary_type": policy_type_label(permissions.boundary) if permissions.boundary else "",
        "search": search,
        "row_type": row_type,
        "row_types": ROW_TYPES,
        "urls": entity_urls(kind, entity),
        **extra,
    }


def render_permissions_tab(request, kind, entity):
    """The tab as the detail pages include it (through the `permissions_tab` template tag)."""
    return render_to_string(
        "policies/permissions_tab.html#permissions-tab",
        permissions_context(request, kind, entity),
        request=request,
    )


def _tab_response(request, kind, entity, status=200, **extra):
    context = permissions_context(request, kind, entity, **extra)
    context["breadcrumbs"] = _breadcrumbs(kind, entity, ("Permissions", None))
    response = render_htmx(
        request, "policies/permissions_tab.html", context, "permissions-tab", status=status
    )
    return response


@console_login_required
@http_methods("GET")
def permissions_tab(request, kind, name):
    entity = get_entity_or_404(request, kind, name)
    return _tab_response(request, kind, entity)


@console_login_required
@http_methods("POST")
def permissions_remove(request, kind, name):
    """Remove the selected policies: detach managed ones, delete inline ones, in one transaction."""
    entity = get_entity_or_404(request, kind, name)
    selected = request.POST.getlist("policy")
    if not selected:
        return _tab_response(
            request, kind, entity, status=422, error="Select one or more policies to remove."
        )
    chosen = [key.partition(":") for key in selected]
    try:
        flows.permissions_remove(
            managed=[value for source, _, value in chosen if source == "managed"],
            inline=[value for source, _, value in chosen if source != "managed"],
            acting=request.acting,
            **{kind: entity},
        )
    except AWSError as exc:
        return _tab_response(request, kind, entity, status=422, error=exc.message)
    messages.success(request, f"{len(selected)} polic{'y' if len(selected) == 1 else 'ies'} removed.")
    return swap_or_redirect(request, lambda: _tab_response(request, kind, entity), detail_url(kind, entity))


# The policy picker: AWS managed and this account's customer managed policies, filtered and paged.


def picker_queryset(*, account, search="", policy_type="all"):
    acct = (
        Q(attachments__user__account=account)
        | Q(attachments__group__account=account)
        | Q(attachments__role__account=account)
    )
    policies = of_type(visible_policies(account), PICKER_KINDS.get(policy_type), account=account)
    if search:
        policies = policies.filter(name__icontains=search)
    # Case-insensitive, as the console sorts: AdministratorAccess before AIDevOps…
    return policies.annotate(attached_count=Count("attachments", filter=acct)).order_by(Lower("name"), "pk")


def picker_context(request, *, mode="multi", input_name="policy_arn", kind="", entity=None, data=None):
    """The picker's state from a request's parameters (GET for its own refreshes, POST inside forms)."""
    data = data if data is not None else request.GET
    search = search_text(data)
    policy_type = data.get("type", "all")
    if policy_type not in dict(PICKER_TYPES):
        policy_type = "all"
    selected = [arn for arn in data.getlist(input_name) if arn]
    if mode == "single":
        selected = selected[:1]
    attached = set()
    if entity is not None and mode == "multi":
        attached = set(entity.attachments.values_list("policy__arn", flat=True))
    denied = read_denial(request, "ListPolicies")
    policies = picker_queryset(account=request.acting.account, search=search, policy_type=policy_type)
    if denied:
        policies = policies.none()
    page = Paginator(policies, PICKER_PAGE_SIZE).get_page(data.get("page"))
    rows = list(page.object_list)
    for policy in rows:
        policy.type_label = policy_type_label(policy)
        policy.attached = policy.arn in attached
        policy.selected = policy.arn in selected
    on_page = {policy.arn for policy in rows}
    return {
        "picker": {
            "mode": mode,
            "input_name": input_name,
            "kind": kind,
            "entity": entity.name if entity is not None else "",
            "search": search,
            "type": policy_type,
            "types": PICKER_TYPES,
            "page": page,
            "rows": rows,
            "selected": selected,
            "hidden_selected": [arn for arn in selected if arn not in on_page],
            "url": reverse("policies:policy_picker"),
            "denied": denied,
        }
    }


@console_login_required
@http_methods("GET")
def policy_picker(request):
    """The picker's own refresh: search, type filter, pages; the selection travels along."""
    mode = "single" if request.GET.get("picker_mode") == "single" else "multi"
    input_name = request.GET.get("picker_input", "policy_arn")
    if input_name not in ("policy_arn", "boundary_arn"):
        input_name = "policy_arn"
    kind = request.GET.get("picker_kind", "")
    entity = None
    if kind in KINDS and request.GET.get("picker_entity"):
        entity = get_entity_or_404(request, kind, request.GET["picker_entity"])
    context = picker_context(request, mode=mode, input_name=input_name, kind=kind, entity=entity)
    context["breadcrumbs"] = [("IAM", reverse("dashboard")), ("Policies", None)]
    return render_htmx(request, "policies/permissions_picker.html", context, "policy-picker")


# "Add permissions": for a user the console's three options; for a group or a role, attach policies.

USER_OPTIONS = [
    ("groups", "Add user to group"),
    ("copy", "Copy permissions"),
    ("policies", "Attach policies directly"),
]


def _groups_for(request, user):
    member_of = set(GroupMembership.objects.filter(user=user).values_list("group_id", flat=True))
    groups = list(
        account_selectors.group_list(account=request.acting.account).annotate(
            policy_count=Count("attachments", distinct=True)
        )
    )
    for group in groups:
        group.member = group.pk in member_of
    return groups


def copy_sources(request, search="", exclude=None):
    """The users to copy permissions from: ListUsers', each row's groups and policy count shown where
    that user's ListGroupsForUser and ListAttachedUserPolicies are allowed. (users, refusal or None)."""
    denied = read_denial(request, "ListUsers", arn_of(request.acting.account.id, "user"))
    if denied:
        return [], denied
    users = (
        IAMUser.objects.filter(account=request.acting.account)
        .prefetch_related("groups", "tags")
        .annotate(policy_count=Count("attachments", distinct=True))
        .order_by("name")
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    if search:
        users = users.filter(name__icontains=search)
    users = list(users[:200])
    groups_shown = allowed_rows(request, "ListGroupsForUser", users)
    policies_shown = allowed_rows(request, "ListAttachedUserPolicies", users)
    for user in users:
        user.groups_shown = user.pk in groups_shown
        user.policies_shown = user.pk in policies_shown
    return users, None


def _summary(request, kind, entity, data):
    """The review step's rows: (name, type, used as), and what applying means."""
    account = request.acting.account
    option = data.get("option", "policies") if kind == "user" else "policies"
    # `entity` is not needed to describe the choice; the wizard asks before its user exists.
    rows = []
    if option == "groups":
        for group in Group.objects.filter(account=account, name__in=data.getlist("group")).order_by("name"):
            rows.append((group.name, "Group", "Permissions group"))
    elif option == "copy":
        source = IAMUser.objects.filter(account=account, name=data.get("source_user", "")).first()
        if source is not None and not _copy_refusal(request, source):
            for membership in source.memberships.select_related("group").order_by("group__name"):
                rows.append((membership.group.name, "Group", "Permissions group"))
            for attachment in source.attachments.select_related("policy").order_by("policy__name"):
                rows.append(
                    (attachment.policy.name, policy_type_label(attachment.policy), "Permissions policy")
                )
            for inline in source.inline_policies.all():
                rows.append((inline.name, "Customer inline", "Permissions policy"))
    else:
        arns = data.getlist("policy_arn")
        policies = ManagedPolicy.objects.filter(arn__in=arns).filter(
            Q(account__isnull=True) | Q(account=account)
        )
        for policy in policies.order_by("name"):
            rows.append((policy.name, policy_type_label(policy), "Permissions policy"))
    return option, rows


def _grant(request, option, data):
    """What the chosen option grants, as permissions_grant's keywords: groups, a user to copy (whose
    permissions the caller must be allowed to read, since copying reads them all), or policies."""
    account = request.acting.account
    if option == "groups":
        return {"groups": list(Group.objects.filter(account=account, name__in=data.getlist("group")))}
    if option == "copy":
        source = IAMUser.objects.filter(account=account, name=data.get("source_user", "")).first()
        if source is None:
            raise Http404("No such user.")
        refused = _copy_refusal(request, source)
        if refused:
            raise AccessDenied(refused)
        return {"copy_from": source}
    return {"policy_arns": data.getlist("policy_arn")}


def _choice_error(option, data):
    if option == "groups" and not data.getlist("group"):
        return "Select one or more user groups."
    if option == "copy" and not data.get("source_user"):
        return "Select a user to copy permissions from."
    if option == "policies" and not data.getlist("policy_arn"):
        return "Select one or more policies."
    return ""


@console_login_required
@http_methods("GET", "POST")
def permissions_add(request, kind, name):
    entity = get_entity_or_404(request, kind, name)
    data = request.POST if request.method == "POST" else request.GET
    action = data.get("action", "")
    option = data.get("option", "groups" if kind == "user" else "policies")
    if kind != "user" or option not in dict(USER_OPTIONS):
        option = "policies" if kind != "user" else "groups"
    step, error, status = 1, "", 200
    if request.method == "POST" and action in ("next", "add"):
        error = _choice_error(option, data)
        if not error and option == "copy":
            # Copying reads the source's permissions: refused, it stops at the choice.
            source = IAMUser.objects.filter(
                account=entity.account_id, name=data.get("source_user", "")
            ).first()
            error = (
                _copy_refusal(request, source)
                if source is not None
                else "Select a user to copy permissions from."
            )
        if error:
            status = 422
        elif action == "next" and kind == "user":
            step = 2
        else:
            try:
                flows.permissions_grant(
                    acting=request.acting, **{kind: entity}, **_grant(request, option, data)
                )
            except AWSError as exc:
                error, status, step = exc.message, 422, 2 if kind == "user" else 1
            else:
                count = len(data.getlist("policy_arn"))
                if option == "policies" and count:
                    messages.success(
                        request,
                        f"Polic{'y' if count == 1 else 'ies'} attached to {KINDS[kind]['label']} {entity.name}.",
                    )
                else:
                    messages.success(request, f"Permissions added to {KINDS[kind]['label']} {entity.name}.")
                return htmx_redirect(request, detail_url(kind, entity))
    title = "Add permissions" if kind == "user" else f"Attach policy to {entity.name}"
    context = {
        "kind": kind,
        "kind_label": KINDS[kind]["label"],
        "entity": entity,
        "step": step,
        "option": option,
        "options": USER_OPTIONS if kind == "user" else [],
        "error": error,
        "title": title,
        "urls": entity_urls(kind, entity),
        "breadcrumbs": _breadcrumbs(kind, entity, (title, None)),
    }
    if step == 2:
        context["review_option"], context["summary"] = _summary(request, kind, entity, data)
        context["carry"] = _carry(data)
    elif option == "groups":
        context["groups_denied"] = read_denial(
            request, "ListGroups", arn_of(request.acting.account.id, "group")
        )
        context["groups"] = [] if context["groups_denied"] else _groups_for(request, entity)
        context["chosen_groups"] = set(data.getlist("group"))
    elif option == "copy":
        context["copy_search"] = search_text(data, "copy_q")
        context["copy_users"], context["copy_denied"] = copy_sources(request, context["copy_search"], entity)
        context["source_user"] = data.get("source_user", "")
    else:
        context.update(picker_context(request, kind=kind, entity=entity, data=data))
    response = render_htmx(
        request, "policies/permissions_add.html", context, "permissions-add", status=status
    )
    return response


def _carry(data):
    """The choices of step 1 as hidden fields of the review step."""
    pairs = [("option", data.get("option", ""))]
    for field in ("group", "policy_arn"):
        pairs += [(field, value) for value in data.getlist(field)]
    if data.get("source_user"):
        pairs.append(("source_user", data["source_user"]))
    return pairs


# Inline policies: create (two steps, as the console's) and edit.


def _editor_context(document, kind, entity, validated):
    """The shared JSON editor's context (validated as you type)."""
    return policy_editor_context(
        document,
        policy_type=f"inline-{kind}",
        entity_name=entity.name,
        field_name="document",
        field_id="id_document",
        validated=validated,
    )


def _pretty(text):
    try:
        return json.dumps(jsonpos.loads(text), indent=4)
    except ValueError:
        return text


@console_login_required
@http_methods("GET", "POST")
def permissions_inline(request, kind, name):
    """Create an inline policy (Specify permissions, then Review and create), or edit one (?policy=NAME)."""
    entity = get_entity_or_404(request, kind, name)
    editing_name = request.GET.get("policy", "")
    existing = None
    if editing_name:
        existing = entity.inline_policies.filter(name=editing_name).first()
        if existing is None:
            raise Http404(f"The {kind} policy with name {editing_name} cannot be found.")
    data = request.POST
    document = data.get("document", existing.document if existing else EMPTY_DOCUMENT)
    policy_name = data.get("policy_name", existing.name if existing else "")
    action = data.get("action", "")
    step, error, status, findings = 1, "", 200, []
    if request.method == "POST":
        verdict = validate(document, f"inline-{kind}", entity_name=entity.name)
        findings = verdict["findings"]
        if action == "previous":
            step = 1
        elif verdict["malformed"]:
            error, status = verdict["malformed"], 422
        elif action == "next":
            step = 2
        elif action == "create":
            step = 2
            try:
                inline_policy_put(
                    name=policy_name, document=document, acting=request.acting, **{kind: entity}
                )
            except AWSError as exc:
                error, status = exc.message, 422
            else:
                verb = "updated" if existing else "created"
                messages.success(request, f"Policy {policy_name} {verb}.")
                return htmx_redirect(request, detail_url(kind, entity))
    title = f"Modify permissions in {editing_name}" if existing else "Create policy"
    context = {
        "kind": kind,
        "kind_label": KINDS[kind]["label"],
        "entity": entity,
        "existing": existing,
        "step": step,
        "document": document,
        "pretty_document": _pretty(document),
        "policy_name": policy_name,
        "error": error,
        "findings": findings,
        "editor": _editor_context(
            document, kind, entity, validated=request.method == "POST" or bool(existing)
        ),
        "title": title,
        "urls": entity_urls(kind, entity),
        "form_url": request.get_full_path(),
        "breadcrumbs": _breadcrumbs(kind, entity, (title, None)),
    }
    response = render_htmx(
        request, "policies/permissions_inline.html", context, "permissions-inline", status=status
    )
    return response


# Permissions boundary of a user or role: set or change (picker, single choice), or remove.


@console_login_required
@http_methods("GET", "POST")
def permissions_boundary(request, kind, name):
    entity = get_entity_or_404(request, kind, name)
    error, status = "", 200
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            if data.get("action") == "remove":
                permissions_boundary_delete(acting=request.acting, **{kind: entity})
                messages.success(request, f"Permissions boundary removed from {entity.name}.")
                if request.htmx and request.htmx.target == "permissions-tab":
                    return _tab_response(request, kind, entity)
                return htmx_redirect(request, detail_url(kind, entity))
            arn = data.get("boundary_arn", "")
            if not arn:
                raise _NoChoice()
            permissions_boundary_put(policy_arn=arn, acting=request.acting, **{kind: entity})
        except _NoChoice:
            error, status = "Select a policy to use as the permissions boundary.", 422
        except AWSError as exc:
            error, status = exc.message, 422
        else:
            messages.success(request, f"Permissions boundary set for {entity.name}.")
            return htmx_redirect(request, detail_url(kind, entity))
    title = "Change permissions boundary" if entity.permissions_boundary_arn else "Set permissions boundary"
    context = {
        "kind": kind,
        "kind_label": KINDS[kind]["label"],
        "entity": entity,
        "error": error,
        "title": title,
        "urls": entity_urls(kind, entity),
        "breadcrumbs": _breadcrumbs(kind, entity, (title, None)),
    }
    if request.method == "GET" and "boundary_arn" not in data and entity.permissions_boundary_arn:
        data = data.copy()
        data["boundary_arn"] = entity.permissions_boundary_arn
    context.update(picker_context(request, mode="single", input_name="boundary_arn", kind=kind, data=data))
    response = render_htmx(
        request, "policies/permissions_boundary.html", context, "permissions-boundary-form", status=status
    )
    return response


class _NoChoice(Exception):
    pass


# The create wizards' "Set permissions boundary - optional" (Create user's step 2, Create role's step 2).

BOUNDARY_PAGE_SIZE = 10


def wizard_boundary_context(request, draft):
    """The boundary picker of a wizard's step 2: the policies matching its search (ListPolicies'
    rows, none when that read is refused) and the draft's boundary."""
    search = search_text(request.GET, "boundary_q")
    rows = []
    if not read_denial(request, "ListPolicies"):
        policies = ManagedPolicy.objects.filter(Q(account__isnull=True) | Q(account=request.acting.account))
        policies = policies.exclude(path="/aws-service-role/")
        if search:
            policies = policies.filter(name__icontains=search)
        rows = list(policies.order_by(Lower("name"), "pk")[:BOUNDARY_PAGE_SIZE])
    arn = draft.get("boundary", "")
    boundary = ManagedPolicy.objects.filter(arn=arn).first() if arn else None
    use, chosen = bool(arn), arn
    if "use_boundary" in request.GET:  # the picker's search carries what is chosen but not yet saved
        use, chosen = bool(request.GET["use_boundary"]), request.GET.get("boundary_arn", "")
    return {
        "boundary_search": search,
        "boundary_rows": rows,
        "boundary_policy": boundary,
        "boundary_use": use,
        "boundary_chosen": chosen,
    }


def wizard_boundary_choice(post):
    """The boundary step 2 chose: its ARN, or "" for none."""
    return post.get("boundary_arn", "") if post.get("use_boundary") else ""


# Step 2 of the create user wizard (accounts.views.users): "Copy permissions" and "Attach policies directly".
# The wizard keeps its draft in the session; these read and fill the draft's "policies" and "copy_from".


def wizard_permissions_context(request, draft, option):
    """What step 2 shows for the chosen option: the picker, or the users to copy from."""
    if option == "policies":
        data = request.GET.copy() if request.method == "GET" else request.POST.copy()
        if not data.getlist("policy_arn"):
            data.setlist("policy_arn", draft.get("policies", []))
        return picker_context(request, data=data)
    if option == "copy":
        search = search_text(request.GET, "copy_q")
        users, denied = copy_sources(request, search)
        return {
            "copy_users": users,
            "copy_denied": denied,
            "copy_search": search,
            "source_user": draft.get("copy_from", ""),
        }
    return {}


COPY_READS = ("ListGroupsForUser", "ListAttachedUserPolicies", "ListUserPolicies", "GetUserPolicy")


def _copy_refusal(request, source):
    """AWS's message when the source user's permissions may not be read (copying reads them all)."""
    for operation in COPY_READS:
        denied = read_denial(request, operation, source.arn, source)
        if denied:
            return denied
    return ""


def wizard_permissions_choice(request, draft, option):
    """Keep step 2's choice in the draft; the error to show, or "" when the choice is valid."""
    account = request.acting.account
    if option == "policies":
        arns = list(dict.fromkeys(arn for arn in request.POST.getlist("policy_arn") if arn))
        if len(arns) > 10:
            return "Cannot exceed quota for PoliciesPerUser: 10"
        for arn in arns:
            try:
                policy_for_arn(account=account, arn=arn)
            except AWSError as exc:
                return exc.message
        draft.update(permissions_option="policies", policies=arns, groups=[], copy_from="")
    else:
        source = IAMUser.objects.filter(account=account, name=request.POST.get("source_user", "")).first()
        if source is None:
            return "Select a user to copy permissions from."
        refused = _copy_refusal(request, source)
        if refused:
            return refused
        source = source.name
        draft.update(permissions_option="copy", copy_from=source, groups=[], policies=[])
    return ""


def wizard_permissions_summary(request, draft):
    """Step 3's permissions summary rows for the policies or the copied user: (name, type, used as)."""
    option = draft.get("permissions_option")
    if option == "policies":
        data = QueryDict(mutable=True)
        data.setlist("policy_arn", draft.get("policies", []))
        return _summary(request, "user", None, data)[1]
    if option == "copy":
        data = QueryDict(mutable=True)
        data.update({"option": "copy", "source_user": draft.get("copy_from", "")})
        return _summary(request, "user", None, data)[1]
    return []


def wizard_permissions_grant(request, draft):
    """The policies to attach, or the user to copy groups and policies from, that the create user
    wizard's draft chose (permissions_grant's keywords), or None."""
    option = draft.get("permissions_option")
    if option not in ("policies", "copy"):
        return None
    data = QueryDict(mutable=True)
    data.setlist("policy_arn", draft.get("policies", []))
    data["source_user"] = draft.get("copy_from", "")
    return _grant(request, option, data)
