"""The AWS access portal's sign-in: a directory user's password (set through the emailed link, or a
one-time password the administrator shares), the authenticator apps they register, and the portal
session, which the browser session keeps per identity store, apart from the IAM console's.

Sign-in attempts are throttled with the console's counters (accounts/services/signin.py), under a key
of the portal's own. Messages marked "unconfirmed" are this project's wording where AWS's exact text
is not documented."""

import functools
import hashlib
import hmac
import re
import secrets
import time
from datetime import timedelta
from urllib.parse import urlencode

import pyotp
import qrcode
import qrcode.image.svg
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from access import crypto
from access.audit import REDACTED
from accounts.models import AuditEvent
from accounts.services.signin import (
    INCORRECT,
    THROTTLED,
    _attempt_passed,
    _count_attempt,
    _forget_failures,
)

from . import services
from .models import DirectoryUser, Instance, PortalMFADevice

SESSION_KEY = "sso_portal"
SESSION_SECONDS = 8 * 3600  # the access portal's default session duration: 8 hours
SETUP_LINK_LIFETIME = timedelta(days=7)  # "This invitation will expire in 7 days."
PASSWORD_MIN, PASSWORD_MAX = 8, 64
MFA_DEVICES_PER_USER = 8  # Identity Center: up to eight MFA devices per user
MFA_STEP_SECONDS = 30
MFA_DRIFT_STEPS = 1
MFA_ISSUER = "AWS IAM Identity Center"
SPECIAL = services.SPECIAL

# Identity Center's password requirements (its user guide's "Password requirements").
PASSWORD_RULES = (
    "Passwords must be 8 to 64 characters long and contain at least one lowercase letter, one uppercase "
    "letter, one number and one non-alphanumeric character."  # unconfirmed wording
)
SETUP_LINK_INVALID = "This password setup link is no longer valid. Ask your administrator to send you a new invitation."  # unconfirmed
MFA_INCORRECT = "The MFA code you entered is incorrect. Try again."  # unconfirmed
MFA_LIMIT = f"You can register up to {MFA_DEVICES_PER_USER} MFA devices."  # unconfirmed
MFA_NAME_INVALID = "Enter a display name of 1 to 64 characters for your authenticator app."  # unconfirmed


def _now():
    # One place for the clock, so tests can move it.
    return time.time()


class PortalRefused(Exception):
    """A portal sign-in step or password change that did not succeed; `message` is what the page shows."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def identity_key(instance, user_name):
    """The throttle's key for a user name of one identity store (names compare without case)."""
    return f"sso:{instance.identity_store_id}:{(user_name or '').strip().lower()}"


def start_url(instance, base_url):
    """The access portal's start URL on this server (AWS's is https://d-….awsapps.com/start)."""
    return base_url.rstrip("/") + reverse("sso_portal:start", args=[instance.identity_store_id])


# Event history: what the portal's sign-in and federation record in the instance's (management)
# account, as CloudTrail records Identity Center's (event shapes unconfirmed in their details).


def portal_identity(instance, user, user_name=""):
    """CloudTrail's userIdentity of a directory user: no IAM identity, on behalf of the store's user
    (an unknown user's name is hidden)."""
    identity = {
        "type": "Unknown",
        "principalId": instance.owner_account_id,
        "accountId": instance.owner_account_id,
        "userName": user.user_name if user is not None else REDACTED,
    }
    if user is not None:
        identity["onBehalfOf"] = {"userId": user.id, "identityStoreArn": instance.identity_store_arn}
    return identity


def portal_event(*, instance, user, event_name, client, event_source="signin.amazonaws.com", **fields):
    """Record a portal event in the instance's account."""
    return AuditEvent.objects.record(
        account=instance.owner_account,
        event_source=event_source,
        event_name=event_name,
        event_type="AwsServiceEvent",
        user_identity=portal_identity(instance, user),
        source_ip_address=client.source_ip,
        user_agent=client.user_agent,
        aws_region=instance.region,
        **fields,
    )


def _authentication_event(*, instance, user, client, credential_type, success, message=""):
    portal_event(
        instance=instance,
        user=user,
        event_name="UserAuthentication",
        client=client,
        request_parameters={"CredentialType": credential_type},
        response_elements={"UserAuthentication": "Success" if success else "Failure"},
        error_message="" if success else message,
    )


def _refused(*, attempt, message, **who):
    """The refusal of a password or code (`who`: the instance, user, client and credential type): the
    throttle's words past the address's limit; recorded."""
    message = THROTTLED if attempt is None or attempt.ip_over_limit else message
    _authentication_event(**who, success=False, message=message)
    return PortalRefused(message)


# Passwords


def password_validate(password):
    """PortalRefused unless `password` meets Identity Center's password requirements."""
    password = password or ""
    classes = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX or not all(classes):
        raise PortalRefused(PASSWORD_RULES)


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def password_setup_send(*, user, base_url):
    """Email the user a link to set their password ("Send an email to this user with password setup
    instructions"): valid for 7 days, once. A new invitation replaces the previous link."""
    recipient = user.primary_email
    if not recipient:
        raise PortalRefused("The user has no email address to send the invitation to.")  # unconfirmed
    token = secrets.token_urlsafe(32)
    DirectoryUser.objects.filter(pk=user.pk).update(
        setup_token_hash=_hash_token(token), setup_token_expires_at=timezone.now() + SETUP_LINK_LIFETIME
    )
    instance = user.instance
    link = base_url.rstrip("/") + reverse(
        "sso_portal:password_setup", args=[instance.identity_store_id, token]
    )
    context = {"user": user, "link": link, "start_url": start_url(instance, base_url)}
    body = render_to_string("identitycenter/portal/invitation_email.txt", context)
    subject = "Invitation to join AWS IAM Identity Center"
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
    return link


def user_from_setup_link(*, instance, token):
    """The user an unexpired, unused password-setup link of this identity store is for, or None."""
    if not token:
        return None
    user = DirectoryUser.objects.filter(instance=instance, setup_token_hash=_hash_token(token)).first()
    if user is None or user.setup_token_expires_at is None or user.setup_token_expires_at <= timezone.now():
        return None
    return user


def _password_store(user, password):
    user.password = make_password(password)
    user.password_changed_at = timezone.now()
    user.password_reset_required = False
    user.setup_token_hash = ""
    user.setup_token_expires_at = None
    user.save(
        update_fields=[
            "password",
            "password_changed_at",
            "password_reset_required",
            "setup_token_hash",
            "setup_token_expires_at",
            "updated_at",
        ]
    )


@transaction.atomic
def password_set_from_link(*, instance, token, password):
    """Set the password through the emailed link: the link then stops working."""
    user = user_from_setup_link(instance=instance, token=token)
    if user is None:
        raise PortalRefused(SETUP_LINK_INVALID)
    password_validate(password)
    _password_store(user, password)
    _forget_failures(identity_key(instance, user.user_name))
    return user


@transaction.atomic
def password_change(*, user, new_password):
    """A new password in place of a one-time password (the first sign-in after it was generated)."""
    password_validate(new_password)
    if check_password(new_password, user.password):
        raise PortalRefused("Your new password must be different from your current password.")  # unconfirmed
    _password_store(user, new_password)


# Sign-in: user name, password, then the MFA code


def authenticate(*, instance, user_name, password, client):
    """The directory user with this user name and password, throttled as the console's sign-in is (5
    failures a user in 15 minutes, SIGNIN_FAILURES_PER_IP an address); PortalRefused otherwise.
    Unknown users and users without a password get the same answer as a wrong password."""
    attempt = _count_attempt(identity=identity_key(instance, user_name), source_ip=client.source_ip)
    user = DirectoryUser.objects.filter(
        instance=instance, user_name__iexact=(user_name or "").strip()
    ).first()
    who = {"instance": instance, "user": user, "client": client, "credential_type": "PASSWORD"}
    if attempt is None:
        raise _refused(attempt=None, message=THROTTLED, **who)
    if user is None or not user.password:
        make_password(password or "")  # as long as a real check: the time taken tells nothing
        raise _refused(attempt=attempt, message=INCORRECT, **who)
    if not check_password(password or "", user.password):
        raise _refused(attempt=attempt, message=INCORRECT, **who)
    _attempt_passed(attempt)
    return user


def registered_devices(user):
    return PortalMFADevice.objects.filter(user=user, registered_at__isnull=False)


def mfa_required(user):
    """Whether the sign-in asks for an MFA code: once the user has registered an authenticator app."""
    return registered_devices(user).exists()


def _totp(device):
    return pyotp.TOTP(crypto.decrypt(device.seed_encrypted), interval=MFA_STEP_SECONDS)


def _step_of(device, code):
    """The step (now, one either side) whose code is `code`, newer than the last accepted; else None."""
    code = str(code or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        return None
    now = int(_now() // MFA_STEP_SECONDS)
    totp = _totp(device)
    for step in range(now - MFA_DRIFT_STEPS, now + MFA_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if device.last_used_step is not None and step <= device.last_used_step:
                return None  # a code is accepted once
            return step
    return None


def _accept(device, code):
    with transaction.atomic():
        device = PortalMFADevice.objects.select_for_update().get(pk=device.pk)
        step = _step_of(device, code)
        if step is None:
            return False
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return True


def mfa_authenticate(*, user, code, client):
    """Check the code of one of the user's authenticator apps, counted with the password failures."""
    identity = identity_key(user.instance, user.user_name)
    attempt = _count_attempt(identity=identity, source_ip=client.source_ip)
    who = {"instance": user.instance, "user": user, "client": client, "credential_type": "TOTP"}
    if attempt is None:
        raise _refused(attempt=None, message=THROTTLED, **who)
    if not any(_accept(device, code) for device in registered_devices(user)):
        raise _refused(attempt=attempt, message=MFA_INCORRECT, **who)
    _attempt_passed(attempt)


def sign_in_succeeded(*, user, client, mfa):
    """The sign-in passed every step: the user's failures are forgotten; UserAuthentication recorded."""
    _forget_failures(identity_key(user.instance, user.user_name))
    _authentication_event(
        instance=user.instance,
        user=user,
        client=client,
        credential_type="PASSWORD" + (",TOTP" if mfa else ""),
        success=True,
    )


# Authenticator apps


@transaction.atomic
def mfa_device_start(*, user, name):
    """A new authenticator app for the user, not registered until a code from it is confirmed:
    (device, seed). The seed is shown once (QR code and text) and kept encrypted."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 64:
        raise PortalRefused(MFA_NAME_INVALID)
    DirectoryUser.objects.select_for_update().filter(pk=user.pk).first()
    if registered_devices(user).count() >= MFA_DEVICES_PER_USER:
        raise PortalRefused(MFA_LIMIT)
    PortalMFADevice.objects.filter(user=user, registered_at__isnull=True).delete()
    seed = pyotp.random_base32(length=32)
    device = PortalMFADevice.objects.create(user=user, name=name, seed_encrypted=crypto.encrypt(seed))
    return device, seed


def mfa_device_register(*, device, code):
    """Register the app once it shows a valid code."""
    if device.registered_at is not None or not _accept(device, code):
        raise PortalRefused(MFA_INCORRECT)
    PortalMFADevice.objects.filter(pk=device.pk).update(registered_at=timezone.now())


def mfa_device_delete(*, user, device_id):
    device_id = str(device_id)
    devices = PortalMFADevice.objects.filter(user=user, pk=device_id if device_id.isdecimal() else None)
    deleted, _ = devices.delete()
    if not deleted:
        raise PortalRefused("The MFA device was not found.")  # unconfirmed


def mfa_seed(device):
    """The seed of an app being registered, to show again while its registration is unfinished."""
    return crypto.decrypt(device.seed_encrypted)


def mfa_qr_svg(*, device, seed):
    """The otpauth:// URI as an inline SVG QR code, drawn on the server."""
    uri = pyotp.TOTP(seed, interval=MFA_STEP_SECONDS).provisioning_uri(
        name=f"{device.user.user_name}@{device.user.instance.identity_store_id}", issuer_name=MFA_ISSUER
    )
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for the authenticator app" ', 1)


# The portal session, kept in the browser's session per identity store


def portal_sign_in(request, *, user, mfa):
    """Start the portal session of `user` (a new session key); the IAM console's session is untouched."""
    request.session.cycle_key()
    sessions = dict(request.session.get(SESSION_KEY) or {})
    sessions[user.instance.identity_store_id] = {"user": user.id, "mfa": mfa, "at": _now()}
    request.session[SESSION_KEY] = sessions


def portal_sign_out(request, identity_store_id):
    sessions = dict(request.session.get(SESSION_KEY) or {})
    sessions.pop(identity_store_id, None)
    request.session[SESSION_KEY] = sessions


def portal_user(request, identity_store_id):
    """The directory user signed in to the access portal of `identity_store_id` in this browser, or
    None (never signed in, signed out, the session's 8 hours over, or the user deleted)."""
    entry = (request.session.get(SESSION_KEY) or {}).get(identity_store_id)
    if not entry:
        return None
    if _now() - entry.get("at", 0) > SESSION_SECONDS:
        portal_sign_out(request, identity_store_id)
        return None
    user = (
        DirectoryUser.objects.select_related("instance")
        .filter(instance__identity_store_id=identity_store_id, pk=entry["user"])
        .first()
    )
    if user is None:
        portal_sign_out(request, identity_store_id)
    return user


def instance_of_store(identity_store_id):
    """The instance whose access portal `identity_store_id` names, or None."""
    return Instance.objects.filter(identity_store_id=identity_store_id).first()


def portal_login_required(view):
    """A portal page: the signed-in directory user of the URL's identity store as `request.portal_user`,
    or the portal's sign-in page (then back here); 404 for a store that does not exist."""

    @functools.wraps(view)
    def wrapper(request, identity_store_id, *args, **kwargs):
        user = portal_user(request, identity_store_id)
        if user is None:
            if instance_of_store(identity_store_id) is None:
                raise Http404("No AWS access portal at this address.")
            url = reverse("sso_portal:signin", args=[identity_store_id])
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        request.portal_user = user
        return view(request, identity_store_id, *args, **kwargs)

    return wrapper
