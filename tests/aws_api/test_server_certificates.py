"""Server certificates through boto3 against the live server: upload with the private key (kept
encrypted, never returned) and chain, get, list, rename, move, tag and delete."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from access.acting import Acting
from access.crypto import decrypt
from accounts.models import ServerCertificate
from accounts.services.server_certificates import server_certificate_upload
from tests.accounts.factories import AccountFactory

from .conftest import allow, error_of
from .test_credentials import rsa_key
from .test_roles import events_of, refusal

pytestmark = pytest.mark.django_db(transaction=True)


def issue(key, common_name, *, issuer=None, valid_days=365):
    """A certificate for `key` named `common_name`, signed by `issuer` ((certificate, key)) or by itself."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer_certificate, issuer_key = issuer or (None, key)
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_certificate.subject if issuer_certificate else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=valid_days))
        .sign(issuer_key, hashes.SHA256())
    )


def pem_of(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="module")
def pki():
    """A root CA, an intermediate it signed, and a site certificate the intermediate signed, with keys."""
    root_key, intermediate_key, site_key, other_key = (rsa_key() for _ in range(4))
    root = issue(root_key, "Example Root CA")
    intermediate = issue(intermediate_key, "Example Intermediate CA", issuer=(root, root_key))
    site = issue(site_key, "www.example.com", issuer=(intermediate, intermediate_key))
    return {
        "root": pem_of(root),
        "intermediate": pem_of(intermediate),
        "site": pem_of(site),
        "site_key": private_pem(site_key),
        "other_key": private_pem(other_key),
        "expires": site.not_valid_after_utc,
        "self_signed": pem_of(issue(other_key, "other.example.com")),
    }


def upload(client, pki, name="web", **more):
    return client.upload_server_certificate(
        ServerCertificateName=name, CertificateBody=pki["site"], PrivateKey=pki["site_key"], **more
    )


def test_upload_get_list_rename_move_and_delete_a_server_certificate(iam, api_account, pki):
    chain = pki["intermediate"] + pki["root"]
    uploaded = upload(iam, pki, Path="/cdn/", CertificateChain=chain, Tags=[{"Key": "team", "Value": "web"}])
    metadata = uploaded["ServerCertificateMetadata"]
    assert metadata["Arn"] == f"arn:aws:iam::{api_account.id}:server-certificate/cdn/web"
    assert (metadata["Path"], metadata["ServerCertificateName"]) == ("/cdn/", "web")
    assert metadata["ServerCertificateId"].startswith("ASCA") and len(metadata["ServerCertificateId"]) == 21
    assert metadata["Expiration"] == pki["expires"].replace(microsecond=0)
    assert isinstance(metadata["UploadDate"], datetime.datetime)
    assert uploaded["Tags"] == [{"Key": "team", "Value": "web"}]

    stored = ServerCertificate.objects.get(name="web")
    assert "PRIVATE KEY" not in stored.private_key and decrypt(stored.private_key) == pki["site_key"].strip()

    got = iam.get_server_certificate(ServerCertificateName="WEB")["ServerCertificate"]
    assert set(got) == {"ServerCertificateMetadata", "CertificateBody", "CertificateChain", "Tags"}
    assert got["ServerCertificateMetadata"] == metadata
    assert (got["CertificateBody"], got["CertificateChain"]) == (pki["site"].strip(), chain.strip())

    listed = iam.list_server_certificates(PathPrefix="/cdn/")
    assert (listed["ServerCertificateMetadataList"], listed["IsTruncated"]) == ([metadata], False)
    assert iam.list_server_certificates(PathPrefix="/elb/")["ServerCertificateMetadataList"] == []

    iam.update_server_certificate(ServerCertificateName="web", NewServerCertificateName="site")
    iam.update_server_certificate(ServerCertificateName="site", NewPath="/elb/")
    moved = iam.get_server_certificate(ServerCertificateName="site")["ServerCertificate"]
    assert (
        moved["ServerCertificateMetadata"]["Arn"]
        == f"arn:aws:iam::{api_account.id}:server-certificate/elb/site"
    )
    assert moved["ServerCertificateMetadata"]["ServerCertificateId"] == metadata["ServerCertificateId"]

    iam.delete_server_certificate(ServerCertificateName="site")
    error, status = error_of(iam.get_server_certificate, ServerCertificateName="site")
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        "The Server Certificate with name site cannot be found.",
        404,
    )
    assert not ServerCertificate.objects.exists()


def test_a_certificate_without_chain_or_tags_shows_neither(iam, pki):
    uploaded = upload(iam, pki)
    assert "Tags" not in uploaded
    got = iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
    assert set(got) == {"ServerCertificateMetadata", "CertificateBody"}


def test_the_private_key_must_be_the_certificates(iam, pki):
    error, status = error_of(
        iam.upload_server_certificate,
        ServerCertificateName="web",
        CertificateBody=pki["site"],
        PrivateKey=pki["other_key"],
    )
    assert (error["Code"], error["Message"], status) == (
        "KeyPairMismatch",
        "The public key certificate and the private key do not match.",
        400,
    )
    error, status = error_of(
        iam.upload_server_certificate,
        ServerCertificateName="web",
        CertificateBody=pki["site"],
        PrivateKey="nope",
    )
    assert (error["Code"], error["Message"], status) == (
        "MalformedCertificate",
        "Unable to parse private key. Please ensure the private key is in PEM format.",
        400,
    )
    error, _ = error_of(
        iam.upload_server_certificate,
        ServerCertificateName="web",
        CertificateBody="nope",
        PrivateKey=pki["site_key"],
    )
    assert error["Message"] == "Unable to parse certificate. Please ensure the certificate is in PEM format."
    assert not ServerCertificate.objects.exists()


@pytest.mark.parametrize(
    ("chain", "message"),
    [
        (
            lambda pki: pki["root"],
            "Unable to validate certificate chain. The certificate chain must start with "
            "the immediate signing certificate, followed by any intermediaries in order. The index within the "
            "chain of the invalid certificate is: -1",
        ),
        (
            lambda pki: pki["intermediate"] + pki["self_signed"],
            "Unable to validate certificate chain. The "
            "certificate chain must start with the immediate signing certificate, followed by any intermediaries "
            "in order. The index within the chain of the invalid certificate is: 0",
        ),
        (
            lambda pki: "not a chain",
            "Unable to parse certificate. Please ensure the certificate is in PEM format.",
        ),
        (
            lambda pki: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "Unable to parse certificate. Please ensure the certificate is in PEM format.",
        ),
    ],
    ids=["not-the-issuer", "out-of-order", "no-certificate", "unparsable"],
)
def test_the_chain_must_lead_up_from_the_certificates_issuer(iam, pki, chain, message):
    error, status = error_of(upload, iam, pki, CertificateChain=chain(pki))
    assert (error["Code"], error["Message"], status) == ("MalformedCertificate", message, 400)
    assert not ServerCertificate.objects.exists()


def test_names_are_unique_ignoring_case_and_the_account_holds_20(iam, api_account, pki):
    upload(iam, pki, name="Web")
    error, status = error_of(upload, iam, pki, name="web")
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "The Server Certificate with name web already exists.",
        409,
    )
    upload(iam, pki, name="api")
    error, status = error_of(
        iam.update_server_certificate, ServerCertificateName="api", NewServerCertificateName="WEB"
    )
    assert (error["Code"], error["Message"], status) == (
        "EntityAlreadyExists",
        "The Server Certificate with name WEB already exists.",
        409,
    )
    stored = ServerCertificate.objects.get(name="api")
    ServerCertificate.objects.bulk_create(
        [
            ServerCertificate(
                account=api_account,
                name=f"c{i}",
                body=stored.body,
                private_key=stored.private_key,
                expires_at=stored.expires_at,
            )
            for i in range(18)
        ]
    )
    error, status = error_of(upload, iam, pki, name="one-more")
    assert (error["Code"], error["Message"], status) == (
        "LimitExceeded",
        "Cannot exceed quota for ServerCertificatesPerAccount: 20",
        409,
    )
    pages = iam.get_paginator("list_server_certificates").paginate(PaginationConfig={"PageSize": 15})
    assert [len(page["ServerCertificateMetadataList"]) for page in pages] == [15, 5]


def test_server_certificate_tags_are_added_replaced_removed_and_listed(iam, pki):
    upload(iam, pki, Tags=[{"Key": "team", "Value": "web"}])
    iam.tag_server_certificate(
        ServerCertificateName="web", Tags=[{"Key": "TEAM", "Value": "cdn"}, {"Key": "env", "Value": "prod"}]
    )
    first = iam.list_server_certificate_tags(ServerCertificateName="web", MaxItems=1)
    assert (first["Tags"], first["IsTruncated"]) == ([{"Key": "TEAM", "Value": "cdn"}], True)
    rest = iam.list_server_certificate_tags(ServerCertificateName="web", Marker=first["Marker"])
    assert (rest["Tags"], rest["IsTruncated"]) == ([{"Key": "env", "Value": "prod"}], False)
    iam.untag_server_certificate(ServerCertificateName="web", TagKeys=["team", "unknown"])
    assert iam.list_server_certificate_tags(ServerCertificateName="web")["Tags"] == [
        {"Key": "env", "Value": "prod"}
    ]


def test_another_accounts_certificate_does_not_exist_to_the_caller(iam, pki):
    other = AccountFactory()
    server_certificate_upload(
        account=other,
        name="theirs",
        body=pki["site"],
        private_key=pki["site_key"],
        acting=Acting(account=other),
    )
    calls = (
        (iam.get_server_certificate, {}),
        (iam.update_server_certificate, {"NewPath": "/x/"}),
        (iam.delete_server_certificate, {}),
        (iam.tag_server_certificate, {"Tags": [{"Key": "k", "Value": "v"}]}),
        (iam.untag_server_certificate, {"TagKeys": ["k"]}),
        (iam.list_server_certificate_tags, {}),
    )
    for call, more in calls:
        error, status = error_of(call, ServerCertificateName="theirs", **more)
        assert (error["Code"], error["Message"], status) == (
            "NoSuchEntity",
            "The Server Certificate with name theirs cannot be found.",
            404,
        )
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []
    assert ServerCertificate.objects.get(name="theirs").path == "/"


def test_server_certificates_allowed_and_refused_through_a_users_own_keys(iam, iam_as, api_account, pki):
    arn = upload(iam, pki)["ServerCertificateMetadata"]["Arn"]
    reader, user = iam_as(
        [allow("iam:GetServerCertificate", "iam:ListServerCertificates", "iam:UploadServerCertificate")],
        name="certificate-reader",
    )
    assert reader.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]["CertificateBody"]
    assert [m["Arn"] for m in reader.list_server_certificates()["ServerCertificateMetadataList"]] == [arn]
    error, status = error_of(reader.delete_server_certificate, ServerCertificateName="web")
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == refusal(user, "iam:DeleteServerCertificate", arn)
    # Uploading with tags needs iam:TagServerCertificate too.
    error, _ = error_of(upload, reader, pki, name="tagged", Tags=[{"Key": "k", "Value": "v"}])
    assert error["Message"] == refusal(
        user, "iam:TagServerCertificate", f"arn:aws:iam::{api_account.id}:server-certificate/tagged"
    )
    assert list(ServerCertificate.objects.values_list("name", flat=True)) == ["web"]
    assert events_of(
        api_account, "GetServerCertificate", "ListServerCertificates", "DeleteServerCertificate"
    ) == {
        ("GetServerCertificate", "", user.arn),
        ("ListServerCertificates", "", user.arn),
        ("DeleteServerCertificate", "AccessDenied", user.arn),
    }
