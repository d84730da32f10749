"""X.509 signing certificates of IAM users and of the root user: upload, activate or deactivate,
delete."""

from django.db import IntegrityError, transaction

from access.audit import audited
from access.entities import credential_owner, ensure_same_account, user_param
from accounts.models import Account, IAMUser, SigningCertificate
from accounts.services.ssh_keys import validate_status
from aws.credentials import certificate_fingerprint, read_certificate
from aws.errors import DuplicateCertificate, LimitExceeded, NoSuchEntity

SIGNING_CERTIFICATES_PER_USER = 2
DUPLICATE = "The same certificate is already associated with an IAM user in the account."


def signing_certificate_not_found(certificate_id):
    return NoSuchEntity(f"The Certificate with id {certificate_id} cannot be found.")


def signing_certificate_elements(certificate):
    """CloudTrail's `certificate` response element."""
    return {
        **user_param(certificate.user),
        "certificateId": certificate.certificate_id,
        "status": certificate.status,
        "uploadDate": certificate.uploaded_at.isoformat() if certificate.uploaded_at else None,
    }


@audited(
    "UploadSigningCertificate",
    params=lambda kw: {**user_param(kw.get("user")), "certificateBody": kw["body"]},
    response=lambda certificate: {"certificate": signing_certificate_elements(certificate)},
)
def signing_certificate_upload(*, account, user=None, body, acting):
    """Upload a PEM certificate for a user, or for the root user when user is None: at most 2 each,
    and a certificate once in the account. With no user, an IAM user's call uploads its own."""
    user = credential_owner(user, acting)
    if user is not None:
        ensure_same_account(user, acting, f"The user with name {user.name} cannot be found.")
        IAMUser.objects.select_for_update().filter(pk=user.pk).first()
    else:
        Account.objects.select_for_update().filter(pk=account.pk).first()
    fingerprint = certificate_fingerprint(read_certificate(body))
    if SigningCertificate.objects.filter(account=account, fingerprint=fingerprint).exists():
        raise DuplicateCertificate(DUPLICATE)
    if SigningCertificate.objects.filter(account=account, user=user).count() >= SIGNING_CERTIFICATES_PER_USER:
        # IAM names the quota CertificatesPerUser (the account summary's SigningCertificatesPerUserQuota).
        raise LimitExceeded(f"Cannot exceed quota for CertificatesPerUser: {SIGNING_CERTIFICATES_PER_USER}")
    try:
        with transaction.atomic():
            return SigningCertificate.objects.create(
                # Kept as uploaded, final newline included: IAM answers with the very body it was sent.
                account=account,
                user=user,
                body=body,
                fingerprint=fingerprint,
            )
    except IntegrityError as exc:  # a concurrent upload of the same certificate
        raise DuplicateCertificate(DUPLICATE) from exc


@audited(
    "UpdateSigningCertificate",
    params=lambda kw: {
        **user_param(kw["certificate"].user),
        "certificateId": kw["certificate"].certificate_id,
        "status": kw["status"],
    },
)
def signing_certificate_update_status(*, certificate, status, acting):
    """Make a certificate Active or Inactive."""
    ensure_same_account(
        certificate, acting, f"The Certificate with id {certificate.certificate_id} cannot be found."
    )
    certificate.status = validate_status(status)
    certificate.save(update_fields=["status"])
    return certificate


@audited(
    "DeleteSigningCertificate",
    params=lambda kw: {
        **user_param(kw["certificate"].user),
        "certificateId": kw["certificate"].certificate_id,
    },
)
def signing_certificate_delete(*, certificate, acting):
    """Delete a certificate for good."""
    ensure_same_account(
        certificate, acting, f"The Certificate with id {certificate.certificate_id} cannot be found."
    )
    deleted, _ = SigningCertificate.objects.filter(pk=certificate.pk).delete()
    if not deleted:
        raise signing_certificate_not_found(certificate.certificate_id)
