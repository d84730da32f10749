"""The key material IAM accepts from its users: SSH public keys (ssh-rsa, OpenSSH or PEM) and X.509
certificates in PEM, read as IAM reads them, with the fingerprints it shows."""

import base64
import datetime
import hashlib
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from aws.errors import InvalidCertificate, InvalidPublicKey, KeyPairMismatch, MalformedCertificate

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


# Server certificates: the private key must be the certificate's, and the chain must lead from the
# certificate's issuer upwards. (IAM's wording for a malformed private key and a mismatched pair is
# not confirmed verbatim; the chain's is.)
MALFORMED_PRIVATE_KEY = "Unable to parse private key. Please ensure the private key is in PEM format."
KEY_PAIR_MISMATCH = "The public key certificate and the private key do not match."
INVALID_CHAIN = (
    "Unable to validate certificate chain. The certificate chain must start with the immediate signing "
    "certificate, followed by any intermediaries in order. The index within the chain of the invalid "
    "certificate is: {index}"
)
_PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def read_private_key(text, certificate):
    """The PEM private key in `text`, which must be `certificate`'s; MalformedCertificate when it is
    not a key, KeyPairMismatch when it is another's."""
    try:
        key = serialization.load_pem_private_key(text.strip().encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise MalformedCertificate(MALFORMED_PRIVATE_KEY) from exc
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if key.public_key().public_bytes(*spki) != certificate.public_key().public_bytes(*spki):
        raise KeyPairMismatch(KEY_PAIR_MISMATCH)
    return key


def read_certificate_chain(text, certificate):
    """The certificates of a PEM chain: the first issued `certificate`, each next one issued the one
    before it. MalformedCertificate otherwise, with the index IAM gives (-1: the first is not the
    certificate's issuer)."""
    blocks = _PEM_CERTIFICATE.findall(text)
    if not blocks:
        raise MalformedCertificate(MALFORMED_CERTIFICATE)
    chain = []
    for block in blocks:
        try:
            chain.append(x509.load_pem_x509_certificate(block.encode()))
        except ValueError as exc:
            raise MalformedCertificate(MALFORMED_CERTIFICATE) from exc
    for index, (issued, issuer) in enumerate(zip([certificate, *chain], chain, strict=False)):
        if issued.issuer != issuer.subject:
            raise MalformedCertificate(INVALID_CHAIN.format(index=index - 1))
    return chain
