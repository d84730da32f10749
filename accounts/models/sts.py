from django.db import models

from .account import Account
from .identities import IAMUser


class TemporaryCredential(models.Model):
    """Credentials issued by STS: an ASIA access key, its secret and session token, until `expiration`.

    They stand for an IAM user (GetSessionToken; the root user when both `user` and `role` are empty),
    a role session (AssumeRole: `role` and `role_session_name`) or a federated user (GetFederationToken:
    the IAM `user` who called it and `federated_name`).
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="temporary_credentials")
    access_key_id = models.CharField(max_length=20, unique=True)
    secret_encrypted = models.TextField()  # Fernet token; the secret is returned once, at issue
    session_token_hash = models.CharField(max_length=64)  # SHA-256 of the token, never the token
    issued_at = models.DateTimeField()  # aws:TokenIssueTime
    expiration = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        IAMUser, on_delete=models.CASCADE, null=True, blank=True, related_name="temporary_credentials"
    )
    role = models.ForeignKey(
        "policies.Role", on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    role_session_name = models.CharField(max_length=64, blank=True)
    # The identity that called AssumeRole (a user, or a role session when roles are chained).
    issuer_arn = models.CharField(max_length=2048, blank=True)
    chained = models.BooleanField(default=False)
    source_identity = models.CharField(max_length=64, blank=True)
    session_tags = models.JSONField(default=list, blank=True)  # [{"Key": …, "Value": …}]
    transitive_tag_keys = models.JSONField(default=list, blank=True)  # passed on to chained sessions
    federated_name = models.CharField(max_length=64, blank=True)  # GetFederationToken's Name
    session_policy = models.TextField(blank=True)  # the inline Policy parameter
    session_policy_arns = models.JSONField(default=list, blank=True)
    mfa_authenticated = models.BooleanField(default=False)
    mfa_authenticated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "temporary credential"

    def __str__(self):
        return self.access_key_id

    @property
    def is_role_session(self):
        return self.role_id is not None

    @property
    def is_federated(self):
        return bool(self.federated_name)

    @property
    def arn(self):
        """The principal these credentials stand for: the assumed-role ARN (no role path), the federated
        user's, or the user's."""
        if self.federated_name:
            return f"arn:aws:sts::{self.account_id}:federated-user/{self.federated_name}"
        if self.role_id is not None:
            return f"arn:aws:sts::{self.account_id}:assumed-role/{self.role.name}/{self.role_session_name}"
        if self.user_id is not None:
            return self.user.arn
        return f"arn:aws:iam::{self.account_id}:root"

    @property
    def principal_id(self):
        """aws:userid: AROA…:SESSION for a role session, ACCOUNT:NAME for a federated user, the user's
        AIDA… ID, or the account for root."""
        if self.federated_name:
            return f"{self.account_id}:{self.federated_name}"
        if self.role_id is not None:
            return f"{self.role.role_id}:{self.role_session_name}"
        if self.user_id is not None:
            return self.user.user_id
        return self.account_id
