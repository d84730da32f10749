"""Console sign-in state: which account and identity this browser session acts as.

IAM identities are not Django users (those are for the admin site): the session stores the account
ID and, for an IAM user, the user's primary key; `request.acting` is rebuilt from them per request.
"""

import functools
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .acting import Acting
from .models import Account, IAMUser

SESSION_KEY = "iam_principal"


def sign_in(request, *, account, user=None):
    """Start a console session for the root user (user=None) or an IAM user; rotates the session key."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"account": account.id, "user": user.pk if user else None}
    request.acting = Acting.from_request(request, account=account, user=user)


def sign_out(request):
    request.session.flush()
    request.acting = None


def _load_acting(request):
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    if data.get("user") is None:
        account = Account.objects.filter(pk=data["account"]).first()
        return Acting.from_request(request, account=account) if account else None
    user = (
        IAMUser.objects.select_related("account").filter(pk=data["user"], account_id=data["account"]).first()
    )
    # A deleted user's session ends with the user.
    return Acting.from_request(request, account=user.account, user=user) if user else None


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
