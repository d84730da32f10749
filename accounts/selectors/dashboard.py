"""Reads for the IAM dashboard and GetAccountSummary: the account's counts, the facts behind its
security recommendations and its daily sign-ins and refusals. Each is a fixed number of queries,
whatever the number of users (counts and aggregates, never a query per row)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, Func, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import (
    AccessKey,
    Account,
    AuditEvent,
    Group,
    IAMUser,
    LoginProfile,
    MFADevice,
    ServerCertificate,
    SigningCertificate,
)
from policies.models import (
    InstanceProfile,
    ManagedPolicy,
    OpenIDConnectProvider,
    PolicyVersion,
    Role,
    SAMLProvider,
)

# IAM's best practices: rotate access keys and remove credentials unused for 90 days.
STALE_DAYS = 90


def _count(queryset):
    """COUNT(*) of `queryset` as a subquery."""
    counted = queryset.order_by().annotate(count=Func(Value(1), function="COUNT")).values("count")
    return Coalesce(Subquery(counted), 0)


def account_summary(*, account):
    """GetAccountSummary's counts (its SummaryMap without the quotas), in one query."""
    devices = MFADevice.objects.filter(account=account)
    policies = ManagedPolicy.objects.filter(account=account)
    counts = {
        "Users": _count(IAMUser.objects.filter(account=account)),
        "Groups": _count(Group.objects.filter(account=account)),
        "Roles": _count(Role.objects.filter(account=account)),
        "Policies": _count(policies),
        "PolicyVersionsInUse": _count(PolicyVersion.objects.filter(policy__in=policies)),
        "InstanceProfiles": _count(InstanceProfile.objects.filter(account=account)),
        "OpenIDConnectProviders": _count(OpenIDConnectProvider.objects.filter(account=account)),
        "SAMLProviders": _count(SAMLProvider.objects.filter(account=account)),
        "ServerCertificates": _count(ServerCertificate.objects.filter(account=account)),
        "MFADevices": _count(devices),
        "MFADevicesInUse": _count(devices.filter(enabled_at__isnull=False)),
        "AccountMFAEnabled": Exists(devices.filter(user=None, enabled_at__isnull=False)),
        "AccountAccessKeysPresent": Exists(AccessKey.objects.filter(account=account, user=None)),
        "AccountSigningCertificatesPresent": Exists(
            SigningCertificate.objects.filter(account=account, user=None)
        ),
    }
    # Read from the account's own row: one round trip for the fourteen figures.
    row = Account.objects.filter(pk=account.pk).values(**counts).get()
    summary = {key: int(value) for key, value in row.items()}
    summary["Providers"] = summary.pop("OpenIDConnectProviders") + summary.pop("SAMLProviders")
    summary["AccountPasswordPresent"] = int(bool(account.root_password))
    return summary


@dataclass(frozen=True)
class UsersFinding:
    """How many IAM users a recommendation is about, and the first one's name (the link goes to that
    user when it is the only one)."""

    count: int
    first: str = ""


def _finding(users):
    names = list(users.order_by("name").values_list("name", flat=True).distinct()[:1])
    return UsersFinding(users.count(), names[0] if names else "")


def credential_findings(*, account, now=None):
    """What the credential report tells about IAM users, as the dashboard's recommendations need it:
    users with a console password and no MFA, users with active access keys older than 90 days, and
    users with a password or active access key unused for 90 days (never used counts from creation)."""
    cutoff = (now or timezone.now()) - timedelta(days=STALE_DAYS)
    users = IAMUser.objects.filter(account=account)
    active_keys = AccessKey.objects.filter(
        account=account, user__isnull=False, status=AccessKey.Status.ACTIVE
    )
    old_keys = active_keys.filter(created_at__lt=cutoff)
    unused_keys = active_keys.annotate(used=Coalesce("last_used_at", "created_at")).filter(used__lt=cutoff)
    unused_passwords = LoginProfile.objects.filter(user__account=account).annotate(
        used=Coalesce("user__password_last_used_at", "created_at")
    )
    unused_passwords = unused_passwords.filter(used__lt=cutoff)
    return {
        "without_mfa": _finding(
            users.filter(login_profile__isnull=False).exclude(mfa_devices__enabled_at__isnull=False)
        ),
        "old_keys": _finding(users.filter(pk__in=old_keys.values("user"))),
        "unused": _finding(
            users.filter(Q(pk__in=unused_keys.values("user")) | Q(pk__in=unused_passwords.values("user")))
        ),
    }


def daily_activity(*, account, days=30, today=None):
    """[(day, successful sign-ins, failed sign-ins, refused calls)] for the last `days` days, oldest
    first, every day present: Event history's ConsoleLogin events and its AccessDenied* errors."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    signin = Q(event_name="ConsoleLogin")
    refused = Q(error_code__startswith="AccessDenied")
    # From midnight, as a time (a date of the time would hide the column from its index).
    since = timezone.make_aware(datetime.combine(start, time.min))
    rows = (
        AuditEvent.objects.filter(account=account, event_time__gte=since)
        .filter(signin | refused)
        .annotate(day=TruncDate("event_time"))
        .values("day")
        .annotate(
            succeeded=Count("pk", filter=signin & Q(response_elements__ConsoleLogin="Success")),
            failed=Count("pk", filter=signin & ~Q(response_elements__ConsoleLogin="Success")),
            refused=Count("pk", filter=refused),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    activity = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        row = by_day.get(day, {})
        activity.append((day, row.get("succeeded", 0), row.get("failed", 0), row.get("refused", 0)))
    return activity
