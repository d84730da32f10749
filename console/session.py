"""Console sign-in state: which account and identity this browser session acts as.

IAM identities are not Django users (those are for the admin site): the session stores the account
ID and, for an IAM user, the user's primary key; `request.acting` is rebuilt from them per request.
"""

import datetime
import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from access.acting import Acting
from accounts.models import Account, IAMUser, TemporaryCredential

SESSION_KEY = "iam_principal"
HISTORY_KEY = "iam_role_history"
HISTORY_SIZE = 5
ROLE_SESSION_ENDED = "Your role session for {display} has ended. You are back as {identity}."


def sign_in(request, *, account, user=None, mfa=False):
    """Start a console session for the root user (user=None) or an IAM user; rotates the session key.
    `mfa`: the sign-in passed an MFA check (aws:MultiFactorAuthPresent for everything it does)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "account": account.id,
        "user": user.pk if user else None,
        "mfa_at": timezone.now().isoformat() if mfa else None,
    }
    request.acting = Acting.from_request(request, account=account, user=user, mfa=(mfa, timezone.now()))


def federated_sign_in(request, *, credential, portal_url):
    """Run the console as the role session the AWS access portal federated into (`credential`, from
    AssumeRoleWithSAML): no IAM user is behind it; signing out returns to `portal_url`. The portal's own
    session in the same browser session is kept."""
    request.session.cycle_key()
    request.session.pop(HISTORY_KEY, None)
    request.session[SESSION_KEY] = {
        "account": credential.account_id,
        "user": None,
        "mfa_at": None,
        "federated": {"key": credential.access_key_id, "portal": portal_url},
    }


def switch_to_role(request, *, credential, display_name, color):
    """Run the console as the role session of `credential`; remember the role for one-click switching."""
    data = request.session[SESSION_KEY]
    data["role"] = {"key": credential.access_key_id, "display_name": display_name, "color": color}
    request.session[SESSION_KEY] = data
    entry = {
        "account": credential.account_id,
        "role": credential.role.path.lstrip("/") + credential.role.name,
        "display_name": display_name,
        "color": color,
    }
    history = [item for item in request.session.get(HISTORY_KEY, []) if item != entry]
    request.session[HISTORY_KEY] = [entry, *history][:HISTORY_SIZE]


def switch_back(request):
    data = request.session.get(SESSION_KEY) or {}
    data.pop("role", None)
    request.session[SESSION_KEY] = data


def role_history(request):
    return request.session.get(HISTORY_KEY, [])


def sign_out(request):
    """End the console session. A session from the access portal ends alone (the portal's stays) and
    the portal's URL is returned, to go back to; otherwise the whole browser session goes and None."""
    federated = (request.session.get(SESSION_KEY) or {}).get("federated")
    request.acting = None
    if federated:
        request.session.pop(SESSION_KEY, None)
        request.session.pop(HISTORY_KEY, None)
        request.session.cycle_key()
        return federated["portal"]
    request.session.flush()
    return None


def _mfa(data):
    at = data.get("mfa_at")
    if at:
        return True, datetime.datetime.fromisoformat(at)
    return False, None


def _live_credential(key):
    credential = (
        TemporaryCredential.objects.select_related("account", "role")
        .filter(access_key_id=key, role__isnull=False)
        .first()
    )
    if credential is None or credential.expiration <= timezone.now():
        return None
    return credential


def _federated_acting(request, federated):
    """The role session the access portal opened, while its credentials last (then signed out)."""
    credential = _live_credential(federated["key"])
    if credential is None:
        return None
    alias = credential.account.alias or credential.account_id
    display = {
        "display_name": f"{credential.role.name}/{credential.role_session_name} @ {alias}",
        "color": "",
        "portal": federated["portal"],
    }
    return Acting.from_request(
        request, account=credential.account, credential=credential, role_display=display
    )


def _load_acting(request):
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    mfa = _mfa(data)
    if data.get("federated"):
        acting = _federated_acting(request, data["federated"])
        if acting is None:
            return None  # the permission set's session duration is over: signed out
    elif data.get("user") is None:
        account = Account.objects.filter(pk=data["account"]).first()
        return Acting.from_request(request, account=account, mfa=mfa) if account else None
    else:
        user = (
            IAMUser.objects.select_related("account")
            .filter(pk=data["user"], account_id=data["account"])
            .first()
        )
        if user is None:
            return None  # a deleted user's session ends with the user
        acting = Acting.from_request(request, account=user.account, user=user, mfa=mfa)
    role = data.get("role")
    if role is None:
        return acting
    credential = _live_credential(role["key"])
    if credential is None:
        # The hour is over (or the role was deleted): back to the signed-in user, and say so.
        switch_back(request)
        messages.warning(
            request, ROLE_SESSION_ENDED.format(display=role["display_name"], identity=acting.display_name)
        )
        return acting
    return Acting.from_request(
        request,
        account=credential.account,
        credential=credential,
        mfa=mfa,
        signed_in_as=acting,
        role_display=role,
    )


class ActingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = SimpleLazyObject(lambda: _load_acting(request))
        return self.get_response(request)


def is_signed_in(request):
    acting = getattr(request, "acting", None)
    return acting is not None and bool(acting)


def console_login_required(view):
    """Send visitors who are not signed in to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_signed_in(request):
            return redirect(f"{reverse('accounts:signin')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
