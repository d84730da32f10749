"""IAM users' other credentials: SSH public keys, X.509 signing certificates and service-specific
credentials. The handlers of their operations."""

from accounts.models import ServiceSpecificCredential, SigningCertificate, SSHPublicKey
from accounts.services import service_credentials, signing_certificates, ssh_keys
from accounts.services.service_credentials import service_credential_not_found
from accounts.services.signing_certificates import signing_certificate_not_found
from accounts.services.ssh_keys import ssh_public_key_not_found
from aws.arns import arn_of
from aws.credentials import read_ssh_public_key
from aws.errors import InvalidInput
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


# Service-specific credentials


def _service_credential_metadata(credential):
    return {
        "UserName": credential.user.name,
        "Status": credential.status,
        "ServiceUserName": credential.service_user_name,
        "CreateDate": credential.created_at,
        "ServiceSpecificCredentialId": credential.credential_id,
        "ServiceName": credential.service_name,
    }


def _service_credential(acting, params):
    owner = _named_or_caller(acting, params)
    credential = (
        ServiceSpecificCredential.objects.filter(
            account=acting.account, user=owner, credential_id=params["ServiceSpecificCredentialId"]
        )
        .select_related("user")
        .first()
        if owner is not None
        else None
    )
    if credential is None:
        raise service_credential_not_found(params["ServiceSpecificCredentialId"])
    return credential


@operation("CreateServiceSpecificCredential")
def create_service_specific_credential(acting, params):
    if "CredentialAgeDays" in params:
        # Only Amazon Bedrock's API keys expire; this console does not issue them.
        raise InvalidInput("CredentialAgeDays is not supported by this IAM console.")
    credential, password = service_credentials.service_credential_create(
        user=get_user(acting, params["UserName"]), service_name=params["ServiceName"], acting=acting
    )
    return {
        "ServiceSpecificCredential": {**_service_credential_metadata(credential), "ServicePassword": password}
    }


@operation("ListServiceSpecificCredentials")
def list_service_specific_credentials(acting, params):
    found = ServiceSpecificCredential.objects.filter(account=acting.account).select_related("user")
    if params.get("AllUsers"):
        read(acting, "ListServiceSpecificCredentials", arn_of(acting.account.id, "user", "/"))
    else:
        owner = _named_or_caller(acting, params)
        _read_on(acting, "ListServiceSpecificCredentials", owner)
        found = found.filter(user=owner) if owner is not None else found.none()
    if "ServiceName" in params:
        found = found.filter(service_name=params["ServiceName"])
    chosen, paging = page(list(found), params)
    return {"ServiceSpecificCredentials": [_service_credential_metadata(c) for c in chosen], **paging}


@operation("ResetServiceSpecificCredential")
def reset_service_specific_credential(acting, params):
    credential, password = service_credentials.service_credential_reset(
        credential=_service_credential(acting, params), acting=acting
    )
    return {
        "ServiceSpecificCredential": {**_service_credential_metadata(credential), "ServicePassword": password}
    }


@operation("UpdateServiceSpecificCredential")
def update_service_specific_credential(acting, params):
    service_credentials.service_credential_update_status(
        credential=_service_credential(acting, params), status=params["Status"], acting=acting
    )
    return {}


@operation("DeleteServiceSpecificCredential")
def delete_service_specific_credential(acting, params):
    service_credentials.service_credential_delete(
        credential=_service_credential(acting, params), acting=acting
    )
    return {}
