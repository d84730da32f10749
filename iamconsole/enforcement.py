"""The console obeys IAM: every request a signed-in identity makes is authorized by the policy engine.

Default-deny by construction:
- a view names the HTTP methods it serves (`console.http.http_methods`); any other method, and any
  view that names none, is answered 405 before anything is read;
- `PAGES` names, for each console URL, the reads the real console's page makes (GetUser for a user's
  page, ListAccessKeys for its security credentials tab …) on the resource the URL names, with that
  resource's tags as `aws:ResourceTag/*`. They are authorized for every method the view serves, so a
  POST that re-renders the page shows nothing its reads would not; the writes it makes are authorized
  by their services (accounts/operations.py), inline, in AWS's words;
- `OPEN` lists the pages that authorize themselves (sign-in, the identity's own credentials, wizards
  whose tables check their own List* reads, AWS Organizations) or show nothing of the account;
- a signed-in request to anything in neither table is refused.
A refused page shows AWS's message in place of its content, with its heading and buttons still there.
"""

from django.apps import apps
from django.db.models import Q
from django.http import HttpResponseNotAllowed

from access.audit import refusals_kept
from access.authorization import unbounded
from aws.arns import arn_of
from aws.errors import AccessDenied
from console.http import served_methods
from console.pages import Page, anywhere, authorize_page_read, page_reads, read_denial, render_denial
from console.session import is_signed_in

# Resources: a function of (acting, url kwargs) giving (ARN, entity or None); the entity's tags are
# the request's aws:ResourceTag/* keys.


def _listing(kind):
    return lambda acting, kw: (arn_of(acting.account.id, kind), None)


def _named(kind, model_path):
    """The entity named in the URL (its ARN with its path), or its ARN under "/" when it does not
    exist: AWS answers AccessDenied before it says NoSuchEntity."""

    def resource(acting, kw):
        model = apps.get_model(model_path)
        entity = model.objects.filter(account=acting.account, name__iexact=kw["name"]).first()
        if entity is None:
            return arn_of(acting.account.id, kind, "/", kw["name"]), None
        return entity.arn, entity

    return resource


def _policy(acting, kw):
    model = apps.get_model("policies.ManagedPolicy")
    policy = (
        model.objects.filter(arn=kw["arn"])
        .filter(Q(account__isnull=True) | Q(account=acting.account))
        .first()
    )
    return kw["arn"], policy


def _access_key_user(acting, kw):
    model = apps.get_model("accounts.AccessKey")
    key = (
        model.objects.filter(account=acting.account, access_key_id=kw["key_id"])
        .select_related("user")
        .first()
    )
    if key is None or key.user is None:
        return acting.account.root_arn, None
    return key.user.arn, key.user


def _provider(acting, kw):
    """The provider's ARN as AWS writes it: `oidc-provider/<url without https://>`, `saml-provider/<name>`."""
    if kw["kind"] == "saml":
        provider = apps.get_model("policies.SAMLProvider").objects.filter(
            account=acting.account, name=kw["key"]
        )
        provider = provider.first()
        if provider is None:
            return f"arn:aws:iam::{acting.account.id}:saml-provider/{kw['key']}", None
        return provider.arn, provider
    key = str(kw["key"])
    provider = None
    if key.isascii() and key.isdigit():
        provider = apps.get_model("policies.OpenIDConnectProvider").objects.filter(
            account=acting.account, pk=key
        )
        provider = provider.first()
    if provider is None:
        return f"arn:aws:iam::{acting.account.id}:oidc-provider/{key}", None
    return provider.arn, provider


_user = _named("user", "accounts.IAMUser")
_group = _named("group", "accounts.Group")
_role = _named("role", "policies.Role")
_profile = _named("instance-profile", "policies.InstanceProfile")


# Reads: an operation name (on the page's resource), (name, resource function), or a function of
# (request, url kwargs) that gives a list of those.


def _tab(reads_by_tab, default, param="tab"):
    """The reads of the tab the request shows (a detail page shows one tab at a time)."""

    def reads(request, kw):
        tab = request.GET.get(param) or request.POST.get(param) or default
        return reads_by_tab.get(tab, reads_by_tab[default])

    return reads


def _provider_read(request, kw):
    return ["GetSAMLProvider" if kw.get("kind") == "saml" else "GetOpenIDConnectProvider"]


def _inline_read(kind):
    """Showing an inline policy (?policy=NAME) is Get<Kind>Policy; a new one reads nothing more."""
    operation = f"Get{kind}Policy"

    def reads(request, kw):
        return [operation] if request.GET.get("policy") or request.POST.get("policy") else []

    return reads


# The Last Accessed tab (Access Advisor): a report generated on the page's entity, then read back.
_LAST_ACCESSED = ("GenerateServiceLastAccessedDetails", ("GetServiceLastAccessedDetails", anywhere))
_USER_TABS = _tab(
    {
        "permissions": ("ListAttachedUserPolicies", "ListUserPolicies", "ListGroupsForUser"),
        "groups": ("ListGroupsForUser", ("ListGroups", _listing("group"))),
        "tags": ("ListUserTags",),
        "security_credentials": ("GetLoginProfile", "ListAccessKeys", "ListMFADevices"),
        "last_accessed": _LAST_ACCESSED,
    },
    "permissions",
)
_ROLE_TABS = _tab(
    {
        "permissions": ("ListAttachedRolePolicies", "ListRolePolicies"),
        "trust": (),
        "tags": ("ListRoleTags",),
        "revoke": (),
        "last_accessed": _LAST_ACCESSED,
    },
    "permissions",
)
_POLICY_TABS = _tab(
    {
        "permissions": ("GetPolicyVersion",),
        "entities": ("ListEntitiesForPolicy",),
        "tags": ("ListPolicyTags",),
        "versions": ("ListPolicyVersions", "GetPolicyVersion"),
        "last_accessed": _LAST_ACCESSED,
    },
    "permissions",
)
_GROUP_TABS = _tab({"users": (), "permissions": (), "last_accessed": _LAST_ACCESSED}, "users")


# Pages anyone signed in may open: they show only the identity's own things, or authorize their own
# reads and writes in the view.
OPEN = {
    "dashboard",  # its cards authorize their own reads (PARTS)
    "search",  # each kind of result is the reads of its list page (iamconsole/search.py)
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
    # The root user's own credentials: 404 for anyone else.
    "accounts:root_security_credentials",
    "accounts:root_mfa_assign",
    "accounts:root_mfa_remove",
    "accounts:root_mfa_resync",
    "accounts:root_access_keys",
    "accounts:root_access_key_create",
    # Secrets shown once to whoever just created them (the session holds them); 404 for anyone else.
    "accounts:access_key_retrieve",
    "accounts:login_profile_password",
    "accounts:switch_role",
    "accounts:switch_back",
    "accounts:switch_role_recent",
    # Wizards and confirmations: their tables authorize their own List*/Get* reads, their last step
    # calls the services.
    "accounts:user_create",
    "accounts:user_create_cancel",
    "accounts:group_create",
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
    # IAM Identity Center's pages authorize the sso:<Operation> and identitystore:<Operation> reads the
    # APIs would make, on the instance or permission set (identitycenter/views/common.py); accounts
    # that manage no instance are sent to its dashboard, other instances' objects are 404.
    "identitycenter:dashboard",
    "identitycenter:enable",
    "identitycenter:settings",
    "identitycenter:user_list",
    "identitycenter:user_create",
    "identitycenter:user_detail",
    "identitycenter:user_delete",
    "identitycenter:group_list",
    "identitycenter:group_create",
    "identitycenter:group_detail",
    "identitycenter:group_delete",
    "identitycenter:accounts",
    "identitycenter:assign",
    "identitycenter:account_detail",
    "identitycenter:permission_set_list",
    "identitycenter:permission_set_create",
    "identitycenter:permission_set_detail",
    "identitycenter:permission_set_edit",
    "identitycenter:permission_set_policies",
    "identitycenter:permission_set_provision",
    "identitycenter:permission_set_delete",
    # A classroom seat's Labs page and its Check my work: the seat's root user only (404 for any other
    # account); the check reads the seat's own account, as the student's checks do.
    "classrooms:labs",
    "classrooms:lab_check",
}

_USER_BUTTONS = (("Create user", "accounts:user_create"),)
_GROUP_BUTTONS = (("Create group", "accounts:group_create"),)
_ROLE_BUTTONS = (("Create role", "policies:role_create"),)
_POLICY_BUTTONS = (("Create policy", "policies:policy_create"),)


_SIMULATED = {"user": "accounts.IAMUser", "group": "accounts.Group", "role": "policies.Role"}


def _simulated(value):
    """The resource of `user:PK`, `group:PK` or `role:PK` (the simulator's principal field)."""

    def resource(acting, kw):
        kind, _, pk = value.partition(":")
        entity = None
        if kind in _SIMULATED and pk.isascii() and pk.isdigit():
            entity = apps.get_model(_SIMULATED[kind]).objects.filter(account=acting.account, pk=pk).first()
        if entity is None:
            return arn_of(acting.account.id, kind if kind in _SIMULATED else "user"), None
        return entity.arn, entity

    return resource


def _simulation(request, kw):
    """The simulator's reads, as AWS's APIs need them: SimulateCustomPolicy on "*" for pasted documents,
    SimulatePrincipalPolicy on the simulated user's, group's or role's ARN. The bare page reads nothing
    (its principal lists check List* themselves); a whole-service run is read by whoever started it,
    with the read that started it."""
    if "pk" in kw:
        run = apps.get_model("policies.SimulationRun").objects.filter(
            account=request.acting.account, pk=kw["pk"], started_by=request.acting.arn
        )
        parameters = run.values_list("parameters", flat=True).first() or {}
    else:
        parameters = request.POST if request.method == "POST" else request.GET
    mode = parameters.get("mode", "")
    if mode == "custom":
        return [("SimulateCustomPolicy", anywhere)]
    if mode == "who-can":
        # Every user and role of the account is simulated.
        return [("SimulatePrincipalPolicy", anywhere)]
    principal = parameters.get("principal") or ""
    return [("SimulatePrincipalPolicy", _simulated(principal))] if principal else []


def _permissions_pages(kind, resource):
    attached = f"ListAttached{kind.title()}Policies"
    listed = f"List{kind.title()}Policies"
    reads = (attached, listed, "ListGroupsForUser") if kind == "user" else (attached, listed)
    boundary = "GetUser" if kind == "user" else "GetRole"
    pages = {
        f"policies:{kind}_permissions": Page(reads, resource, "Permissions"),
        f"policies:{kind}_permissions_remove": Page(reads, resource, "Permissions"),
        f"policies:{kind}_permissions_add": Page(
            (attached, ("ListPolicies", anywhere)), resource, "Add permissions"
        ),
        f"policies:{kind}_permissions_inline": Page(
            lambda request, kw: [listed, *_inline_read(kind.title())(request, kw)], resource, "Inline policy"
        ),
    }
    if kind != "group":
        pages[f"policies:{kind}_permissions_boundary"] = Page(
            (boundary, ("ListPolicies", anywhere)), resource, "Permissions boundary"
        )
    return pages


PAGES = {
    "accounts:account_settings": Page(("GetAccountPasswordPolicy",), title="Account settings"),
    "accounts:password_policy_edit": Page(("GetAccountPasswordPolicy",), title="Edit password policy"),
    "accounts:account_alias_edit": Page(("ListAccountAliases",), title="Account alias"),
    "accounts:account_alias_delete": Page(("ListAccountAliases",), title="Account alias"),
    "accounts:user_list": Page(("ListUsers",), _listing("user"), "Users", _USER_BUTTONS),
    "accounts:user_detail": Page(lambda r, kw: ["GetUser", *_USER_TABS(r, kw)], _user, "User"),
    "accounts:user_delete_many": Page(("ListUsers",), _listing("user"), "Delete users"),
    "accounts:user_delete": Page(("GetUser", "ListAccessKeys", "ListGroupsForUser"), _user, "Delete user"),
    "accounts:user_groups": Page(
        ("GetUser", "ListGroupsForUser", ("ListGroups", _listing("group"))), _user, "Groups"
    ),
    "accounts:user_tags": Page(("GetUser", "ListUserTags"), _user, "Tags"),
    "accounts:login_profile_manage": Page(("GetLoginProfile",), _user, "Console access"),
    "accounts:access_key_create": Page(("ListAccessKeys",), _user, "Create access key"),
    "accounts:access_key_action": Page(("ListAccessKeys",), _access_key_user, "Access key"),
    "accounts:user_mfa_assign": Page(("ListMFADevices",), _user, "Assign MFA device"),
    "accounts:user_mfa_remove": Page(("ListMFADevices",), _user, "Remove MFA device"),
    "accounts:group_list": Page(("ListGroups",), _listing("group"), "User groups", _GROUP_BUTTONS),
    "accounts:group_delete": Page(("ListGroups",), _listing("group"), "Delete user groups"),
    "accounts:group_detail": Page(lambda r, kw: ["GetGroup", *_GROUP_TABS(r, kw)], _group, "User group"),
    "accounts:group_add_users": Page(
        ("GetGroup", ("ListUsers", _listing("user"))), _group, "Add users to group"
    ),
    "accounts:group_remove_users": Page(("GetGroup",), _group, "Remove users from group"),
    # The download generates the report first when none is younger than four hours: that write is
    # GenerateCredentialReport's, authorized by its service.
    "accounts:credential_report": Page(("GetCredentialReport",), title="Credential report"),
    "accounts:credential_report_download": Page(("GetCredentialReport",), title="Credential report"),
    "accounts:event_history": Page(("LookupEvents",), title="Event history"),
    "accounts:event_history_download": Page(("LookupEvents",), title="Event history"),
    "policies:policy_list": Page(("ListPolicies",), title="Policies", buttons=_POLICY_BUTTONS),
    "policies:policy_picker": Page(("ListPolicies",), title="Policies"),
    "policies:policy_detail": Page(lambda r, kw: ["GetPolicy", *_POLICY_TABS(r, kw)], _policy, "Policy"),
    "policies:policy_edit": Page(("GetPolicy", "GetPolicyVersion"), _policy, "Modify permissions"),
    "policies:policy_versions": Page(
        ("GetPolicy", "ListPolicyVersions", "GetPolicyVersion"), _policy, "Policy versions"
    ),
    "policies:policy_compare": Page(
        ("GetPolicy", "ListPolicyVersions", "GetPolicyVersion"), _policy, "Compare policy versions"
    ),
    "policies:policy_tags": Page(("GetPolicy", "ListPolicyTags"), _policy, "Tags"),
    "policies:policy_delete": Page(("GetPolicy", "ListEntitiesForPolicy"), _policy, "Delete policy"),
    # Attach lists the account's users, groups and roles; each attachment is authorized by its service.
    "policies:policy_attach": Page(
        (
            "GetPolicy",
            ("ListUsers", _listing("user")),
            ("ListGroups", _listing("group")),
            ("ListRoles", _listing("role")),
        ),
        _policy,
        "Attach policy",
    ),
    "policies:policy_detach": Page(("GetPolicy", "ListEntitiesForPolicy"), _policy, "Entities attached"),
    "policies:role_list": Page(("ListRoles",), _listing("role"), "Roles", _ROLE_BUTTONS),
    "policies:role_deletion_status": Page(("GetServiceLinkedRoleDeletionStatus",), title="Roles"),
    "policies:role_detail": Page(lambda r, kw: ["GetRole", *_ROLE_TABS(r, kw)], _role, "Role"),
    "policies:role_edit": Page(("GetRole",), _role, "Edit role"),
    "policies:role_trust_edit": Page(("GetRole",), _role, "Edit trust policy"),
    "policies:role_tags": Page(("GetRole", "ListRoleTags"), _role, "Tags"),
    "policies:role_delete": Page(("GetRole",), _role, "Delete role"),
    "policies:role_revoke_sessions": Page(("GetRole",), _role, "Revoke sessions"),
    "policies:role_instance_profile_add": Page(
        ("GetRole", ("ListInstanceProfiles", _listing("instance-profile"))), _role, "Instance profile"
    ),
    "policies:instance_profile_list": Page(
        ("ListInstanceProfiles",), _listing("instance-profile"), "Instance profiles"
    ),
    "policies:instance_profile_detail": Page(("GetInstanceProfile",), _profile, "Instance profile"),
    "policies:instance_profile_role": Page(
        ("GetInstanceProfile", ("ListRoles", _listing("role"))), _profile, "Instance profile"
    ),
    "policies:instance_profile_delete": Page(("GetInstanceProfile",), _profile, "Delete instance profile"),
    "policies:identity_provider_list": Page(
        ("ListOpenIDConnectProviders", "ListSAMLProviders"), title="Identity providers"
    ),
    "policies:identity_provider_detail": Page(_provider_read, _provider, "Identity provider"),
    "policies:identity_provider_delete": Page(_provider_read, _provider, "Identity provider"),
    **_permissions_pages("user", _user),
    **_permissions_pages("group", _group),
    **_permissions_pages("role", _role),
    "policies:simulator": Page(_simulation, title="Policy simulator"),
    "policies:simulation_run": Page(_simulation, title="Policy simulator"),
    "policies:simulation_run_csv": Page(_simulation, title="Policy simulator"),
}


# The AWS access portal (identitycenter/portal_views.py): its own sign-in, apart from the console's;
# every page checks the portal user of its identity store, and a user sees only their own assignments.
SSO_PORTAL_PAGES = {
    "sso_portal:start",
    "sso_portal:signin",
    "sso_portal:signin_password",
    "sso_portal:signin_mfa",
    "sso_portal:signin_register_mfa",
    "sso_portal:signin_new_password",
    "sso_portal:password_setup",
    "sso_portal:signout",
    "sso_portal:console",
    "sso_portal:credentials",
    "sso_portal:mfa_devices",
    "sso_portal:device",
}


# Pages made of parts that each make their own reads: a part refused shows AWS's refusal in its place,
# the rest of the page still shows.
PARTS = {
    "dashboard": {
        # The root user's recommendations come from GetAccountSummary (AccountMFAEnabled,
        # AccountAccessKeysPresent), as its counts do.
        "resources": ("GetAccountSummary",),
        # The IAM users' MFA, key ages and last uses are the credential report's columns.
        "credentials": ("GetCredentialReport",),
        "alias": ("ListAccountAliases",),
        "activity": ("LookupEvents",),
    },
}


def part_denial(request, name, part):
    """AWS's message when the acting identity may not make the reads of `part` of the page `name`, or
    None when it may."""
    for operation in PARTS[name][part]:
        denial = read_denial(request, operation)
        if denial:
            return denial
    return None


def authorize_page(request, page, kwargs):
    """AccessDenied unless the acting identity may make every read of `page`."""
    resolved = {}
    for operation, resource_of in page_reads(page, request, kwargs):
        if resource_of not in resolved:
            resolved[resource_of] = resource_of(request.acting, kwargs)
        resource, entity = resolved[resource_of]
        authorize_page_read(
            acting=request.acting, operation=operation, resource=resource, entity=entity, path=request.path
        )


class EnforcementMiddleware:
    """Refuse methods a view does not serve, then authorize each console page's reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with refusals_kept():
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else ""
        if name.startswith("admin:"):
            return None  # the admin site has its own staff sign-in and permissions
        methods = served_methods(view_func)
        if not methods or request.method not in methods:
            return HttpResponseNotAllowed(sorted(methods or ()))
        if name.startswith("portal:"):
            return None  # the classroom portal: people sign in as Django users; its views check the person
        if name in SSO_PORTAL_PAGES:
            return None  # the AWS access portal: directory users, checked by its views
        if name in OPEN or not is_signed_in(request):
            return None  # console_login_required sends the signed-out to the sign-in page
        page = PAGES.get(name)
        if page is None:
            # A page nobody placed in either table is refused, never silently open.
            return render_denial(request, AccessDenied(f"{name or request.path} is not a console page."))
        if unbounded(request.acting):
            return None  # the root user: no need to look up the resources
        try:
            authorize_page(request, page, view_kwargs)
        except AccessDenied as error:
            return render_denial(request, error, page)
        return None

    def process_exception(self, request, exception):
        # A service refused a write the view does not show inline.
        if isinstance(exception, AccessDenied) and is_signed_in(request):
            match = request.resolver_match
            return render_denial(request, exception, PAGES.get(match.view_name) if match else None)
        return None
