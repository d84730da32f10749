"""Console sign-in: checking credentials, throttling failures, MFA, forced password changes, root
password recovery, and the CloudTrail ConsoleLogin events they leave."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from access.acting import Acting, client_ip
from access.audit import REDACTED
from accounts.models import (
    Account,
    AuditEvent,
    IAMUser,
    MFADevice,
    PasswordPolicy,
    SignInFailure,
    normalized_email,
)
from aws.errors import ValidationError

from .mfa import mfa_verify
from .passwords import password_expired
from .users import validate_name

FAILURES_PER_IDENTITY = 5  # per source IP: settings.SIGNIN_FAILURES_PER_IP
THROTTLE_WINDOW = datetime.timedelta(minutes=15)

INCORRECT = "Your authentication information is incorrect. Please try again."
THROTTLED = (
    "Too many failed sign-in attempts. For your security, sign-in is paused for this user and this "
    "network: wait 15 minutes and try again."
)
HARD_EXPIRED = "Your password has expired. Ask your administrator to reset it."
# Organizations' CloseAccount closed the account (accounts.models.Account.closed_at): no one signs in.
ACCOUNT_CLOSED = "This AWS account is closed. Sign-in is not possible."
MFA_INCORRECT = "Your authentication information is incorrect. Enter the current code from your MFA device."


@dataclass(frozen=True)
class Client:
    """The browser that tries to sign in: what a ConsoleLogin event records and throttling counts."""

    source_ip: str = ""
    user_agent: str = ""

    @classmethod
    def from_request(cls, request):
        return cls(source_ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:512])


class SignInRefused(Exception):
    """A sign-in attempt that did not succeed; `message` is what the page shows."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- identities and throttling ------------------------------------------------------------------


def root_identity_key(email):
    return f"root:{normalized_email(email)}"


def user_identity_key(account_identifier, user_name):
    # Only names of AWS's ASCII pattern get here (user_authenticate refuses others first), and for
    # ASCII lower() folds as the lookup's case-insensitive match does: one key per user.
    return f"iam:{(account_identifier or '').strip().lower()}:{(user_name or '').strip().lower()}"


def user_name_is_valid(user_name):
    """Whether a name could be an IAM user's: AWS's pattern, which is ASCII."""
    try:
        validate_name(user_name, field="userName", max_length=64)
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class Attempt:
    """A counted sign-in attempt: a failure until it succeeds."""

    pk: int
    # Past SIGNIN_FAILURES_PER_IP: a failure is answered with the throttle message.
    ip_over_limit: bool


def _lock_for_counting(*, identity, source_ip):
    # PostgreSQL: one transaction-scoped lock per identity and per IP, taken in that order (two
    # namespaces, so never in a cycle), makes each count see every earlier attempt. SQLite needs
    # none: the attempt's INSERT came first and holds the database's only write lock until commit.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(1, hashtext(%s))", [identity])
        if source_ip:
            cursor.execute("SELECT pg_advisory_xact_lock(2, hashtext(%s))", [source_ip])


def _count_attempt(*, identity, source_ip):
    """Count an attempt before its password or code is checked; None when the identity is paused.

    The attempt's row is written, then counted within the window in the same transaction, so that
    parallel attempts cannot all read the count from before any of them: at most
    FAILURES_PER_IDENTITY of them are ever checked.
    """
    with transaction.atomic():
        attempt = SignInFailure.objects.create(identity=identity, source_ip=source_ip)
        _lock_for_counting(identity=identity, source_ip=source_ip)
        recent = SignInFailure.objects.filter(created_at__gte=attempt.created_at - THROTTLE_WINDOW)
        if recent.filter(identity=identity).count() > FAILURES_PER_IDENTITY:
            # Refused without a check and not counted, so the pause ends on time.
            transaction.set_rollback(True)
            return None
        ip_over_limit = (
            bool(source_ip) and recent.filter(source_ip=source_ip).count() > settings.SIGNIN_FAILURES_PER_IP
        )
    # Old rows only cost space; trim them as new ones arrive.
    SignInFailure.objects.filter(created_at__lt=timezone.now() - 2 * THROTTLE_WINDOW).delete()
    return Attempt(pk=attempt.pk, ip_over_limit=ip_over_limit)


def _attempt_passed(attempt):
    """The attempt's password or code was right: it is no failure. (Earlier failures stay until the
    whole sign-in succeeds, so that a known password does not reset the count of MFA guesses.)"""
    SignInFailure.objects.filter(pk=attempt.pk).delete()


def _forget_failures(identity):
    SignInFailure.objects.filter(identity=identity).delete()


def throttled_check(*, identity, client, check):
    """Run `check()` (a password check: the signed-in thing, or None when wrong) under the console's
    throttle, for sign-ins of other kinds (the classroom portal's people): counted before the check,
    FAILURES_PER_IDENTITY failures in 15 minutes per `identity` and SIGNIN_FAILURES_PER_IP per source IP,
    successes never counted and clearing the identity's failures. SignInRefused with the console's
    words otherwise."""
    attempt = _count_attempt(identity=identity, source_ip=client.source_ip)
    if attempt is None:
        raise SignInRefused(THROTTLED)
    signed_in = check()
    if signed_in is None:
        raise SignInRefused(THROTTLED if attempt.ip_over_limit else INCORRECT)
    _attempt_passed(attempt)
    _forget_failures(identity)
    return signed_in


# --- ConsoleLogin events --------------------------------------------------------------------


def _hidden_identity(*, account, is_root):
    # CloudTrail does not name identities that do not exist (they may be mistyped passwords).
    identity = {"type": "Root" if is_root else "IAMUser", "accountId": account.id if account else ""}
    if is_root:
        identity["principalId"] = account.id if account else ""
        if account:
            identity["arn"] = account.root_arn
    else:
        identity["userName"] = REDACTED
    return identity


def console_login_event(
    *,
    account,
    user=None,
    is_root=True,
    success,
    client,
    mfa_used=False,
    login_to="",
    known=True,
    error_code="",
    error_message="",
):
    """Record CloudTrail's ConsoleLogin: responseElements {"ConsoleLogin": "Success"|"Failure"} and
    the additionalEventData facts (MFAUsed…) in requestParameters."""
    if known and account is not None:
        identity = Acting(account=account, user=user).user_identity()
    else:
        identity = _hidden_identity(account=account, is_root=is_root)
    return AuditEvent.objects.record(
        account=account,
        event_source="signin.amazonaws.com",
        event_name="ConsoleLogin",
        event_type="AwsConsoleSignIn",
        user_identity=identity,
        source_ip_address=client.source_ip,
        user_agent=client.user_agent,
        request_parameters={
            "LoginTo": login_to,
            "MobileVersion": "No",
            "MFAUsed": "Yes" if mfa_used else "No",
        },
        response_elements={"ConsoleLogin": "Success" if success else "Failure"},
        error_code=error_code,
        error_message="" if success else (error_message or "Failed authentication"),
    )


def _refuse(
    *,
    attempt,
    client,
    account,
    user=None,
    is_root,
    known,
    message=INCORRECT,
    mfa_used=False,
    login_to="",
):
    # The attempt was counted before its check and stays a failure. Past the IP's limit the answer
    # is the throttle message, though the check was made: a right password there still signs in.
    if attempt is not None and attempt.ip_over_limit:
        return _throttled(
            client=client,
            account=account,
            user=user,
            is_root=is_root,
            known=known,
            mfa_used=mfa_used,
            login_to=login_to,
        )
    console_login_event(
        account=account,
        user=user,
        is_root=is_root,
        success=False,
        client=client,
        mfa_used=mfa_used,
        login_to=login_to,
        known=known,
    )
    return SignInRefused(message)


def _throttled(*, client, account, user=None, is_root, known, mfa_used=False, login_to=""):
    console_login_event(
        account=account,
        user=user,
        is_root=is_root,
        success=False,
        client=client,
        mfa_used=mfa_used,
        login_to=login_to,
        known=known,
        error_code="Throttling",
        error_message=THROTTLED,
    )
    return SignInRefused(THROTTLED)


# --- credentials ----------------------------------------------------------------------------


def root_authenticate(*, email, password, client, login_to=""):
    """The account whose root user has this email and password; SignInRefused otherwise."""
    account = Account.objects.with_root_email(email).first()
    known = account is not None
    attempt = _count_attempt(identity=root_identity_key(email), source_ip=client.source_ip)
    if attempt is None:
        raise _throttled(client=client, account=account, is_root=True, known=known, login_to=login_to)
    if account is None:
        make_password(password or "")  # as long as a real check: the time taken tells nothing
    if account is None or not account.check_root_password(password or ""):
        raise _refuse(
            attempt=attempt, client=client, account=account, is_root=True, known=known, login_to=login_to
        )
    if account.closed_at:
        raise _refuse(
            attempt=attempt,
            client=client,
            account=account,
            is_root=True,
            known=True,
            message=ACCOUNT_CLOSED,
            login_to=login_to,
        )
    _attempt_passed(attempt)
    return account


class UserSignIn:
    """What the password step learnt about an IAM user: whether a new password is due."""

    def __init__(self, user, *, must_change_password, expired):
        self.user = user
        self.must_change_password = must_change_password
        self.expired = expired


def user_authenticate(*, account, account_identifier, user_name, password, client, login_to=""):
    """Check an IAM user's console password (the login profile); SignInRefused otherwise.

    `account` is what `account_identifier` names (None when it names nothing). Unknown accounts,
    unknown users, users without console access and wrong passwords all get the same answer.
    """
    user_name = (user_name or "").strip()
    if not user_name_is_valid(user_name):
        # No IAM user has such a name (AWS's pattern is ASCII): refused before any lookup, and not
        # counted, since there is no identity to protect and nothing to fold into a key.
        raise _refuse(
            attempt=None, client=client, account=account, is_root=False, known=False, login_to=login_to
        )
    identity = user_identity_key(account.id if account else account_identifier, user_name)
    user = None
    if account is not None:
        user = (
            IAMUser.objects.filter(account=account, name__iexact=user_name)
            .select_related("account", "login_profile")
            .first()
        )
    # What a refusal's ConsoleLogin event says.
    who = {"client": client, "account": account, "user": user, "is_root": False, "login_to": login_to}
    attempt = _count_attempt(identity=identity, source_ip=client.source_ip)
    if attempt is None:
        raise _throttled(known=user is not None, **who)
    profile = getattr(user, "login_profile", None) if user else None
    if profile is None:
        make_password(password or "")  # as long as a real check: the time taken tells nothing
    if profile is None or not check_password(password or "", profile.password):
        raise _refuse(attempt=attempt, known=user is not None, **who)
    policy = PasswordPolicy.objects.filter(account=account).first()
    expired = password_expired(account=account, changed_at=profile.password_changed_at, policy=policy)
    if expired and policy.hard_expiry:
        raise _refuse(attempt=attempt, known=True, message=HARD_EXPIRED, **who)
    if account.closed_at:
        raise _refuse(attempt=attempt, known=True, message=ACCOUNT_CLOSED, **who)
    _attempt_passed(attempt)
    return UserSignIn(user, must_change_password=profile.password_reset_required or expired, expired=expired)


def enabled_mfa_devices(*, account, user=None):
    return list(MFADevice.objects.filter(account=account, user=user, enabled_at__isnull=False))


def mfa_authenticate(*, account, user=None, code, client, login_to=""):
    """Check the MFA code of an identity whose password was right; SignInRefused otherwise.

    Codes count with the identity's password failures, before they are checked: five guesses in
    15 minutes, out of a million codes.
    """
    identity = user_identity_key(account.id, user.name) if user else root_identity_key(account.root_email)
    who = {
        "client": client,
        "account": account,
        "user": user,
        "is_root": user is None,
        "known": True,
        "mfa_used": True,
        "login_to": login_to,
    }
    attempt = _count_attempt(identity=identity, source_ip=client.source_ip)
    if attempt is None:
        raise _throttled(**who)
    if not any(
        mfa_verify(device=device, code=code) for device in enabled_mfa_devices(account=account, user=user)
    ):
        raise _refuse(attempt=attempt, message=MFA_INCORRECT, **who)
    _attempt_passed(attempt)


def console_login_succeeded(*, account, user=None, client, mfa_used, login_to=""):
    """Record the successful sign-in, clear the identity's failures, note when it signed in."""
    now = timezone.now()
    with transaction.atomic():
        if user is None:
            _forget_failures(root_identity_key(account.root_email))
            Account.objects.filter(pk=account.pk).update(root_last_signed_in_at=now)
        else:
            _forget_failures(user_identity_key(account.id, user.name))
            IAMUser.objects.filter(pk=user.pk).update(password_last_used_at=now)
        console_login_event(
            account=account, user=user, success=True, client=client, mfa_used=mfa_used, login_to=login_to
        )


# --- root password recovery -------------------------------------------------------------------


class RootPasswordResetTokens(PasswordResetTokenGenerator):
    """Signed, expiring (settings.PASSWORD_RESET_TIMEOUT) reset tokens for a root user. A token dies
    once used: it hashes the current password and the last sign-in."""

    key_salt = "accounts.services.signin.RootPasswordResetTokens"

    def _make_hash_value(self, account, timestamp):
        signed_in = account.root_last_signed_in_at
        signed_in = "" if signed_in is None else signed_in.replace(microsecond=0, tzinfo=None)
        return f"{account.pk}{account.root_password}{signed_in}{timestamp}{account.root_email.lower()}"


root_reset_tokens = RootPasswordResetTokens()


def root_password_reset_link(*, account, base_url):
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    path = reverse(
        "accounts:reset_password", kwargs={"uidb64": uid, "token": root_reset_tokens.make_token(account)}
    )
    return base_url.rstrip("/") + path


def root_password_reset_request(*, email, base_url, client):
    """Email a reset link to the root user with this email, if there is one. The answer is the same
    either way, so the form does not reveal which emails have accounts."""
    account = Account.objects.with_root_email(email).first()
    if account is None:
        return
    link = root_password_reset_link(account=account, base_url=base_url)
    AuditEvent.objects.record(
        account=account,
        event_source="signin.amazonaws.com",
        event_name="PasswordRecoveryRequested",
        event_type="AwsConsoleSignIn",
        user_identity=Acting(account=account).user_identity(),
        source_ip_address=client.source_ip,
        user_agent=client.user_agent,
        response_elements={"PasswordRecoveryRequested": "Success"},
    )
    context = {"account": account, "link": link}
    subject = "Password recovery for your IAM Console account"
    body = render_to_string("accounts/password_reset_email.txt", context)
    recipient = account.root_email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))


def root_account_from_reset_link(*, uidb64, token):
    """The account a reset link is for, if its token is still valid; None otherwise."""
    try:
        account_id = force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, OverflowError):
        return None
    account = Account.objects.filter(pk=account_id).first()
    if account is None or not root_reset_tokens.check_token(account, token):
        return None
    return account
