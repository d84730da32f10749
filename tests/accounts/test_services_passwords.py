import datetime

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from access.acting import Acting
from access.audit import REDACTED
from accounts.models import AuditEvent, LoginProfile, PasswordHistory, PasswordPolicy
from accounts.services.passwords import (
    password_check,
    password_expired,
    password_history_record,
    password_policy_delete,
    password_policy_update,
    user_password_change,
)
from aws.errors import (
    InvalidInput,
    InvalidUserType,
    NoSuchEntity,
    PasswordPolicyViolation,
    ValidationError,
)
from tests.grants import CHANGE_OWN_PASSWORD, grant

pytestmark = pytest.mark.django_db


# --- AWS's default rules (no custom policy) ---------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["Abcdefg1", "abcdefg1!", "ABCDEFG1!", "Abcdefgh!", "correct-Horse-battery", "Zz9!Zz9!"],
)
def test_default_rules_accept_eight_characters_of_three_classes(account, password):
    password_check(account=account, password=password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "Password should have a minimum length of 8"),
        ("Abc1!xy", "Password should have a minimum length of 8"),
        (
            "abcdefgh1",
            "Password should meet 1 more of the following requirements: "
            "Password should have at least one uppercase letter, Password should have at least one symbol",
        ),
        (
            "abcdefghij",
            "Password should meet 2 more of the following requirements: "
            "Password should have at least one uppercase letter, Password should have at least one number, "
            "Password should have at least one symbol",
        ),
        ("A" * 129 + "a1", "Password should have a maximum length of 128"),
    ],
)
def test_default_rules_refuse_weak_passwords_with_aws_message(account, password, message):
    with pytest.raises(PasswordPolicyViolation) as caught:
        password_check(account=account, password=password)

    assert caught.value.message == message
    assert caught.value.code == "PasswordPolicyViolation"


def test_default_rules_refuse_the_account_name_and_the_root_email(account):
    account.name = "Sandbox-Account1"
    account.save()

    for password in ("sandbox-account1", "ALICE@example.com"):
        with pytest.raises(PasswordPolicyViolation) as caught:
            password_check(account=account, password=password)
        assert caught.value.message == (
            "Password should not be identical to the account name or the email address"
        )


# --- custom policy ------------------------------------------------------------------------


def test_custom_policy_replaces_the_default_rules(account, root_acting):
    password_policy_update(account=account, minimum_password_length=6, acting=root_acting)

    password_check(account=account, password="abcdef")  # the default would refuse it


@pytest.mark.parametrize(
    ("settings", "password", "message"),
    [
        ({"minimum_password_length": 14}, "Short-Passw0rd", None),
        ({"minimum_password_length": 14}, "Short-Passw0r", "Password should have a minimum length of 14"),
        (
            {"require_uppercase_characters": True},
            "lower-only1",
            "Password should have at least one uppercase letter",
        ),
        (
            {"require_lowercase_characters": True},
            "UPPER-ONLY1",
            "Password should have at least one lowercase letter",
        ),
        ({"require_numbers": True}, "No-Numbers", "Password should have at least one number"),
        ({"require_symbols": True}, "NoSymbols1", "Password should have at least one symbol"),
        (
            {"minimum_password_length": 10, "require_symbols": True, "require_numbers": True},
            "abc",
            "Password should have a minimum length of 10, Password should have at least one number, "
            "Password should have at least one symbol",
        ),
    ],
)
def test_custom_policy_requirements(account, root_acting, settings, password, message):
    password_policy_update(account=account, acting=root_acting, **settings)

    if message is None:
        password_check(account=account, password=password)
    else:
        with pytest.raises(PasswordPolicyViolation) as caught:
            password_check(account=account, password=password)
        assert caught.value.message == message


def test_reuse_prevention_refuses_the_last_n_passwords_of_the_user(account, bob, root_acting):
    password_policy_update(account=account, password_reuse_prevention=2, acting=root_acting)
    for old in ("First-Passw0rd", "Second-Passw0rd", "Third-Passw0rd"):
        password_history_record(user=bob, password_hash=make_password(old))

    with pytest.raises(PasswordPolicyViolation) as caught:
        password_check(account=account, password="Third-Passw0rd", user=bob)
    assert caught.value.message == "Password should not be one of your previous 2 passwords"
    # The third most recent is outside the window of two.
    password_check(account=account, password="First-Passw0rd", user=bob)
    # Without a user (a password given before the user exists) there is no history to check.
    password_check(account=account, password="Third-Passw0rd")


def test_reuse_prevention_covers_the_current_login_profile_password(account, bob, root_acting):
    password_policy_update(account=account, password_reuse_prevention=1, acting=root_acting)
    LoginProfile.objects.create(user=bob, password=make_password("Current-Passw0rd"))

    with pytest.raises(PasswordPolicyViolation):
        password_check(account=account, password="Current-Passw0rd", user=bob)


def test_password_history_keeps_the_last_24(bob):
    for number in range(30):
        password_history_record(user=bob, password_hash=make_password(f"Passw0rd-{number}"))

    assert PasswordHistory.objects.filter(user=bob).count() == 24


def test_password_expires_after_max_password_age(account, root_acting):
    changed = timezone.now() - datetime.timedelta(days=31)
    assert not password_expired(account=account, changed_at=changed)  # no policy: never

    password_policy_update(account=account, max_password_age=30, acting=root_acting)
    assert password_expired(account=account, changed_at=changed)
    assert not password_expired(account=account, changed_at=timezone.now() - datetime.timedelta(days=29))


# --- UpdateAccountPasswordPolicy / DeleteAccountPasswordPolicy -----------------------------


def test_update_stores_the_policy_and_records_the_event(account, root_acting):
    policy = password_policy_update(
        account=account,
        minimum_password_length=12,
        require_symbols=True,
        allow_users_to_change_password=True,
        max_password_age=90,
        password_reuse_prevention=5,
        hard_expiry=True,
        acting=root_acting,
    )

    assert PasswordPolicy.objects.get(account=account) == policy
    assert (policy.minimum_password_length, policy.max_password_age, policy.password_reuse_prevention) == (
        12,
        90,
        5,
    )
    event = AuditEvent.objects.get(event_name="UpdateAccountPasswordPolicy")
    assert event.request_parameters["minimumPasswordLength"] == 12
    assert event.request_parameters["requireSymbols"] is True
    assert event.request_parameters["maxPasswordAge"] == 90
    assert event.request_parameters["passwordReusePrevention"] == 5
    assert event.user_identity["type"] == "Root"
    assert event.error_code == ""


def test_update_again_replaces_every_setting(account, root_acting):
    password_policy_update(account=account, require_symbols=True, max_password_age=30, acting=root_acting)
    policy = password_policy_update(account=account, minimum_password_length=9, acting=root_acting)

    assert policy.require_symbols is False
    assert policy.max_password_age is None
    assert PasswordPolicy.objects.filter(account=account).count() == 1


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"minimum_password_length": 5},
            "1 validation error detected: Value '5' at 'minimumPasswordLength' failed to satisfy constraint: "
            "Member must have value greater than or equal to 6",
        ),
        (
            {"minimum_password_length": 129},
            "1 validation error detected: Value '129' at 'minimumPasswordLength' failed to satisfy constraint: "
            "Member must have value less than or equal to 128",
        ),
        (
            {"max_password_age": 0},
            "1 validation error detected: Value '0' at 'maxPasswordAge' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
        ),
        (
            {"max_password_age": 1096},
            "1 validation error detected: Value '1096' at 'maxPasswordAge' failed to satisfy constraint: "
            "Member must have value less than or equal to 1095",
        ),
        (
            {"password_reuse_prevention": 25, "minimum_password_length": 200},
            "2 validation errors detected: Value '200' at 'minimumPasswordLength' failed to satisfy constraint: "
            "Member must have value less than or equal to 128; Value '25' at 'passwordReusePrevention' failed "
            "to satisfy constraint: Member must have value less than or equal to 24",
        ),
    ],
)
def test_update_refuses_values_out_of_range(account, root_acting, settings, message):
    with pytest.raises(ValidationError) as caught:
        password_policy_update(account=account, acting=root_acting, **settings)

    assert caught.value.message == message
    assert not PasswordPolicy.objects.filter(account=account).exists()
    event = AuditEvent.objects.get(event_name="UpdateAccountPasswordPolicy")
    assert (event.error_code, event.error_message) == ("ValidationError", message)


def test_delete_restores_the_default_rules(account, root_acting):
    password_policy_update(account=account, minimum_password_length=6, acting=root_acting)

    password_policy_delete(account=account, acting=root_acting)

    assert not PasswordPolicy.objects.filter(account=account).exists()
    with pytest.raises(PasswordPolicyViolation):
        password_check(account=account, password="abcdef")
    assert AuditEvent.objects.filter(event_name="DeleteAccountPasswordPolicy", error_code="").exists()


def test_delete_without_a_policy_is_no_such_entity(account, root_acting):
    with pytest.raises(NoSuchEntity) as caught:
        password_policy_delete(account=account, acting=root_acting)

    assert caught.value.message == "The account policy with name PasswordPolicy cannot be found."


def test_policies_are_per_account(account, charlie_account, root_acting):
    password_policy_update(account=account, minimum_password_length=6, acting=root_acting)

    password_check(account=account, password="abcdef")
    with pytest.raises(PasswordPolicyViolation):
        password_check(account=charlie_account, password="abcdef")


def test_password_check_is_a_read_and_writes_nothing(account, bob):
    password_check(account=account, password="Some-Passw0rd", user=bob)

    assert not AuditEvent.objects.exists()
    assert not PasswordHistory.objects.exists()


# --- ChangePassword (the user's own password) -----------------------------------------------------


@pytest.fixture
def bob_acting(bob):
    grant(*CHANGE_OWN_PASSWORD, user=bob)
    return Acting(account=bob.account, user=bob, source_ip="198.51.100.8", user_agent="pytest")


def test_user_changes_own_password(account, bob, bob_acting):
    profile = LoginProfile.objects.create(
        user=bob, password=make_password("Old-Passw0rd-1"), password_reset_required=True
    )

    user_password_change(
        user=bob, old_password="Old-Passw0rd-1", new_password="New-Passw0rd-2", acting=bob_acting
    )

    profile.refresh_from_db()
    assert check_password("New-Passw0rd-2", profile.password)
    assert profile.password_reset_required is False
    assert PasswordHistory.objects.filter(user=bob).count() == 1
    event = AuditEvent.objects.get(event_name="ChangePassword")
    assert event.request_parameters == {"oldPassword": REDACTED, "newPassword": REDACTED}
    assert event.user_identity["userName"] == "bob"


def test_change_password_refuses_a_wrong_old_password(account, bob, bob_acting):
    LoginProfile.objects.create(user=bob, password=make_password("Old-Passw0rd-1"))

    with pytest.raises(InvalidInput) as caught:
        user_password_change(user=bob, old_password="nope", new_password="New-Passw0rd-2", acting=bob_acting)

    assert caught.value.message == "The old password is incorrect."
    assert AuditEvent.objects.get(event_name="ChangePassword").error_code == "InvalidInput"


def test_change_password_follows_the_policy(account, bob, bob_acting):
    LoginProfile.objects.create(user=bob, password=make_password("Old-Passw0rd-1"))

    with pytest.raises(PasswordPolicyViolation):
        user_password_change(user=bob, old_password="Old-Passw0rd-1", new_password="weak", acting=bob_acting)


def test_change_password_needs_a_login_profile(account, bob, bob_acting):
    with pytest.raises(NoSuchEntity) as caught:
        user_password_change(user=bob, old_password="x", new_password="New-Passw0rd-2", acting=bob_acting)

    assert caught.value.message == "Login Profile for User bob cannot be found."


def test_only_the_user_changes_their_own_password(account, bob, root_acting):
    LoginProfile.objects.create(user=bob, password=make_password("Old-Passw0rd-1"))

    with pytest.raises(InvalidUserType) as caught:
        user_password_change(
            user=bob, old_password="Old-Passw0rd-1", new_password="New-Passw0rd-2", acting=root_acting
        )

    assert caught.value.message == "Only IAM users can change their own password."
