"""The account's server certificates: the handlers of their operations. The private key goes in with
UploadServerCertificate and never comes back out."""

from accounts.models import ServerCertificate
from accounts.services import server_certificates
from accounts.services.server_certificates import server_certificate_not_found
from aws.arns import arn_of
from iamconsole.aws_api.iam.common import (
    operation,
    page,
    read,
    tag_operations,
    tag_pairs,
    tags_member,
)


def _certificate(acting, name):
    found = ServerCertificate.objects.filter(account=acting.account, name__iexact=name).first()
    if found is None:
        raise server_certificate_not_found(name)
    return found


def _read_on(acting, name, certificate):
    read(acting, name, certificate.arn, certificate, {"serverCertificateName": certificate.name})


def _metadata(certificate):
    return {
        "Path": certificate.path,
        "ServerCertificateName": certificate.name,
        "ServerCertificateId": certificate.server_certificate_id,
        "Arn": certificate.arn,
        "UploadDate": certificate.uploaded_at,
        "Expiration": certificate.expires_at,
    }


@operation("UploadServerCertificate")
def upload_server_certificate(acting, params):
    certificate = server_certificates.server_certificate_upload(
        account=acting.account,
        name=params["ServerCertificateName"],
        path=params.get("Path", "/"),
        body=params["CertificateBody"],
        private_key=params["PrivateKey"],
        chain=params.get("CertificateChain", ""),
        tags=tag_pairs(params),
        acting=acting,
    )
    return {"ServerCertificateMetadata": _metadata(certificate), **tags_member(certificate)}


@operation("GetServerCertificate")
def get_server_certificate(acting, params):
    certificate = _certificate(acting, params["ServerCertificateName"])
    _read_on(acting, "GetServerCertificate", certificate)
    shape = {"ServerCertificateMetadata": _metadata(certificate), "CertificateBody": certificate.body}
    if certificate.chain:
        shape["CertificateChain"] = certificate.chain
    return {"ServerCertificate": {**shape, **tags_member(certificate)}}


@operation("ListServerCertificates")
def list_server_certificates(acting, params):
    prefix = params.get("PathPrefix", "/")
    read(
        acting,
        "ListServerCertificates",
        arn_of(acting.account.id, "server-certificate", prefix.rstrip("/") + "/"),
    )
    found = list(ServerCertificate.objects.filter(account=acting.account, path__startswith=prefix))
    chosen, paging = page(found, params)
    return {"ServerCertificateMetadataList": [_metadata(certificate) for certificate in chosen], **paging}


@operation("UpdateServerCertificate")
def update_server_certificate(acting, params):
    server_certificates.server_certificate_update(
        server_certificate=_certificate(acting, params["ServerCertificateName"]),
        new_name=params.get("NewServerCertificateName"),
        new_path=params.get("NewPath"),
        acting=acting,
    )
    return {}


@operation("DeleteServerCertificate")
def delete_server_certificate(acting, params):
    server_certificates.server_certificate_delete(
        server_certificate=_certificate(acting, params["ServerCertificateName"]), acting=acting
    )
    return {}


tag_operations(
    "ServerCertificate",
    "ServerCertificateName",
    _certificate,
    tag=server_certificates.server_certificate_tag,
    untag=server_certificates.server_certificate_untag,
    entity_key="server_certificate",
)
