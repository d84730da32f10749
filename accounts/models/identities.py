from django.db import models
from django.db.models.functions import Lower

from aws.ids import new_group_id, new_user_id

from .account import Account


class IAMUser(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="users")
    name = models.CharField(max_length=64)
    path = models.CharField(max_length=512, default="/")
    user_id = models.CharField(max_length=21, unique=True, default=new_user_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    password_last_used_at = models.DateTimeField(null=True, blank=True)
    # The boundary policy arrives with the policies issue; kept as an ARN so any policy kind fits.
    permissions_boundary_arn = models.CharField(max_length=2048, blank=True)
    groups = models.ManyToManyField(
        "accounts.Group", through="accounts.GroupMembership", related_name="users"
    )

    class Meta:
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint("account", Lower("name"), name="iamuser_name_unique_ci")]
        verbose_name = "IAM user"

    def __str__(self):
        return self.name

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account_id}:user{self.path}{self.name}"


class EntityTag(models.Model):
    """A tag of one entity (its subclass names the entity): keys are unique ignoring case."""

    key = models.CharField(max_length=128)
    value = models.CharField(max_length=256, blank=True)

    class Meta:
        abstract = True
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}={self.value}"


class UserTag(EntityTag):
    user = models.ForeignKey(IAMUser, on_delete=models.CASCADE, related_name="tags")

    class Meta(EntityTag.Meta):
        constraints = [models.UniqueConstraint("user", Lower("key"), name="usertag_key_unique_ci")]


class Group(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    group_id = models.CharField(max_length=21, unique=True, default=new_group_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint("account", Lower("name"), name="group_name_unique_ci")]

    def __str__(self):
        return self.name

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account_id}:group{self.path}{self.name}"


class GroupMembership(models.Model):
    user = models.ForeignKey(IAMUser, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("user", "group", name="groupmembership_unique")]

    def __str__(self):
        return f"{self.user} in {self.group}"


class LoginProfile(models.Model):
    """An IAM user's console password (hashed)."""

    user = models.OneToOneField(IAMUser, on_delete=models.CASCADE, related_name="login_profile")
    password = models.CharField(max_length=128)
    password_reset_required = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Login profile of {self.user}"


class AccessKey(models.Model):
    """A long-term access key of an IAM user, or of the root user when `user` is empty."""

    class Status(models.TextChoices):
        ACTIVE = "Active"
        INACTIVE = "Inactive"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="access_keys")
    user = models.ForeignKey(
        IAMUser, on_delete=models.CASCADE, null=True, blank=True, related_name="access_keys"
    )
    access_key_id = models.CharField(max_length=20, unique=True)
    secret_encrypted = models.TextField()  # Fernet token; the plain secret is shown once, at creation
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_service = models.CharField(max_length=64, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.access_key_id


class MFADevice(models.Model):
    """A virtual MFA device (TOTP) of an IAM user, or of the root user when `user` is empty."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mfa_devices")
    user = models.ForeignKey(
        IAMUser, on_delete=models.CASCADE, null=True, blank=True, related_name="mfa_devices"
    )
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    seed_encrypted = models.TextField()
    enabled_at = models.DateTimeField(null=True, blank=True)  # null until two consecutive codes enable it
    # The TOTP time step of the last accepted code: a code is never accepted twice.
    last_used_step = models.BigIntegerField(null=True, blank=True)
    # How many steps the device's clock runs ahead (+) or behind (-), learnt by ResyncMFADevice.
    drift_steps = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        # A device is known by its serial number, the ARN with its path: IAM's API reference has the
        # name "use with path to uniquely identify a virtual MFA device", so another path may reuse it.
        constraints = [models.UniqueConstraint("account", "path", "name", name="mfadevice_path_name_unique")]
        verbose_name = "MFA device"

    def __str__(self):
        return self.serial_number

    @property
    def serial_number(self):
        return f"arn:aws:iam::{self.account_id}:mfa{self.path}{self.name}"

    @property
    def arn(self):
        """A virtual device's ARN is its serial number."""
        return self.serial_number


class MFADeviceTag(EntityTag):
    device = models.ForeignKey(MFADevice, on_delete=models.CASCADE, related_name="tags")

    class Meta(EntityTag.Meta):
        constraints = [models.UniqueConstraint("device", Lower("key"), name="mfadevicetag_key_unique_ci")]
