import unicodedata

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import models

from aws.ids import new_account_id


def normalized_email(email):
    """The one form in which root emails are compared (sign-in, sign-up, uniqueness, throttling).

    Computed here rather than by the database's LOWER() or UPPER(), which fold differently on SQLite
    and PostgreSQL (`ſ`, `K`, `ı`); NFKC with Unicode case folding makes `ſ` and `s` one address
    whatever the database.
    """
    folded = unicodedata.normalize("NFKC", (email or "").strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


class AccountQuerySet(models.QuerySet):
    def with_root_email(self, email):
        """The account whose root user has this email (at most one), compared in normalized form."""
        return self.filter(root_email_normalized=normalized_email(email))


class Account(models.Model):
    """An "AWS account": a 12-digit ID, a name, an optional alias, and its root user's credentials."""

    id = models.CharField(primary_key=True, max_length=12, default=new_account_id, editable=False)
    name = models.CharField(max_length=50)
    alias = models.CharField(max_length=63, unique=True, null=True, blank=True)
    root_email = models.EmailField(max_length=254)
    # normalized_email(root_email), kept by save(): what lookups and the unique constraint compare.
    root_email_normalized = models.CharField(max_length=254, unique=True, editable=False)
    root_password = models.CharField(max_length=128)  # a Django password hash, never the password
    root_password_changed_at = models.DateTimeField(null=True, blank=True)
    root_last_signed_in_at = models.DateTimeField(null=True, blank=True)
    # Organizations' CloseAccount: a closed (SUSPENDED) account refuses sign-in and its keys.
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the account must refuse every write (a closed classroom's seat): the refusal's message.
    write_locked_reason = models.CharField(max_length=200, blank=True, editable=False)
    # STS's global endpoint token version (SetSecurityTokenServicePreferences): 1, session tokens valid
    # only in the Regions enabled by default; 2, valid in every Region. The account summary shows it.
    global_endpoint_token_version = models.PositiveSmallIntegerField(default=1)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.alias or self.id} ({self.name})"

    def save(self, *args, **kwargs):
        self.root_email_normalized = normalized_email(self.root_email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "root_email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "root_email_normalized"}
        super().save(*args, **kwargs)

    def clean(self):
        # The unique field is not on forms (the admin's), so say here what its constraint would.
        if Account.objects.with_root_email(self.root_email).exclude(pk=self.pk).exists():
            raise ValidationError({"root_email": "An AWS account with this email address already exists."})

    @property
    def root_arn(self):
        return f"arn:aws:iam::{self.id}:root"

    @property
    def signin_identifier(self):
        return self.alias or self.id

    def check_root_password(self, raw_password):
        return check_password(raw_password, self.root_password)


class PasswordPolicy(models.Model):
    """The account's custom password policy; with none, AWS's default rules apply."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="password_policy")
    minimum_password_length = models.PositiveSmallIntegerField(default=8)
    require_symbols = models.BooleanField(default=False)
    require_numbers = models.BooleanField(default=False)
    require_uppercase_characters = models.BooleanField(default=False)
    require_lowercase_characters = models.BooleanField(default=False)
    allow_users_to_change_password = models.BooleanField(default=False)
    max_password_age = models.PositiveSmallIntegerField(null=True, blank=True)  # days, 1-1095
    password_reuse_prevention = models.PositiveSmallIntegerField(null=True, blank=True)  # 1-24
    # None when UpdateAccountPasswordPolicy left HardExpiry out: GetAccountPasswordPolicy then leaves it
    # out too, as IAM does.
    hard_expiry = models.BooleanField(null=True, blank=True, default=None)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "password policies"

    def __str__(self):
        return f"Password policy of {self.account_id}"


class PasswordHistory(models.Model):
    """Earlier password hashes of an IAM user, for the policy's reuse prevention."""

    user = models.ForeignKey("accounts.IAMUser", on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "password history"

    def __str__(self):
        return f"Password of {self.user} set {self.created_at:%Y-%m-%d}"
