"""The credentials an IAM user keeps besides its password and access keys: SSH public keys (for
CodeCommit), X.509 signing certificates and service-specific credentials; and the account's server
certificates (for load balancers and CloudFront)."""

from django.db import models
from django.db.models.functions import Lower

from aws.ids import (
    new_server_certificate_id,
    new_service_specific_credential_id,
    new_signing_certificate_id,
    new_ssh_public_key_id,
)

from .account import Account
from .identities import EntityTag, IAMUser


class CredentialStatus(models.TextChoices):
    ACTIVE = "Active"
    INACTIVE = "Inactive"


class SSHPublicKey(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="ssh_public_keys")
    user = models.ForeignKey(IAMUser, on_delete=models.CASCADE, related_name="ssh_public_keys")
    key_id = models.CharField(max_length=20, unique=True, default=new_ssh_public_key_id, editable=False)
    body = models.TextField()  # OpenSSH form; GetSSHPublicKey's PEM encoding is derived from it
    fingerprint = models.CharField(max_length=47)
    status = models.CharField(max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "SSH public key"

    def __str__(self):
        return self.key_id


class SigningCertificate(models.Model):
    """An X.509 signing certificate of an IAM user, or of the root user when `user` is empty."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="signing_certificates")
    user = models.ForeignKey(
        IAMUser, on_delete=models.CASCADE, null=True, blank=True, related_name="signing_certificates"
    )
    certificate_id = models.CharField(
        max_length=32, unique=True, default=new_signing_certificate_id, editable=False
    )
    body = models.TextField()
    fingerprint = models.CharField(max_length=40)  # SHA-1: the same certificate once per account
    status = models.CharField(max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint("account", "fingerprint", name="signingcertificate_unique_in_account")
        ]

    def __str__(self):
        return self.certificate_id


class ServerCertificate(models.Model):
    """An SSL/TLS certificate with its private key, for load balancers and CloudFront."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="server_certificates")
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    server_certificate_id = models.CharField(
        max_length=21, unique=True, default=new_server_certificate_id, editable=False
    )
    body = models.TextField()
    chain = models.TextField(blank=True)
    # Encrypted at rest (access/crypto.py); IAM never returns a server certificate's private key.
    private_key = models.TextField()
    expires_at = models.DateTimeField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="servercertificate_name_unique_ci")
        ]

    def __str__(self):
        return self.name

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account_id}:server-certificate{self.path}{self.name}"


class ServerCertificateTag(EntityTag):
    certificate = models.ForeignKey(ServerCertificate, on_delete=models.CASCADE, related_name="tags")

    class Meta(EntityTag.Meta):
        constraints = [
            models.UniqueConstraint("certificate", Lower("key"), name="servercertificatetag_key_unique_ci")
        ]


class ServiceSpecificCredential(models.Model):
    """A user name and password for one service (CodeCommit's Git over HTTPS, Amazon Keyspaces)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="service_credentials")
    user = models.ForeignKey(IAMUser, on_delete=models.CASCADE, related_name="service_credentials")
    credential_id = models.CharField(
        max_length=21, unique=True, default=new_service_specific_credential_id, editable=False
    )
    service_name = models.CharField(max_length=128)
    service_user_name = models.CharField(max_length=200)
    password = models.CharField(max_length=128)  # hashed: the password is shown once, at creation or reset
    status = models.CharField(max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.credential_id
