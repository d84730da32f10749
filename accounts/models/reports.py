"""The account's credential report: GenerateCredentialReport keeps the latest one, GetCredentialReport
downloads it."""

from django.db import models

from .account import Account


class CredentialReport(models.Model):
    """The latest credential report of an account (IAM keeps one; a new one replaces it)."""

    class State(models.TextChoices):
        STARTED = "STARTED"
        INPROGRESS = "INPROGRESS"
        COMPLETE = "COMPLETE"

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="credential_report")
    state = models.CharField(max_length=10, choices=State.choices, default=State.STARTED)
    started_at = models.DateTimeField()
    generated_at = models.DateTimeField(null=True, blank=True)  # GeneratedTime, once COMPLETE
    content = models.TextField(blank=True)  # the CSV

    def __str__(self):
        return f"Credential report of {self.account_id} ({self.state})"
