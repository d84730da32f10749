"""Switch role: the console runs as a role session for an hour, then returns to the signed-in user."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.services.sts import SWITCH_COLORS, SWITCH_REFUSED, console_switch_role
from aws.errors import AWSError
from aws.params import ascii_int
from console.http import http_methods
from console.session import console_login_required, role_history, switch_back, switch_to_role

COLOR_CHOICES = [(name, name.title()) for name in SWITCH_COLORS]


class SwitchRoleForm(forms.Form):
    account = forms.CharField(
        label="Account ID", max_length=63, help_text="The 12-digit account ID or the account alias."
    )
    role_name = forms.CharField(
        label="IAM role name", max_length=576, help_text="The role's name, with its path if it has one."
    )
    display_name = forms.CharField(
        label="Display name - optional",
        max_length=64,
        required=False,
        help_text="Shown in the navigation bar while you use this role.",
    )
    color = forms.ChoiceField(
        label="Display color - optional", choices=COLOR_CHOICES, required=False, widget=forms.RadioSelect
    )


def _initial(query):
    return {
        "account": query.get("account", ""),
        "role_name": query.get("roleName", ""),
        "display_name": query.get("displayName", ""),
        "color": query.get("color", "") if query.get("color", "") in SWITCH_COLORS else "",
    }


def _switch(request, *, account, role_name, display_name, color):
    """AssumeRole from the signed-in user (never from a role session) and run the console as it."""
    acting = request.acting.signed_in_as or request.acting
    credential = console_switch_role(
        acting=acting, account_identifier=account, role_name=role_name
    ).credential
    display = display_name or f"{credential.role.name} @ {account.strip()}"
    switch_to_role(request, credential=credential, display_name=display, color=color or "")


@console_login_required
@never_cache
@http_methods("GET", "POST")
def switch_role(request):
    form = SwitchRoleForm(request.POST or None, initial=_initial(request.GET))
    refused = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _switch(
                request,
                account=data["account"],
                role_name=data["role_name"],
                display_name=data["display_name"],
                color=data["color"],
            )
        except AWSError as error:
            refused = error.message
        else:
            return redirect("dashboard")
    context = {
        "form": form,
        "refused": refused,
        "refused_summary": SWITCH_REFUSED,
        "colors": SWITCH_COLORS,
        "breadcrumbs": [("IAM", reverse("dashboard")), ("Switch role", None)],
    }
    return render(request, "accounts/switch_role.html", context, status=403 if refused else 200)


@console_login_required
@http_methods("POST")
def switch_role_back(request):
    display = request.acting.display_name
    switch_back(request)
    messages.info(request, f"You are no longer using {display}.")
    return redirect("dashboard")


@console_login_required
@http_methods("POST")
def switch_role_recent(request):
    """One click on a role the identity menu remembers: the same switch, from the history."""
    history = role_history(request)
    index = ascii_int(request.POST.get("index", ""))
    if index is None or index >= len(history):
        messages.error(request, SWITCH_REFUSED)
        return redirect("dashboard")
    entry = history[index]
    try:
        _switch(
            request,
            account=entry["account"],
            role_name=entry["role"],
            display_name=entry["display_name"],
            color=entry["color"],
        )
    except AWSError as error:
        messages.error(request, f"{SWITCH_REFUSED} {error.message}")
    return redirect("dashboard")
