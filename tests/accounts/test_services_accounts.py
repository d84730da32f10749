import re

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from access.acting import Acting
from access.audit import REDACTED
from accounts.models import Account, AuditEvent
from accounts.services.accounts import (
    account_alias_delete,
    account_alias_set,
    account_by_signin_identifier,
    account_create,
    root_password_change,
    root_password_set,
    sts_preferences_set,
)
from aws.errors import (
    EntityAlreadyExists,
    InvalidUserType,
    NoSuchEntity,
    PasswordPolicyViolation,
    ValidationError,
)
from tests.races import assert_refused_by_the_constraint, lose_race

from .factories import ROOT_PASSWORD, AccountFactory, IAMUserFactory

pytestmark = pytest.mark.django_db

STRONG = "Correct-Horse-7-Battery"


def _visitor():
    return Acting(account=None, source_ip="203.0.113.5", user_agent="Firefox")


def test_sign_up_creates_an_account_with_a_12_digit_id_and_a_hashed_root_password():
    account = account_create(email="dana@example.com", account_name="Dana's sandbox", password=STRONG)

    assert re.fullmatch(r"\d{12}", account.id)
    assert account.root_email == "dana@example.com"
    assert account.root_password != STRONG
    assert account.check_root_password(STRONG)
    assert account.root_password_changed_at is not None
    assert Account.objects.get(pk=account.id).name == "Dana's sandbox"


def test_sign_up_records_an_event_for_the_new_root_user_without_the_password():
    account = account_create(
        email="dana@example.com", account_name="Dana", password=STRONG, acting=_visitor()
    )

    event = AuditEvent.objects.get(event_name="CreateAccount")
    assert event.account == account
    assert event.user_identity == {
        "type": "Root",
        "principalId": account.id,
        "arn": f"arn:aws:iam::{account.id}:root",
        "accountId": account.id,
    }
    assert event.source_ip_address == "203.0.113.5"
    assert event.request_parameters == {"accountName": "Dana", "email": "dana@example.com"}
    assert STRONG not in str(event.request_parameters)


def test_account_ids_are_unique_even_when_the_random_source_repeats(monkeypatch, account):
    ids = iter([account.id, account.id, "000000000042"])
    monkeypatch.setattr("accounts.selectors.new_account_id", lambda: next(ids))

    created = account_create(email="eve@example.com", account_name="Eve", password=STRONG)

    assert created.id == "000000000042"  # leading zeros kept: IDs are strings


def test_sign_up_refuses_an_email_in_use_whatever_its_case(account):
    with pytest.raises(EntityAlreadyExists) as caught:
        account_create(email="ALICE@Example.com", account_name="Other", password=STRONG)

    assert caught.value.message == "An AWS account with this email address already exists."
    assert Account.objects.count() == 1


def test_root_emails_are_unique_in_their_one_normalized_form(db):
    AccountFactory(root_email="sam@example.com")

    # ſ (long s) is s once normalized, whatever the database's own UPPER() or LOWER() would say.
    with pytest.raises(EntityAlreadyExists):
        account_create(email="ſam@example.com", account_name="Other", password=STRONG)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(root_email="SAM@EXAMPLE.COM")
    assert Account.objects.with_root_email("ſAM@example.com").get().root_email == "sam@example.com"


def test_the_admin_hears_of_a_root_email_in_use_before_saving(account):
    other = AccountFactory(root_email="other@example.com")
    other.root_email = "ALICE@example.com"

    with pytest.raises(DjangoValidationError) as caught:
        other.full_clean()

    assert caught.value.message_dict == {
        "root_email": ["An AWS account with this email address already exists."]
    }


def test_the_normalized_root_email_follows_every_save(account):
    account.root_email = "Alice.New@Example.com"
    account.save(update_fields=["root_email"])

    assert Account.objects.get(pk=account.pk).root_email_normalized == "alice.new@example.com"
    assert Account.objects.with_root_email("alice.new@EXAMPLE.com").get() == account


@pytest.mark.parametrize(
    ("email", "name", "message"),
    [
        ("not-an-email", "Name", "Enter a valid email address."),
        ("dana@example.com", "   ", "Enter an AWS account name."),
        ("dana@example.com", "x" * 51, "The AWS account name must be 50 characters or fewer."),
    ],
)
def test_sign_up_validates_email_and_name(email, name, message):
    with pytest.raises(ValidationError) as caught:
        account_create(email=email, account_name=name, password=STRONG)

    assert caught.value.message == message
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!", "Password should have a minimum length of 8"),
        (
            "alllowercase1",
            "Password should meet 1 more of the following requirements: "
            "Password should have at least one uppercase letter, Password should have at least one symbol",
        ),
        ("Dana@Example.com", "Password should not be identical to the account name or the email address"),
        # Three classes, but Django's validators still know it is a common password.
        ("Password1", "This password is too common."),
        # Too close to the account name: the similarity validator's refusal names the attribute.
        ("Danas-Sandbox-7!", "The password is too similar to the AWS account name."),
    ],
)
def test_sign_up_checks_the_root_password(password, message):
    with pytest.raises(PasswordPolicyViolation) as caught:
        account_create(email="dana@example.com", account_name="Dana's sandbox", password=password)

    assert caught.value.message == message
    assert not Account.objects.exists()


# --- account alias ---------------------------------------------------------------------------


def test_sts_preferences_take_the_models_token_versions_only(account, root_acting):
    sts_preferences_set(account=account, version="v2Token", acting=root_acting)
    account.refresh_from_db()
    assert account.global_endpoint_token_version == 2
    with pytest.raises(ValidationError) as error:
        sts_preferences_set(account=account, version="v2", acting=root_acting)
    assert error.value.message == (
        "1 validation error detected: Value 'v2' at 'globalEndpointTokenVersion' failed to satisfy "
        "constraint: Member must satisfy enum value set: [v1Token, v2Token]"
    )
    account.refresh_from_db()
    assert account.global_endpoint_token_version == 2


def test_alias_set_and_replace(account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)
    assert Account.objects.get(pk=account.pk).alias == "alice-sandbox"

    account_alias_set(account=account, alias="alice-2", acting=root_acting)

    account.refresh_from_db()
    assert account.alias == "alice-2"
    assert account.signin_identifier == "alice-2"
    event = AuditEvent.objects.filter(event_name="CreateAccountAlias").first()
    assert event.request_parameters == {"accountAlias": "alice-2"}


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        (
            "ab",
            "2 validation errors detected: Value 'ab' at 'accountAlias' failed to satisfy constraint: "
            "Member must have length greater than or equal to 3; Value 'ab' at 'accountAlias' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        ),
        (
            "My-Alias",
            "1 validation error detected: Value 'My-Alias' at 'accountAlias' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        ),
        (
            "double--hyphen",
            "1 validation error detected: Value 'double--hyphen' at 'accountAlias' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        ),
        (
            "-leading",
            "1 validation error detected: Value '-leading' at 'accountAlias' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        ),
        ("123456789012", "The account alias cannot be a 12-digit number."),
    ],
)
def test_alias_validation_uses_aws_messages(account, root_acting, alias, message):
    with pytest.raises(ValidationError) as caught:
        account_alias_set(account=account, alias=alias, acting=root_acting)

    assert caught.value.message == message
    assert Account.objects.get(pk=account.pk).alias is None


def test_alias_of_64_characters_is_too_long(account, root_acting):
    alias = "a" * 64
    with pytest.raises(ValidationError) as caught:
        account_alias_set(account=account, alias=alias, acting=root_acting)

    assert "Member must have length less than or equal to 63" in caught.value.message


def test_alias_is_unique_across_the_installation(account, charlie_account, root_acting, charlie_acting):
    account_alias_set(account=charlie_account, alias="taken", acting=charlie_acting)

    with pytest.raises(EntityAlreadyExists) as caught:
        account_alias_set(account=account, alias="taken", acting=root_acting)

    assert caught.value.message == "The account alias taken already exists."
    assert Account.objects.get(pk=account.pk).alias is None
    event = AuditEvent.objects.get(event_name="CreateAccountAlias", account=account)
    assert event.error_code == "EntityAlreadyExists"


def test_alias_delete(account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    account_alias_delete(account=account, alias="alice-sandbox", acting=root_acting)

    assert Account.objects.get(pk=account.pk).alias is None
    assert AuditEvent.objects.filter(event_name="DeleteAccountAlias", error_code="").count() == 1


def test_alias_delete_of_another_alias_is_no_such_entity(account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    with pytest.raises(NoSuchEntity) as caught:
        account_alias_delete(account=account, alias="other", acting=root_acting)

    assert caught.value.message == "The account alias other cannot be found."
    assert Account.objects.get(pk=account.pk).alias == "alice-sandbox"


def test_sign_in_identifier_is_the_id_or_the_alias(account, root_acting):
    account_alias_set(account=account, alias="alice-sandbox", acting=root_acting)

    assert account_by_signin_identifier(account.id) == account
    assert account_by_signin_identifier("alice-sandbox") == account
    assert account_by_signin_identifier(" Alice-Sandbox ") == account
    assert account_by_signin_identifier("999999999999") is None
    assert account_by_signin_identifier("") is None


# --- root password ----------------------------------------------------------------------------


def test_root_password_set_checks_and_hashes(account, root_acting):
    root_password_set(account=account, password="New-Root-Passw0rd", acting=root_acting)

    account.refresh_from_db()
    assert account.check_root_password("New-Root-Passw0rd")
    event = AuditEvent.objects.get(event_name="PasswordUpdated")
    assert event.event_source == "signin.amazonaws.com"
    assert event.request_parameters == {"password": REDACTED}


def test_root_password_set_refuses_a_weak_password(account, root_acting):
    old_hash = account.root_password

    with pytest.raises(PasswordPolicyViolation):
        root_password_set(account=account, password="weak", acting=root_acting)

    account.refresh_from_db()
    assert account.root_password == old_hash


@pytest.mark.parametrize("who", ["an IAM user of the account", "another account's root user"])
def test_only_that_root_user_can_change_the_root_password(account, charlie_acting, who):
    if who == "an IAM user of the account":
        acting = Acting(account=account, user=IAMUserFactory(account=account, name="mallory"))
    else:
        acting = charlie_acting
    before = account.root_password

    with pytest.raises(InvalidUserType) as refused:
        root_password_change(
            account=account, old_password=ROOT_PASSWORD, new_password="Brand-New-Root-9!", acting=acting
        )

    assert (refused.value.code, refused.value.message) == (
        "InvalidUserType",
        "Only the root user can change the root user's password.",
    )
    assert Account.objects.get(pk=account.pk).root_password == before
    refusal = AuditEvent.objects.get(event_name="PasswordUpdated")
    assert refusal.error_code == "InvalidUserType"
    assert refusal.request_parameters == {"oldPassword": REDACTED, "newPassword": REDACTED}


# --- races: the unique constraints decide between two requests that pass the pre-check together ---


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_email_at_once_make_one_account():
    winner, lost = lose_race(
        winner=lambda: account_create(email="race@example.com", account_name="First", password=STRONG),
        loser=lambda: account_create(email="RACE@example.com", account_name="Second", password=STRONG),
    )

    assert_refused_by_the_constraint(
        lost, "EntityAlreadyExists", "An AWS account with this email address already exists."
    )
    assert list(Account.objects.values_list("pk", "name")) == [(winner.pk, "First")]
    assert list(AuditEvent.objects.values_list("event_name", flat=True)) == ["CreateAccount"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accounts_setting_one_alias_at_once_get_entity_already_exists(account, charlie_account):
    _, lost = lose_race(
        winner=lambda: account_alias_set(account=account, alias="shared", acting=Acting(account=account)),
        loser=lambda: account_alias_set(
            account=charlie_account, alias="shared", acting=Acting(account=charlie_account)
        ),
    )

    assert_refused_by_the_constraint(lost, "EntityAlreadyExists", "The account alias shared already exists.")
    assert Account.objects.get(pk=account.pk).alias == "shared"
    assert Account.objects.get(pk=charlie_account.pk).alias is None
