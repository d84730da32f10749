"""What takes more than one app's services: a person's throttled sign-in (the console's sign-in
counters, under a key of the portal's own) and linking an account after its root user's credentials
(and MFA code) are checked without signing in."""

from django.contrib.auth import authenticate
from django.db import transaction

from accounts.models import normalized_email
from accounts.services.signin import (
    SignInRefused,
    enabled_mfa_devices,
    mfa_authenticate,
    root_authenticate,
    throttled_check,
)
from classrooms.errors import ClassroomError
from classrooms.services.people import account_link_create, is_instructor

MFA_REQUIRED = "This root user has MFA: enter the code from its MFA device."


def person_identity_key(email):
    return f"person:{normalized_email(email)}"


def person_authenticate(request, *, email, password, client):
    """The person with this email and password, throttled per email (5 failures in 15 minutes) and
    per IP (SIGNIN_FAILURES_PER_IP failures) as the console's sign-in is; SignInRefused otherwise.
    Successes are never counted, so a classroom signing in from one IP is never paused."""
    return throttled_check(
        identity=person_identity_key(email),
        client=client,
        check=lambda: authenticate(request, username=normalized_email(email), password=password or ""),
    )


def account_link_verify(*, person, email, password, mfa_code, client):
    """Link the account whose root user has this email and password (and MFA code, when it has MFA)
    to `person`; the root user is not signed in. Refusals are the sign-in's (and as throttled)."""
    if not is_instructor(person):
        raise ClassroomError("Only instructors can link accounts.")
    try:
        account = root_authenticate(email=email, password=password, client=client)
        if enabled_mfa_devices(account=account):
            if not mfa_code:
                raise ClassroomError(MFA_REQUIRED, field="mfa_code")
            mfa_authenticate(account=account, code=mfa_code, client=client)
    except SignInRefused as refused:
        raise ClassroomError(refused.message) from None
    with transaction.atomic():
        return account_link_create(person=person, account=account)
