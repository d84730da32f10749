from django.db import models
from django.utils import timezone


class SignInFailure(models.Model):
    """A console sign-in attempt (a password or an MFA code), counted per identity and per source IP
    to throttle guessing. Written before the check and deleted when the check passes, so it is a
    failure unless proved otherwise (accounts/services/signin.py).

    Kept in the database rather than a per-process cache so every worker sees the same count.
    """

    identity = models.CharField(max_length=320, db_index=True)  # "root:email" or "iam:ACCOUNT:name"
    source_ip = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.identity} from {self.source_ip} at {self.created_at:%Y-%m-%d %H:%M:%S}"
