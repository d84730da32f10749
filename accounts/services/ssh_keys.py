"""SSH public keys of IAM users (CodeCommit's SSH access): upload, activate or deactivate, delete."""

from access.audit import audited
from access.entities import ensure_same_account
from accounts.models import CredentialStatus, IAMUser, SSHPublicKey
from aws.credentials import read_ssh_public_key
from aws.errors import DuplicateSSHPublicKey, LimitExceeded, NoSuchEntity
from aws.names import constraint_error

SSH_PUBLIC_KEYS_PER_USER = 5


def ssh_public_key_not_found(key_id):
    return NoSuchEntity(f"The Public Key with id {key_id} cannot be found.")


def validate_status(status):
    """Active or Inactive, in the words of IAM's model."""
    if status not in CredentialStatus.values:
        raise constraint_error(status, "status", "Member must satisfy enum value set: [Active, Inactive]")
    return status


def ssh_public_key_elements(key):
    """CloudTrail's `sSHPublicKey` response element."""
    return {
        "userName": key.user.name,
        "sSHPublicKeyId": key.key_id,
        "fingerprint": key.fingerprint,
        "status": key.status,
        "uploadDate": key.uploaded_at.isoformat() if key.uploaded_at else None,
    }


@audited(
    "UploadSSHPublicKey",
    params=lambda kw: {"userName": kw["user"].name, "sSHPublicKeyBody": kw["body"]},
    response=lambda key: {"sSHPublicKey": ssh_public_key_elements(key)},
)
def ssh_public_key_upload(*, user, body, acting):
    """Upload an ssh-rsa key (OpenSSH or PEM) for a user: at most 5 keys, each once."""
    ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
    key = read_ssh_public_key(body)
    # Lock the user's row: two concurrent uploads must not both see four keys.
    IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    existing = SSHPublicKey.objects.filter(user=user)
    if existing.filter(fingerprint=key.fingerprint).exists():
        raise DuplicateSSHPublicKey("The SSH public key is already associated with the specified IAM user.")
    if existing.count() >= SSH_PUBLIC_KEYS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for SSHPublicKeysPerUser: {SSH_PUBLIC_KEYS_PER_USER}")
    # IAM gives an OpenSSH key back as it was uploaded (its comment too); a PEM key in OpenSSH form.
    stored = key.openssh if body.strip().startswith("-----BEGIN") else body
    return SSHPublicKey.objects.create(
        account_id=user.account_id, user=user, body=stored, fingerprint=key.fingerprint
    )


@audited(
    "UpdateSSHPublicKey",
    params=lambda kw: {
        "userName": kw["key"].user.name,
        "sSHPublicKeyId": kw["key"].key_id,
        "status": kw["status"],
    },
)
def ssh_public_key_update_status(*, key, status, acting):
    """Make a key Active or Inactive (an inactive key cannot reach CodeCommit)."""
    ensure_same_account(key, acting, f"The Public Key with id {key.key_id} cannot be found.")
    key.status = validate_status(status)
    key.save(update_fields=["status"])
    return key


@audited(
    "DeleteSSHPublicKey",
    params=lambda kw: {"userName": kw["key"].user.name, "sSHPublicKeyId": kw["key"].key_id},
)
def ssh_public_key_delete(*, key, acting):
    """Delete a key for good."""
    ensure_same_account(key, acting, f"The Public Key with id {key.key_id} cannot be found.")
    deleted, _ = SSHPublicKey.objects.filter(pk=key.pk).delete()
    if not deleted:
        raise ssh_public_key_not_found(key.key_id)
