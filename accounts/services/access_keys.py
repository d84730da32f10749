"""Long-term access keys of IAM users and of the root user."""

from django.db import IntegrityError, transaction

from access.audit import audited
from access.crypto import encrypt
from access.entities import credential_owner, ensure_same_account, user_param
from accounts.models import AccessKey, Account, IAMUser
from aws.errors import LimitExceeded, NoSuchEntity, ValidationError
from aws.ids import new_access_key_id, new_secret_access_key

ACCESS_KEYS_PER_USER = 2


def access_key_elements(key):
    """CloudTrail's `accessKey` response element (the secret never appears)."""
    return {
        "accessKeyId": key.access_key_id,
        "status": key.status,
        **({"userName": key.user.name} if key.user_id else {}),
        "createDate": key.created_at.isoformat() if key.created_at else None,
    }


@audited(
    "CreateAccessKey",
    params=lambda kw: user_param(kw.get("user")),
    response=lambda result: {"accessKey": access_key_elements(result[0])},
)
def access_key_create(*, account, user=None, acting):
    """Create a key for a user (or the root user when user is None); returns (key, plaintext secret).

    The secret is stored encrypted and returned only here: the caller shows it once. With no user, an
    IAM user's call creates a key for that user, as the API does; only the root user's makes a root key.
    """
    user = credential_owner(user, acting)
    if user is not None:
        ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
        # Serialize creations for this user, so two concurrent requests cannot both see one key.
        IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    else:
        Account.objects.select_for_update().filter(pk=account.pk).first()
    if AccessKey.objects.filter(account=account, user=user).count() >= ACCESS_KEYS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}")
    secret = new_secret_access_key()
    for _ in range(3):  # a collision of 16 random base32 characters is astronomically rare
        try:
            with transaction.atomic():
                key = AccessKey.objects.create(
                    account=account,
                    user=user,
                    access_key_id=new_access_key_id(),
                    secret_encrypted=encrypt(secret),
                )
            return key, secret
        except IntegrityError:
            continue
    raise IntegrityError("Could not allocate a unique access key ID.")


def access_key_not_found(access_key_id):
    return NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")


@audited(
    "UpdateAccessKey",
    params=lambda kw: {
        **user_param(kw["key"].user),
        "accessKeyId": kw["key"].access_key_id,
        "status": kw["status"],
    },
)
def access_key_update_status(*, key, status, acting):
    """Make a key Active or Inactive."""
    ensure_same_account(key, acting, f"The Access Key with id {key.access_key_id} cannot be found.")
    if status not in AccessKey.Status.values:
        raise ValidationError(
            f"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Active, Inactive]"
        )
    key.status = status
    key.save(update_fields=["status"])
    return key


@audited(
    "DeleteAccessKey",
    params=lambda kw: {**user_param(kw["key"].user), "accessKeyId": kw["key"].access_key_id},
)
def access_key_delete(*, key, acting):
    """Delete a key for good."""
    ensure_same_account(key, acting, f"The Access Key with id {key.access_key_id} cannot be found.")
    deleted, _ = AccessKey.objects.filter(pk=key.pk).delete()
    if not deleted:
        raise access_key_not_found(key.access_key_id)
