"""The Policies pages: the policy types (enable, disable), the policies of a type, and one policy."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from aws.errors import AWSError
from console.htmx import render_htmx, swap_or_redirect
from console.http import http_methods
from console.session import console_login_required
from policies.engine.validation import SIZE_LIMITS

from .. import selectors, services
from ..forms import PolicyForm
from ..models import RCP, SCP
from .common import breadcrumbs, managed_organization

# The console's URL segment for each type, and its names.
TYPES = {
    "service-control-policies": (SCP, "Service control policies", "service control policy"),
    "resource-control-policies": (RCP, "Resource control policies", "resource control policy"),
}
EXAMPLE = {
    SCP: {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Statement1", "Effect": "Deny", "Action": [], "Resource": []}],
    },
    RCP: {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Statement1", "Effect": "Deny", "Principal": "*", "Action": [], "Resource": []}
        ],
    },
}


def _type(slug):
    if slug not in TYPES:
        raise Http404("Unknown policy type.")
    return TYPES[slug]


def _organization(request, action):
    organization, refused = managed_organization(request, action)
    if refused:
        return None, refused
    if organization is None:
        raise Http404("Your account is not a member of an organization.")
    return organization, None


def _crumbs(slug=None, *more):
    items = [("Policies", reverse("organizations:policies") if slug else None)]
    if slug:
        items.append((TYPES[slug][1], reverse("organizations:policy_list", args=[slug]) if more else None))
    return breadcrumbs(*items, *more)


@console_login_required
@http_methods("GET")
def policy_types(request):
    organization, refused = managed_organization(request, "organizations:ListPolicies")
    if refused:
        return refused
    if organization is None:
        # The navigation links this page (and Access reports the policy lists): an account that manages
        # no organization gets the start page (create one, or the organization it is a member of).
        return redirect("organizations:accounts")
    types = [
        {"slug": slug, "label": label, "type": policy_type, "enabled": organization.type_enabled(policy_type)}
        for slug, (policy_type, label, _) in TYPES.items()
    ]
    return render(request, "organizations/policy_types.html", {"types": types, "breadcrumbs": _crumbs()})


def _list_context(organization, slug):
    policy_type, label, singular = _type(slug)
    return {
        "organization": organization,
        "slug": slug,
        "label": label,
        "singular": singular,
        "policy_type": policy_type,
        "enabled": organization.type_enabled(policy_type),
        "policies": selectors.policies_of(organization, policy_type),
        "breadcrumbs": _crumbs(slug),
    }


@console_login_required
@http_methods("GET")
def policy_list(request, slug):
    _type(slug)
    organization, refused = managed_organization(request, "organizations:ListPolicies")
    if refused:
        return refused
    if organization is None:
        return redirect("organizations:accounts")  # see policy_types
    return render_htmx(
        request, "organizations/policy_list.html", _list_context(organization, slug), "policy-type-status"
    )


@console_login_required
@http_methods("POST")
def policy_type_toggle(request, slug):
    """Enable or disable the type in the root; the status panel is swapped in place."""
    policy_type = _type(slug)[0]
    choice = request.POST.get("enable")
    if choice not in ("true", "false"):
        # Only the panel's Enable or Disable button changes anything.
        return HttpResponseBadRequest("Choose Enable or Disable.")
    enable = choice == "true"
    organization, refused = _organization(
        request, "organizations:EnablePolicyType" if enable else "organizations:DisablePolicyType"
    )
    if refused:
        return refused
    error = ""
    try:
        change = services.policy_type_enable if enable else services.policy_type_disable
        organization = change(organization=organization, policy_type=policy_type, acting=request.acting)
    except AWSError as exc:
        error = exc.message
    return swap_or_redirect(
        request,
        lambda: render(
            request,
            "organizations/policy_list.html#policy-type-status",
            _list_context(organization, slug) | {"error": error},
        ),
        reverse("organizations:policy_list", kwargs={"slug": slug}),
        error=error,
    )


def _size_limit(policy_type):
    """The most characters of a policy of the type, as the form's hint writes it (10,240 for an SCP)."""
    return f"{SIZE_LIMITS['scp' if policy_type == SCP else 'rcp']:,}"


@console_login_required
@http_methods("GET", "POST")
def policy_create(request, slug):
    organization, refused = _organization(request, "organizations:CreatePolicy")
    if refused:
        return refused
    policy_type, label, singular = _type(slug)
    form = PolicyForm(request.POST or None, initial={"content": json.dumps(EXAMPLE[policy_type], indent=4)})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(
                organization=organization, policy_type=policy_type, acting=request.acting, **form.cleaned_data
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f"Policy {policy.name} was created.")
            return redirect("organizations:policy_detail", slug=slug, policy_id=policy.id)
    context = {
        "form": form,
        "error": error,
        "slug": slug,
        "singular": singular,
        "size_limit": _size_limit(policy_type),
        "breadcrumbs": _crumbs(slug, (f"Create new {singular}", None)),
    }
    return render(
        request, "organizations/policy_form.html", context, status=422 if request.method == "POST" else 200
    )


def _policy(organization, slug, policy_id):
    policy_type = _type(slug)[0]
    return get_object_or_404(selectors.usable_policies(organization), id=policy_id, type=policy_type)


def _detail_context(organization, slug, policy):
    targets = selectors.policy_targets(organization, policy)
    attached = {target_id for target_id, *_ in targets}
    choices = [
        (target_id, label)
        for target_id, label in selectors.parents(organization)
        if target_id not in attached
    ]
    choices += [
        (membership.account_id, f"{membership.account.name} ({membership.account_id})")
        for membership in organization.memberships.select_related("account")
        if membership.account_id not in attached
    ]
    try:
        content = json.dumps(json.loads(policy.content), indent=4)
    except ValueError:
        content = policy.content
    return {
        "organization": organization,
        "slug": slug,
        "policy": policy,
        "content": content,
        "targets": targets,
        "choices": choices,
        "enabled": organization.type_enabled(policy.type),
        "breadcrumbs": _crumbs(slug, (policy.name, None)),
    }


@console_login_required
@http_methods("GET")
def policy_detail(request, slug, policy_id):
    organization, refused = _organization(request, "organizations:DescribePolicy")
    if refused:
        return refused
    policy = _policy(organization, slug, policy_id)
    return render_htmx(
        request,
        "organizations/policy_detail.html",
        _detail_context(organization, slug, policy),
        "policy-targets",
    )


@console_login_required
@http_methods("POST")
def policy_target_change(request, slug, policy_id):
    """Attach the policy to a target or detach it from one; the Targets panel is swapped in place."""
    organization, refused = _organization(request, "organizations:AttachPolicy")
    if refused:
        return refused
    policy = _policy(organization, slug, policy_id)
    change = services.policy_detach if request.POST.get("change") == "detach" else services.policy_attach
    error = ""
    try:
        change(
            organization=organization,
            policy=policy,
            target_id=request.POST.get("target", ""),
            acting=request.acting,
        )
    except AWSError as exc:
        error = exc.message
    return swap_or_redirect(
        request,
        lambda: render(
            request,
            "organizations/policy_detail.html#policy-targets",
            _detail_context(organization, slug, policy) | {"error": error},
        ),
        reverse("organizations:policy_detail", kwargs={"slug": slug, "policy_id": policy.id}),
        error=error,
    )


@console_login_required
@http_methods("GET", "POST")
def policy_edit(request, slug, policy_id):
    organization, refused = _organization(request, "organizations:UpdatePolicy")
    if refused:
        return refused
    policy = _policy(organization, slug, policy_id)
    if policy.aws_managed:
        raise Http404("AWS managed policies cannot be edited.")
    _, label, singular = _type(slug)
    try:
        pretty = json.dumps(json.loads(policy.content), indent=4)
    except ValueError:
        pretty = policy.content
    form = PolicyForm(
        request.POST or None,
        initial={"name": policy.name, "description": policy.description, "content": pretty},
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(policy=policy, acting=request.acting, **form.cleaned_data)
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f"Policy {policy.name} was updated.")
            return redirect("organizations:policy_detail", slug=slug, policy_id=policy.id)
    context = {
        "form": form,
        "error": error,
        "slug": slug,
        "singular": singular,
        "policy": policy,
        "size_limit": _size_limit(policy.type),
        "breadcrumbs": _crumbs(slug, (policy.name, None)),
    }
    return render(
        request, "organizations/policy_form.html", context, status=422 if request.method == "POST" else 200
    )


@console_login_required
@http_methods("POST")
def policy_delete(request, slug, policy_id):
    organization, refused = _organization(request, "organizations:DeletePolicy")
    if refused:
        return refused
    policy = _policy(organization, slug, policy_id)
    try:
        services.policy_delete(policy=policy, acting=request.acting)
    except AWSError as exc:
        messages.error(request, exc.message)
        return redirect("organizations:policy_detail", slug=slug, policy_id=policy.id)
    messages.success(request, f"Policy {policy.name} was deleted.")
    return redirect("organizations:policy_list", slug=slug)
