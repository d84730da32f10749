"""Account settings: the password policy (view and edit) and the account alias."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.forms import AccountAliasForm, PasswordPolicyForm
from accounts.models import PasswordPolicy
from accounts.services.accounts import account_alias_delete, account_alias_set
from accounts.services.passwords import SYMBOLS, password_policy_delete, password_policy_update
from aws.errors import AWSError
from console.htmx import htmx_redirect, render_htmx
from console.http import http_methods
from console.session import console_login_required


def _breadcrumbs(*more):
    return [
        ("IAM", reverse("dashboard")),
        ("Account settings", reverse("accounts:account_settings") if more else None),
        *more,
    ]


def policy_summary(policy):
    """The lines the console lists under "Password policy"."""
    if policy is None:
        return [
            "Minimum password length is 8 characters",
            "Include a minimum of three of the following mix of character types: uppercase, lowercase, "
            f"numbers, and non-alphanumeric characters {' '.join(SYMBOLS)}",
            "Must not be identical to your AWS account name or email address",
        ]
    lines = [f"Minimum password length is {policy.minimum_password_length} characters"]
    for required, text in (
        (
            policy.require_uppercase_characters,
            "Require at least one uppercase letter from the Latin alphabet (A-Z)",
        ),
        (
            policy.require_lowercase_characters,
            "Require at least one lowercase letter from the Latin alphabet (a-z)",
        ),
        (policy.require_numbers, "Require at least one number"),
        (policy.require_symbols, f"Require at least one non-alphanumeric character ( {' '.join(SYMBOLS)} )"),
    ):
        if required:
            lines.append(text)
    if policy.max_password_age:
        lines.append(f"Password expires in {policy.max_password_age} day(s)")
        if policy.hard_expiry:
            lines.append("Password expiration requires administrator reset")
    else:
        lines.append("Never expire password")
    lines.append(
        "Allow users to change their own password"
        if policy.allow_users_to_change_password
        else "Users cannot change their own password"
    )
    if policy.password_reuse_prevention:
        lines.append(f"Remember last {policy.password_reuse_prevention} password(s) and prevent reuse")
    return lines


@console_login_required
@http_methods("GET")
def account_settings(request):
    account = request.acting.account
    policy = PasswordPolicy.objects.filter(account=account).first()
    context = {
        "account": account,
        "policy": policy,
        "policy_lines": policy_summary(policy),
        "signin_url": request.build_absolute_uri(
            reverse("accounts:signin_account", args=[account.signin_identifier])
        ),
        "breadcrumbs": _breadcrumbs(),
    }
    return render(request, "accounts/settings.html", context)


@console_login_required
@http_methods("GET", "POST")
def password_policy_edit(request):
    """Edit password policy: "IAM default" removes the custom policy, "Custom" sets one."""
    account = request.acting.account
    policy = PasswordPolicy.objects.filter(account=account).first()
    form = PasswordPolicyForm(request.POST or None, initial=PasswordPolicyForm.initial_for(policy))
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["mode"] == PasswordPolicyForm.MODE_DEFAULT:
                if policy is not None:
                    password_policy_delete(account=account, acting=request.acting)
            else:
                password_policy_update(account=account, acting=request.acting, **form.service_kwargs())
        except AWSError as error:
            _add_policy_error(form, error)
        else:
            messages.success(request, "Password policy updated.")
            return redirect("accounts:account_settings")
    context = {"form": form, "breadcrumbs": _breadcrumbs(("Edit password policy", None))}
    return render(request, "accounts/settings_password_policy.html", context)


def _add_policy_error(form, error):
    # A ValidationError names the API parameter at fault; show it next to that field.
    for parameter, field in PasswordPolicyForm.PARAMETER_FIELDS.items():
        if f"'{parameter}'" in error.message:
            form.add_error(field, error.message)
            return
    form.add_error(None, error.message)


@console_login_required
@http_methods("GET", "POST")
def account_alias_edit(request):
    """Create or edit the account alias. The dashboard opens the form in place (partial
    `account-alias-form`); without JavaScript it is a page of its own."""
    account = request.acting.account
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url not in (reverse("dashboard"), reverse("accounts:account_settings")):
        next_url = reverse("accounts:account_settings")
    form = AccountAliasForm(request.POST or None, initial={"alias": account.alias or ""})
    if request.method == "POST" and form.is_valid():
        try:
            account_alias_set(account=account, alias=form.cleaned_data["alias"], acting=request.acting)
        except AWSError as error:
            form.add_error("alias", error.message)
        else:
            messages.success(request, f"Account alias {account.alias} saved.")
            return htmx_redirect(request, next_url)
    context = {
        "form": form,
        "account": account,
        "next": next_url,
        "signin_prefix": request.build_absolute_uri(reverse("accounts:signin")) + "/",
        "breadcrumbs": _breadcrumbs(("Edit account alias" if account.alias else "Create alias", None)),
    }
    return render_htmx(request, "accounts/settings_alias.html", context, "account-alias-form")


@console_login_required
@http_methods("POST")
def account_alias_remove(request):
    account = request.acting.account
    try:
        account_alias_delete(account=account, alias=request.POST.get("alias", ""), acting=request.acting)
    except AWSError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Account alias deleted.")
    next_url = request.POST.get("next")
    return htmx_redirect(
        request, next_url if next_url == reverse("dashboard") else reverse("accounts:account_settings")
    )
