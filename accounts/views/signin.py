"""Sign-up, sign-in (root user or IAM user, then MFA, then a forced new password), root password
recovery, sign-out.

Between the password step and the signed-in session, the browser session holds a short-lived
"pending" record: who passed the password step and what remains (MFA code, new password).
"""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from access.acting import Acting
from accounts.forms import (
    ForgotPasswordForm,
    IAMUserSignInForm,
    MFACodeForm,
    NewPasswordForm,
    ResetPasswordForm,
    RootEmailForm,
    RootPasswordForm,
    SignUpForm,
)
from accounts.models import Account, IAMUser
from accounts.services.accounts import account_by_signin_identifier, account_create, root_password_set
from accounts.services.passwords import user_password_change
from accounts.services.signin import (
    Client,
    SignInRefused,
    console_login_succeeded,
    enabled_mfa_devices,
    mfa_authenticate,
    root_account_from_reset_link,
    root_authenticate,
    root_password_reset_request,
    user_authenticate,
)
from aws.errors import AWSError
from console.http import http_methods
from console.session import is_signed_in, sign_in, sign_out

ROOT_EMAIL_KEY = "signin_root_email"
PENDING_KEY = "signin_pending"
PENDING_SECONDS = 300  # the MFA and new-password steps must follow the password step promptly


def _safe_next(request, url):
    # A path of this site only: redirect() would read anything else without a "/" as a view name.
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=False
    ):
        return url
    return reverse("dashboard")


def _next_param(request):
    return request.POST.get("next") or request.GET.get("next") or ""


def _login_to(request):
    return request.build_absolute_uri(_safe_next(request, _next_param(request)))


# --- the pending sign-in ----------------------------------------------------------------------


def _start_pending(request, *, account, user=None, mfa, new_password=False, expired=False):
    request.session[PENDING_KEY] = {
        "account": account.id,
        "user": user.pk if user else None,
        "mfa": mfa,
        "mfa_done": False,
        "new_password": new_password,
        "expired": expired,
        "next": _safe_next(request, _next_param(request)),
        "at": time.time(),
    }


def _pending(request):
    """The pending sign-in and its identity, or (None, None, None) when there is none or it is stale."""
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None, None
    account = Account.objects.filter(pk=data["account"]).first()
    user = None
    if data["user"] is not None:
        user = IAMUser.objects.select_related("account").filter(pk=data["user"], account=account).first()
        if user is None:
            account = None
    if account is None:
        request.session.pop(PENDING_KEY, None)
        return None, None, None
    return data, account, user


def _continue(request):
    """Send the pending sign-in to its next step, or finish it."""
    data, account, user = _pending(request)
    if data is None:
        messages.error(request, "Your sign-in session expired. Sign in again.")
        return redirect("accounts:signin")
    if data["mfa"] and not data["mfa_done"]:
        return redirect("accounts:signin_mfa")
    if data["new_password"]:
        return redirect("accounts:signin_new_password")
    client = Client.from_request(request)
    console_login_succeeded(
        account=account,
        user=user,
        client=client,
        mfa_used=data["mfa"],
        login_to=request.build_absolute_uri(data["next"]),
    )
    request.session.pop(PENDING_KEY, None)
    sign_in(request, account=account, user=user, mfa=data["mfa"])  # a new session key
    return redirect(data["next"])


def _signin_context(request, **extra):
    return {"next": _next_param(request), **extra}


# --- sign-up ----------------------------------------------------------------------------------


@never_cache
@http_methods("GET", "POST")
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = Client.from_request(request)
        try:
            account = account_create(
                email=form.cleaned_data["email"],
                account_name=form.cleaned_data["account_name"],
                password=form.cleaned_data["password"],
                acting=client,
            )
        except AWSError as error:
            field = {"EntityAlreadyExists": "email", "PasswordPolicyViolation": "password"}.get(error.code)
            form.add_error(field, error.message)
        else:
            console_login_succeeded(
                account=account, client=client, mfa_used=False, login_to=_login_to(request)
            )
            sign_in(request, account=account)
            messages.success(request, f"Welcome! Your AWS account {account.id} is ready.")
            return redirect("dashboard")
    return render(request, "accounts/signup.html", {"form": form})


# --- sign-in --------------------------------------------------------------------------------


@never_cache
@http_methods("GET", "POST")
def signin(request, account_identifier=None):
    """The sign-in page: "Root user" asks for the email first, "IAM user" for account, name, password."""
    if request.method == "GET" and is_signed_in(request) and not account_identifier:
        return redirect(_safe_next(request, _next_param(request)))
    kind = request.POST.get("kind") or request.GET.get("kind") or ("iam" if account_identifier else "root")
    if kind not in ("root", "iam"):
        kind = "root"
    posted = request.method == "POST"
    root_form = RootEmailForm(request.POST if posted and kind == "root" else None)
    iam_form = IAMUserSignInForm(
        request.POST if posted and kind == "iam" else None,
        initial={"account": account_identifier or request.GET.get("account", "")},
    )
    if posted and kind == "root" and root_form.is_valid():
        request.session[ROOT_EMAIL_KEY] = root_form.cleaned_data["email"]
        url = reverse("accounts:signin_root_password")
        next_url = _next_param(request)
        return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
    if posted and kind == "iam" and iam_form.is_valid():
        data = iam_form.cleaned_data
        account = account_by_signin_identifier(data["account"])
        try:
            result = user_authenticate(
                account=account,
                account_identifier=data["account"],
                user_name=data["user_name"],
                password=data["password"],
                client=Client.from_request(request),
                login_to=_login_to(request),
            )
        except SignInRefused as refused:
            iam_form.add_error(None, refused.message)
        else:
            _start_pending(
                request,
                account=account,
                user=result.user,
                mfa=bool(enabled_mfa_devices(account=account, user=result.user)),
                new_password=result.must_change_password,
                expired=result.expired,
            )
            return _continue(request)
    context = _signin_context(
        request, kind=kind, root_form=root_form, iam_form=iam_form, account_identifier=account_identifier
    )
    return render(request, "accounts/signin.html", context)


@never_cache
@http_methods("GET", "POST")
def signin_root_password(request):
    """Root user sign-in, second step: the password for the email given on the first."""
    email = request.session.get(ROOT_EMAIL_KEY)
    if not email:
        return redirect("accounts:signin")
    form = RootPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = root_authenticate(
                email=email,
                password=form.cleaned_data["password"],
                client=Client.from_request(request),
                login_to=_login_to(request),
            )
        except SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            request.session.pop(ROOT_EMAIL_KEY, None)
            _start_pending(request, account=account, mfa=bool(enabled_mfa_devices(account=account)))
            return _continue(request)
    return render(
        request, "accounts/signin_root_password.html", _signin_context(request, form=form, email=email)
    )


@never_cache
@http_methods("GET", "POST")
def signin_mfa(request):
    """Multi-factor authentication: the code of one of the identity's enabled devices."""
    data, account, user = _pending(request)
    if data is None or not data["mfa"]:
        return redirect("accounts:signin")
    if data["mfa_done"]:
        return _continue(request)
    form = MFACodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa_authenticate(
                account=account,
                user=user,
                code=form.cleaned_data["code"],
                client=Client.from_request(request),
                login_to=request.build_absolute_uri(data["next"]),
            )
        except SignInRefused as refused:
            form.add_error("code", refused.message)
        else:
            data["mfa_done"] = True
            request.session[PENDING_KEY] = data
            return _continue(request)
    context = {"form": form, "account": account, "user": user}
    return render(request, "accounts/signin_mfa.html", context)


@never_cache
@http_methods("GET", "POST")
def signin_new_password(request):
    """An IAM user whose password must be reset (or has expired) chooses a new one before going on."""
    data, account, user = _pending(request)
    if data is None or user is None or not data["new_password"] or (data["mfa"] and not data["mfa_done"]):
        return redirect("accounts:signin")
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                acting=Acting.from_request(request, account=account, user=user),
            )
        except AWSError as error:
            field = "old_password" if error.code == "InvalidInput" else "new_password"
            form.add_error(field, error.message)
        else:
            data["new_password"] = False
            request.session[PENDING_KEY] = data
            return _continue(request)
    context = {"form": form, "account": account, "user": user, "expired": data["expired"]}
    return render(request, "accounts/signin_new_password.html", context)


# --- root password recovery ---------------------------------------------------------------------


@never_cache
@http_methods("GET", "POST")
def forgot_password(request):
    form = ForgotPasswordForm(
        request.POST or None, initial={"email": request.session.get(ROOT_EMAIL_KEY, "")}
    )
    if request.method == "POST" and form.is_valid():
        root_password_reset_request(
            email=form.cleaned_data["email"],
            base_url=request.build_absolute_uri("/"),
            client=Client.from_request(request),
        )
        return render(
            request, "accounts/password_forgot.html", {"sent": True, "email": form.cleaned_data["email"]}
        )
    return render(request, "accounts/password_forgot.html", {"form": form})


@never_cache
@http_methods("GET", "POST")
def reset_password(request, uidb64, token):
    account = root_account_from_reset_link(uidb64=uidb64, token=token)
    if account is None:
        return render(request, "accounts/password_reset.html", {"invalid": True}, status=400)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            root_password_set(
                account=account,
                password=form.cleaned_data["password"],
                acting=Acting.from_request(request, account=account),
            )
        except AWSError as error:
            form.add_error("password", error.message)
        else:
            messages.success(request, "Your password was reset. Sign in with your new password.")
            request.session[ROOT_EMAIL_KEY] = account.root_email
            return redirect("accounts:signin_root_password")
    return render(request, "accounts/password_reset.html", {"form": form, "email": account.root_email})


# --- sign-out -------------------------------------------------------------------------------


@http_methods("POST")
def signout(request):
    portal = sign_out(request)
    messages.info(request, "You signed out.")
    # A console opened from the AWS access portal returns there.
    return redirect(portal or "accounts:signin")
