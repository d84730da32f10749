import pytest
from django.contrib.auth.hashers import check_password

from access.acting import Acting
from access.audit import REDACTED
from accounts.models import AuditEvent, LoginProfile, PasswordPolicy
from accounts.services.login_profiles import (
    generate_password,
    login_profile_create,
    login_profile_delete,
    login_profile_update,
)
from aws.errors import EntityAlreadyExists, NoSuchEntity, PasswordPolicyViolation
from tests.races import assert_refused_by_the_constraint, lose_race

GOOD = "Corr3ct-Horse!"


def test_create_stores_a_hash_and_the_reset_flag(bob, root_acting):
    profile = login_profile_create(user=bob, password=GOOD, password_reset_required=True, acting=root_acting)

    assert profile.password != GOOD and check_password(GOOD, profile.password)
    assert profile.password_reset_required is True
    event = AuditEvent.objects.get(event_name="CreateLoginProfile")
    assert event.request_parameters == {
        "userName": "bob",
        "password": REDACTED,
        "passwordResetRequired": True,
    }
    assert GOOD not in str(event.response_elements)


def test_a_second_profile_is_refused(bob, root_acting):
    login_profile_create(user=bob, password=GOOD, acting=root_acting)
    with pytest.raises(EntityAlreadyExists) as error:
        login_profile_create(user=bob, password=GOOD, acting=root_acting)
    assert error.value.message == "Login Profile for user bob already exists."


def test_passwords_must_meet_the_policy(bob, root_acting):
    with pytest.raises(PasswordPolicyViolation):
        login_profile_create(user=bob, password="short", acting=root_acting)
    assert not LoginProfile.objects.exists()
    assert AuditEvent.objects.get(event_name="CreateLoginProfile").error_code == "PasswordPolicyViolation"


def test_update_sets_a_new_password_or_only_the_flag(bob, root_acting):
    login_profile_create(user=bob, password=GOOD, acting=root_acting)

    login_profile_update(user=bob, password_reset_required=True, acting=root_acting)
    profile = LoginProfile.objects.get(user=bob)
    assert profile.password_reset_required and check_password(GOOD, profile.password)

    login_profile_update(user=bob, password="An0ther-Secret!", acting=root_acting)
    profile.refresh_from_db()
    assert check_password("An0ther-Secret!", profile.password)
    with pytest.raises(PasswordPolicyViolation):
        login_profile_update(user=bob, password="weak", acting=root_acting)


def test_update_and_delete_need_a_profile(bob, root_acting):
    with pytest.raises(NoSuchEntity) as error:
        login_profile_update(user=bob, password_reset_required=True, acting=root_acting)
    assert error.value.message == "Login Profile for User bob cannot be found."
    with pytest.raises(NoSuchEntity):
        login_profile_delete(user=bob, acting=root_acting)


def test_delete_removes_console_access(bob, root_acting):
    login_profile_create(user=bob, password=GOOD, acting=root_acting)
    login_profile_delete(user=bob, acting=root_acting)
    assert not LoginProfile.objects.exists()
    assert AuditEvent.objects.filter(event_name="DeleteLoginProfile", error_code="").count() == 1


def test_another_accounts_user_is_not_found(bob, charlie_acting):
    with pytest.raises(NoSuchEntity):
        login_profile_create(user=bob, password=GOOD, acting=charlie_acting)


@pytest.mark.parametrize("minimum", [None, 6, 40])
def test_generated_passwords_meet_the_policy(account, bob, root_acting, minimum):
    if minimum:
        PasswordPolicy.objects.create(
            account=account,
            minimum_password_length=minimum,
            require_symbols=True,
            require_numbers=True,
            require_uppercase_characters=True,
            require_lowercase_characters=True,
        )
    password = generate_password(account=account)
    assert len(password) >= max(16, minimum or 0)
    login_profile_create(user=bob, password=password, acting=root_acting)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_profiles_created_for_one_user_at_once_get_entity_already_exists(account, bob):
    winner, lost = lose_race(
        winner=lambda: login_profile_create(user=bob, password=GOOD, acting=Acting(account=account)),
        loser=lambda: login_profile_create(
            user=bob, password="Other-Passw0rd!", acting=Acting(account=account)
        ),
    )

    assert_refused_by_the_constraint(
        lost, "EntityAlreadyExists", "Login Profile for user bob already exists."
    )
    assert [check_password(GOOD, profile.password) for profile in LoginProfile.objects.all()] == [True]
