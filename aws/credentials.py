"""The key material IAM accepts from its users: SSH public keys (ssh-rsa, OpenSSH or PEM) and X.509
certificates in PEM, read as IAM reads them, with the fingerprints it shows."""

import base64
import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from aws.errors import InvalidCertificate, InvalidPublicKey, MalformedCertificate

# IAM accepts RSA keys of at least 2048 bits (CodeCommit's SSH keys).
SSH_KEY_MIN_BITS = 2048
INVALID_PUBLIC_KEY = "The specified SSH public key is not valid."
MALFORMED_CERTIFICATE = "Unable to parse certificate. Please ensure the certificate is in PEM format."


@dataclass(frozen=True)
class SSHPublicKey:
    openssh: str  # "ssh-rsa AAAA…", without the comment
    pem: str  # "-----BEGIN PUBLIC KEY-----…"
    fingerprint: str  # the MD5 of the key blob, "c4:f0:…", as IAM shows it


def read_ssh_public_key(body):
    """The key in `body` (ssh-rsa in OpenSSH format, or PEM); InvalidPublicKey otherwise."""
    text = body.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = serialization.load_ssh_public_key(" ".join(text.split()[:2]).encode())
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise InvalidPublicKey(INVALID_PUBLIC_KEY) from exc
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < SSH_KEY_MIN_BITS:
        raise InvalidPublicKey(INVALID_PUBLIC_KEY)
    openssh = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    blob = base64.b64decode(openssh.split()[1])
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    fingerprint = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
    return SSHPublicKey(openssh=openssh, pem=pem.decode(), fingerprint=fingerprint)


def read_certificate(body, *, now=None):
    """The X.509 certificate in `body` (PEM); MalformedCertificate when it is not one,
    InvalidCertificate when it has expired."""
    try:
        certificate = x509.load_pem_x509_certificate(body.strip().encode())
    except ValueError as exc:
        raise MalformedCertificate(MALFORMED_CERTIFICATE) from exc
    if certificate.not_valid_after_utc < (now or datetime.datetime.now(datetime.UTC)):
        raise InvalidCertificate("The certificate has expired.")
    return certificate


def certificate_fingerprint(certificate):
    """The certificate's SHA-1 fingerprint: IAM refuses the same certificate twice in an account."""
    return certificate.fingerprint(hashes.SHA1()).hex()  # noqa: S303 (an identity, not a signature)
