from django.conf import settings
from django.urls import NoReverseMatch, reverse

from console.session import is_signed_in
from policies.aws_managed.loader import catalog_loaded

# The IAM console's left navigation. A section appears only once its page exists (its URL name
# resolves), so the shell never shows a dead link. Access reports links the organization's service
# and resource control policies as the IAM console does (they are the Organizations pages).
NAVIGATION = [
    (None, [("Dashboard", "dashboard")]),
    (
        "Access management",
        [
            ("User groups", "accounts:group_list"),
            ("Users", "accounts:user_list"),
            ("Roles", "policies:role_list"),
            ("Policies", "policies:policy_list"),
            ("Identity providers", "policies:identity_provider_list"),
            ("Account settings", "accounts:account_settings"),
        ],
    ),
    (
        "Access reports",
        [
            ("Credential report", "accounts:credential_report"),
            ("Service control policies", "organizations:policy_list", "service-control-policies"),
            ("Resource control policies", "organizations:policy_list", "resource-control-policies"),
            ("Event history", "accounts:event_history"),
        ],
    ),
    (
        "Organizations",
        [
            ("AWS accounts", "organizations:accounts"),
            ("Organization policies", "organizations:policies"),
            ("Invitations", "organizations:invitations"),
        ],
    ),
    ("Tools", [("Policy simulator", "policies:simulator")]),
    ("Related consoles", [("IAM Identity Center", "identitycenter:dashboard")]),
]


def _navigation(current_path):
    sections = []
    for heading, items in NAVIGATION:
        links = []
        for label, url_name, *args in items:
            try:
                url = reverse(url_name, args=args)
            except NoReverseMatch:
                continue
            links.append({"label": label, "url": url, "active": False})
        if links:
            sections.append({"heading": heading, "links": links})
    # The page's own link is the one whose URL is the longest start of the path: a service control
    # policy is under "Service control policies", not also under "Organization policies".
    matches = [
        link
        for section in sections
        for link in section["links"]
        if (current_path == link["url"] if link["url"] == "/" else current_path.startswith(link["url"]))
    ]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["active"] = True
    return sections


def _seat_navigation(request):
    """The "Labs" link of a seat's console: set by the portal's Open console for that seat's account
    (the Labs page checks the seat itself), so other pages pay no query for it."""
    seat_account = request.session.get("classroom_seat") if hasattr(request, "session") else None
    if not seat_account or not is_signed_in(request):
        return []
    acting = request.acting
    if acting.account.id != seat_account or not acting.is_root or acting.is_role_session:
        return []
    url = reverse("classrooms:labs")
    return [{"heading": "Classroom", "links": [{"label": "Labs", "url": url, "active": request.path == url}]}]


def console(request):
    context = {
        "console_navigation": _navigation(request.path) + _seat_navigation(request),
        # A callable, so that only a page that shows the shell's notices asks (a fragment never does),
        # and a signed-in one: the notice tells an operator what to run, not a visitor.
        "aws_managed_policies_missing": lambda: is_signed_in(request) and not catalog_loaded(),
        "local_mode": settings.IAMCONSOLE_LOCAL_MODE,
        "settings_local_account": settings.IAMCONSOLE_LOCAL_ACCOUNT,
    }
    if hasattr(request, "session"):
        # The identity menu's last five roles (console.session keeps them).
        context["switch_role_history"] = request.session.get("iam_role_history", [])
    return context
