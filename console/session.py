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
    request.session.flush()
    request.acting = None


def _mfa(data):
    at = data.get("mfa_at")
    if at:
        return True, datetime.datetime.fromisoformat(at)
    return False, None


def _load_acting(request):
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    mfa = _mfa(data)
    if data.get("user") is None:
        account = Account.objects.filter(pk=data["account"]).first()
        return Acting.from_request(request, account=account, mfa=mfa) if account else None
    user = (
        IAMUser.objects.select_related("account").filter(pk=data["user"], account_id=data["account"]).first()
    )
    if user is None:
        return None  # a deleted user's session ends with the user
    acting = Acting.from_request(request, account=user.account, user=user, mfa=mfa)
    role = data.get("role")
    if role is None:
        return acting
    credential = (
        TemporaryCredential.objects.select_related("account", "role")
        .filter(access_key_id=role["key"], role__isnull=False)
        .first()
    )
    if credential is None or credential.expiration <= timezone.now():
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
