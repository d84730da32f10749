"""The account's server certificates (SSL/TLS for load balancers and CloudFront): upload with the
private key, which is kept encrypted and never shown again; rename or move; tag; delete."""

from django.db import IntegrityError, transaction

from access.audit import audited
from access.crypto import encrypt
from access.entities import ensure_same_account, entity_tags_add, tags_remove
from accounts.models import Account, ServerCertificate, ServerCertificateTag
from aws.credentials import read_certificate, read_certificate_chain, read_private_key
from aws.errors import EntityAlreadyExists, LimitExceeded, NoSuchEntity
from aws.model import constraint
from aws.names import tags_param, validate_name, validate_path, validate_tags

NAME_MAX = constraint("UploadServerCertificate", "ServerCertificateName", "max")
SERVER_CERTIFICATES_PER_ACCOUNT = 20


def server_certificate_not_found(name):
    return NoSuchEntity(f"The Server Certificate with name {name} cannot be found.")


def server_certificate_exists(name):
    return EntityAlreadyExists(f"The Server Certificate with name {name} already exists.")


def _ensure_own(certificate, acting):
    ensure_same_account(certificate, acting, server_certificate_not_found(certificate.name).message)


def server_certificate_elements(certificate):
    """CloudTrail's `serverCertificateMetadata` response element."""
    return {
        "path": certificate.path,
        "serverCertificateName": certificate.name,
        "serverCertificateId": certificate.server_certificate_id,
        "arn": certificate.arn,
        "uploadDate": certificate.uploaded_at.isoformat() if certificate.uploaded_at else None,
        "expiration": certificate.expires_at.isoformat(),
    }


@audited(
    "UploadServerCertificate",
    # CloudTrail shows the certificate, never the private key.
    params=lambda kw: {
        "serverCertificateName": kw["name"],
        "path": kw.get("path", "/"),
        "certificateBody": kw["body"],
        **({"certificateChain": kw["chain"]} if kw.get("chain") else {}),
        **({"tags": tags_param(kw["tags"])} if kw.get("tags") else {}),
    },
    response=lambda certificate: {"serverCertificateMetadata": server_certificate_elements(certificate)},
)
def server_certificate_upload(*, account, name, body, private_key, chain="", path="/", tags=(), acting):
    """Upload a certificate with its private key (which must be the certificate's) and its chain;
    names are unique in the account ignoring case, 20 certificates at most."""
    validate_name(name, field="serverCertificateName", max_length=NAME_MAX)
    validate_path(path)
    tags = validate_tags(tags)
    certificate = read_certificate(body)
    read_private_key(private_key, certificate)
    if chain:
        read_certificate_chain(chain, certificate)
    # The account's row lock keeps two uploads from both counting 19. NO KEY UPDATE: the key-share
    # locks other writes take on the account (their Event history rows) must not deadlock with it.
    Account.objects.select_for_update(no_key=True).filter(pk=account.pk).first()
    if ServerCertificate.objects.filter(account=account, name__iexact=name).exists():
        raise server_certificate_exists(name)
    if ServerCertificate.objects.filter(account=account).count() >= SERVER_CERTIFICATES_PER_ACCOUNT:
        raise LimitExceeded(
            f"Cannot exceed quota for ServerCertificatesPerAccount: {SERVER_CERTIFICATES_PER_ACCOUNT}"
        )
    try:
        with transaction.atomic():
            uploaded = ServerCertificate.objects.create(
                account=account,
                name=name,
                path=path,
                body=body.strip(),
                chain=chain.strip(),
                private_key=encrypt(private_key.strip()),
                expires_at=certificate.not_valid_after_utc,
            )
    except IntegrityError as exc:  # a concurrent upload took the name first
        raise server_certificate_exists(name) from exc
    ServerCertificateTag.objects.bulk_create(
        [ServerCertificateTag(certificate=uploaded, key=key, value=value) for key, value in tags]
    )
    return uploaded


@audited(
    "UpdateServerCertificate",
    params=lambda kw: {
        "serverCertificateName": kw["server_certificate"].name,
        **({"newServerCertificateName": kw["new_name"]} if kw.get("new_name") else {}),
        **({"newPath": kw["new_path"]} if kw.get("new_path") else {}),
    },
)
def server_certificate_update(*, server_certificate, new_name=None, new_path=None, acting):
    """Rename a certificate or move it to another path (None: unchanged)."""
    _ensure_own(server_certificate, acting)
    if new_name is not None:
        validate_name(new_name, field="newServerCertificateName", max_length=NAME_MAX)
    if new_path is not None:
        validate_path(new_path, field="newPath")
    name = new_name or server_certificate.name
    taken = ServerCertificate.objects.filter(account_id=server_certificate.account_id, name__iexact=name)
    if taken.exclude(pk=server_certificate.pk).exists():
        raise server_certificate_exists(name)
    server_certificate.name = name
    server_certificate.path = new_path or server_certificate.path
    try:
        with transaction.atomic():
            server_certificate.save(update_fields=["name", "path"])
    except IntegrityError as exc:  # a concurrent upload or rename took the name first
        raise server_certificate_exists(name) from exc
    return server_certificate


@audited(
    "DeleteServerCertificate", params=lambda kw: {"serverCertificateName": kw["server_certificate"].name}
)
def server_certificate_delete(*, server_certificate, acting):
    """Delete a certificate and its private key for good."""
    _ensure_own(server_certificate, acting)
    deleted, _ = ServerCertificate.objects.filter(pk=server_certificate.pk).delete()
    if not deleted:
        raise server_certificate_not_found(server_certificate.name)


@audited(
    "TagServerCertificate",
    params=lambda kw: {
        "serverCertificateName": kw["server_certificate"].name,
        "tags": tags_param(list(kw["tags"])),
    },
)
def server_certificate_tag(*, server_certificate, tags, acting):
    """Add tags or replace the values of existing keys (keys match ignoring case)."""
    _ensure_own(server_certificate, acting)
    entity_tags_add(server_certificate, tags)


@audited(
    "UntagServerCertificate",
    params=lambda kw: {"serverCertificateName": kw["server_certificate"].name, "tagKeys": list(kw["keys"])},
)
def server_certificate_untag(*, server_certificate, keys, acting):
    """Remove tags by key (ignoring case); unknown keys are ignored, as AWS does."""
    _ensure_own(server_certificate, acting)
    tags_remove(server_certificate.tags, keys)
