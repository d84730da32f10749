import datetime
import re
import time

import pyotp
import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AuditEvent, LoginProfile, PasswordHistory, SignInFailure
from accounts.services import mfa
from accounts.services.accounts import account_alias_set
from accounts.services.mfa import mfa_device_create, mfa_device_enable
from accounts.services.passwords import password_policy_update
from accounts.services.signin import HARD_EXPIRED, INCORRECT, MFA_INCORRECT, THROTTLED
from accounts.views.signin import PENDING_KEY
from console.session import SESSION_KEY
from tests.grants import CHANGE_OWN_PASSWORD, grant
from tests.queries import assert_constant_queries

from .factories import ROOT_PASSWORD, AccountFactory, GroupFactory, IAMUserFactory

pytestmark = pytest.mark.django_db

BOB_PASSWORD = "Bob-Passw0rd-1"
NOW = 1_900_000_000.0


@pytest.fixture
def clock(monkeypatch):
    """Freeze the MFA services' clock; `clock.move(seconds)` moves it."""

    class Clock:
        now = NOW

        def move(self, seconds):
            self.now += seconds

    frozen = Clock()
    monkeypatch.setattr(mfa, "_now", lambda: frozen.now)
    return frozen


@pytest.fixture
def bob_profile(bob):
    # As the console does when it asks for a new password at next sign-in.
    grant(*CHANGE_OWN_PASSWORD, user=bob)
    return LoginProfile.objects.create(user=bob, password=make_password(BOB_PASSWORD))


def _enable_mfa(account, acting, user=None):
    device, seed = mfa_device_create(account=account, user=user, name="phone", acting=acting)
    totp = pyotp.TOTP(seed)
    mfa_device_enable(device=device, code1=totp.at(NOW - 30), code2=totp.at(NOW), acting=acting)
    return totp


def _signed_in_as(client):
    data = client.session.get(SESSION_KEY)
    return None if data is None else {"account": data["account"], "user": data["user"]}


def _root_sign_in(client, email, password):
    client.post(reverse("accounts:signin"), {"kind": "root", "email": email})
    return client.post(reverse("accounts:signin_root_password"), {"password": password})


def _logins():
    return AuditEvent.objects.filter(event_name="ConsoleLogin").order_by("id")


# --- sign-up ----------------------------------------------------------------------------------


def test_sign_up_page_asks_for_email_account_name_and_password(client):
    html = client.get(reverse("accounts:signup")).content.decode()

    assert '<h1 id="signin-heading">Sign up for AWS</h1>' in html
    for label in (
        "Root user email address",
        "AWS account name",
        "Root user password",
        "Confirm root user password",
    ):
        assert label in html


def test_sign_up_creates_the_account_and_signs_its_root_user_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "dana@example.com",
            "account_name": "Dana's sandbox",
            "password": "Correct-Horse-7",
            "password_confirm": "Correct-Horse-7",
        },
    )

    account = Account.objects.get(root_email="dana@example.com")
    assert response.status_code == 302 and response.url == "/"
    assert _signed_in_as(client) == {"account": account.id, "user": None}
    html = client.get("/").content.decode()
    assert f'<span data-testid="account-id">{account.id}</span>' in html
    assert f"Your AWS account {account.id} is ready." in html
    assert _logins().get().response_elements == {"ConsoleLogin": "Success"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password_confirm": "Other-Horse-7"}, "Passwords do not match."),
        (
            {"password": "weakpass", "password_confirm": "weakpass"},
            "Password should meet 2 more of the following",
        ),
        ({"email": "ALICE@example.com"}, "An AWS account with this email address already exists."),
        ({"email": "nope"}, "Enter a valid email address."),
    ],
)
def test_sign_up_shows_errors_inline_and_creates_nothing(client, account, data, message):
    form = {
        "email": "dana@example.com",
        "account_name": "Dana",
        "password": "Correct-Horse-7",
        "password_confirm": "Correct-Horse-7",
        **data,
    }

    response = client.post(reverse("accounts:signup"), form)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Account.objects.count() == 1
    assert _signed_in_as(client) is None


# --- root user sign-in ---------------------------------------------------------------------------


def test_sign_in_page_offers_root_user_and_iam_user(client):
    html = client.get(reverse("accounts:signin")).content.decode()

    assert "<strong>Root user</strong>" in html and "<strong>IAM user</strong>" in html
    assert "Root user email address" in html
    assert ">Next</button>" in html
    assert "Create a new AWS account" in html


def test_root_sign_in_is_two_steps_email_then_password(client, account):
    response = client.post(reverse("accounts:signin"), {"kind": "root", "email": "alice@example.com"})
    assert response.status_code == 302 and response.url == reverse("accounts:signin_root_password")

    html = client.get(response.url).content.decode()
    assert 'data-testid="root-email">alice@example.com<' in html
    assert "Forgot password?" in html

    response = client.post(reverse("accounts:signin_root_password"), {"password": ROOT_PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert _signed_in_as(client) == {"account": account.id, "user": None}
    event = _logins().get()
    assert event.event_source == "signin.amazonaws.com"
    assert event.event_type == "AwsConsoleSignIn"
    assert event.response_elements == {"ConsoleLogin": "Success"}
    assert event.request_parameters["MFAUsed"] == "No"
    assert event.user_identity["type"] == "Root"
    assert event.account == account
    account.refresh_from_db()
    assert account.root_last_signed_in_at is not None


def test_root_password_step_without_an_email_goes_back(client):
    response = client.get(reverse("accounts:signin_root_password"))

    assert response.status_code == 302 and response.url == reverse("accounts:signin")


def test_wrong_root_password_is_refused_and_recorded(client, account):
    response = _root_sign_in(client, "alice@example.com", "Wrong-Passw0rd")

    assert response.status_code == 200
    assert INCORRECT in response.content.decode()
    assert _signed_in_as(client) is None
    event = _logins().get()
    assert event.response_elements == {"ConsoleLogin": "Failure"}
    assert event.error_message == "Failed authentication"
    assert event.account == account
    assert "Wrong-Passw0rd" not in str(event.request_parameters)


def test_unknown_root_email_gets_the_same_answer(client, account):
    response = _root_sign_in(client, "nobody@example.com", ROOT_PASSWORD)

    assert INCORRECT in response.content.decode()
    event = _logins().get()
    assert event.account is None
    assert event.response_elements == {"ConsoleLogin": "Failure"}


def test_sign_in_returns_to_next_but_never_to_another_site(client, account):
    client.post(reverse("accounts:signin"), {"kind": "root", "email": "alice@example.com"})
    response = client.post(
        reverse("accounts:signin_root_password"), {"password": ROOT_PASSWORD, "next": "/account-settings/"}
    )
    assert response.url == "/account-settings/"

    client.post(reverse("accounts:signout"))
    client.post(reverse("accounts:signin"), {"kind": "root", "email": "alice@example.com"})
    response = client.post(
        reverse("accounts:signin_root_password"), {"password": ROOT_PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_console_pages_send_visitors_to_sign_in(client):
    response = client.get(reverse("accounts:account_settings"))

    assert response.status_code == 302
    assert response.url == "/signin?next=%2Faccount-settings%2F"


# --- IAM user sign-in ----------------------------------------------------------------------------


def test_iam_user_signs_in_with_account_id_user_name_and_password(client, account, bob, bob_profile):
    response = client.post(
        reverse("accounts:signin"),
        {"kind": "iam", "account": account.id, "user_name": "bob", "password": BOB_PASSWORD},
    )

    assert response.status_code == 302 and response.url == "/"
    assert _signed_in_as(client) == {"account": account.id, "user": bob.pk}
    assert PENDING_KEY not in client.session
    event = _logins().get()
    assert event.user_identity["type"] == "IAMUser"
    assert event.user_identity["userName"] == "bob"
    bob.refresh_from_db()
    assert bob.password_last_used_at is not None
    html = client.get("/").content.decode()
    assert f'data-testid="identity-menu">bob @ {account.id}</summary>' in html


def test_account_sign_in_url_prefills_the_account_on_the_iam_user_tab(client, account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    html = client.get("/signin/alice-sandbox").content.decode()

    assert 'aria-checked="true" class="signin-kind selected"' in html
    assert 'name="account" value="alice-sandbox"' in html
    assert "IAM username" in html


def test_iam_user_signs_in_through_the_alias_url(client, account, bob, bob_profile, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    response = client.post(
        "/signin/alice-sandbox",
        {"kind": "iam", "account": "alice-sandbox", "user_name": "BOB", "password": BOB_PASSWORD},
    )

    assert response.status_code == 302
    assert _signed_in_as(client) == {"account": account.id, "user": bob.pk}


@pytest.mark.parametrize(
    ("account_field", "user_name", "password"),
    [
        ("ACCOUNT", "bob", "Wrong-Passw0rd"),
        ("ACCOUNT", "nobody", BOB_PASSWORD),
        ("999999999999", "bob", BOB_PASSWORD),
        ("CHARLIE", "bob", BOB_PASSWORD),  # bob is alice's: another account's ID does not find him
    ],
)
def test_iam_user_sign_in_failures_all_say_the_same(
    client, account, charlie_account, bob, bob_profile, account_field, user_name, password
):
    account_id = {"ACCOUNT": account.id, "CHARLIE": charlie_account.id}.get(account_field, account_field)

    response = client.post(
        reverse("accounts:signin"),
        {"kind": "iam", "account": account_id, "user_name": user_name, "password": password},
    )

    assert response.status_code == 200
    assert INCORRECT in response.content.decode()
    assert _signed_in_as(client) is None
    assert _logins().get().response_elements == {"ConsoleLogin": "Failure"}


def test_unknown_iam_user_is_hidden_in_the_event(client, account):
    client.post(
        reverse("accounts:signin"),
        {"kind": "iam", "account": account.id, "user_name": "nobody", "password": "x"},
    )

    identity = _logins().get().user_identity
    assert identity == {
        "type": "IAMUser",
        "accountId": account.id,
        "userName": "HIDDEN_DUE_TO_SECURITY_REASONS",
    }


def test_user_without_console_access_cannot_sign_in(client, account, bob):
    response = client.post(
        reverse("accounts:signin"),
        {"kind": "iam", "account": account.id, "user_name": "bob", "password": BOB_PASSWORD},
    )

    assert INCORRECT in response.content.decode()


# --- forced and expired passwords ---------------------------------------------------------------


def _bob_signs_in(client, account, password=BOB_PASSWORD):
    return client.post(
        reverse("accounts:signin"),
        {"kind": "iam", "account": account.id, "user_name": "bob", "password": password},
    )


def test_password_reset_required_forces_a_new_password(client, account, bob, bob_profile):
    bob_profile.password_reset_required = True
    bob_profile.save()

    response = _bob_signs_in(client, account)
    assert response.url == reverse("accounts:signin_new_password")
    assert _signed_in_as(client) is None
    html = client.get(response.url).content.decode()
    assert "You must change your password to continue." in html
    assert "Old password" in html and "Retype new password" in html

    response = client.post(
        reverse("accounts:signin_new_password"),
        {
            "old_password": BOB_PASSWORD,
            "new_password": "Brand-New-Passw0rd",
            "new_password_confirm": "Brand-New-Passw0rd",
        },
    )

    assert response.status_code == 302 and response.url == "/"
    assert _signed_in_as(client) == {"account": account.id, "user": bob.pk}
    bob_profile.refresh_from_db()
    assert bob_profile.password_reset_required is False
    assert PasswordHistory.objects.filter(user=bob).count() == 1
    assert AuditEvent.objects.filter(event_name="ChangePassword", error_code="").count() == 1
    assert _logins().last().response_elements == {"ConsoleLogin": "Success"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_password": "Wrong-Passw0rd"}, "The old password is incorrect."),
        (
            {"new_password": "short", "new_password_confirm": "short"},
            "Password should have a minimum length of 8",
        ),
        ({"new_password_confirm": "Something-Else1"}, "Passwords do not match."),
    ],
)
def test_new_password_errors_keep_the_user_out(client, account, bob, bob_profile, data, message):
    bob_profile.password_reset_required = True
    bob_profile.save()
    _bob_signs_in(client, account)

    response = client.post(
        reverse("accounts:signin_new_password"),
        {
            "old_password": BOB_PASSWORD,
            "new_password": "Brand-New-Passw0rd",
            "new_password_confirm": "Brand-New-Passw0rd",
            **data,
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _signed_in_as(client) is None
    bob_profile.refresh_from_db()
    assert bob_profile.password_reset_required is True


def test_new_password_respects_reuse_prevention(client, account, bob, bob_profile, root_acting):
    password_policy_update(account=account, password_reuse_prevention=3, acting=root_acting)
    bob_profile.password_reset_required = True
    bob_profile.save()
    _bob_signs_in(client, account)

    response = client.post(
        reverse("accounts:signin_new_password"),
        {"old_password": BOB_PASSWORD, "new_password": BOB_PASSWORD, "new_password_confirm": BOB_PASSWORD},
    )

    assert "Password should not be one of your previous 3 passwords" in response.content.decode()


def test_new_password_page_needs_a_pending_sign_in(client):
    response = client.get(reverse("accounts:signin_new_password"))

    assert response.status_code == 302 and response.url == reverse("accounts:signin")


def test_expired_password_must_be_changed(client, account, bob, bob_profile, root_acting):
    password_policy_update(account=account, max_password_age=30, acting=root_acting)
    LoginProfile.objects.filter(pk=bob_profile.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=31)
    )

    response = _bob_signs_in(client, account)

    assert response.url == reverse("accounts:signin_new_password")
    assert "Your password has expired." in client.get(response.url).content.decode()


def test_hard_expiry_leaves_the_reset_to_an_administrator(client, account, bob, bob_profile, root_acting):
    password_policy_update(account=account, max_password_age=30, hard_expiry=True, acting=root_acting)
    LoginProfile.objects.filter(pk=bob_profile.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=31)
    )

    response = _bob_signs_in(client, account)

    assert response.status_code == 200
    assert HARD_EXPIRED in response.content.decode()
    assert _signed_in_as(client) is None


def test_a_stale_pending_sign_in_starts_over(client, account, bob, bob_profile):
    bob_profile.password_reset_required = True
    bob_profile.save()
    _bob_signs_in(client, account)
    session = client.session
    session[PENDING_KEY]["at"] = time.time() - 3600
    session.save()

    response = client.get(reverse("accounts:signin_new_password"))

    assert response.url == reverse("accounts:signin")


# --- MFA at sign-in ------------------------------------------------------------------------------


def test_root_with_mfa_is_asked_for_a_code(client, account, root_acting, clock):
    totp = _enable_mfa(account, root_acting)
    clock.move(30)

    response = _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    assert response.url == reverse("accounts:signin_mfa")
    assert _signed_in_as(client) is None
    html = client.get(response.url).content.decode()
    assert "Multi-factor authentication" in html and "MFA code" in html

    response = client.post(reverse("accounts:signin_mfa"), {"code": totp.at(clock.now)})

    assert response.status_code == 302 and response.url == "/"
    assert _signed_in_as(client) == {"account": account.id, "user": None}
    # The session remembers the MFA sign-in: aws:MultiFactorAuthPresent is true for what it does.
    assert client.session[SESSION_KEY]["mfa_at"] is not None
    event = _logins().last()
    assert event.response_elements == {"ConsoleLogin": "Success"}
    assert event.request_parameters["MFAUsed"] == "Yes"


def test_wrong_mfa_code_is_refused_and_recorded(client, account, root_acting, clock):
    totp = _enable_mfa(account, root_acting)
    clock.move(30)
    _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    wrong = f"{(int(totp.at(clock.now)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("accounts:signin_mfa"), {"code": wrong})

    assert response.status_code == 200
    assert MFA_INCORRECT in response.content.decode()
    assert _signed_in_as(client) is None
    event = _logins().last()
    assert event.response_elements == {"ConsoleLogin": "Failure"}
    assert event.request_parameters["MFAUsed"] == "Yes"


def test_an_mfa_code_cannot_be_replayed(client, account, root_acting, clock):
    totp = _enable_mfa(account, root_acting)
    clock.move(30)
    code = totp.at(clock.now)
    _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    client.post(reverse("accounts:signin_mfa"), {"code": code})
    client.post(reverse("accounts:signout"))

    _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    response = client.post(reverse("accounts:signin_mfa"), {"code": code})

    assert MFA_INCORRECT in response.content.decode()
    assert _signed_in_as(client) is None


def test_iam_user_mfa_comes_before_the_forced_new_password(
    client, account, bob, bob_profile, root_acting, clock
):
    totp = _enable_mfa(account, root_acting, user=bob)
    clock.move(30)
    bob_profile.password_reset_required = True
    bob_profile.save()

    response = _bob_signs_in(client, account)
    assert response.url == reverse("accounts:signin_mfa")
    # The new-password page is not reachable before the code.
    assert client.get(reverse("accounts:signin_new_password")).url == reverse("accounts:signin")

    response = client.post(reverse("accounts:signin_mfa"), {"code": totp.at(clock.now)})

    assert response.url == reverse("accounts:signin_new_password")
    assert _signed_in_as(client) is None


def _wrong_codes(totp, now, count):
    """Codes that no step within the drift accepts."""
    valid = {totp.at(now + 30 * step) for step in (-1, 0, 1)}
    return [code for code in (f"{number:06d}" for number in range(count + 3)) if code not in valid][:count]


def test_guessing_mfa_codes_is_paused_even_for_the_right_code(client, account, root_acting, clock):
    totp = _enable_mfa(account, root_acting)
    clock.move(30)
    _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    for code in _wrong_codes(totp, clock.now, 5):
        response = client.post(reverse("accounts:signin_mfa"), {"code": code})
        assert MFA_INCORRECT in response.content.decode()

    response = client.post(reverse("accounts:signin_mfa"), {"code": totp.at(clock.now)})

    assert THROTTLED in response.content.decode()
    assert _signed_in_as(client) is None
    event = _logins().last()
    assert (event.error_code, event.request_parameters["MFAUsed"]) == ("Throttling", "Yes")
    # Starting over with the password does not help.
    assert THROTTLED in _root_sign_in(client, "alice@example.com", ROOT_PASSWORD).content.decode()


def test_the_right_password_does_not_reset_the_count_of_code_guesses(
    client, account, bob, bob_profile, root_acting, clock
):
    totp = _enable_mfa(account, root_acting, user=bob)
    clock.move(30)
    wrong = _wrong_codes(totp, clock.now, 5)
    _bob_signs_in(client, account)
    for code in wrong[:4]:
        client.post(reverse("accounts:signin_mfa"), {"code": code})

    assert _bob_signs_in(client, account).url == reverse("accounts:signin_mfa")
    response = client.post(reverse("accounts:signin_mfa"), {"code": wrong[4]})
    assert MFA_INCORRECT in response.content.decode()
    response = client.post(reverse("accounts:signin_mfa"), {"code": totp.at(clock.now)})

    assert THROTTLED in response.content.decode()
    assert _signed_in_as(client) is None


def test_a_signed_in_identity_starts_with_no_failures(client, account, root_acting, clock):
    totp = _enable_mfa(account, root_acting)
    clock.move(30)
    _root_sign_in(client, "alice@example.com", "Wrong-Passw0rd")
    _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    client.post(reverse("accounts:signin_mfa"), {"code": _wrong_codes(totp, clock.now, 1)[0]})
    client.post(reverse("accounts:signin_mfa"), {"code": totp.at(clock.now)})
    assert _signed_in_as(client) == {"account": account.id, "user": None}

    assert not SignInFailure.objects.exists()


def test_mfa_page_without_a_pending_sign_in_goes_back(client):
    assert client.get(reverse("accounts:signin_mfa")).url == reverse("accounts:signin")


# --- throttling ----------------------------------------------------------------------------------


def test_five_failures_pause_the_identity_even_with_the_right_password(client, account):
    for _ in range(5):
        _root_sign_in(client, "alice@example.com", "Wrong-Passw0rd")

    response = _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)

    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert _signed_in_as(client) is None
    event = _logins().last()
    assert (event.error_code, event.error_message) == ("Throttling", THROTTLED)
    assert event.response_elements == {"ConsoleLogin": "Failure"}


def test_the_pause_is_per_identity(client, account, charlie_account):
    for _ in range(5):
        _root_sign_in(client, "alice@example.com", "Wrong-Passw0rd")

    response = _root_sign_in(client, "charlie@example.com", ROOT_PASSWORD)

    assert response.status_code == 302
    assert _signed_in_as(client) == {"account": charlie_account.id, "user": None}


def test_the_pause_ends_after_the_window(client, account):
    for _ in range(5):
        _root_sign_in(client, "alice@example.com", "Wrong-Passw0rd")
    SignInFailure.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))

    response = _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)

    assert response.status_code == 302


def test_iam_users_are_paused_too(client, account, bob, bob_profile):
    for _ in range(5):
        _bob_signs_in(client, account, password="Wrong-Passw0rd")

    response = _bob_signs_in(client, account)

    assert THROTTLED in response.content.decode()


def _user_signs_in(client, account_id, user_name, password, **headers):
    return client.post(
        reverse("accounts:signin"),
        {"kind": "iam", "account": account_id, "user_name": user_name, "password": password},
        **headers,
    )


def test_failures_against_an_unknown_account_lock_nobody_out(client, account, bob, bob_profile):
    for number in range(20):
        _user_signs_in(client, "999999999999", f"guess{number}", "Wrong-Passw0rd")

    response = _bob_signs_in(client, account)

    assert response.status_code == 302
    assert _signed_in_as(client) == {"account": account.id, "user": bob.pk}


def test_past_the_ip_limit_failures_hear_the_throttle_but_right_passwords_sign_in(
    client, account, bob, bob_profile, settings
):
    settings.SIGNIN_FAILURES_PER_IP = 20
    for number in range(20):
        _user_signs_in(client, "999999999999", f"guess{number}", "Wrong-Passw0rd")

    response = _bob_signs_in(client, account, password="Wrong-Passw0rd")
    assert THROTTLED in response.content.decode()
    assert (_logins().last().error_code, _logins().last().error_message) == ("Throttling", THROTTLED)

    # Neither bob nor alice is paused: each signs in with the right password from that IP.
    response = _bob_signs_in(client, account)
    assert _signed_in_as(client) == {"account": account.id, "user": bob.pk}
    client.post(reverse("accounts:signout"))
    response = _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == {"account": account.id, "user": None}
    client.post(reverse("accounts:signout"))

    # Another address is not affected.
    response = _user_signs_in(client, account.id, "bob", "Wrong-Passw0rd", REMOTE_ADDR="198.51.100.200")
    assert INCORRECT in response.content.decode()


def test_a_class_of_100_behind_one_nat_signs_in_with_a_typo_each(client, account):
    students = [IAMUserFactory(account=account, name=f"student{number}") for number in range(100)]
    LoginProfile.objects.bulk_create(
        LoginProfile(user=student, password=make_password(f"{student.name}-Passw0rd")) for student in students
    )

    # The whole class signs in at once: every typo comes before anybody's success.
    for student in students:
        response = _user_signs_in(client, account.id, student.name, "typo")
        assert INCORRECT in response.content.decode()
    for student in students:
        response = _user_signs_in(client, account.id, student.name, f"{student.name}-Passw0rd")
        assert _signed_in_as(client) == {"account": account.id, "user": student.pk}
        client.post(reverse("accounts:signout"))


def _three_wrong_from(client, account, addresses, **headers):
    for number, forwarded_for in enumerate(addresses):
        response = _user_signs_in(
            client,
            account.id,
            f"guess{number}",
            "Wrong-Passw0rd",
            HTTP_X_FORWARDED_FOR=forwarded_for,
            **headers,
        )
    return response


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(client, account, settings):
    settings.SIGNIN_FAILURES_PER_IP = 2

    # A client that writes a new address in the header each time is still one client.
    response = _three_wrong_from(client, account, ["203.0.113.1", "203.0.113.2", "203.0.113.3"])

    assert THROTTLED in response.content.decode()
    assert {event.source_ip_address for event in _logins()} == {"127.0.0.1"}


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(client, account, settings):
    settings.SIGNIN_FAILURES_PER_IP = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    # The proxy appends the address it saw; what the client wrote before it counts for nothing.
    response = _three_wrong_from(
        client, account, ["192.0.2.1, 203.0.113.5", "192.0.2.2, 203.0.113.5", "203.0.113.6"], **proxy
    )
    assert INCORRECT in response.content.decode()
    response = _three_wrong_from(client, account, ["192.0.2.3, 203.0.113.5"], **proxy)
    assert THROTTLED in response.content.decode()

    assert [event.source_ip_address for event in _logins()] == ["203.0.113.5"] * 2 + ["203.0.113.6"] + [
        "203.0.113.5"
    ]


def test_case_variants_of_a_user_name_share_one_pause(client, account, bob, bob_profile):
    for typed in ("BOB", "Bob", "bOb", "boB", " bob "):
        _user_signs_in(client, account.id, typed, "Wrong-Passw0rd")

    response = _bob_signs_in(client, account)

    assert THROTTLED in response.content.decode()


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("sam", "ſam"),  # LATIN SMALL LETTER LONG S: PostgreSQL's UPPER() makes it S
        ("tim", "tım"),  # LATIN SMALL LETTER DOTLESS I: UPPER() makes it I
        ("kim", "\u212aim"),  # KELVIN SIGN: LOWER() makes it k
        ("bob", "bob\u200b"),  # ZERO WIDTH SPACE
    ],
)
def test_a_user_name_outside_awss_ascii_pattern_is_refused_before_any_lookup(client, account, name, typed):
    user = IAMUserFactory(account=account, name=name)
    LoginProfile.objects.create(user=user, password=make_password(BOB_PASSWORD))

    with CaptureQueriesContext(connection) as queries:
        response = _user_signs_in(client, account.id, typed, BOB_PASSWORD)

    assert INCORRECT in response.content.decode()
    assert _signed_in_as(client) is None
    assert not [query for query in queries.captured_queries if "accounts_iamuser" in query["sql"]]
    assert _logins().get().user_identity["userName"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    # Nobody's pause moved: the user signs in with the name as it is.
    assert not SignInFailure.objects.exists()
    assert _user_signs_in(client, account.id, name, BOB_PASSWORD).status_code == 302


def test_root_email_variants_share_one_pause(client):
    sam = AccountFactory(root_email="sam@example.com")
    for typed in (
        "ſam@example.com",
        "SAM@example.com",
        "ſam@EXAMPLE.COM",
        "Sam@Example.com",
        "ſaM@example.com",
    ):
        response = _root_sign_in(client, typed, "Wrong-Passw0rd")
        assert INCORRECT in response.content.decode()
    assert _logins().filter(account=sam).count() == 5

    response = _root_sign_in(client, "sam@example.com", ROOT_PASSWORD)

    assert THROTTLED in response.content.decode()


def test_a_root_email_reaches_its_account_only_through_its_normalized_form(client):
    sam = AccountFactory(root_email="Sam@Example.com")
    AccountFactory(root_email="tim@example.com")

    # NFKC folds ſ into s, and case folding the rest: one address.
    response = _root_sign_in(client, "ſAM@example.COM", ROOT_PASSWORD)
    assert _signed_in_as(client) == {"account": sam.id, "user": None}
    client.post(reverse("accounts:signout"))

    # Case folding keeps dotless ı apart from i: another address, which has no account.
    response = _root_sign_in(client, "tım@example.com", ROOT_PASSWORD)
    assert INCORRECT in response.content.decode()
    assert _logins().last().account is None


def test_success_clears_the_identitys_failures(client, account):
    for _ in range(4):
        _root_sign_in(client, "alice@example.com", "Wrong-Passw0rd")
    _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)
    client.post(reverse("accounts:signout"))

    _root_sign_in(client, "alice@example.com", "Wrong-Passw0rd")
    response = _root_sign_in(client, "alice@example.com", ROOT_PASSWORD)

    assert response.status_code == 302


# --- root password recovery ---------------------------------------------------------------------


def _reset_link():
    return re.search(r"http://testserver(/signin/password/reset/\S+)", mail.outbox[-1].body).group(1)


def test_forgot_password_emails_a_link_that_resets_the_root_password(
    client, account, django_capture_on_commit_callbacks
):
    client.post(reverse("accounts:signin"), {"kind": "root", "email": "alice@example.com"})
    html = client.get(reverse("accounts:forgot_password")).content.decode()
    assert 'value="alice@example.com"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:forgot_password"), {"email": "alice@example.com"})

    assert "we sent it a link to reset the password" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    link = _reset_link()
    assert "Email: <strong>alice@example.com</strong>" in client.get(link).content.decode()

    response = client.post(
        link, {"password": "Fresh-Root-Passw0rd", "password_confirm": "Fresh-Root-Passw0rd"}
    )

    assert response.url == reverse("accounts:signin_root_password")
    account.refresh_from_db()
    assert account.check_root_password("Fresh-Root-Passw0rd")
    assert AuditEvent.objects.filter(event_name="PasswordRecoveryRequested").count() == 1
    assert AuditEvent.objects.filter(event_name="PasswordUpdated", error_code="").count() == 1
    # The link dies with the password it replaced.
    assert client.get(link).status_code == 400


def test_reset_link_refuses_a_weak_password(client, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:forgot_password"), {"email": "alice@example.com"})

    response = client.post(_reset_link(), {"password": "weak", "password_confirm": "weak"})

    assert response.status_code == 200
    assert "Password should have a minimum length of 8" in response.content.decode()
    account.refresh_from_db()
    assert account.check_root_password(ROOT_PASSWORD)


def test_forgot_password_for_an_unknown_email_says_the_same_and_sends_nothing(
    client, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:forgot_password"), {"email": "nobody@example.com"})

    assert "we sent it a link to reset the password" in response.content.decode()
    assert mail.outbox == []


def test_forgot_password_finds_the_account_by_its_normalized_email_and_writes_to_the_address_on_file(
    client, django_capture_on_commit_callbacks
):
    AccountFactory(root_email="sam@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:forgot_password"), {"email": "ſAM@example.com"})

    assert [message.to for message in mail.outbox] == [["sam@example.com"]]


def test_a_forged_reset_link_is_refused(client, account):
    response = client.get(reverse("accounts:reset_password", args=["MTIz", "abc-def"]))

    assert response.status_code == 400
    assert "This password reset link is not valid" in response.content.decode()


# --- sign-out and the identity menu ---------------------------------------------------------------


def test_sign_out_is_a_post(root_client):
    assert root_client.get(reverse("accounts:signout")).status_code == 405

    response = root_client.post(reverse("accounts:signout"))

    assert response.url == reverse("accounts:signin")
    assert _signed_in_as(root_client) is None
    assert "Sign in</a>" in root_client.get("/").content.decode()


def test_identity_menu_of_the_root_user(root_client, account):
    html = root_client.get("/").content.decode()

    assert f'data-testid="identity-menu">{account.id}</summary>' in html
    assert f"<dt>Account ID</dt>\n                <dd>{account.id} " in html
    assert "<dt>Signed in as</dt><dd>Root user</dd>" in html
    assert f'action="{reverse("accounts:signout")}"' in html
    assert 'href="/security-credentials/">Security credentials</a>' in html


def test_identity_menu_of_an_iam_user_names_user_and_alias(client, account, bob, sign_in_as, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)
    sign_in_as(client, account, bob)

    html = client.get("/").content.decode()

    assert 'data-testid="identity-menu">bob @ alice-sandbox</summary>' in html
    assert "<dt>IAM user</dt><dd>bob</dd>" in html
    # An IAM user's own security credentials are the Security credentials tab of their user page.
    assert '<a href="/users/bob/?tab=security_credentials">Security credentials</a>' in html
    assert '/security-credentials/"' not in html


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_shows_the_account_and_its_iam_resources(root_client, account, charlie_account):
    IAMUserFactory(account=account, name="bob")
    IAMUserFactory(account=account, name="carol")
    GroupFactory(account=account, name="developers")
    IAMUserFactory(account=charlie_account, name="mallory")  # another account's: not counted
    GroupFactory(account=charlie_account, name="others")

    html = root_client.get("/").content.decode()

    assert '<h2 id="account-heading">AWS Account</h2>' in html
    assert f'<span data-testid="account-id">{account.id}</span>' in html
    assert f"http://testserver/signin/{account.id}" in html
    assert 'data-copy="http://testserver/signin/' in html
    assert re.search(r'data-testid="count-users">(<a href="[^"]+">)?2<', html)
    assert re.search(r'data-testid="count-user-groups">(<a href="[^"]+">)?1<', html)
    # The server's health is the operator's (/healthz, the admin site), not the trainee's.
    assert "System status" not in html
    assert ">Create</a>" in html


def test_dashboard_sign_in_url_uses_the_alias(root_client, account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    html = root_client.get("/").content.decode()

    assert "http://testserver/signin/alice-sandbox" in html
    assert '<span data-testid="account-alias">alice-sandbox</span>' in html
    assert ">Edit</a>" in html


def test_dashboard_counts_with_a_constant_number_of_queries(root_client, account):
    def add_row(index):
        IAMUserFactory(account=account, name=f"user{index}")
        GroupFactory(account=account, name=f"group{index}")

    html = assert_constant_queries(root_client, "/", add_row)
    assert 'data-testid="count-users"><a href="/users/">20<' in html
    assert 'data-testid="count-user-groups"><a href="/groups/">20<' in html


def test_another_accounts_session_never_shows_this_account(charlie_client, account, charlie_account):
    html = charlie_client.get("/").content.decode()

    assert charlie_account.id in html
    assert account.id not in html


def test_a_deleted_account_ends_its_sessions(root_client, account):
    Account.objects.filter(pk=account.pk).delete()

    assert "Sign in</a>" in root_client.get("/").content.decode()
