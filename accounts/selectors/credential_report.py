"""The credential report's content: one CSV row for the root user and one per IAM user, with the state
of their passwords, access keys, MFA and signing certificates, in the columns and words of AWS's report
("Getting credential reports for your AWS account", IAM User Guide)."""

import csv
import io
from datetime import UTC, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import (
    AccessKey,
    CredentialReport,
    CredentialStatus,
    IAMUser,
    MFADevice,
    PasswordPolicy,
    SigningCertificate,
)
from aws.errors import ReportExpired, ReportInProgress, ReportNotPresent

COLUMNS = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
]
ROOT_USER = "<root_account>"
NOT_APPLICABLE = "N/A"
NOT_SUPPORTED = "not_supported"
NO_INFORMATION = "no_information"
# A report may be generated once every four hours; GetCredentialReport answers ReportExpired after that.
REPORT_LIFETIME = timedelta(hours=4)


def iso(moment):
    """AWS's report times: ISO 8601 in UTC, to the second, with an explicit +00:00."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _flag(value):
    # The guide writes TRUE and FALSE; the reports themselves say true and false.
    return "true" if value else "false"


def _or_na(moment):
    return iso(moment) if moment is not None else NOT_APPLICABLE


def _key_columns(key):
    """active, last_rotated, last_used_date, last_used_region, last_used_service of one access key."""
    if key is None:
        return ["false", NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE]
    active = key.status == AccessKey.Status.ACTIVE
    return [
        _flag(active),
        # "If the user does not have an active access key, the value in this field is N/A."
        iso(key.created_at) if active else NOT_APPLICABLE,
        _or_na(key.last_used_at),
        key.last_used_region or NOT_APPLICABLE if key.last_used_at else NOT_APPLICABLE,
        key.last_used_service or NOT_APPLICABLE if key.last_used_at else NOT_APPLICABLE,
    ]


def _cert_columns(certificate):
    if certificate is None:
        return ["false", NOT_APPLICABLE]
    active = certificate.status == CredentialStatus.ACTIVE
    return [_flag(active), iso(certificate.uploaded_at) if active else NOT_APPLICABLE]


def _second(items, index):
    return items[index] if len(items) > index else None


def _credential_columns(keys, certificates, mfa_active):
    return [
        _flag(mfa_active),
        *_key_columns(_second(keys, 0)),
        *_key_columns(_second(keys, 1)),
        *_cert_columns(_second(certificates, 0)),
        *_cert_columns(_second(certificates, 1)),
    ]


def _password_columns(user, max_age):
    """password_enabled, password_last_used, password_last_changed, password_next_rotation."""
    profile = getattr(user, "login_profile", None)
    if profile is None:
        return ["false", NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE]
    last_used = iso(user.password_last_used_at) if user.password_last_used_at else NO_INFORMATION
    rotation = iso(profile.password_changed_at + timedelta(days=max_age)) if max_age else NOT_APPLICABLE
    return ["true", last_used, iso(profile.password_changed_at), rotation]


def credential_report_rows(*, account):
    """The report's rows (without the header): the root user first, then the IAM users by name.
    A fixed number of queries, whatever the number of users."""
    keys = AccessKey.objects.order_by("created_at", "pk")
    certificates = SigningCertificate.objects.order_by("uploaded_at", "pk")
    enabled_mfa = MFADevice.objects.filter(enabled_at__isnull=False)
    users = (
        IAMUser.objects.filter(account=account)
        .select_related("login_profile")
        .prefetch_related(
            Prefetch("access_keys", queryset=keys, to_attr="report_keys"),
            Prefetch("signing_certificates", queryset=certificates, to_attr="report_certificates"),
            Prefetch("mfa_devices", queryset=enabled_mfa, to_attr="report_mfa"),
        )
    )
    max_age = (
        PasswordPolicy.objects.filter(account=account).values_list("max_password_age", flat=True).first()
    )
    root_keys = list(keys.filter(account=account, user__isnull=True)[:2])
    root_certificates = list(certificates.filter(account=account, user__isnull=True)[:2])
    root_mfa = enabled_mfa.filter(account=account, user__isnull=True).exists()
    last_signed_in = account.root_last_signed_in_at
    rows = [
        [
            ROOT_USER,
            account.root_arn,
            iso(account.created_at),
            NOT_SUPPORTED,
            iso(last_signed_in) if last_signed_in else NO_INFORMATION,
            NOT_SUPPORTED,
            NOT_SUPPORTED,
            *_credential_columns(root_keys, root_certificates, root_mfa),
        ]
    ]
    for user in users:
        rows.append(
            [
                user.name,
                user.arn,
                iso(user.created_at),
                *_password_columns(user, max_age),
                *_credential_columns(user.report_keys, user.report_certificates, bool(user.report_mfa)),
            ]
        )
    return rows


def credential_report_csv(*, account):
    """The report as AWS's CSV: the header, then a line per user, with no newline after the last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(credential_report_rows(account=account))
    return buffer.getvalue().removesuffix("\n")


def latest_credential_report(*, account, now=None):
    """The account's complete report, younger than four hours; otherwise GetCredentialReport's error."""
    report = CredentialReport.objects.filter(account=account).first()
    if report is None:
        raise ReportNotPresent()
    if report.state != CredentialReport.State.COMPLETE:
        raise ReportInProgress()
    if (now or timezone.now()) - report.generated_at >= REPORT_LIFETIME:
        raise ReportExpired()
    return report
