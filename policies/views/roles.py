"""Roles pages: list, the create role wizard, role detail tabs, trust policy editing, delete."""

import json
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from aws.errors import AWSError, ValidationError
from aws.params import ascii_decimal, ascii_int, search_text
from console.htmx import htmx_redirect, render_htmx
from console.http import http_methods
from console.pages import allowed_rows, read_denial
from console.session import console_login_required
from console.tags import parse_tags, remove_tag_row
from policies.engine import jsonpos
from policies.engine.validation import validate
from policies.flows import revoke_role_sessions, role_delete_with_dependents
from policies.models import (
    InstanceProfile,
    ManagedPolicy,
    OpenIDConnectProvider,
    Role,
    SAMLProvider,
    ServiceLinkedRoleDeletion,
)
from policies.services import roles as role_services
from policies.services.instance_profiles import instance_profile_add_role, instance_profile_create
from policies.services.permissions import policy_attach, policy_for_arn
from policies.views.permissions import picker_context
from policies.views.policies import policy_editor_context

PAGE_SIZE = 20
BOUNDARY_PAGE_SIZE = 10
DRAFT_KEY = "role_create_draft"
STEPS = [(1, "Select trusted entity"), (2, "Add permissions"), (3, "Name, review, and create")]
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
# The console's common use cases: (label, service principal, the description it proposes).
AWS_SERVICES = [
    ("EC2", "ec2.amazonaws.com", "Allows EC2 instances to call AWS services on your behalf."),
    ("Lambda", "lambda.amazonaws.com", "Allows Lambda functions to call AWS services on your behalf."),
    (
        "Elastic Container Service Task",
        "ecs-tasks.amazonaws.com",
        "Allows ECS tasks to call AWS services on your behalf.",
    ),
    (
        "Elastic Container Service",
        "ecs.amazonaws.com",
        "Allows ECS to create and manage AWS resources on your behalf.",
    ),
    ("API Gateway", "apigateway.amazonaws.com", "Allows API Gateway to push logs to CloudWatch Logs."),
    (
        "CloudFormation",
        "cloudformation.amazonaws.com",
        "Allows CloudFormation to create and manage AWS stacks and resources on your behalf.",
    ),
    ("CodeBuild", "codebuild.amazonaws.com", "Allows CodeBuild to call AWS services on your behalf."),
    (
        "CodePipeline",
        "codepipeline.amazonaws.com",
        "Allows CodePipeline to call AWS services on your behalf.",
    ),
    ("EventBridge", "events.amazonaws.com", "Allows EventBridge to call AWS services on your behalf."),
    (
        "Step Functions",
        "states.amazonaws.com",
        "Allows Step Functions to access AWS resources on your behalf.",
    ),
    ("Glue", "glue.amazonaws.com", "Allows Glue to call AWS services on your behalf."),
    (
        "SageMaker",
        "sagemaker.amazonaws.com",
        "Allows SageMaker notebook instances, training jobs, and models to access S3, ECR, and CloudWatch on your behalf.",
    ),
    ("Systems Manager", "ssm.amazonaws.com", "Allows Systems Manager to call AWS services on your behalf."),
    (
        "Elastic Beanstalk",
        "elasticbeanstalk.amazonaws.com",
        "Allows Elastic Beanstalk to call AWS services on your behalf.",
    ),
    (
        "EKS - Cluster",
        "eks.amazonaws.com",
        "Allows access to other AWS service resources that are required to operate clusters managed by EKS.",
    ),
    ("Batch", "batch.amazonaws.com", "Allows Batch to call AWS services on your behalf."),
    ("Redshift", "redshift.amazonaws.com", "Allows Redshift clusters to call AWS services on your behalf."),
    ("Firehose", "firehose.amazonaws.com", "Allows Firehose to call AWS services on your behalf."),
]
# Web identity providers IAM knows without an OIDC provider resource: (label, Federated value).
WELL_KNOWN_WEB_PROVIDERS = [
    ("Amazon Cognito", "cognito-identity.amazonaws.com"),
    ("Login with Amazon", "www.amazon.com"),
    ("Facebook", "graph.facebook.com"),
    ("Google", "accounts.google.com"),
]
SAML_ATTRIBUTES = [
    "SAML:aud",
    "SAML:iss",
    "SAML:sub",
    "SAML:sub_type",
    "SAML:edupersonorgdn",
    "SAML:namequalifier",
]
SAML_CONSOLE_AUDIENCE = "https://signin.aws.amazon.com/saml"
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
TABS = [
    ("permissions", "Permissions"),
    ("trust", "Trust relationships"),
    ("tags", "Tags"),
    ("revoke", "Revoke sessions"),
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
    rows = [{"role": role, "trusted": trusted_entities(role.trust_policy)} for role in page.object_list]
    context = {"page": page, "rows": rows, "search": search, "breadcrumbs": roles_breadcrumbs()}
    return render_htmx(request, "policies/role_list.html", context, "role-table")


# The create role wizard. Its draft lives in the session so that the back button and a reload keep
# what was entered.


def _draft(request):
    return request.session.get(DRAFT_KEY) or {
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
    }


def _save_draft(request, draft):
    request.session[DRAFT_KEY] = draft


def _step_url(step):
    return f"{reverse('policies:role_create')}?step={step}"


def _statement(principal, action, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return statement


def build_trust_policy(draft, account):
    """The trust policy the console writes for the chosen trusted entity, or a ValidationError."""
    kind = draft["entity_type"]
    if kind == "custom":
        return draft["custom_policy"]
    if kind == "service":
        if draft["service"] not in {principal for _, principal, _ in AWS_SERVICES}:
            raise ValidationError("Choose a service or use case.")
        statement = _statement({"Service": draft["service"]}, "sts:AssumeRole")
    elif kind == "account":
        account_id = account.id if draft["account_choice"] == "this" else draft["account_id"].strip()
        if not re.fullmatch(r"[0-9]{12}", account_id):
            raise ValidationError("Enter a valid 12-digit AWS account ID.")
        condition = {}
        if draft["require_external_id"]:
            if not draft["external_id"].strip():
                raise ValidationError("Enter an external ID.")
            condition["StringEquals"] = {"sts:ExternalId": draft["external_id"].strip()}
        if draft["require_mfa"]:
            condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        statement = _statement({"AWS": f"arn:aws:iam::{account_id}:root"}, "sts:AssumeRole", condition)
    elif kind == "web_identity":
        federated = draft["web_provider"]
        known = {value for _, value in WELL_KNOWN_WEB_PROVIDERS}
        if federated not in known:
            provider = OpenIDConnectProvider.objects.filter(account=account, url=federated).first()
            if provider is None:
                raise ValidationError("Choose an identity provider.")
            federated = provider.arn
            key = f"{provider.url}:aud"
        else:
            key = f"{federated}:aud"
        if not draft["audience"].strip():
            raise ValidationError("Enter an audience.")
        statement = _statement(
            {"Federated": federated},
            "sts:AssumeRoleWithWebIdentity",
            {"StringEquals": {key: draft["audience"].strip()}},
        )
    elif kind == "saml":
        provider = SAMLProvider.objects.filter(account=account, name=draft["saml_provider"]).first()
        if provider is None:
            raise ValidationError("Choose a SAML 2.0 based provider.")
        if draft["saml_access"] == "console":
            condition = {"StringEquals": {"SAML:aud": SAML_CONSOLE_AUDIENCE}}
            actions = ["sts:AssumeRoleWithSAML", "sts:TagSession"]
        else:
            if draft["saml_attribute"] not in SAML_ATTRIBUTES or not draft["saml_value"].strip():
                raise ValidationError("Choose an attribute and enter a value.")
            condition = {"StringEquals": {draft["saml_attribute"]: draft["saml_value"].strip()}}
            actions = ["sts:AssumeRoleWithSAML", "sts:TagSession"]
        statement = _statement({"Federated": provider.arn}, actions, condition)
    else:
        raise ValidationError("Choose a trusted entity type.")
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)


def _service_description(service):
    return next((description for _, principal, description in AWS_SERVICES if principal == service), "")


def _boundary_rows(request, search):
    if read_denial(request, "ListPolicies"):
        return []
    policies = ManagedPolicy.objects.filter(Q(account__isnull=True) | Q(account=request.acting.account))
    policies = policies.exclude(path="/aws-service-role/")
    if search:
        policies = policies.filter(name__icontains=search)
    return list(policies.order_by(Lower("name"), "pk")[:BOUNDARY_PAGE_SIZE])


def _picker_context(request, draft, data=None):

    data = data if data is not None else request.GET.copy()
    if "policy_arn" not in data:
        data.setlist("policy_arn", draft["policies"])
    return picker_context(request, mode="multi", input_name="policy_arn", data=data)


def _wizard_context(request, step, draft, **extra):
    return {
        "step": step,
        "steps": STEPS,
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
            else list(OpenIDConnectProvider.objects.filter(account=account))
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
        context["boundary_search"] = search_text(request.GET, "boundary_q")
        context["boundary_rows"] = _boundary_rows(request, context["boundary_search"])
        if draft["boundary"]:
            context["boundary_policy"] = ManagedPolicy.objects.filter(arn=draft["boundary"]).first()
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
    response = render_htmx(request, "policies/role_create.html", context, partial, status=status)
    if request.htmx and partial == "wizard-step":
        response["HX-Push-Url"] = _step_url(step)
    return response


def _go_to(request, step, draft):
    if request.htmx:
        return _render_step(request, step, draft)
    return redirect(_step_url(step))


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
    step = min(ascii_int(request.GET.get("step", "1")) or 1, 3)
    draft = _draft(request)
    if step > 1 and not draft["trust_policy"]:
        step = 1  # the later steps need a trusted entity first
    if request.method == "GET":
        return _render_step(request, step, draft)

    account = request.acting.account
    if step == 1:
        _step1_from_post(draft, request.POST)
        _save_draft(request, draft)
        try:
            trust_policy = build_trust_policy(draft, account)
            role_services.validate_trust_policy(trust_policy)
        except AWSError as exc:
            return _render_step(request, 1, draft, status=422, error=exc.message)
        draft["trust_policy"] = trust_policy
        if draft["entity_type"] == "service" and not draft["description"]:
            draft["description"] = _service_description(draft["service"])
        _save_draft(request, draft)
        return _go_to(request, 2, draft)

    if step == 2:
        draft["policies"] = list(dict.fromkeys(arn for arn in request.POST.getlist("policy_arn") if arn))
        draft["boundary"] = request.POST.get("boundary_arn", "") if request.POST.get("use_boundary") else ""
        _save_draft(request, draft)
        if request.POST.get("action") == "previous":
            return _go_to(request, 1, draft)
        return _go_to(request, 3, draft)

    # Step 3: name, description and tags; go back, edit tags, or create.
    action = request.POST.get("action", "create")
    draft["name"] = request.POST.get("name", draft["name"]).strip()
    draft["description"] = request.POST.get("description", draft["description"])
    tags, tag_error = parse_tags(request.POST)
    draft["tags"] = [[key, value] for key, value in tags]
    if action == "previous":
        _save_draft(request, draft)
        return _go_to(request, 2, draft)
    if action == "add_tag":
        draft["tags"].append(["", ""])
        _save_draft(request, draft)
        return _render_step(request, 3, draft)
    if action.startswith("remove_tag_"):
        remove_tag_row(draft["tags"], action)
        _save_draft(request, draft)
        return _render_step(request, 3, draft)
    _save_draft(request, draft)
    if tag_error:
        return _render_step(request, 3, draft, status=422, error=tag_error)
    try:
        role = _create_from_draft(request, draft)
    except AWSError as exc:
        return _render_step(request, 3, draft, status=422, error=exc.message)
    request.session.pop(DRAFT_KEY, None)
    messages.success(request, f"Role {role.name} created.")
    return htmx_redirect(request, reverse("policies:role_detail", args=[role.name]))


def _create_from_draft(request, draft):
    """The role, its policies and (for EC2) its instance profile: all of it or nothing."""

    account = request.acting.account
    tags = [(key, value) for key, value in draft["tags"] if key or value]
    with transaction.atomic():
        role = role_services.role_create(
            account=account,
            name=draft["name"],
            description=draft["description"],
            trust_policy=draft["trust_policy"],
            tags=tags,
            permissions_boundary_arn=draft["boundary"],
            acting=request.acting,
        )
        for arn in draft["policies"]:
            policy_attach(policy=policy_for_arn(account=account, arn=arn), role=role, acting=request.acting)
        # The console gives an EC2 role an instance profile of the same name.
        if draft["entity_type"] == "service" and draft["service"] == "ec2.amazonaws.com":
            profile = instance_profile_create(account=account, name=role.name, acting=request.acting)
            instance_profile_add_role(profile=profile, role=role, acting=request.acting)
    return role


@console_login_required
@http_methods("GET")
def role_create_cancel(request):
    request.session.pop(DRAFT_KEY, None)
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
            with transaction.atomic():
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
    tags, error = parse_tags(request.POST)
    action = request.POST.get("action", "save")

    def tab(status=200, **extra):
        context = role_detail_context(request, role, "tags", **extra)
        response = render_htmx(request, "policies/role_detail.html", context, "role-tab", status=status)
        return response

    if action == "edit":
        return tab(editing=True)
    if action == "add_tag":
        tags.append(("", ""))
        return tab(editing=True, draft_tags=tags)
    if action.startswith("remove_tag_"):
        remove_tag_row(tags, action)
        return tab(editing=True, draft_tags=tags)
    if not error:
        try:
            with transaction.atomic():
                keep = {key.lower() for key, _ in tags}
                gone = [tag.key for tag in role.tags.all() if tag.key.lower() not in keep]
                if gone:
                    role_services.role_untag(role=role, keys=gone, acting=request.acting)
                if tags:
                    role_services.role_tag(role=role, tags=tags, acting=request.acting)
        except AWSError as exc:
            error = exc.message
    if error:
        return tab(status=422, editing=True, draft_tags=tags, error=error)
    messages.success(request, "Tags saved.")
    if request.htmx:
        return tab()
    return redirect(f"{reverse('policies:role_detail', args=[role.name])}?tab=tags")


@console_login_required
@http_methods("GET", "POST")
def role_delete(request, name):
    """Delete a role: type its name to confirm; a service-linked role goes through its deletion task."""
    role = get_role_or_404(request, name)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "") != role.name:
            error = "Enter the role name to confirm deletion."
        else:
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
    account = request.acting.account
    profile_name = request.POST.get("instance_profile", "").strip()
    try:
        with transaction.atomic():
            profile = InstanceProfile.objects.filter(account=account, name=profile_name).first()
            if profile is None:
                profile = instance_profile_create(account=account, name=profile_name, acting=request.acting)
            instance_profile_add_role(profile=profile, role=role, acting=request.acting)
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
