import uuid

from django.db import models


class AuditEvent(models.Model):
    """One record shaped like a CloudTrail event: every write and every sign-in leaves one."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="audit_events", null=True
    )
    event_time = models.DateTimeField(auto_now_add=True, db_index=True)
    event_source = models.CharField(max_length=64, default="iam.amazonaws.com")
    event_name = models.CharField(max_length=64, db_index=True)
    event_type = models.CharField(max_length=32, default="AwsApiCall")
    user_identity = models.JSONField(default=dict)
    source_ip_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_parameters = models.JSONField(null=True, blank=True)
    response_elements = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    read_only = models.BooleanField(default=False)
    # CloudTrail's awsRegion: the region the call was signed for (IAM's console records us-east-1).
    aws_region = models.CharField(max_length=32, default="us-east-1")
    # The unique ID of the IAM identity behind the call (AIDA… for a user and the federated users it
    # makes, AROA… for every session of a role, the account ID for root): what Access Advisor's last
    # accessed information is counted by, read through an index instead of the userIdentity JSON.
    # An ID rather than an ARN: a user renamed keeps its history, a new user of the same name has none.
    principal_id = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-event_time", "-id"]
        # Event history reads one account's events newest first, whatever the filters.
        indexes = [
            models.Index(fields=["account", "-event_time"], name="audit_account_time_idx"),
            # Last accessed: an identity's latest call to each service (and action).
            models.Index(fields=["principal_id", "event_source", "-event_time"], name="audit_principal_idx"),
        ]

    def __str__(self):
        return f"{self.event_name} at {self.event_time:%Y-%m-%d %H:%M:%S}"
