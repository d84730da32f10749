"""The AWS access portal at /start/<identity store ID>/: sign-in (user name, password, then the MFA
code or a new password), the password-setup link, the Accounts tab, the console and access keys of
each permission set, the user's MFA devices, sign-out.

Between the password step and the portal session, the browser session holds a short-lived "pending"
record of who passed the password step and what remains. Another store's portal session opens
nothing here; an unknown store is 404."""

import time

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from accounts.services.signin import Client
from aws.errors import AWSError
from console.http import http_methods
from console.session import federated_sign_in

from . import federation, portal
from .models import PortalMFADevice

USERNAME_KEY = "sso_portal_username"
PENDING_KEY = "sso_portal_pending"
MFA_SETUP_KEY = "sso_portal_mfa_setup"
PENDING_SECONDS = 300


class UsernameForm(forms.Form):
    username = forms.CharField(label="Username", max_length=128)


class PasswordForm(forms.Form):
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)
    confirm_password = forms.CharField(label="Confirm password", widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", "Passwords do not match.")
        return data


class MFACodeForm(forms.Form):
    code = forms.CharField(
        label="MFA code",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class DeviceNameForm(forms.Form):
    name = forms.CharField(label="Authenticator app name", max_length=64, initial="Authenticator app")


def _instance(identity_store_id):
    instance = portal.instance_of_store(identity_store_id)
    if instance is None:
        raise Http404("No AWS access portal at this address.")
    return instance


def _start(identity_store_id):
    return reverse("sso_portal:start", args=[identity_store_id])


def _next(request, identity_store_id):
    """Where the sign-in goes afterwards: a path of this store's portal, else its Accounts tab."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    start = _start(identity_store_id)
    if url.startswith(start) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=False
    ):
        return url
    return start


def _pending(request, instance):
    """(pending record, user) of the sign-in in progress for this store, or (None, None)."""
    data = request.session.get(PENDING_KEY)
    if (
        not data
        or data.get("store") != instance.identity_store_id
        or time.time() - data.get("at", 0) > PENDING_SECONDS
    ):
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = instance.users.filter(pk=data["user"]).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None, None
    return data, user


def _continue(request, instance, data, user):
    """The pending sign-in's next step, or the portal session."""
    request.session[PENDING_KEY] = data
    store = instance.identity_store_id
    if data["mfa"] and not data["mfa_done"]:
        return redirect("sso_portal:signin_mfa", store)
    if data["new_password"]:
        return redirect("sso_portal:signin_new_password", store)
    request.session.pop(PENDING_KEY, None)
    portal.sign_in_succeeded(user=user, client=Client.from_request(request), mfa=data["mfa"])
    portal.portal_sign_in(request, user=user, mfa=data["mfa"])
    return redirect(data["next"])


# Sign-in


@never_cache
@http_methods("GET", "POST")
def signin(request, identity_store_id):
    """First step: the user name."""
    instance = _instance(identity_store_id)
    if request.method == "GET" and portal.portal_user(request, identity_store_id) is not None:
        return redirect(_next(request, identity_store_id))
    form = UsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        names = dict(request.session.get(USERNAME_KEY) or {})
        names[identity_store_id] = form.cleaned_data["username"].strip()
        request.session[USERNAME_KEY] = names
        url = reverse("sso_portal:signin_password", args=[identity_store_id])
        return redirect(f"{url}?next={_next(request, identity_store_id)}")
    context = {"instance": instance, "form": form, "next": _next(request, identity_store_id)}
    return render(request, "identitycenter/portal/signin.html", context)


@never_cache
@http_methods("GET", "POST")
def signin_password(request, identity_store_id):
    """Second step: the password of the user name given on the first."""
    instance = _instance(identity_store_id)
    user_name = (request.session.get(USERNAME_KEY) or {}).get(identity_store_id)
    if not user_name:
        return redirect("sso_portal:signin", identity_store_id)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = portal.authenticate(
                instance=instance,
                user_name=user_name,
                password=form.cleaned_data["password"],
                client=Client.from_request(request),
            )
        except portal.PortalRefused as refused:
            form.add_error(None, refused.message)
        else:
            data = {
                "store": identity_store_id,
                "user": user.id,
                "mfa": portal.mfa_required(user),
                "mfa_done": False,
                "new_password": user.password_reset_required,
                "next": _next(request, identity_store_id),
                "at": time.time(),
            }
            return _continue(request, instance, data, user)
    context = {
        "instance": instance,
        "form": form,
        "user_name": user_name,
        "next": _next(request, identity_store_id),
    }
    return render(request, "identitycenter/portal/signin_password.html", context)


@never_cache
@http_methods("GET", "POST")
def signin_mfa(request, identity_store_id):
    """Additional verification: a code of one of the user's authenticator apps."""
    instance = _instance(identity_store_id)
    data, user = _pending(request, instance)
    if data is None or not data["mfa"] or data["mfa_done"]:
        return redirect("sso_portal:signin", identity_store_id)
    form = MFACodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal.mfa_authenticate(
                user=user, code=form.cleaned_data["code"], client=Client.from_request(request)
            )
        except portal.PortalRefused as refused:
            form.add_error("code", refused.message)
        else:
            data["mfa_done"] = True
            return _continue(request, instance, data, user)
    context = {"instance": instance, "form": form, "user": user}
    return render(request, "identitycenter/portal/signin_mfa.html", context)


@never_cache
@http_methods("GET", "POST")
def signin_new_password(request, identity_store_id):
    """A user who signed in with a one-time password chooses their own before going on."""
    instance = _instance(identity_store_id)
    data, user = _pending(request, instance)
    if data is None or not data["new_password"] or (data["mfa"] and not data["mfa_done"]):
        return redirect("sso_portal:signin", identity_store_id)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal.password_change(user=user, new_password=form.cleaned_data["new_password"])
        except portal.PortalRefused as refused:
            form.add_error("new_password", refused.message)
        else:
            data["new_password"] = False
            return _continue(request, instance, data, user)
    context = {"instance": instance, "form": form, "user": user, "one_time": True}
    return render(request, "identitycenter/portal/new_password.html", context)


@never_cache
@http_methods("GET", "POST")
def password_setup(request, identity_store_id, token):
    """The emailed invitation's link: the user sets their password, then signs in."""
    instance = _instance(identity_store_id)
    user = portal.user_from_setup_link(instance=instance, token=token)
    if user is None:
        context = {"instance": instance, "invalid": portal.SETUP_LINK_INVALID}
        return render(request, "identitycenter/portal/new_password.html", context, status=400)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal.password_set_from_link(
                instance=instance, token=token, password=form.cleaned_data["new_password"]
            )
        except portal.PortalRefused as refused:
            form.add_error("new_password", refused.message)
        else:
            messages.success(request, "Your password has been set. Sign in with your new password.")
            names = dict(request.session.get(USERNAME_KEY) or {})
            names[identity_store_id] = user.user_name
            request.session[USERNAME_KEY] = names
            return redirect("sso_portal:signin_password", identity_store_id)
    context = {"instance": instance, "form": form, "user": user}
    return render(request, "identitycenter/portal/new_password.html", context)


@http_methods("POST")
def signout(request, identity_store_id):
    _instance(identity_store_id)
    portal.portal_sign_out(request, identity_store_id)
    messages.info(request, "You have been signed out.")
    return redirect("sso_portal:signin", identity_store_id)


# The portal


@never_cache
@http_methods("GET")
@portal.portal_login_required
def start(request, identity_store_id):
    """The Accounts tab: each account the user is assigned, with its permission sets."""
    user = request.portal_user
    accounts = {}
    for each in federation.entitlements(user):
        accounts.setdefault(each.account.id, (each.account, []))[1].append(each.permission_set)
    context = {"instance": user.instance, "portal_user": user, "accounts": list(accounts.values())}
    return render(request, "identitycenter/portal/accounts.html", context)


def _role_session(request, account_id, permission_set_id, event_name):
    client = Client.from_request(request)
    try:
        return federation.role_session(
            user=request.portal_user,
            account_id=account_id,
            permission_set_id=permission_set_id,
            source_ip=client.source_ip,
            user_agent=client.user_agent,
            event_name=event_name,
        )
    except federation.NotAssigned as error:
        raise Http404(error.message) from error


@never_cache
@http_methods("POST")
@portal.portal_login_required
def console(request, identity_store_id, account_id, permission_set_id):
    """ "Management console": the IAM console in the account as the permission set's role session."""
    try:
        issued = _role_session(request, account_id, permission_set_id, "Federate")
    except AWSError as error:
        messages.error(request, error.message)
        return redirect("sso_portal:start", identity_store_id)
    federated_sign_in(request, credential=issued.credential, portal_url=_start(identity_store_id))
    return redirect("dashboard")


@never_cache
@http_methods("POST")
@portal.portal_login_required
def credentials(request, identity_store_id, account_id, permission_set_id):
    """ "Access keys": the role session's temporary credentials for the CLI, shown once in this answer."""
    try:
        issued = _role_session(request, account_id, permission_set_id, "GetRoleCredentials")
    except AWSError as error:
        messages.error(request, error.message)
        return redirect("sso_portal:start", identity_store_id)
    permission_set = federation.entitlement(
        request.portal_user, account_id=account_id, permission_set_id=permission_set_id
    ).permission_set
    context = {
        "instance": request.portal_user.instance,
        "portal_user": request.portal_user,
        "issued": issued,
        "account": issued.credential.account,
        "permission_set": permission_set,
        "profile": f"{account_id}_{permission_set.name}",
    }
    return render(request, "identitycenter/portal/credentials.html", context)


# MFA devices


@never_cache
@http_methods("GET", "POST")
@portal.portal_login_required
def mfa_devices(request, identity_store_id):
    """The user's registered authenticator apps: register one (name, QR code, code), or delete one."""
    user = request.portal_user
    action = request.POST.get("action")
    setup = None
    name_form = DeviceNameForm(request.POST if action == "start" else None)
    code_form = MFACodeForm(request.POST if action == "confirm" else None)
    pending = (request.session.get(MFA_SETUP_KEY) or {}).get(identity_store_id)
    device = PortalMFADevice.objects.filter(user=user, pk=pending, registered_at__isnull=True).first()
    try:
        if action == "start" and name_form.is_valid():
            device, seed = portal.mfa_device_start(user=user, name=name_form.cleaned_data["name"])
            request.session[MFA_SETUP_KEY] = {identity_store_id: device.pk}
        elif action == "confirm" and device is not None and code_form.is_valid():
            portal.mfa_device_register(device=device, code=code_form.cleaned_data["code"])
            request.session.pop(MFA_SETUP_KEY, None)
            messages.success(request, "Your authenticator app has been registered.")
            return redirect("sso_portal:mfa_devices", identity_store_id)
        elif action == "delete":
            portal.mfa_device_delete(user=user, device_id=request.POST.get("device", ""))
            messages.success(request, "The MFA device was deleted.")
            return redirect("sso_portal:mfa_devices", identity_store_id)
    except portal.PortalRefused as refused:
        if action in ("start", "confirm"):
            (name_form if action == "start" else code_form).add_error(None, refused.message)
        else:
            messages.error(request, refused.message)
    if device is not None:
        seed = portal.mfa_seed(device)
        setup = {"device": device, "seed": seed, "qr": portal.mfa_qr_svg(device=device, seed=seed)}
    context = {
        "instance": user.instance,
        "portal_user": user,
        "devices": portal.registered_devices(user),
        "name_form": name_form,
        "code_form": code_form,
        "setup": setup,
    }
    return render(request, "identitycenter/portal/mfa_devices.html", context)
