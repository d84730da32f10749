"""A signed-in identity changes its own password: the root user, or an IAM user (ChangePassword)."""

import pytest
from django.contrib.auth.hashers import check_password, make_password

from access.audit import REDACTED
from accounts.models import Account, AuditEvent, LoginProfile, PasswordHistory
from accounts.services.passwords import password_policy_update
from tests.grants import grant, statement

from .factories import ROOT_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/security-credentials/password/"
BOB_PASSWORD = "Bob-Passw0rd-1"


@pytest.fixture
def bob_client(client, bob, sign_in_as):
    LoginProfile.objects.create(user=bob, password=make_password(BOB_PASSWORD))
    return sign_in_as(client, bob.account, bob)


def _post(client, old, new, confirm=None):
    return client.post(
        URL, {"old_password": old, "new_password": new, "new_password_confirm": confirm or new}
    )


def test_visitors_who_are_not_signed_in_go_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/signin?next=")


def test_root_changes_its_password_and_sees_a_message(root_client, account):
    assert "Root user password" in root_client.get(URL).content.decode()

    response = _post(root_client, ROOT_PASSWORD, "Brand-New-Root-9!")

    assert response.status_code == 302
    assert response["Location"] == "/security-credentials/"
    account.refresh_from_db()
    assert account.check_root_password("Brand-New-Root-9!")
    page = root_client.get(response["Location"]).content.decode()
    assert "Your password has been changed." in page
    event = AuditEvent.objects.get(event_name="PasswordUpdated")
    assert event.event_source == "signin.amazonaws.com"
    assert event.request_parameters == {"oldPassword": REDACTED, "newPassword": REDACTED}


@pytest.mark.parametrize(
    ("old", "new", "field_error"),
    [
        ("Wrong-Passw0rd!", "Brand-New-Root-9!", "The old password is incorrect."),
        (ROOT_PASSWORD, "short", "Password should have a minimum length of 8"),
    ],
)
def test_root_password_change_refusals_change_nothing(root_client, account, old, new, field_error):
    before = Account.objects.get(pk=account.pk).root_password

    response = _post(root_client, old, new)

    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert Account.objects.get(pk=account.pk).root_password == before


def test_mismatched_confirmation_is_refused_inline(root_client, account):
    response = _post(root_client, ROOT_PASSWORD, "Brand-New-Root-9!", "Brand-New-Root-8!")

    assert "Passwords do not match." in response.content.decode()
    account.refresh_from_db()
    assert account.check_root_password(ROOT_PASSWORD)


def test_iam_user_changes_own_password_under_the_account_policy(bob_client, bob, root_acting):
    password_policy_update(
        account=bob.account,
        minimum_password_length=14,
        allow_users_to_change_password=True,
        acting=root_acting,
    )

    refused = _post(bob_client, BOB_PASSWORD, "Short-Pass-1!")
    assert "Password should have a minimum length of 14" in refused.content.decode()

    response = _post(bob_client, BOB_PASSWORD, "A-Much-Longer-Pass-1!")

    assert response.status_code == 302
    assert response["Location"] == "/users/bob/?tab=security_credentials"
    profile = LoginProfile.objects.get(user=bob)
    assert check_password("A-Much-Longer-Pass-1!", profile.password)
    assert PasswordHistory.objects.filter(user=bob).count() == 1
    assert AuditEvent.objects.filter(event_name="ChangePassword", error_code="").count() == 1


def test_iam_user_page_offers_update_console_password_only_on_their_own_page(bob_client, bob):
    # The tab's reads: GetUser, and GetLoginProfile, ListAccessKeys, ListMFADevices for its sections.
    reads = ["iam:GetUser", "iam:GetLoginProfile", "iam:ListAccessKeys", "iam:ListMFADevices"]
    grant(statement(reads, "arn:aws:iam::*:user/${aws:username}"), user=bob)
    own = bob_client.get("/users/bob/?tab=security_credentials").content.decode()

    assert 'href="/security-credentials/password/">Update console password</a>' in own


def test_root_viewing_a_user_is_not_offered_that_users_password_change(root_client, bob):
    LoginProfile.objects.create(user=bob, password=make_password(BOB_PASSWORD))

    response = root_client.get("/users/bob/?tab=security_credentials")

    assert response.status_code == 200
    page = response.content.decode()
    # The panel is there, with the console's own button to manage bob's access, but not this one.
    assert 'href="/users/bob/console-access/">Manage console access</a>' in page
    assert "Update console password" not in page
