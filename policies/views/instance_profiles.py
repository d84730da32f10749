"""Instance profile pages (reached from a role's page): list, create, add or remove the role, delete."""

from django.contrib import messages
from django.db.models.functions import Lower
from django.http import Http404
from django.urls import reverse

from aws.arns import arn_of
from aws.errors import AWSError
from console.dialogs import confirmation_error
from console.htmx import htmx_redirect, render_htmx
from console.http import http_methods
from console.pages import read_denial
from console.session import console_login_required
from policies.flows import instance_profile_create_with_role
from policies.models import InstanceProfile, Role
from policies.services.instance_profiles import (
    instance_profile_add_role,
    instance_profile_delete,
    instance_profile_remove_role,
)


def _breadcrumbs(*more):
    return [
        ("IAM", reverse("dashboard")),
        ("Roles", reverse("policies:role_list")),
        ("Instance profiles", reverse("policies:instance_profile_list") if more else None),
        *more,
    ]


def get_profile_or_404(request, name):
    profile = (
        InstanceProfile.objects.filter(account=request.acting.account, name=name)
        .select_related("role")
        .first()
    )
    if profile is None:
        raise Http404(f"Instance Profile {name} cannot be found.")
    return profile


def _role_or_none(request, name):
    if not name:
        return None
    return Role.objects.filter(account=request.acting.account, name=name).first()


@console_login_required
@http_methods("GET")
def instance_profile_list(request):
    profiles = (
        InstanceProfile.objects.filter(account=request.acting.account)
        .select_related("role")
        .order_by(Lower("name"), "pk")
    )
    context = {"profiles": profiles, "breadcrumbs": _breadcrumbs()}
    return render_htmx(request, "policies/instance_profile_list.html", context, "instance-profile-table")


@console_login_required
@http_methods("GET", "POST")
def instance_profile_create_view(request):
    """Create an instance profile, with the role it is created from (?role=NAME) when there is one."""
    role = _role_or_none(request, request.GET.get("role") or request.POST.get("role"))
    if role is not None and read_denial(request, "GetRole", role.arn, role):
        role = None  # a role the caller may not read is not offered
    name = request.POST.get("name", role.name if role and not role.instance_profiles.exists() else "").strip()
    path = request.POST.get("path", "/").strip() or "/"
    error = ""
    if request.method == "POST":
        try:
            profile = instance_profile_create_with_role(
                account=request.acting.account, name=name, path=path, role=role, acting=request.acting
            )
        except AWSError as exc:
            error = exc.message
        else:
            messages.success(request, f"Instance profile {profile.name} created.")
            if role is not None:
                return htmx_redirect(request, reverse("policies:role_detail", args=[role.name]))
            return htmx_redirect(request, reverse("policies:instance_profile_detail", args=[profile.name]))
    context = {
        "role": role,
        "name": name,
        "path": path,
        "error": error,
        "breadcrumbs": _breadcrumbs(("Create instance profile", None)),
    }
    return render_htmx(
        request,
        "policies/instance_profile_create.html",
        context,
        "instance-profile-form",
        status=422 if error else 200,
    )


def _detail_context(request, profile, **extra):
    taken = InstanceProfile.objects.filter(account=request.acting.account, role__isnull=False)
    # The roles to add are ListRoles'.
    listed = profile.role_id is None and not read_denial(
        request, "ListRoles", arn_of(request.acting.account.id, "role")
    )
    return {
        "profile": profile,
        "roles": list(Role.objects.filter(account=request.acting.account).order_by(Lower("name"))[:500])
        if listed
        else [],
        "breadcrumbs": _breadcrumbs((profile.name, None)),
        "roles_in_profiles": set(taken.values_list("role_id", flat=True)),
        **extra,
    }


@console_login_required
@http_methods("GET")
def instance_profile_detail(request, name):
    profile = get_profile_or_404(request, name)
    return render_htmx(
        request,
        "policies/instance_profile_detail.html",
        _detail_context(request, profile),
        "instance-profile",
    )


@console_login_required
@http_methods("POST")
def instance_profile_role(request, name):
    """Add a role to the profile (action=add) or take it out (action=remove)."""
    profile = get_profile_or_404(request, name)
    error = ""
    role = profile.role
    try:
        if request.POST.get("action") == "remove":
            if role is None:
                raise Http404("This instance profile holds no role.")
            instance_profile_remove_role(profile=profile, role=role, acting=request.acting)
            messages.success(request, f"Role removed from instance profile {profile.name}.")
        else:
            role = _role_or_none(request, request.POST.get("role", ""))
            if role is None:
                raise Http404("The role cannot be found.")
            instance_profile_add_role(profile=profile, role=role, acting=request.acting)
            messages.success(request, f"Role {role.name} added to instance profile {profile.name}.")
    except AWSError as exc:
        error = exc.message
    if error:
        profile.refresh_from_db()
        context = _detail_context(request, profile, error=error)
        response = render_htmx(
            request, "policies/instance_profile_detail.html", context, "instance-profile", status=422
        )
        return response
    # Back to the role's page when the change was made there (the role taken out or put in).
    if request.POST.get("next") == "role":
        return htmx_redirect(request, reverse("policies:role_detail", args=[role.name]))
    return htmx_redirect(request, reverse("policies:instance_profile_detail", args=[profile.name]))


@console_login_required
@http_methods("GET", "POST")
def instance_profile_delete_view(request, name):
    """Delete an instance profile: type its name to confirm; refused while it holds a role."""
    profile = get_profile_or_404(request, name)
    error = ""
    if request.method == "POST":
        error = confirmation_error(request, profile.name, "the instance profile name")
        if not error:
            try:
                instance_profile_delete(profile=profile, acting=request.acting)
            except AWSError as exc:
                error = exc.message
            else:
                messages.success(request, f"Instance profile {profile.name} deleted.")
                return htmx_redirect(request, reverse("policies:instance_profile_list"))
    context = {
        "profile": profile,
        "error": error,
        "breadcrumbs": _breadcrumbs(
            (profile.name, reverse("policies:instance_profile_detail", args=[profile.name])), ("Delete", None)
        ),
    }
    return render_htmx(
        request,
        "policies/instance_profile_delete.html",
        context,
        "instance-profile-dialog",
        status=422 if error else 200,
    )
