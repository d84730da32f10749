"""Passwords: the account's password policy, AWS's default rules, reuse prevention and expiry."""

import datetime
import string

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from access.audit import audited
from accounts.models import LoginProfile, PasswordHistory, PasswordPolicy
from aws.errors import (
    InvalidInput,
    InvalidUserType,
    NoSuchEntity,
    PasswordPolicyViolation,
    ValidationError,
)

# The symbols IAM counts ("Require at least one non-alphanumeric character").
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
MAX_PASSWORD_LENGTH = 128

# UpdateAccountPasswordPolicy's ranges: (API parameter name, minimum, maximum).
POLICY_RANGES = {
    "minimum_password_length": ("minimumPasswordLength", 6, 128),
    "max_password_age": ("maxPasswordAge", 1, 1095),
    "password_reuse_prevention": ("passwordReusePrevention", 1, 24),
}

_CLASSES = [
    (
        "uppercase",
        lambda c: c in string.ascii_uppercase,
        "Password should have at least one uppercase letter",
    ),
    (
        "lowercase",
        lambda c: c in string.ascii_lowercase,
        "Password should have at least one lowercase letter",
    ),
    ("numbers", lambda c: c in string.digits, "Password should have at least one number"),
    ("symbols", lambda c: c in SYMBOLS, "Password should have at least one symbol"),
]


def _has(password, predicate):
    return any(predicate(char) for char in password)


def default_rule_violations(*, password, account_name="", email=""):
    """AWS's rules when an account has no custom policy (and for the root user's password)."""
    if len(password) < 8:
        return ["Password should have a minimum length of 8"]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"Password should have a maximum length of {MAX_PASSWORD_LENGTH}"]
    missing = [message for _, predicate, message in _CLASSES if not _has(password, predicate)]
    if len(missing) > 1:
        # At least three of the four classes: with two missing, one more is needed.
        return [
            f"Password should meet {len(missing) - 1} more of the following requirements: {', '.join(missing)}"
        ]
    lowered = password.lower()
    if lowered in {account_name.lower(), email.lower()} - {""}:
        return ["Password should not be identical to the account name or the email address"]
    return []


def policy_violations(*, policy, password):
    """The custom policy's requirements that `password` breaks, in the console's order."""
    violations = []
    if len(password) < policy.minimum_password_length:
        violations.append(f"Password should have a minimum length of {policy.minimum_password_length}")
    if len(password) > MAX_PASSWORD_LENGTH:
        violations.append(f"Password should have a maximum length of {MAX_PASSWORD_LENGTH}")
    required = {
        "uppercase": policy.require_uppercase_characters,
        "lowercase": policy.require_lowercase_characters,
        "numbers": policy.require_numbers,
        "symbols": policy.require_symbols,
    }
    for name, predicate, message in _CLASSES:
        if required[name] and not _has(password, predicate):
            violations.append(message)
    return violations


def _policy_of(account):
    return PasswordPolicy.objects.filter(account=account).first()


def password_check(*, account, password, user=None):
    """Raise PasswordPolicyViolation when `password` breaks the account's policy (or AWS's default).

    With `user`, the policy's reuse prevention is checked against the user's earlier passwords.
    """
    policy = _policy_of(account)
    if policy is None:
        violations = default_rule_violations(
            password=password, account_name=account.name, email=account.root_email
        )
    else:
        violations = policy_violations(policy=policy, password=password)
    if violations:
        raise PasswordPolicyViolation(", ".join(violations))
    if user is not None and policy is not None and policy.password_reuse_prevention:
        if _recently_used(user=user, password=password, count=policy.password_reuse_prevention):
            raise PasswordPolicyViolation(
                f"Password should not be one of your previous {policy.password_reuse_prevention} passwords"
            )


def _recently_used(*, user, password, count):
    hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
    profile = getattr(user, "login_profile", None)
    if profile is not None:
        hashes.append(profile.password)
    return any(check_password(password, hashed) for hashed in hashes)


def password_history_record(*, user, password_hash):
    """Remember a password the user was given, for reuse prevention; keeps the last 24 (IAM's maximum)."""
    PasswordHistory.objects.create(user=user, password=password_hash)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[24:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def hash_password(password):
    return make_password(password)


def password_expires_at(*, account, changed_at, policy=None):
    """When a password set at `changed_at` expires under the account's max_password_age, or None."""
    policy = policy if policy is not None else _policy_of(account)
    if policy is None or not policy.max_password_age or changed_at is None:
        return None
    return changed_at + datetime.timedelta(days=policy.max_password_age)


def password_expired(*, account, changed_at, policy=None, now=None):
    expires_at = password_expires_at(account=account, changed_at=changed_at, policy=policy)
    return expires_at is not None and (now or timezone.now()) >= expires_at


def _validation_message(errors):
    # AWS's shape for parameter constraint failures, e.g. UpdateAccountPasswordPolicy's.
    count = len(errors)
    noun = "validation error" if count == 1 else "validation errors"
    return f"{count} {noun} detected: " + "; ".join(errors)


def _validate_policy_values(values):
    errors = []
    for field, (parameter, low, high) in POLICY_RANGES.items():
        value = values.get(field)
        if value is None:
            continue
        if value < low:
            errors.append(
                f"Value '{value}' at '{parameter}' failed to satisfy constraint: "
                f"Member must have value greater than or equal to {low}"
            )
        elif value > high:
            errors.append(
                f"Value '{value}' at '{parameter}' failed to satisfy constraint: "
                f"Member must have value less than or equal to {high}"
            )
    if errors:
        raise ValidationError(_validation_message(errors))


def _policy_params(kwargs):
    names = {
        "minimum_password_length": "minimumPasswordLength",
        "require_symbols": "requireSymbols",
        "require_numbers": "requireNumbers",
        "require_uppercase_characters": "requireUppercaseCharacters",
        "require_lowercase_characters": "requireLowercaseCharacters",
        "allow_users_to_change_password": "allowUsersToChangePassword",
        "max_password_age": "maxPasswordAge",
        "password_reuse_prevention": "passwordReusePrevention",
        "hard_expiry": "hardExpiry",
    }
    return {aws: kwargs[field] for field, aws in names.items() if kwargs.get(field) is not None}


@audited("UpdateAccountPasswordPolicy", params=_policy_params)
def password_policy_update(
    *,
    account,
    minimum_password_length=6,
    require_symbols=False,
    require_numbers=False,
    require_uppercase_characters=False,
    require_lowercase_characters=False,
    allow_users_to_change_password=False,
    max_password_age=None,
    password_reuse_prevention=None,
    hard_expiry=None,
    acting,
):
    """Set the account's password policy; parameters left out take AWS's API defaults."""
    values = {
        "minimum_password_length": minimum_password_length,
        "require_symbols": require_symbols,
        "require_numbers": require_numbers,
        "require_uppercase_characters": require_uppercase_characters,
        "require_lowercase_characters": require_lowercase_characters,
        "allow_users_to_change_password": allow_users_to_change_password,
        "max_password_age": max_password_age,
        "password_reuse_prevention": password_reuse_prevention,
        "hard_expiry": hard_expiry,
    }
    _validate_policy_values(values)
    policy, _ = PasswordPolicy.objects.update_or_create(account=account, defaults=values)
    return policy


@audited("DeleteAccountPasswordPolicy", params=lambda kwargs: None)
def password_policy_delete(*, account, acting):
    """Remove the custom policy: AWS's default rules apply again."""
    deleted, _ = PasswordPolicy.objects.filter(account=account).delete()
    if not deleted:
        # Not GetAccountPasswordPolicy's "domain name" wording: AWS's DeleteAccountPasswordPolicy
        # names the account policy (its Tools for PowerShell reference quotes this message).
        raise NoSuchEntity("The account policy with name PasswordPolicy cannot be found.")


def _change_params(kwargs):
    return {"oldPassword": kwargs["old_password"], "newPassword": kwargs["new_password"]}


@audited("ChangePassword", params=_change_params)
def user_password_change(*, user, old_password, new_password, acting):
    """An IAM user changes their own console password (ChangePassword): the old one must be right,
    the new one meets the policy and was not used recently; a pending reset is then done."""
    if acting.user is None or acting.user.pk != user.pk:
        raise InvalidUserType("Only IAM users can change their own password.")
    profile = LoginProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.")
    if not check_password(old_password or "", profile.password):
        raise InvalidInput("The old password is incorrect.")
    password_check(account=user.account, password=new_password, user=user)
    profile.password = hash_password(new_password)
    profile.password_changed_at = timezone.now()
    profile.password_reset_required = False
    profile.save(update_fields=["password", "password_changed_at", "password_reset_required"])
    password_history_record(user=user, password_hash=profile.password)
    return profile
