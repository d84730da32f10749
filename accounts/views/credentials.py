"""Credentials pages: console access (login profiles), access keys of users and of the root user."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from access.crypto import decrypt, encrypt
from accounts.flows import access_key_create_with_description, console_access_change
from accounts.models import AccessKey, IAMUser, LoginProfile, MFADevice
from accounts.services.access_keys import (
    ACCESS_KEYS_PER_USER,
    access_key_delete,
    access_key_update_status,
)
from accounts.services.login_profiles import (
    generate_password,
)
from accounts.views.common import get_user_or_404, signin_url, users_breadcrumbs
from aws.errors import AWSError
from console.dialogs import confirmation_error
from console.htmx import render_htmx, swap_or_redirect
from console.http import http_methods
from console.session import console_login_required

NEW_KEY_SESSION = "access_key_created"
NEW_PASSWORD_SESSION = "console_password_set"

# The use cases of the console's "Access key best practices & alternatives" step, each with the
# alternatives its "Alternatives recommended" box lists (from the IAM User Guide's "Alternatives to
# long-term access keys"; the console's exact sentences are unconfirmed). "Other" has none.
USE_CASES = [
    (
        "cli",
        "Command Line Interface (CLI)",
        "You plan to use this access key to enable the AWS CLI to access your AWS account.",
        (
            "Use AWS CloudShell, a browser-based CLI, to run commands.",
            "Use the AWS CLI V2 and enable authentication through a user in IAM Identity Center.",
        ),
    ),
    (
        "local",
        "Local code",
        "You plan to use this access key to enable application code in a local development environment to access your AWS account.",
        (
            "Use an integrated development environment (IDE) which supports the AWS Toolkit enabling authentication through IAM Identity Center.",
        ),
    ),
    (
        "compute",
        "Application running on an AWS compute service",
        "You plan to use this access key to enable application code running on an AWS compute service like Amazon EC2, Amazon ECS, or AWS Lambda to access your AWS account.",
        (
            "Use an IAM role for the compute resource (an EC2 instance profile, an ECS task role, a Lambda execution role): it receives temporary credentials automatically.",
        ),
    ),
    (
        "third_party",
        "Third-party service",
        "You plan to use this access key to enable access for a third-party application or service that monitors or manages your AWS resources.",
        (
            "Use temporary security credentials (IAM roles) instead of long-term access keys: give the third party a role to assume, with an external ID.",
        ),
    ),
    (
        "outside",
        "Application running outside AWS",
        "You plan to use this access key to authenticate workloads running in your data center or other infrastructure outside of AWS that needs to access your AWS resources.",
        (
            "Use IAM Roles Anywhere to generate temporary security credentials for non-AWS workloads accessing AWS services.",
        ),
    ),
    ("other", "Other", "Your use case is not listed here.", ()),
]
USE_CASE_CODES = {code for code, *_ in USE_CASES}
# The console's confirmation under the recommendation; unticked, AWS keeps Next disabled (this message,
# for a request without the box, is this console's own words).
CONFIRMATION = "I understand the above recommendation and want to proceed to create an access key."


def access_keys_context(request, owner):
    """What the access-keys partial needs, for a user or for the root user (owner None)."""
    account = request.acting.account
    keys = list(AccessKey.objects.filter(account=account, user=owner).order_by("created_at"))
    descriptions = {}
    if owner is not None:
        ids = {key.access_key_id for key in keys}
        descriptions = {tag.key: tag.value for tag in owner.tags.all() if tag.key in ids}
    for key in keys:
        key.description = descriptions.get(key.access_key_id, "")
    if owner is None:
        create_url = reverse("accounts:root_access_key_create")
    else:
        create_url = reverse("accounts:access_key_create", args=[owner.name])
    return {
        "key_owner": owner,
        "access_keys": keys,
        "key_limit": ACCESS_KEYS_PER_USER,
        "key_limit_reached": len(keys) >= ACCESS_KEYS_PER_USER,
        "access_key_create_url": create_url,
    }


def security_credentials_context(request, user):
    return {
        "login_profile": LoginProfile.objects.filter(user=user).first(),
        "mfa_devices": list(MFADevice.objects.filter(account=request.acting.account, user=user)),
        **access_keys_context(request, user),
    }


def _require_root(request):
    if not request.acting.is_root:
        raise Http404("Only the root user manages the root user's access keys.")


@console_login_required
@http_methods("GET")
def root_access_keys(request):
    """The root user's access keys on their own page (the security credentials page includes the partial)."""
    _require_root(request)
    context = {
        **access_keys_context(request, None),
        "breadcrumbs": [("IAM", reverse("dashboard")), ("My security credentials", None)],
    }
    return render_htmx(request, "accounts/access_keys.html", context, "access-keys")


def _owner_from_name(request, name):
    if name is None:
        _require_root(request)
        return None
    return get_user_or_404(request, name)


def _use_case_error(owner, values):
    """What step 1 (the use case and its confirmation) still lacks, posted again with step 2."""
    if owner is None and not values["confirm_root"]:
        return "Confirm that you understand that creating a root access key is not a best practice."
    if values["use_case"] not in USE_CASE_CODES:
        return "Choose a use case."
    if owner is not None and not values["confirm"]:
        return "Confirm that you understand the recommendation and want to proceed to create an access key."
    return ""


@console_login_required
@http_methods("GET", "POST")
def access_key_create_view(request, name=None):
    """Create an access key as AWS's console does: 1. the use case, its alternatives and the confirmation;
    2. (IAM users) the description tag; then the retrieve page shows the secret once."""
    owner = _owner_from_name(request, name)
    post = request.POST
    values = {
        "use_case": post.get("use_case", ""),
        "confirm": bool(post.get("confirm")),
        "confirm_root": bool(post.get("confirm_root")),
        "description": post.get("description", ""),
    }
    step = 2 if owner is not None and post.get("step") == "2" else 1
    error = ""
    if request.method == "POST":
        error = _use_case_error(owner, values)
        if error:
            step = 1
        elif step == 1 and owner is not None:
            step = 2  # Next: the description tag
        elif post.get("action") == "previous":
            step = 1
        elif owner is not None and len(values["description"]) > 256:
            error = "The description can have up to 256 characters."
        else:
            try:
                key, secret = access_key_create_with_description(
                    account=request.acting.account,
                    user=owner,
                    description=values["description"],
                    acting=request.acting,
                )
            except AWSError as exc:
                error = exc.message
            else:
                request.session[NEW_KEY_SESSION] = {
                    "access_key_id": key.access_key_id,
                    "secret_encrypted": encrypt(secret),
                }
                return redirect("accounts:access_key_retrieve", key_id=key.access_key_id)
    context = {
        "key_owner": owner,
        "step": step,
        "use_cases": USE_CASES,
        "confirmation": CONFIRMATION,
        "values": values,
        "error": error,
        "breadcrumbs": _key_breadcrumbs(owner, "Create access key"),
    }
    return render(request, "accounts/access_key_create.html", context, status=422 if error else 200)


def _key_breadcrumbs(owner, last):
    if owner is None:
        return [
            ("IAM", reverse("dashboard")),
            ("My security credentials", reverse("accounts:root_access_keys")),
            (last, None),
        ]
    detail = f"{reverse('accounts:user_detail', args=[owner.name])}?tab=security_credentials"
    return users_breadcrumbs((owner.name, detail), (last, None))


def _get_key_or_404(request, key_id):
    key = (
        AccessKey.objects.filter(account=request.acting.account, access_key_id=key_id)
        .select_related("user")
        .first()
    )
    if key is None or (key.user is None and not request.acting.is_root):
        raise Http404("No such access key.")
    return key


@console_login_required
@http_methods("GET")
def access_key_retrieve(request, key_id):
    """The secret access key, shown once to whoever created it: the session holds it until this page
    renders it; without it (a reload, anyone else) the key does not exist here."""
    created = request.session.get(NEW_KEY_SESSION)
    if not created or created["access_key_id"] != key_id:
        raise Http404("No such access key.")
    key = _get_key_or_404(request, key_id)
    secret = decrypt(created["secret_encrypted"]) if created.get("secret_encrypted") else None
    # A reload by the same session says the secret is gone; it never shows it again.
    request.session[NEW_KEY_SESSION] = {"access_key_id": key_id}
    context = {
        "key": key,
        "key_owner": key.user,
        "secret": secret,
        "done_url": credentials_url(key.user),
        "endpoint_url": request.build_absolute_uri("/").rstrip("/"),
        "breadcrumbs": _key_breadcrumbs(key.user, "Retrieve access keys"),
    }
    response = render(request, "accounts/access_key_retrieve.html", context)
    response["Cache-Control"] = "no-store"  # the secret must not come back from the browser's cache
    return response


def credentials_url(owner):
    if owner is None:
        return reverse("accounts:root_access_keys")
    return f"{reverse('accounts:user_detail', args=[owner.name])}?tab=security_credentials"


@console_login_required
@http_methods("POST")
def access_key_action(request, key_id):
    """Activate, deactivate or delete a key (delete asks for the key ID as confirmation)."""
    key = _get_key_or_404(request, key_id)
    action = request.POST.get("action")
    try:
        if action in ("activate", "deactivate"):
            status = AccessKey.Status.ACTIVE if action == "activate" else AccessKey.Status.INACTIVE
            access_key_update_status(key=key, status=status, acting=request.acting)
            messages.success(request, f"Access key {key.access_key_id} is now {status.lower()}.")
        elif action == "delete":
            unconfirmed = confirmation_error(request, key.access_key_id, "the access key ID")
            if unconfirmed:
                messages.error(request, unconfirmed)
            else:
                access_key_delete(key=key, acting=request.acting)
                messages.success(request, f"Access key {key.access_key_id} deleted.")
        else:
            messages.error(request, "Choose an action.")
    except AWSError as exc:
        messages.error(request, exc.message)
    owner = IAMUser.objects.filter(pk=key.user_id).first() if key.user_id else None
    return swap_or_redirect(
        request,
        lambda: render(request, "accounts/access_keys.html#access-keys", access_keys_context(request, owner)),
        credentials_url(owner),
    )


PASSWORD_CHOICES = [
    ("keep", "Keep existing password"),
    ("autogenerated", "Autogenerated password"),
    ("custom", "Custom password"),
]


@console_login_required
@http_methods("GET", "POST")
def login_profile_manage(request, name):
    """The console's "Manage console access": enable, disable, or reset the password and require a reset."""
    user = get_user_or_404(request, name)
    profile = LoginProfile.objects.filter(user=user).first()
    values = {
        "access": request.POST.get("access", "enable" if profile or request.method == "GET" else "disable"),
        "password_type": request.POST.get("password_type", "keep" if profile else "autogenerated"),
        "reset_required": bool(request.POST.get("reset_required")) if request.method == "POST" else True,
    }
    error = ""
    if request.method == "POST":
        password = None
        if values["access"] == "enable" and values["password_type"] == "custom":
            password = request.POST.get("password", "")
            if not password:
                error = "Enter a custom password."
        elif values["access"] == "enable" and (values["password_type"] == "autogenerated" or profile is None):
            password = generate_password(account=request.acting.account)
        if not error:
            try:
                console_access_change(
                    user=user,
                    enable=values["access"] == "enable",
                    password=password,
                    password_reset_required=values["reset_required"],
                    acting=request.acting,
                )
            except AWSError as exc:
                error = exc.message
            else:
                if values["access"] == "disable":
                    messages.success(request, f"Console access disabled for {user.name}.")
                if values["access"] == "enable" and password is not None:
                    request.session[NEW_PASSWORD_SESSION] = {
                        "user": user.name,
                        "password_encrypted": encrypt(password),
                    }
                    return redirect("accounts:login_profile_password", name=user.name)
                if values["access"] == "enable":
                    messages.success(request, f"Console access updated for {user.name}.")
                return redirect(credentials_url(user))
    context = {
        "iam_user": user,
        "login_profile": profile,
        "values": values,
        "password_choices": PASSWORD_CHOICES if profile else PASSWORD_CHOICES[1:],
        "error": error,
        "breadcrumbs": users_breadcrumbs((user.name, credentials_url(user)), ("Manage console access", None)),
    }
    return render(request, "accounts/login_profile_manage.html", context, status=422 if error else 200)


@console_login_required
@http_methods("GET")
def login_profile_password(request, name):
    """The new console password, shown once to whoever set it (the session holds it until this page
    renders it); without it (a reload, anyone else) there is nothing here."""
    stored = request.session.get(NEW_PASSWORD_SESSION)
    if not stored or stored["user"] != name:
        raise Http404("No console password to show.")
    user = get_user_or_404(request, name)
    password = decrypt(stored["password_encrypted"]) if stored.get("password_encrypted") else None
    # A reload by the same session says the password is gone; it never shows it again.
    request.session[NEW_PASSWORD_SESSION] = {"user": name}
    context = {
        "iam_user": user,
        "password": password,
        "signin_url": signin_url(request),
        "done_url": credentials_url(user),
        "breadcrumbs": users_breadcrumbs((user.name, credentials_url(user)), ("Console password", None)),
    }
    response = render(request, "accounts/login_profile_password.html", context)
    response["Cache-Control"] = "no-store"
    return response
