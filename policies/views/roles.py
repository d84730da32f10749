"""Roles pages: list, the create role wizard, role detail tabs, trust policy editing, delete."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accounts.selectors.activity import latest_calls
from aws.errors import AWSError
from aws.params import ascii_decimal, search_text
from console.dialogs import confirmation_error
from console.htmx import htmx_redirect, render_htmx
from console.http import http_methods
from console.pages import allowed_rows, read_denial
from console.session import console_login_required
from console.tags import tags_editor_post
from console.wizard import Wizard, filled_tags
from policies.engine import jsonpos
from policies.engine.validation import validate
from policies.flows import (
    revoke_role_sessions,
    role_add_to_instance_profile,
    role_create_with_permissions,
    role_delete_with_dependents,
    role_tags_replace,
)
from policies.models import (
    ManagedPolicy,
    OpenIDConnectProvider,
    Role,
    SAMLProvider,
    ServiceLinkedRoleDeletion,
)
from policies.selectors.trust_policies import (
    AWS_SERVICES,
    SAML_ATTRIBUTES,
    WELL_KNOWN_WEB_PROVIDERS,
    build_trust_policy,
    service_description,
)
from policies.services import roles as role_services
from policies.views.last_accessed import last_accessed_context
from policies.views.permissions import picker_context, wizard_boundary_choice, wizard_boundary_context
from policies.views.policies import policy_editor_context

PAGE_SIZE = 20
ENTITY_TYPES = [
    (
        "service",
        "AWS service",
        "Allow AWS services like EC2, Lambda, or others to perform actions in this account.",
    ),
    (
        "account",
        "AWS account",
        "Allow entities in other AWS accounts belonging to you or a 3rd party to perform actions in this account.",
    ),
    (
        "web_identity",
        "Web identity",
        "Allows users federated by the specified external web identity provider to assume this role to perform actions in this account.",
    ),
    (
        "saml",
        "SAML 2.0 federation",
        "Allow users federated with SAML 2.0 from a corporate directory to perform actions in this account.",
    ),
    (
        "custom",
        "Custom trust policy",
        "Create a custom trust policy to enable others to perform actions in this account.",
    ),
]
SESSION_CHOICES = [
    (3600, "1 hour"),
    (7200, "2 hours"),
    (14400, "4 hours"),
    (28800, "8 hours"),
    (43200, "12 hours"),
]
DEFAULT_CUSTOM_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Statement1", "Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole"}],
    },
    indent=4,
)
# The create role wizard.
WIZARD = Wizard(
    session_key="role_create_draft",
    url_name="policies:role_create",
    template="policies/role_create.html",
    steps=((1, "Select trusted entity"), (2, "Add permissions"), (3, "Name, review, and create")),
    blank={
        "entity_type": "service",
        "service": "ec2.amazonaws.com",
        "account_choice": "this",
        "account_id": "",
        "require_external_id": False,
        "external_id": "",
        "require_mfa": False,
        "web_provider": "",
        "audience": "",
        "saml_provider": "",
        "saml_access": "console",
        "saml_attribute": "SAML:aud",
        "saml_value": "",
        "custom_policy": DEFAULT_CUSTOM_TRUST,
        "trust_policy": "",
        "policies": [],
        "boundary": "",
        "name": "",
        "description": "",
        "tags": [],
    },
)
TABS = [
    ("permissions", "Permissions"),
    ("trust", "Trust relationships"),
    ("tags", "Tags"),
    ("revoke", "Revoke sessions"),
    ("last_accessed", "Last Accessed"),
]


def roles_breadcrumbs(*more):
    return [("IAM", reverse("dashboard")), ("Roles", reverse("policies:role_list") if more else None), *more]


def get_role_or_404(request, name):
    role = Role.objects.filter(account=request.acting.account, name=name).select_related("account").first()
    if role is None:
        raise Http404(f"The role with name {name} cannot be found.")
    return role


def pretty(document):
    """A policy as the console shows it: indented JSON (as stored when it is not JSON)."""
    try:
        return json.dumps(jsonpos.loads(document), indent=4)
    except ValueError:
        return document


def _short_service(principal):
    for suffix in (".amazonaws.com.cn", ".amazonaws.com"):
        if principal.endswith(suffix):
            return principal.removesuffix(suffix)
    return principal


def _as_list(value):
    return value if isinstance(value, list) else [value]


def trusted_entities(trust_policy):
    """The Roles list's "Trusted entities": AWS Service: ec2, Account: 123…, Identity Provider: …."""
    try:
        document = jsonpos.loads(trust_policy)
    except ValueError:
        return []
    entities = []
    for statement in _as_list(document.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            continue
        for value in _as_list(principal.get("Service", [])):
            entities.append(f"AWS Service: {_short_service(value)}")
        for value in _as_list(principal.get("AWS", [])):
            if isinstance(value, str) and value.startswith("arn:"):
                entities.append(f"Account: {value.split(':')[4]}")
            else:
                entities.append(f"Account: {value}")
        for value in _as_list(principal.get("Federated", [])):
            entities.append(f"Identity Provider: {str(value).split(':')[-1]}")
    return list(dict.fromkeys(entities))


@console_login_required
@http_methods("GET")
def role_list(request):
    search = search_text(request.GET)
    roles = Role.objects.filter(account=request.acting.account)
    if search:
        roles = roles.filter(Q(name__icontains=search) | Q(description__icontains=search))
    roles = roles.order_by(Lower("name"), "pk")
    page = Paginator(roles, PAGE_SIZE).get_page(request.GET.get("page"))
    # Last activity: the latest of a session's start (RoleLastUsed) and any call a session made.
    calls = latest_calls(principal_ids=[role.role_id for role in page.object_list])
    rows = [
        {
            "role": role,
            "trusted": trusted_entities(role.trust_policy),
            "last_activity": max(
                (moment for moment in (role.last_used_at, calls.get(role.role_id)) if moment), default=None
            ),
        }
        for role in page.object_list
    ]
    context = {"page": page, "rows": rows, "search": search, "breadcrumbs": roles_breadcrumbs()}
    return render_htmx(request, "policies/role_list.html", context, "role-table")


# The create role wizard's steps.


def _picker_context(request, draft, data=None):

    data = data if data is not None else request.GET.copy()
    if "policy_arn" not in data:
        data.setlist("policy_arn", draft["policies"])
    return picker_context(request, mode="multi", input_name="policy_arn", data=data)


def _wizard_context(request, step, draft, **extra):
    return {
        "draft": draft,
        "entity_types": ENTITY_TYPES,
        "aws_services": AWS_SERVICES,
        "web_providers": WELL_KNOWN_WEB_PROVIDERS,
        "saml_attributes": SAML_ATTRIBUTES,
        "breadcrumbs": roles_breadcrumbs(("Create role", None)),
        **extra,
    }


def _render_step(request, step, draft, status=200, **extra):
    context = _wizard_context(request, step, draft, **extra)
    account = request.acting.account
    if step == 1:
        # The provider lists are ListOpenIDConnectProviders' and ListSAMLProviders'; an OIDC
        # provider's audiences are its GetOpenIDConnectProvider.
        oidc = (
            []
            if read_denial(request, "ListOpenIDConnectProviders")
            else list(OpenIDConnectProvider.objects.filter(account=account).prefetch_related("tags"))
        )
        readable = allowed_rows(request, "GetOpenIDConnectProvider", oidc)
        for provider in oidc:
            if provider.pk not in readable:
                provider.client_ids = []
        context["oidc_providers"] = oidc
        context["saml_providers"] = (
            []
            if read_denial(request, "ListSAMLProviders")
            else list(SAMLProvider.objects.filter(account=account))
        )
        custom_error = extra.get("error", "") if draft["entity_type"] == "custom" else ""
        context.update(
            trust_editor(
                draft["custom_policy"],
                field_name="custom_policy",
                error=custom_error,
                validated=bool(custom_error),
            )
        )
    if step == 2:
        context.update(_picker_context(request, draft))
        context.update(wizard_boundary_context(request, draft))
    if step == 3:
        context["trust_pretty"] = pretty(draft["trust_policy"])
        context["selected_policies"] = list(
            ManagedPolicy.objects.filter(
                Q(account__isnull=True) | Q(account=account), arn__in=draft["policies"]
            ).order_by(Lower("name"))
        )
        context["boundary_policy"] = ManagedPolicy.objects.filter(arn=draft["boundary"]).first()
        context["tags_left"] = max(0, 50 - len(draft["tags"]))
    target = request.htmx.target if request.htmx else ""
    partial = "boundary-picker" if target == "boundary-picker" else "wizard-step"
    return WIZARD.render(request, step, context, partial=partial, status=status)


def _go_to(request, step, draft):
    return WIZARD.go_to(request, step, lambda step: _render_step(request, step, draft))


def _step1_from_post(draft, post):
    kind = post.get("entity_type", "service")
    draft.update(
        entity_type=kind if kind in dict((key, 1) for key, _, _ in ENTITY_TYPES) else "service",
        service=post.get("service", draft["service"]),
        account_choice="another" if post.get("account_choice") == "another" else "this",
        account_id=post.get("account_id", "").strip(),
        require_external_id=bool(post.get("require_external_id")),
        external_id=post.get("external_id", "").strip(),
        require_mfa=bool(post.get("require_mfa")),
        web_provider=post.get("web_provider", ""),
        audience=post.get("audience", "").strip(),
        saml_provider=post.get("saml_provider", ""),
        saml_access="programmatic" if post.get("saml_access") == "programmatic" else "console",
        saml_attribute=post.get("saml_attribute", "SAML:aud"),
        saml_value=post.get("saml_value", "").strip(),
    )
    if "custom_policy" in post:
        draft["custom_policy"] = post["custom_policy"]


@console_login_required
@http_methods("GET", "POST")
def role_create(request):
    step = WIZARD.step(request, last=3)
    draft = WIZARD.draft(request)
    if step > 1 and not draft["trust_policy"]:
        step = 1  # the later steps need a trusted entity first
    if request.method == "GET":
        return _render_step(request, step, draft)

    account = request.acting.account
    if step == 1:
        _step1_from_post(draft, request.POST)
        WIZARD.save(request, draft)
        try:
            trust_policy = build_trust_policy(draft, account)
            role_services.validate_trust_policy(trust_policy)
        except AWSError as exc:
            return _render_step(request, 1, draft, status=422, error=exc.message)
        draft["trust_policy"] = trust_policy
        if draft["entity_type"] == "service" and not draft["description"]:
            draft["description"] = service_description(draft["service"])
        WIZARD.save(request, draft)
        return _go_to(request, 2, draft)

    if step == 2:
        draft["policies"] = list(dict.fromkeys(arn for arn in request.POST.getlist("policy_arn") if arn))
        draft["boundary"] = wizard_boundary_choice(request.POST)
        WIZARD.save(request, draft)
        if request.POST.get("action") == "previous":
            return _go_to(request, 1, draft)
        return _go_to(request, 3, draft)

    # Step 3: name, description and tags; go back, edit tags, or create.
    draft["name"] = request.POST.get("name", draft["name"]).strip()
    draft["description"] = request.POST.get("description", draft["description"])
    answered = WIZARD.tags_step(
        request, draft, 3, lambda step, **extra: _render_step(request, step, draft, **extra)
    )
    if answered:
        return answered
    try:
        role = role_create_with_permissions(
            account=account,
            name=draft["name"],
            description=draft["description"],
            trust_policy=draft["trust_policy"],
            tags=filled_tags(draft),
            permissions_boundary_arn=draft["boundary"],
            policy_arns=draft["policies"],
            # The console gives an EC2 role an instance profile of the same name.
            instance_profile=draft["entity_type"] == "service" and draft["service"] == "ec2.amazonaws.com",
            acting=request.acting,
        )
    except AWSError as exc:
        return _render_step(request, 3, draft, status=422, error=exc.message)
    WIZARD.discard(request)
    messages.success(request, f"Role {role.name} created.")
    return htmx_redirect(request, reverse("policies:role_detail", args=[role.name]))


@console_login_required
@http_methods("GET")
def role_create_cancel(request):
    WIZARD.discard(request)
    return redirect("policies:role_list")


# Role detail


def role_detail_context(request, role, tab, **extra):
    context = {
        "role": role,
        "tab": tab,
        "tabs": TABS,
        "breadcrumbs": roles_breadcrumbs((role.name, None)),
        # The role's instance profiles are its ListInstanceProfilesForRole.
        "instance_profiles": list(role.instance_profiles.all())
        if allowed_rows(request, "ListInstanceProfilesForRole", [role])
        else [],
        "session_hours": role.max_session_duration / 3600,
        "switch_role_link": request.build_absolute_uri(
            reverse("accounts:switch_role")
            + "?"
            + urlencode({"roleName": role.path.lstrip("/") + role.name, "account": role.account_id})
        ),
        **extra,
    }
    if tab == "permissions":
        context["attachments"] = list(
            role.attachments.select_related("policy").order_by(Lower("policy__name"))
        )
        context["inline_policies"] = list(role.inline_policies.all())
        context["permission_count"] = len(context["attachments"]) + len(context["inline_policies"])
        if role.permissions_boundary_arn:
            context["boundary_policy"] = ManagedPolicy.objects.filter(
                arn=role.permissions_boundary_arn
            ).first()
    elif tab == "trust":
        context["trust_pretty"] = pretty(role.trust_policy)
    elif tab == "tags":
        context["tags"] = list(role.tags.all())
        if "draft_tags" not in context:
            context["draft_tags"] = [(tag.key, tag.value) for tag in context["tags"]]
    elif tab == "last_accessed":
        context.update(last_accessed_context(request, role))
    return context


@console_login_required
@http_methods("GET")
def role_detail(request, name):
    role = get_role_or_404(request, name)
    tab = request.GET.get("tab", "permissions")
    if tab not in dict(TABS):
        tab = "permissions"
    context = role_detail_context(request, role, tab)
    return render_htmx(request, "policies/role_detail.html", context, "role-tab")


@console_login_required
@http_methods("GET", "POST")
def role_edit(request, name):
    """The summary's Edit: description and maximum session duration."""
    role = get_role_or_404(request, name)
    error = ""
    description = role.description
    session = role.max_session_duration
    if request.method == "POST":
        description = request.POST.get("description", "")
        session = request.POST.get("max_session_duration", "3600")
        if session == "custom":
            # Hours, perhaps with a fraction; anything else goes to the service, which refuses it.
            custom = request.POST.get("custom_hours", "")
            hours = ascii_decimal(custom)
            session = int(hours * 3600) if hours is not None else (custom or "0")
        try:
            role_services.role_update(
                role=role,
                description=description,
                max_session_duration=None if role.is_service_linked else session,
                acting=request.acting,
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f"Role {role.name} updated.")
            return htmx_redirect(request, reverse("policies:role_detail", args=[role.name]))
    context = {
        "role": role,
        "error": error,
        "description": description,
        "session": session,
        "session_choices": SESSION_CHOICES,
        "custom_session": str(session) not in {str(seconds) for seconds, _ in SESSION_CHOICES},
        "breadcrumbs": roles_breadcrumbs(
            (role.name, reverse("policies:role_detail", args=[role.name])), ("Edit", None)
        ),
    }
    return render_htmx(request, "policies/role_edit.html", context, "role-edit", status=422 if error else 200)


def trust_editor(document, *, field_name, error="", validated=True):
    """The shared JSON editor for a trust policy, validated as you type."""
    return policy_editor_context(
        document,
        policy_type="trust",
        field_name=field_name,
        field_id=f"id_{field_name}",
        error=error,
        validated=validated,
    )


def _findings(text):
    """Access Analyzer's findings grouped as the console shows them."""
    groups = {"SECURITY_WARNING": [], "ERROR": [], "WARNING": [], "SUGGESTION": []}
    for finding in validate(text, "trust")["findings"]:
        groups.setdefault(finding.get("findingType", "WARNING"), []).append(finding)
    labels = [
        ("SECURITY_WARNING", "Security warnings"),
        ("ERROR", "Errors"),
        ("WARNING", "Warnings"),
        ("SUGGESTION", "Suggestions"),
    ]
    return [(label, groups[key]) for key, label in labels]


@console_login_required
@http_methods("GET", "POST")
def role_trust_edit(request, name):
    """Edit trust policy: the JSON document, refused only where IAM refuses it."""
    role = get_role_or_404(request, name)
    if role.is_service_linked:
        raise Http404("The trust relationships of a service-linked role cannot be edited.")
    document = pretty(role.trust_policy)
    error = ""
    if request.method == "POST":
        document = request.POST.get("policy_document", "")
        if request.POST.get("action") != "validate":
            try:
                role_services.role_update_trust_policy(
                    role=role, trust_policy=document, acting=request.acting
                )
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(request, f"Trust policy updated for {role.name}.")
                return htmx_redirect(
                    request, f"{reverse('policies:role_detail', args=[role.name])}?tab=trust"
                )
    context = {
        "role": role,
        "document": document,
        "error": error,
        "finding_groups": _findings(document) if document.strip() else [],
        **trust_editor(document, field_name="policy_document", error=error),
        "breadcrumbs": roles_breadcrumbs(
            (role.name, reverse("policies:role_detail", args=[role.name])), ("Edit trust policy", None)
        ),
    }
    target = request.htmx.target if request.htmx else ""
    partial = "trust-findings" if target == "trust-findings" else "trust-editor"
    return render_htmx(
        request, "policies/role_trust_edit.html", context, partial, status=422 if error else 200
    )


@console_login_required
@http_methods("POST")
def role_tags(request, name):
    """The Tags tab's editor: the submitted set replaces the role's tags."""
    role = get_role_or_404(request, name)

    def render_tab(status=200, **extra):
        context = role_detail_context(request, role, "tags", **extra)
        return render_htmx(request, "policies/role_detail.html", context, "role-tab", status=status)

    return tags_editor_post(
        request,
        render_tab=render_tab,
        replace=lambda tags: role_tags_replace(role=role, tags=tags, acting=request.acting),
        saved_url=f"{reverse('policies:role_detail', args=[role.name])}?tab=tags",
    )


@console_login_required
@http_methods("GET", "POST")
def role_delete(request, name):
    """Delete a role: type its name to confirm; a service-linked role goes through its deletion task."""
    role = get_role_or_404(request, name)
    error = ""
    if request.method == "POST":
        error = confirmation_error(request, role.name, "the role name")
        if not error:
            try:
                if role.is_service_linked:
                    deletion = role_services.service_linked_role_delete(role=role, acting=request.acting)
                    url = f"{reverse('policies:role_deletion_status')}?task={deletion.task_id}"
                    return htmx_redirect(request, url)
                role_delete_with_dependents(role=role, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(request, f"Role {role.name} deleted.")
                return htmx_redirect(request, reverse("policies:role_list"))
    context = {
        "role": role,
        "error": error,
        "attachment_count": role.attachments.count(),
        "inline_count": role.inline_policies.count(),
        "profile_count": role.instance_profiles.count(),
        "breadcrumbs": roles_breadcrumbs(
            (role.name, reverse("policies:role_detail", args=[role.name])), ("Delete", None)
        ),
    }
    return render_htmx(
        request, "policies/role_delete.html", context, "role-dialog", status=422 if error else 200
    )


@console_login_required
@http_methods("GET")
def role_deletion_status(request):
    """GetServiceLinkedRoleDeletionStatus as a page that polls until the task has finished."""
    try:
        deletion = role_services.service_linked_role_deletion_status(
            account=request.acting.account, task_id=request.GET.get("task", "")
        )
    except AWSError as exc:
        raise Http404(exc.message) from exc
    context = {
        "deletion": deletion,
        "finished": deletion.status
        in (ServiceLinkedRoleDeletion.Status.SUCCEEDED, ServiceLinkedRoleDeletion.Status.FAILED),
        "breadcrumbs": roles_breadcrumbs(("Deletion status", None)),
    }
    return render_htmx(request, "policies/role_deletion_status.html", context, "deletion-status")


@console_login_required
@http_methods("POST")
def role_instance_profile_add(request, name):
    """The role page's "Add to instance profile": an existing empty profile, or a new one."""
    role = get_role_or_404(request, name)
    profile_name = request.POST.get("instance_profile", "").strip()
    try:
        profile = role_add_to_instance_profile(role=role, profile_name=profile_name, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Role {role.name} added to instance profile {profile.name}.")
    return htmx_redirect(request, reverse("policies:role_detail", args=[role.name]))


@console_login_required
@http_methods("POST")
def role_revoke_sessions(request, name):
    """Revoke active sessions: AWS puts the inline policy AWSRevokeOlderSessions on the role."""
    role = get_role_or_404(request, name)
    url = reverse("policies:role_detail", args=[role.name]) + "?tab=revoke"
    if not request.POST.get("confirm"):
        messages.error(request, "Confirm that you are revoking all active sessions for this role.")
        return htmx_redirect(request, url)
    try:
        revoke_role_sessions(role=role, acting=request.acting)
    except AWSError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Active sessions for {role.name} were revoked.")
    return htmx_redirect(request, url)
