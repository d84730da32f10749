"""The console obeys IAM: every page a signed-in identity opens is authorized by the policy engine.

`PAGES` names, for each console URL, the read operation the real console's page calls (ListUsers for
the users list, GetUser for a user's page …) and the resource it is called on. Writes are authorized
by their services (accounts/operations.py), so a form that posts is refused on use, inline, in AWS's
words, as in AWS: buttons are shown to everyone. A page refused here shows AWS's message in place of
its content, with the page's own heading and buttons still there.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse

from accounts.authorization import unbounded
from accounts.errors import AccessDenied
from accounts.operations import OPERATIONS, arn_of, authorize_read
from accounts.services.audit import record_event
from accounts.session import is_signed_in


def _listing(kind):
    return lambda acting, kw: arn_of(acting.account.id, kind)


def _named(kind, model_path):
    """The ARN of the entity named in the URL (its path included), or its ARN under "/" when it does
    not exist: AWS answers AccessDenied before it says NoSuchEntity."""

    def resource(acting, kw):
        from django.apps import apps

        model = apps.get_model(model_path)
        path = (
            model.objects.filter(account=acting.account, name__iexact=kw["name"])
            .values_list("path", flat=True)
            .first()
        )
        return arn_of(acting.account.id, kind, path or "/", kw["name"])

    return resource


def _policy(acting, kw):
    return kw["arn"]


def _access_key_user(acting, kw):
    from accounts.models import AccessKey

    key = (
        AccessKey.objects.filter(account=acting.account, access_key_id=kw["key_id"])
        .select_related("user")
        .first()
    )
    if key is None or key.user is None:
        return acting.account.root_arn
    return key.user.arn


def _provider(acting, kw):
    if kw["kind"] == "saml":
        return f"arn:aws:iam::{acting.account.id}:saml-provider/{kw['key']}"
    return f"arn:aws:iam::{acting.account.id}:oidc-provider/{kw['key']}"


def _anywhere(acting, kw):
    return "*"


def _simulation(request):
    # The simulator's custom mode simulates pasted documents: AWS's SimulateCustomPolicy.
    custom = request.POST.get("mode") == "custom"
    return "SimulateCustomPolicy" if custom else "SimulatePrincipalPolicy"


_user = _named("user", "accounts.IAMUser")
_group = _named("group", "accounts.Group")
_role = _named("role", "policies.Role")
_profile = _named("instance-profile", "policies.InstanceProfile")


@dataclass(frozen=True)
class Page:
    """A console page: the read operation it needs on GET (and on POST when `post` says so), the
    resource, and its heading and buttons for the denial shown in its place."""

    operation: str
    resource: Callable = _anywhere
    title: str = ""
    buttons: tuple = ()  # (label, URL name)
    post: str | Callable | None = None  # a POST that only reads (the simulator): its operation, or a
    # function of the request that names it


# Pages anyone signed in may open: their services authorize what they change, or they are the
# identity's own (sign-in, own password, the root user's own credentials, switch role).
OPEN = {
    "dashboard",
    "healthz",
    "accounts:signup",
    "accounts:signin",
    "accounts:signin_root_password",
    "accounts:signin_mfa",
    "accounts:signin_new_password",
    "accounts:forgot_password",
    "accounts:reset_password",
    "accounts:signin_account",
    "accounts:signout",
    "accounts:change_password",
    "accounts:root_security_credentials",
    "accounts:root_mfa_assign",
    "accounts:root_mfa_remove",
    "accounts:root_mfa_resync",
    "accounts:root_access_keys",
    "accounts:root_access_key_create",
    "accounts:access_key_retrieve",  # the secret shown once to whoever just created the key
    "accounts:switch_role",
    "accounts:switch_back",
    "accounts:switch_role_recent",
    # Wizards: nothing is read until their last step, which calls the create services.
    "accounts:user_create",
    "accounts:user_create_cancel",
    "accounts:user_delete_many",
    "accounts:group_create",
    "accounts:group_delete",
    "policies:policy_create",
    "policies:policy_create_cancel",
    "policies:role_create",
    "policies:role_create_cancel",
    "policies:instance_profile_create",
    "policies:identity_provider_create",
    # The policy editor's helpers only parse the document the user is typing.
    "policies:policy_validate",
    "policies:policy_editor",
    "policies:visual_editor_update",
    "policies:policy_summary",
    # AWS Organizations' pages ask the authorizer for the organizations:<Operation> they call
    # themselves (organizations/views/common.py); member accounts and outsiders get 404.
    "organizations:accounts",
    "organizations:organization_create",
    "organizations:organization_delete",
    "organizations:organization_leave",
    "organizations:ou_create",
    "organizations:account_create",
    "organizations:account_invite",
    "organizations:invitations",
    "organizations:handshake_respond",
    "organizations:target_detail",
    "organizations:target_policy_change",
    "organizations:ou_rename",
    "organizations:ou_delete",
    "organizations:account_move",
    "organizations:account_remove",
    "organizations:policies",
    "organizations:policy_list",
    "organizations:policy_type_toggle",
    "organizations:policy_create",
    "organizations:policy_detail",
    "organizations:policy_target_change",
    "organizations:policy_edit",
    "organizations:policy_delete",
}

CONSOLE_NAMESPACES = {"accounts", "policies", "organizations"}

_USER_BUTTONS = (("Create user", "accounts:user_create"),)
_GROUP_BUTTONS = (("Create group", "accounts:group_create"),)
_ROLE_BUTTONS = (("Create role", "policies:role_create"),)
_POLICY_BUTTONS = (("Create policy", "policies:policy_create"),)

PAGES = {
    "accounts:account_settings": Page("GetAccountPasswordPolicy", title="Account settings"),
    "accounts:password_policy_edit": Page("GetAccountPasswordPolicy", title="Edit password policy"),
    "accounts:account_alias_edit": Page("ListAccountAliases", title="Account alias"),
    "accounts:account_alias_delete": Page("ListAccountAliases", title="Account alias"),
    "accounts:user_list": Page("ListUsers", _listing("user"), "Users", _USER_BUTTONS),
    "accounts:user_detail": Page("GetUser", _user, "User"),
    "accounts:user_delete": Page("GetUser", _user, "Delete user"),
    "accounts:user_groups": Page("ListGroupsForUser", _user, "Groups"),
    "accounts:user_tags": Page("ListUserTags", _user, "Tags"),
    "accounts:login_profile_manage": Page("GetLoginProfile", _user, "Console access"),
    "accounts:login_profile_password": Page("GetLoginProfile", _user, "Console password"),
    "accounts:access_key_create": Page("ListAccessKeys", _user, "Create access key"),
    "accounts:access_key_action": Page("ListAccessKeys", _access_key_user, "Access key"),
    "accounts:user_mfa_assign": Page("ListMFADevices", _user, "Assign MFA device"),
    "accounts:user_mfa_remove": Page("ListMFADevices", _user, "Remove MFA device"),
    "accounts:group_list": Page("ListGroups", _listing("group"), "User groups", _GROUP_BUTTONS),
    "accounts:group_detail": Page("GetGroup", _group, "User group"),
    "accounts:group_add_users": Page("GetGroup", _group, "Add users to group"),
    "accounts:group_remove_users": Page("GetGroup", _group, "Remove users from group"),
    "accounts:event_history": Page("LookupEvents", title="Event history"),
    "accounts:event_history_download": Page("LookupEvents", title="Event history"),
    "policies:policy_list": Page("ListPolicies", title="Policies", buttons=_POLICY_BUTTONS),
    "policies:policy_picker": Page("ListPolicies", title="Policies"),
    "policies:policy_detail": Page("GetPolicy", _policy, "Policy"),
    "policies:policy_edit": Page("GetPolicyVersion", _policy, "Modify permissions"),
    "policies:policy_versions": Page("ListPolicyVersions", _policy, "Policy versions"),
    "policies:policy_compare": Page("GetPolicyVersion", _policy, "Compare policy versions"),
    "policies:policy_tags": Page("ListPolicyTags", _policy, "Tags"),
    "policies:policy_delete": Page("GetPolicy", _policy, "Delete policy"),
    "policies:role_list": Page("ListRoles", _listing("role"), "Roles", _ROLE_BUTTONS),
    "policies:role_deletion_status": Page("GetServiceLinkedRoleDeletionStatus", title="Roles"),
    "policies:role_detail": Page("GetRole", _role, "Role"),
    "policies:role_edit": Page("GetRole", _role, "Edit role"),
    "policies:role_trust_edit": Page("GetRole", _role, "Edit trust policy"),
    "policies:role_tags": Page("GetRole", _role, "Tags"),
    "policies:role_delete": Page("GetRole", _role, "Delete role"),
    "policies:role_revoke_sessions": Page("GetRole", _role, "Revoke sessions"),
    "policies:role_instance_profile_add": Page("GetRole", _role, "Instance profile"),
    "policies:instance_profile_list": Page(
        "ListInstanceProfiles", _listing("instance-profile"), "Instance profiles"
    ),
    "policies:instance_profile_detail": Page("GetInstanceProfile", _profile, "Instance profile"),
    "policies:instance_profile_role": Page("GetInstanceProfile", _profile, "Instance profile"),
    "policies:instance_profile_delete": Page("GetInstanceProfile", _profile, "Delete instance profile"),
    "policies:identity_provider_list": Page("ListOpenIDConnectProviders", title="Identity providers"),
    "policies:identity_provider_detail": Page("GetOpenIDConnectProvider", _provider, "Identity provider"),
    "policies:identity_provider_delete": Page("GetOpenIDConnectProvider", _provider, "Identity provider"),
    "policies:user_permissions": Page("ListAttachedUserPolicies", _user, "Permissions"),
    "policies:user_permissions_remove": Page("ListAttachedUserPolicies", _user, "Permissions"),
    "policies:user_permissions_add": Page("ListAttachedUserPolicies", _user, "Add permissions"),
    "policies:user_permissions_inline": Page("ListAttachedUserPolicies", _user, "Inline policy"),
    "policies:user_permissions_boundary": Page("ListAttachedUserPolicies", _user, "Permissions boundary"),
    "policies:group_permissions": Page("ListAttachedGroupPolicies", _group, "Permissions"),
    "policies:group_permissions_remove": Page("ListAttachedGroupPolicies", _group, "Permissions"),
    "policies:group_permissions_add": Page("ListAttachedGroupPolicies", _group, "Add permissions"),
    "policies:group_permissions_inline": Page("ListAttachedGroupPolicies", _group, "Inline policy"),
    "policies:role_permissions": Page("ListAttachedRolePolicies", _role, "Permissions"),
    "policies:role_permissions_remove": Page("ListAttachedRolePolicies", _role, "Permissions"),
    "policies:role_permissions_add": Page("ListAttachedRolePolicies", _role, "Add permissions"),
    "policies:role_permissions_inline": Page("ListAttachedRolePolicies", _role, "Inline policy"),
    "policies:role_permissions_boundary": Page("ListAttachedRolePolicies", _role, "Permissions boundary"),
    "policies:simulator": Page("SimulatePrincipalPolicy", title="Policy simulator", post=_simulation),
    "policies:simulation_run": Page("SimulatePrincipalPolicy", title="Policy simulator"),
    "policies:simulation_run_csv": Page("SimulatePrincipalPolicy", title="Policy simulator"),
}


def _event_source(operation):
    service = OPERATIONS[operation].action.partition(":")[0]
    return f"{service}.amazonaws.com"


def render_denial(request, error, page=None):
    """AWS's message in place of the page (or of the fragment an HTMX request asked for)."""
    context = {
        "denial": error.message,
        "page_title": page.title if page else "Access denied",
        "page_buttons": [(label, reverse(name)) for label, name in (page.buttons if page else ())],
    }
    if request.htmx:
        # The fragment's place shows the message; 200 so htmx swaps it in.
        return render(request, "denied.html#denial", context)
    return render(request, "denied.html", context, status=403)


class EnforcementMiddleware:
    """Authorize each console page for the signed-in identity before its view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else ""
        if name.startswith("admin:") or name in OPEN or not is_signed_in(request):
            return None
        page = PAGES.get(name)
        if page is None and name.partition(":")[0] not in CONSOLE_NAMESPACES:
            return None  # not a console page (tests mount their own views)
        if page is None:
            # A console page nobody placed in the table is refused, never silently open.
            raise LookupError(f"{name!r} is in neither PAGES nor OPEN of iamconsole/enforcement.py")
        if request.method in ("GET", "HEAD"):
            operation = page.operation
        elif page.post:
            operation = page.post(request) if callable(page.post) else page.post
        else:
            return None  # the services the view calls authorize the write
        if unbounded(request.acting):
            return None  # the root user: no need to look up the resource's ARN
        resource = page.resource(request.acting, view_kwargs)
        try:
            authorize_read(acting=request.acting, name=operation, resource=resource)
        except AccessDenied as error:
            # CloudTrail records refused reads too: a trainee finds them in Event history.
            record_event(
                acting=request.acting,
                event_name=operation,
                request_parameters={"resource": resource} if resource != "*" else None,
                error=error,
                read_only=True,
                event_source=_event_source(operation),
            )
            return render_denial(request, error, page)
        return None

    def process_exception(self, request, exception):
        # A service refused a write the view does not show inline.
        if isinstance(exception, AccessDenied) and is_signed_in(request):
            match = request.resolver_match
            return render_denial(request, exception, PAGES.get(match.view_name) if match else None)
        return None
