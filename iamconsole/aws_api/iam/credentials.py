"""IAM users' other credentials: SSH public keys and X.509 signing certificates. The handlers of
their operations."""

from accounts.models import SigningCertificate, SSHPublicKey
from accounts.services import signing_certificates, ssh_keys
from accounts.services.signing_certificates import signing_certificate_not_found
from accounts.services.ssh_keys import ssh_public_key_not_found
from aws.credentials import read_ssh_public_key
from iamconsole.aws_api.iam.common import get_user, operation, page, read


def _named_or_caller(acting, params):
    """The user named, or the caller's own user (None: the root user), as AWS reads UserName."""
    if "UserName" in params:
        return get_user(acting, params["UserName"])
    return acting.user


def _read_on(acting, name, owner):
    """Authorize the read `name` on the owner's ARN (the root user's when None)."""
    resource = owner.arn if owner is not None else acting.account.root_arn
    read(acting, name, resource, owner, {"userName": owner.name} if owner is not None else None)


# SSH public keys


def _ssh_key_metadata(key):
    return {
        "UserName": key.user.name,
        "SSHPublicKeyId": key.key_id,
        "Status": key.status,
        "UploadDate": key.uploaded_at,
    }


def _ssh_key_shape(key, encoding="SSH"):
    body = key.body if encoding == "SSH" else read_ssh_public_key(key.body).pem
    return {**_ssh_key_metadata(key), "Fingerprint": key.fingerprint, "SSHPublicKeyBody": body}


def _ssh_key(acting, params):
    user = get_user(acting, params["UserName"])
    key = (
        SSHPublicKey.objects.filter(user=user, key_id=params["SSHPublicKeyId"]).select_related("user").first()
    )
    if key is None:
        raise ssh_public_key_not_found(params["SSHPublicKeyId"])
    return key


@operation("UploadSSHPublicKey")
def upload_ssh_public_key(acting, params):
    key = ssh_keys.ssh_public_key_upload(
        user=get_user(acting, params["UserName"]), body=params["SSHPublicKeyBody"], acting=acting
    )
    return {"SSHPublicKey": _ssh_key_shape(key)}


@operation("GetSSHPublicKey")
def get_ssh_public_key(acting, params):
    key = _ssh_key(acting, params)
    _read_on(acting, "GetSSHPublicKey", key.user)
    return {"SSHPublicKey": _ssh_key_shape(key, params["Encoding"])}


@operation("ListSSHPublicKeys")
def list_ssh_public_keys(acting, params):
    owner = _named_or_caller(acting, params)
    _read_on(acting, "ListSSHPublicKeys", owner)
    # The root user has no SSH public keys: its list is empty.
    found = list(SSHPublicKey.objects.filter(user=owner).select_related("user")) if owner else []
    chosen, paging = page(found, params)
    return {"SSHPublicKeys": [_ssh_key_metadata(key) for key in chosen], **paging}


@operation("UpdateSSHPublicKey")
def update_ssh_public_key(acting, params):
    ssh_keys.ssh_public_key_update_status(
        key=_ssh_key(acting, params), status=params["Status"], acting=acting
    )
    return {}


@operation("DeleteSSHPublicKey")
def delete_ssh_public_key(acting, params):
    ssh_keys.ssh_public_key_delete(key=_ssh_key(acting, params), acting=acting)
    return {}


# Signing certificates


def _certificate_shape(certificate):
    shape = {
        "CertificateId": certificate.certificate_id,
        "CertificateBody": certificate.body,
        "Status": certificate.status,
        "UploadDate": certificate.uploaded_at,
    }
    # The model requires UserName; the root user's certificates carry none on the wire.
    if certificate.user_id:
        shape["UserName"] = certificate.user.name
    return shape


def _certificate(acting, params):
    owner = _named_or_caller(acting, params)
    certificate = (
        SigningCertificate.objects.filter(
            account=acting.account, user=owner, certificate_id=params["CertificateId"]
        )
        .select_related("user")
        .first()
    )
    if certificate is None:
        raise signing_certificate_not_found(params["CertificateId"])
    return certificate


@operation("UploadSigningCertificate")
def upload_signing_certificate(acting, params):
    certificate = signing_certificates.signing_certificate_upload(
        account=acting.account,
        user=_named_or_caller(acting, params),
        body=params["CertificateBody"],
        acting=acting,
    )
    return {"Certificate": _certificate_shape(certificate)}


@operation("ListSigningCertificates")
def list_signing_certificates(acting, params):
    owner = _named_or_caller(acting, params)
    _read_on(acting, "ListSigningCertificates", owner)
    found = list(SigningCertificate.objects.filter(account=acting.account, user=owner).select_related("user"))
    chosen, paging = page(found, params)
    return {"Certificates": [_certificate_shape(certificate) for certificate in chosen], **paging}


@operation("UpdateSigningCertificate")
def update_signing_certificate(acting, params):
    signing_certificates.signing_certificate_update_status(
        certificate=_certificate(acting, params), status=params["Status"], acting=acting
    )
    return {}


@operation("DeleteSigningCertificate")
def delete_signing_certificate(acting, params):
    signing_certificates.signing_certificate_delete(certificate=_certificate(acting, params), acting=acting)
    return {}
