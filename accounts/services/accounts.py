"""AWS accounts: sign-up, the account alias, and the root user's password."""

import re

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.acting import Acting
from access.audit import audited, record_event
from accounts.models import Account
from accounts.selectors import unused_account_id
from aws.errors import (
    EntityAlreadyExists,
    InvalidInput,
    InvalidUserType,
    NoSuchEntity,
    PasswordPolicyViolation,
    ValidationError,
)
from aws.names import constraint_error

from .passwords import default_rule_violations, hash_password

ALIAS_PATTERN = r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
_ALIAS_RE = re.compile(ALIAS_PATTERN)
ACCOUNT_NAME_MAX_LENGTH = 50


def root_password_check(*, password, account_name, email):
    """The root user's password: AWS's default rules (the account's policy never applies to root)
    and Django's validators (common passwords, similarity to the email, all-numeric)."""
    violations = default_rule_violations(password=password, account_name=account_name, email=email)
    if violations:
        raise PasswordPolicyViolation(", ".join(violations))
    # The validators look at a user's attributes (and name them through the model's fields when they
    # refuse): an unsaved user with the root's email and the account name stands in for the root user.
    root = get_user_model()(username=account_name[:150], email=email)
    try:
        password_validation.validate_password(password, user=root)
    except DjangoValidationError as exc:
        # The stand-in's "username" is the account name; say so.
        messages = [message.replace("the username", "the AWS account name") for message in exc.messages]
        raise PasswordPolicyViolation(" ".join(messages)) from exc


def _validate_signup(*, email, account_name):
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationError("Enter a valid email address.") from exc
    if not account_name.strip():
        raise ValidationError("Enter an AWS account name.")
    if len(account_name) > ACCOUNT_NAME_MAX_LENGTH:
        raise ValidationError(f"The AWS account name must be {ACCOUNT_NAME_MAX_LENGTH} characters or fewer.")
    if Account.objects.with_root_email(email).exists():
        raise EntityAlreadyExists("An AWS account with this email address already exists.")


def account_create(*, email, account_name, password, acting=None):
    """Sign up: a new account with a random 12-digit ID whose root user signs in with email and password.

    `acting` is the visitor (only its source IP and user agent are used): nobody acts for an account
    that does not exist yet, so the event is recorded as the new root user's.
    """
    email = email.strip()
    account_name = account_name.strip()
    _validate_signup(email=email, account_name=account_name)
    root_password_check(password=password, account_name=account_name, email=email)
    now = timezone.now()
    try:
        with transaction.atomic():
            account = Account.objects.create(
                id=unused_account_id(),
                name=account_name,
                root_email=email,
                root_password=hash_password(password),
                root_password_changed_at=now,
            )
            record_event(
                acting=Acting(
                    account=account,
                    source_ip=getattr(acting, "source_ip", ""),
                    user_agent=getattr(acting, "user_agent", ""),
                ),
                event_name="CreateAccount",
                event_source="signin.amazonaws.com",
                request_parameters={"accountName": account_name, "email": email},
                response_elements={"accountId": account.id},
            )
    except IntegrityError as exc:
        # Two sign-ups with the same email at once: the case-insensitive constraint decides.
        raise EntityAlreadyExists("An AWS account with this email address already exists.") from exc
    return account


def _validate_alias(alias):
    errors = []
    if len(alias) < 3:
        errors.append(
            f"Value '{alias}' at 'accountAlias' failed to satisfy constraint: "
            "Member must have length greater than or equal to 3"
        )
    elif len(alias) > 63:
        errors.append(
            f"Value '{alias}' at 'accountAlias' failed to satisfy constraint: "
            "Member must have length less than or equal to 63"
        )
    if not _ALIAS_RE.match(alias):
        errors.append(
            f"Value '{alias}' at 'accountAlias' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {ALIAS_PATTERN}"
        )
    if errors:
        noun = "validation error" if len(errors) == 1 else "validation errors"
        raise ValidationError(f"{len(errors)} {noun} detected: " + "; ".join(errors))
    if re.fullmatch(r"\d{12}", alias):
        # The sign-in URL takes an account ID or an alias; an alias shaped like an ID would be ambiguous.
        raise ValidationError("The account alias cannot be a 12-digit number.")


@audited("CreateAccountAlias", params=lambda kwargs: {"accountAlias": kwargs["alias"]})
def account_alias_set(*, account, alias, acting):
    """Create (or replace) the account's alias; aliases are unique across the installation."""
    _validate_alias(alias)
    if Account.objects.filter(alias=alias).exclude(pk=account.pk).exists():
        raise EntityAlreadyExists(f"The account alias {alias} already exists.")
    try:
        with transaction.atomic():
            Account.objects.filter(pk=account.pk).update(alias=alias)
    except IntegrityError as exc:
        raise EntityAlreadyExists(f"The account alias {alias} already exists.") from exc
    account.alias = alias
    return account


@audited("DeleteAccountAlias", params=lambda kwargs: {"accountAlias": kwargs["alias"]})
def account_alias_delete(*, account, alias, acting):
    """Remove the alias: the sign-in URL falls back to the account ID."""
    if not alias or account.alias != alias:
        raise NoSuchEntity(f"The account alias {alias} cannot be found.")
    Account.objects.filter(pk=account.pk).update(alias=None)
    account.alias = None
    return account


GLOBAL_ENDPOINT_TOKEN_VERSIONS = {"v1Token": 1, "v2Token": 2}


@audited(
    "SetSecurityTokenServicePreferences",
    params=lambda kwargs: {"globalEndpointTokenVersion": kwargs["version"]},
)
def sts_preferences_set(*, account, version, acting):
    """Choose the version of the session tokens STS's global endpoint issues (v1Token, v2Token)."""
    if version not in GLOBAL_ENDPOINT_TOKEN_VERSIONS:
        raise constraint_error(
            version,
            "globalEndpointTokenVersion",
            f"Member must satisfy enum value set: [{', '.join(GLOBAL_ENDPOINT_TOKEN_VERSIONS)}]",
        )
    account.global_endpoint_token_version = GLOBAL_ENDPOINT_TOKEN_VERSIONS[version]
    Account.objects.filter(pk=account.pk).update(
        global_endpoint_token_version=account.global_endpoint_token_version
    )
    return account


def account_by_signin_identifier(identifier):
    """The account that a sign-in URL or the IAM user form names: its 12-digit ID or its alias."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if re.fullmatch(r"\d{12}", identifier):
        return Account.objects.filter(pk=identifier).first()
    return Account.objects.filter(alias=identifier.lower()).first()


def _root_password_params(kwargs):
    return {"password": kwargs["password"]}


@audited("PasswordUpdated", params=_root_password_params, event_source="signin.amazonaws.com")
def root_password_set(*, account, password, acting):
    """Set the root user's password (change, or recovery through the emailed link)."""
    root_password_check(password=password, account_name=account.name, email=account.root_email)
    account.root_password = hash_password(password)
    account.root_password_changed_at = timezone.now()
    account.save(update_fields=["root_password", "root_password_changed_at"])
    return account


def _root_password_change_params(kwargs):
    return {"oldPassword": kwargs["old_password"], "newPassword": kwargs["new_password"]}


@audited("PasswordUpdated", params=_root_password_change_params, event_source="signin.amazonaws.com")
def root_password_change(*, account, old_password, new_password, acting):
    """The signed-in root user changes its password: the current one must be right."""
    if not acting.is_root or acting.account.pk != account.pk:
        raise InvalidUserType("Only the root user can change the root user's password.")
    if not account.check_root_password(old_password or ""):
        raise InvalidInput("The old password is incorrect.")
    root_password_check(password=new_password, account_name=account.name, email=account.root_email)
    account.root_password = hash_password(new_password)
    account.root_password_changed_at = timezone.now()
    account.save(update_fields=["root_password", "root_password_changed_at"])
    return account
