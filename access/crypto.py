"""Secrets encrypted at rest (access key secrets, MFA seeds): Fernet with a key from the settings."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet():
    # FIELD_ENCRYPTION_KEY lets an operator rotate SECRET_KEY without losing stored secrets.
    material = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())
    return Fernet(key)


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The stored secret cannot be decrypted with this installation's key.") from exc
