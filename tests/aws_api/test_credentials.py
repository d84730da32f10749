"""SSH public keys, signing certificates and service-specific credentials through boto3 against the live server."""

import base64
import datetime
import hashlib
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.contrib.auth.hashers import check_password

from access.acting import Acting
from accounts.flows import user_delete_with_dependents
from accounts.models import AuditEvent, IAMUser, ServiceSpecificCredential, SigningCertificate, SSHPublicKey
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .conftest import allow, error_of

pytestmark = pytest.mark.django_db(transaction=True)


def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def openssh(key):
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )


def pem(key):
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def md5_fingerprint(key):
    digest = hashlib.md5(base64.b64decode(openssh(key).split()[1])).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


def certificate_pem(key, *, valid_days=365):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signer")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=400))
        .not_valid_after(now + datetime.timedelta(days=valid_days))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def keys():
    """Six 2048-bit RSA keys (made once: generating them is slow)."""
    return [rsa_key() for _ in range(6)]


# SSH public keys


def test_upload_get_list_update_delete_an_ssh_public_key(iam, keys):
    iam.create_user(UserName="dev")
    uploaded = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(keys[0]) + " dev@laptop")[
        "SSHPublicKey"
    ]
    key_id = uploaded["SSHPublicKeyId"]
    assert key_id.startswith("APKA") and len(key_id) == 20
    assert uploaded["Fingerprint"] == md5_fingerprint(keys[0])
    # IAM answers with the key as it was uploaded, its comment too.
    assert (uploaded["UserName"], uploaded["Status"], uploaded["SSHPublicKeyBody"]) == (
        "dev",
        "Active",
        openssh(keys[0]) + " dev@laptop",
    )
    assert isinstance(uploaded["UploadDate"], datetime.datetime)

    as_pem = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    assert as_pem["SSHPublicKeyBody"] == pem(keys[0])
    as_ssh = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
    assert as_ssh["SSHPublicKeyBody"] == openssh(keys[0]) + " dev@laptop"

    # A PEM key is accepted too, and shown in both encodings.
    from_pem = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=pem(keys[1]))["SSHPublicKey"]
    assert from_pem["Fingerprint"] == md5_fingerprint(keys[1])
    assert from_pem["SSHPublicKeyBody"] == openssh(keys[1])
    listed = iam.list_ssh_public_keys(UserName="dev")
    assert [key["SSHPublicKeyId"] for key in listed["SSHPublicKeys"]] == [key_id, from_pem["SSHPublicKeyId"]]
    assert set(listed["SSHPublicKeys"][0]) == {"UserName", "SSHPublicKeyId", "Status", "UploadDate"}
    assert listed["IsTruncated"] is False

    iam.update_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Status="Inactive")
    assert SSHPublicKey.objects.get(key_id=key_id).status == "Inactive"
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id)
    error, status = error_of(iam.delete_ssh_public_key, UserName="dev", SSHPublicKeyId=key_id)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"The Public Key with id {key_id} cannot be found.",
        404,
    )
    event = AuditEvent.objects.get(
        event_name="UploadSSHPublicKey", request_parameters__sSHPublicKeyBody=pem(keys[1])
    )
    assert event.response_elements["sSHPublicKey"]["sSHPublicKeyId"] == from_pem["SSHPublicKeyId"]


def test_ssh_public_keys_are_validated_unique_and_at_most_five(iam, keys):
    iam.create_user(UserName="dev")
    for body in ["not a key", "ssh-rsa AAAAnotbase64", openssh(rsa_key(1024))]:
        error, status = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=body)
        assert (error["Code"], error["Message"], status) == (
            "InvalidPublicKey",
            "The specified SSH public key is not valid.",
            400,
        )
    ed = ec.generate_private_key(ec.SECP256R1())
    assert error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=openssh(ed))[0]["Code"] == (
        "InvalidPublicKey"
    )
    for key in keys[:5]:
        iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(key))
    error, status = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=pem(keys[0]))
    assert (error["Code"], error["Message"], status) == (
        "DuplicateSSHPublicKey",
        "The SSH public key is already associated with the specified IAM user.",
        400,
    )
    error, status = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=openssh(keys[5]))
    assert (error["Code"], error["Message"], status) == (
        "LimitExceeded",
        "Cannot exceed quota for SSHPublicKeysPerUser: 5",
        409,
    )
    # Another user may upload the same key.
    iam.create_user(UserName="pair")
    iam.upload_ssh_public_key(UserName="pair", SSHPublicKeyBody=openssh(keys[0]))


def test_ssh_keys_an_allowed_and_a_refused_call_through_a_users_own_keys(iam, iam_as, api_account, keys):
    iam.create_user(UserName="dev")
    caller, user = iam_as([allow("iam:UploadSSHPublicKey", "iam:ListSSHPublicKeys")], name="self")
    caller.upload_ssh_public_key(UserName="self", SSHPublicKeyBody=openssh(keys[0]))
    assert len(caller.list_ssh_public_keys()["SSHPublicKeys"]) == 1  # no UserName: the caller's own
    key_id = SSHPublicKey.objects.get(user=user).key_id
    # A key that does not exist is refused as one that does: the refusal tells nothing of which it is.
    for asked in ("APKA" + "A" * 16, key_id):
        error, status = error_of(
            caller.get_ssh_public_key, UserName="self", SSHPublicKeyId=asked, Encoding="SSH"
        )
        assert (error["Code"], status) == ("AccessDenied", 403)
        assert error["Message"] == (
            f"User: {user.arn} is not authorized to perform: iam:GetSSHPublicKey on resource: user self "
            "because no identity-based policy allows the iam:GetSSHPublicKey action"
        )
    error, _ = error_of(caller.delete_ssh_public_key, UserName="self", SSHPublicKeyId=key_id)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:DeleteSSHPublicKey on resource: {user.arn} "
        "because no identity-based policy allows the iam:DeleteSSHPublicKey action"
    )
    recorded = AuditEvent.objects.filter(event_name__contains="SSHPublicKey").order_by("pk")
    assert [(event.event_name, event.error_code) for event in recorded] == [
        ("UploadSSHPublicKey", ""),
        ("ListSSHPublicKeys", ""),
        ("GetSSHPublicKey", "AccessDenied"),
        ("GetSSHPublicKey", "AccessDenied"),
        ("DeleteSSHPublicKey", "AccessDenied"),
    ]
    assert SSHPublicKey.objects.filter(user=user).count() == 1


# Signing certificates


def test_upload_list_update_delete_signing_certificates(iam, keys):
    iam.create_user(UserName="signer")
    body = certificate_pem(keys[0])
    made = iam.upload_signing_certificate(UserName="signer", CertificateBody=body)["Certificate"]
    certificate_id = made["CertificateId"]
    assert re.fullmatch("[A-Z2-7]{32}", certificate_id)
    # The body comes back as uploaded, its final newline included (IAM does not trim it).
    assert body.endswith("-----END CERTIFICATE-----\n")
    assert (made["UserName"], made["Status"], made["CertificateBody"]) == ("signer", "Active", body)
    listed = iam.list_signing_certificates(UserName="signer")["Certificates"]
    assert [certificate["CertificateId"] for certificate in listed] == [certificate_id]
    assert listed[0]["CertificateBody"] == body

    iam.update_signing_certificate(UserName="signer", CertificateId=certificate_id, Status="Inactive")
    assert iam.list_signing_certificates(UserName="signer")["Certificates"][0]["Status"] == "Inactive"
    iam.delete_signing_certificate(UserName="signer", CertificateId=certificate_id)
    error, status = error_of(iam.delete_signing_certificate, UserName="signer", CertificateId=certificate_id)
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"The Certificate with id {certificate_id} cannot be found.",
        404,
    )


def test_signing_certificates_are_validated_unique_in_the_account_and_at_most_two(iam, keys):
    iam.create_user(UserName="signer")
    error, status = error_of(iam.upload_signing_certificate, UserName="signer", CertificateBody="nope")
    assert (error["Code"], error["Message"], status) == (
        "MalformedCertificate",
        "Unable to parse certificate. Please ensure the certificate is in PEM format.",
        400,
    )
    expired = certificate_pem(keys[0], valid_days=-1)
    error, status = error_of(iam.upload_signing_certificate, UserName="signer", CertificateBody=expired)
    assert (error["Code"], error["Message"], status) == (
        "InvalidCertificate",
        "The certificate has expired.",
        400,
    )

    first = certificate_pem(keys[0])
    iam.upload_signing_certificate(UserName="signer", CertificateBody=first)
    iam.create_user(UserName="other")
    error, status = error_of(iam.upload_signing_certificate, UserName="other", CertificateBody=first)
    assert (error["Code"], error["Message"], status) == (
        "DuplicateCertificate",
        "The same certificate is already associated with an IAM user in the account.",
        409,
    )
    iam.upload_signing_certificate(UserName="signer", CertificateBody=certificate_pem(keys[1]))
    error, status = error_of(
        iam.upload_signing_certificate, UserName="signer", CertificateBody=certificate_pem(keys[2])
    )
    assert (error["Code"], error["Message"], status) == (
        "LimitExceeded",
        "Cannot exceed quota for CertificatesPerUser: 2",
        409,
    )


def test_without_a_user_name_the_certificate_is_the_callers_own(iam, iam_as, api_account, keys):
    root_made = iam.upload_signing_certificate(CertificateBody=certificate_pem(keys[0]))["Certificate"]
    assert "UserName" not in root_made
    assert SigningCertificate.objects.get(certificate_id=root_made["CertificateId"]).user is None
    assert [c["CertificateId"] for c in iam.list_signing_certificates()["Certificates"]] == [
        root_made["CertificateId"]
    ]
    caller, user = iam_as([allow("iam:UploadSigningCertificate", "iam:ListSigningCertificates")], name="self")
    made = caller.upload_signing_certificate(CertificateBody=certificate_pem(keys[1]))["Certificate"]
    assert made["UserName"] == "self"
    assert [c["CertificateId"] for c in caller.list_signing_certificates()["Certificates"]] == [
        made["CertificateId"]
    ]
    error, status = error_of(caller.delete_signing_certificate, CertificateId=made["CertificateId"])
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:DeleteSigningCertificate on resource: {user.arn} "
        "because no identity-based policy allows the iam:DeleteSigningCertificate action"
    )
    recorded = AuditEvent.objects.filter(event_name="DeleteSigningCertificate").get()
    assert (recorded.error_code, recorded.user_identity["arn"]) == ("AccessDenied", user.arn)
    # The root user's certificate is not the user's.
    error, _ = error_of(caller.list_signing_certificates, UserName="nobody")
    assert error["Code"] == "NoSuchEntity"


# The user's dependents


def test_delete_user_refuses_while_certificates_or_ssh_keys_remain(iam, keys):
    iam.create_user(UserName="dev")
    made = iam.upload_signing_certificate(UserName="dev", CertificateBody=certificate_pem(keys[0]))[
        "Certificate"
    ]
    key_id = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(keys[1]))["SSHPublicKey"][
        "SSHPublicKeyId"
    ]
    error, status = error_of(iam.delete_user, UserName="dev")
    assert (error["Code"], error["Message"], status) == (
        "DeleteConflict",
        "Cannot delete entity, must delete signing certificates first.",
        409,
    )
    iam.delete_signing_certificate(UserName="dev", CertificateId=made["CertificateId"])
    error, _ = error_of(iam.delete_user, UserName="dev")
    assert error["Message"] == "Cannot delete entity, must delete SSH public keys first."
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id)
    iam.delete_user(UserName="dev")


def test_the_consoles_delete_removes_them_with_the_user_each_through_its_service(iam, api_account, keys):
    iam.create_user(UserName="dev")
    iam.upload_signing_certificate(UserName="dev", CertificateBody=certificate_pem(keys[0]))
    iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(keys[1]))
    user_delete_with_dependents(user=IAMUser.objects.get(name="dev"), acting=Acting(account=api_account))
    assert not SSHPublicKey.objects.exists() and not SigningCertificate.objects.exists()
    deleted = AuditEvent.objects.filter(event_name__startswith="Delete").order_by("pk")
    assert [event.event_name for event in deleted] == [
        "DeleteSigningCertificate",
        "DeleteSSHPublicKey",
        "DeleteUser",
    ]


def test_another_accounts_keys_and_certificates_do_not_exist(iam, keys):
    other = IAMUserFactory(account=AccountFactory(), name="elsewhere")
    key = SSHPublicKey.objects.create(
        account=other.account, user=other, body=openssh(keys[0]), fingerprint="x"
    )
    iam.create_user(UserName="elsewhere")
    error, _ = error_of(iam.delete_ssh_public_key, UserName="elsewhere", SSHPublicKeyId=key.key_id)
    assert error["Message"] == f"The Public Key with id {key.key_id} cannot be found."
    assert SSHPublicKey.objects.filter(pk=key.pk).exists()
    assert IAMUser.objects.filter(pk=other.pk).exists()


# Service-specific credentials


def test_create_list_reset_update_delete_a_service_specific_credential(iam, api_account):
    iam.create_user(UserName="git")
    made = iam.create_service_specific_credential(UserName="git", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"
    ]
    credential_id = made["ServiceSpecificCredentialId"]
    assert re.fullmatch("ACCA[A-Z2-7]{17}", credential_id)
    assert (made["UserName"], made["ServiceName"], made["ServiceUserName"], made["Status"]) == (
        "git",
        "codecommit.amazonaws.com",
        f"git-at-{api_account.id}",
        "Active",
    )
    assert len(made["ServicePassword"]) == 44
    stored = ServiceSpecificCredential.objects.get(credential_id=credential_id)
    assert made["ServicePassword"] not in stored.password and check_password(
        made["ServicePassword"], stored.password
    )

    listed = iam.list_service_specific_credentials(UserName="git")["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [credential_id]
    assert "ServicePassword" not in listed[0]
    assert (
        iam.list_service_specific_credentials(UserName="git", ServiceName="cassandra.amazonaws.com")[
            "ServiceSpecificCredentials"
        ]
        == []
    )

    reset = iam.reset_service_specific_credential(UserName="git", ServiceSpecificCredentialId=credential_id)[
        "ServiceSpecificCredential"
    ]
    assert reset["ServicePassword"] != made["ServicePassword"]
    stored.refresh_from_db()
    assert check_password(reset["ServicePassword"], stored.password)
    assert not check_password(made["ServicePassword"], stored.password)

    iam.update_service_specific_credential(
        UserName="git", ServiceSpecificCredentialId=credential_id, Status="Inactive"
    )
    assert iam.list_service_specific_credentials(UserName="git")["ServiceSpecificCredentials"][0][
        "Status"
    ] == ("Inactive")
    iam.delete_service_specific_credential(UserName="git", ServiceSpecificCredentialId=credential_id)
    error, status = error_of(
        iam.delete_service_specific_credential, UserName="git", ServiceSpecificCredentialId=credential_id
    )
    assert (error["Code"], error["Message"], status) == (
        "NoSuchEntity",
        f"The Service Specific Credential with id {credential_id} cannot be found.",
        404,
    )
    events = AuditEvent.objects.filter(event_name__endswith="ServiceSpecificCredential", error_code="")
    assert all("ServicePassword" not in str(event.response_elements) for event in events)
    assert events.count() == 4


def test_service_specific_credentials_two_per_user_per_service_for_supported_services(iam):
    iam.create_user(UserName="git")
    for _ in range(2):
        iam.create_service_specific_credential(UserName="git", ServiceName="codecommit.amazonaws.com")
    error, status = error_of(
        iam.create_service_specific_credential, UserName="git", ServiceName="codecommit.amazonaws.com"
    )
    assert (error["Code"], error["Message"], status) == (
        "LimitExceeded",
        "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2",
        409,
    )
    iam.create_service_specific_credential(UserName="git", ServiceName="cassandra.amazonaws.com")
    error, status = error_of(
        iam.create_service_specific_credential, UserName="git", ServiceName="s3.amazonaws.com"
    )
    assert (error["Code"], error["Message"], status) == (
        "NotSupportedService",
        "The specified service s3.amazonaws.com is not supported.",
        404,
    )
    assert len(iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]) == 3
    error, _ = error_of(iam.delete_user, UserName="git")
    assert error["Message"] == "Cannot delete entity, must delete service specific credentials first."


def test_service_specific_credentials_an_allowed_and_a_refused_call(iam, iam_as, api_account):
    caller, user = iam_as(
        [allow("iam:CreateServiceSpecificCredential", "iam:ListServiceSpecificCredentials")], name="self"
    )
    made = caller.create_service_specific_credential(UserName="self", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"
    ]
    own = caller.list_service_specific_credentials()["ServiceSpecificCredentials"]  # the caller's own
    assert [c["ServiceSpecificCredentialId"] for c in own] == [made["ServiceSpecificCredentialId"]]
    error, status = error_of(
        caller.reset_service_specific_credential,
        ServiceSpecificCredentialId=made["ServiceSpecificCredentialId"],
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:ResetServiceSpecificCredential on resource: "
        f"{user.arn} because no identity-based policy allows the iam:ResetServiceSpecificCredential action"
    )
    refused = AuditEvent.objects.get(event_name="ResetServiceSpecificCredential")
    assert (refused.error_code, refused.user_identity["arn"]) == ("AccessDenied", user.arn)
    user_delete_with_dependents(user=user, acting=Acting(account=api_account))
    assert not ServiceSpecificCredential.objects.exists()
