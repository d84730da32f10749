"""The root user's security credentials page and the reusable "Assign MFA device" flow.

`mfa_assign_flow` serves both the root user (here) and IAM users (the user detail page's view
calls it with `user=`); it renders templates/accounts/mfa_assign.html, whose partial `mfa-assign`
is swapped by HTMX between the two steps.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.flows import mfa_device_remove
from accounts.forms import MFACodesForm, MFADeviceNameForm
from accounts.models import MFADevice
from accounts.services.mfa import (
    MFA_DEVICES_PER_USER,
    mfa_device_create,
    mfa_device_enable,
    mfa_device_resync,
    mfa_qr_svg,
)
from accounts.views.common import get_user_or_404, users_breadcrumbs
from accounts.views.credentials import access_keys_context, credentials_url
from aws.errors import AWSError
from console.htmx import htmx_redirect, render_htmx
from console.http import http_methods
from console.session import console_login_required

# The unfinished devices this browser session created: only it may finish them, and it sees their
# seed once, in the response that created them.
PENDING_SESSION = "mfa_pending_devices"


def _pending(request):
    return list(request.session.get(PENDING_SESSION, []))


def _remember_pending(request, device, replaced=None):
    pending = [pk for pk in _pending(request) if pk != getattr(replaced, "pk", None)]
    request.session[PENDING_SESSION] = [*pending, device.pk]


def _forget_pending(request, device):
    request.session[PENDING_SESSION] = [pk for pk in _pending(request) if pk != device.pk]


def _require_root(request):
    if not request.acting.is_root:
        raise Http404("The root user's security credentials are the root user's.")


def mfa_devices(*, account, user=None):
    """The identity's enabled devices, newest first, as the MFA table lists them."""
    return list(
        MFADevice.objects.filter(account=account, user=user, enabled_at__isnull=False).order_by("-enabled_at")
    )


def mfa_assign_flow(request, *, account, user=None, assign_url, cancel_url, success_url, breadcrumbs=()):
    """The console's "Assign MFA device": 1) name the device, 2) scan the QR code (or type the secret)
    and enter two consecutive codes. For the root user (user=None) or an IAM user of `account`.

    The caller checks that the acting identity may manage `user`; this flow keeps every query inside
    `account`. Context of accounts/mfa_assign.html (and its partial `mfa-assign`):
      step          "name" or "codes"
      owner_label   "root user" or the user's name, for the headings
      name_form     MFADeviceNameForm (step "name")
      device        the pending device (step "codes"), its serial_number shown
      qr_svg, seed  the QR code as inline SVG and the base32 secret (step "codes")
      codes_form    MFACodesForm (step "codes")
      assign_url, cancel_url, breadcrumbs
    """
    context = {
        "owner_label": user.name if user else "root user",
        "assign_url": assign_url,
        "cancel_url": cancel_url,
        "breadcrumbs": list(breadcrumbs),
        "quota": MFA_DEVICES_PER_USER,
        "step": "name",
        "name_form": MFADeviceNameForm(),
    }
    step = request.POST.get("step") if request.method == "POST" else None
    # This session's own unfinished device for the same identity, if the dialog is opened again.
    own = MFADevice.objects.filter(
        account=account, user=user, enabled_at__isnull=True, pk__in=_pending(request)
    )
    if step == "name":
        form = MFADeviceNameForm(request.POST)
        context["name_form"] = form
        if form.is_valid():
            replaced = own.first()
            try:
                device, seed = mfa_device_create(
                    account=account,
                    user=user,
                    name=form.cleaned_data["name"],
                    acting=request.acting,
                    replacing=replaced,
                )
            except AWSError as error:
                form.add_error("name", error.message)
            else:
                _remember_pending(request, device, replaced)
                context.update(_codes_step(device, seed, MFACodesForm()))
    elif step == "codes":
        device = own.filter(pk=_number(request.POST.get("device"))).first()
        if device is None:
            # Enabled meanwhile, or not this session's: start again.
            messages.error(request, "The MFA device could not be found. Assign it again.")
            return htmx_redirect(request, assign_url)
        form = MFACodesForm(request.POST)
        if form.is_valid():
            try:
                mfa_device_enable(
                    device=device,
                    code1=form.cleaned_data["code1"],
                    code2=form.cleaned_data["code2"],
                    acting=request.acting,
                )
            except AWSError as error:
                form.add_error(None, error.message)
            else:
                _forget_pending(request, device)
                messages.success(request, f"MFA device assigned: {device.name}.")
                return htmx_redirect(request, success_url)
        # The seed was shown once, when the device was created; it is never shown again.
        context.update(_codes_step(device, None, form))
    response = render_htmx(request, "accounts/mfa_assign.html", context, "mfa-assign")
    if context.get("seed"):
        response["Cache-Control"] = "no-store"  # the seed must not come back from the browser's cache
    return response


def _number(value):
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() else None


def _codes_step(device, seed, form):
    return {
        "step": "codes",
        "device": device,
        "seed": seed,
        "qr_svg": mfa_qr_svg(device=device, seed=seed) if seed else "",
        "codes_form": form,
    }


def mfa_remove(request, *, device, success_url):
    """The console's "Remove": deactivate, then delete the virtual device (two events, as in IAM)."""
    try:
        mfa_device_remove(device=device, acting=request.acting)
    except AWSError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"MFA device removed: {device.name}.")
    return htmx_redirect(request, success_url)


def _breadcrumbs(*more):
    first = ("My security credentials", reverse("accounts:root_security_credentials") if more else None)
    return [("IAM", reverse("dashboard")), first, *more]


@console_login_required
@http_methods("GET")
def root_security_credentials(request):
    """The root user's "My security credentials": account details, MFA devices, access keys."""
    _require_root(request)
    account = request.acting.account
    context = {
        "account": account,
        "devices": mfa_devices(account=account),
        "quota": MFA_DEVICES_PER_USER,
        # The access keys section is the identities side's partial, with its own context.
        **access_keys_context(request, None),
        "breadcrumbs": _breadcrumbs(),
    }
    return render(request, "accounts/settings_security_credentials.html", context)


@console_login_required
@http_methods("GET", "POST")
def root_mfa_assign(request):
    _require_root(request)
    url = reverse("accounts:root_security_credentials")
    return mfa_assign_flow(
        request,
        account=request.acting.account,
        assign_url=reverse("accounts:root_mfa_assign"),
        cancel_url=url,
        success_url=url,
        breadcrumbs=_breadcrumbs(("Assign MFA device", None)),
    )


@console_login_required
@http_methods("POST")
def root_mfa_remove(request, pk):
    _require_root(request)
    device = get_object_or_404(MFADevice, pk=pk, account=request.acting.account, user=None)
    return mfa_remove(request, device=device, success_url=reverse("accounts:root_security_credentials"))


@console_login_required
@http_methods("GET", "POST")
def root_mfa_resync(request, pk):
    """Resync: two consecutive codes from a device whose clock drifted."""
    _require_root(request)
    device = get_object_or_404(
        MFADevice, pk=pk, account=request.acting.account, user=None, enabled_at__isnull=False
    )
    form = MFACodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa_device_resync(
                device=device,
                code1=form.cleaned_data["code1"],
                code2=form.cleaned_data["code2"],
                acting=request.acting,
            )
        except AWSError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"MFA device resynchronized: {device.name}.")
            return redirect("accounts:root_security_credentials")
    context = {"device": device, "form": form, "breadcrumbs": _breadcrumbs(("Resync MFA device", None))}
    return render(request, "accounts/mfa_resync.html", context)


# An IAM user's devices, from the Security credentials tab of the user's page.


@console_login_required
@http_methods("GET", "POST")
def user_mfa_assign(request, name):
    """The console's "Assign MFA device" for an IAM user (the flow the root user's page uses too)."""
    user = get_user_or_404(request, name)
    detail = credentials_url(user)
    return mfa_assign_flow(
        request,
        account=request.acting.account,
        user=user,
        assign_url=reverse("accounts:user_mfa_assign", args=[user.name]),
        cancel_url=detail,
        success_url=detail,
        breadcrumbs=users_breadcrumbs((user.name, detail), ("Assign MFA device", None)),
    )


@console_login_required
@http_methods("POST")
def user_mfa_remove(request, name, pk):
    """Remove (deactivate, then delete) one of the user's MFA devices."""
    user = get_user_or_404(request, name)
    device = MFADevice.objects.filter(account=request.acting.account, user=user, pk=pk).first()
    if device is None:
        raise Http404("No such MFA device.")
    return mfa_remove(request, device=device, success_url=credentials_url(user))
