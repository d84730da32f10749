"""The credential report: its CSV row by row (the root user, passwords, access keys, MFA, signing
certificates), generation at most once every four hours, its states and errors, the task, the audit."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from access.acting import Acting
from accounts.models import (
    AccessKey,
    Account,
    AuditEvent,
    CredentialReport,
    CredentialStatus,
    IAMUser,
    LoginProfile,
    MFADevice,
    PasswordPolicy,
    SigningCertificate,
)
from accounts.selectors.credential_report import (
    COLUMNS,
    credential_report_csv,
    latest_credential_report,
)
from accounts.services.credential_report import STARTING, credential_report_generate
from accounts.tasks import generate_credential_report
from aws.errors import AccessDenied, ReportExpired, ReportInProgress, ReportNotPresent
from tests.grants import grant, statement
from tests.queries import assert_constant_queries_of

from .factories import IAMUserFactory

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
T0_ISO = "2026-03-01T09:30:15+00:00"


def _at(model, pk, **moments):
    """Set auto_now_add times, which create() cannot."""
    model.objects.filter(pk=pk).update(**moments)


def _user(account, name, *, created=T0):
    user = IAMUserFactory(account=account, name=name)
    _at(IAMUser, user.pk, created_at=created)
    return user


def _password(user, *, changed=T0, last_used=None):
    profile = LoginProfile.objects.create(user=user, password="x")
    _at(LoginProfile, profile.pk, password_changed_at=changed)
    if last_used is not None:
        _at(IAMUser, user.pk, password_last_used_at=last_used)


def _key(account, user, suffix, *, created=T0, status="Active", used=None, service="", region=""):
    key = AccessKey.objects.create(
        account=account,
        user=user,
        access_key_id=f"AKIAREPORT{suffix:0>10}",
        secret_encrypted="x",
        status=status,
        last_used_at=used,
        last_used_service=service,
        last_used_region=region,
    )
    _at(AccessKey, key.pk, created_at=created)
    return key


def _mfa(account, user, name, *, enabled=True):
    MFADevice.objects.create(
        account=account, user=user, name=name, seed_encrypted="x", enabled_at=T0 if enabled else None
    )


def _certificate(account, user, fingerprint, *, uploaded=T0, status=CredentialStatus.ACTIVE):
    certificate = SigningCertificate.objects.create(
        account=account, user=user, body="-----BEGIN CERTIFICATE-----", fingerprint=fingerprint, status=status
    )
    _at(SigningCertificate, certificate.pk, uploaded_at=uploaded)


def _rows(account):
    return list(csv.DictReader(io.StringIO(credential_report_csv(account=account))))


def _row(account, name):
    [row] = [row for row in _rows(account) if row["user"] == name]
    return row


def _columns(row, *names):
    return [row[name] for name in names]


# The CSV


def test_the_header_is_awss_22_columns_in_awss_order_and_no_newline_ends_the_file(account):
    content = credential_report_csv(account=account)
    assert content.split("\n")[0] == (
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
        "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
        "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
        "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
        "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
        "cert_2_active,cert_2_last_rotated"
    )
    assert len(COLUMNS) == 22
    assert not content.endswith("\n")


def test_the_root_user_without_keys_is_the_first_row_with_awss_special_values(account):
    Account.objects.filter(pk=account.pk).update(created_at=T0, root_last_signed_in_at=None)
    account.refresh_from_db()
    _user(account, "bob")

    [root, bob] = _rows(account)

    assert list(root.values()) == [
        "<root_account>",
        f"arn:aws:iam::{account.id}:root",
        T0_ISO,
        "not_supported",  # password_enabled
        "no_information",  # password_last_used: never signed in
        "not_supported",
        "not_supported",
        "false",  # mfa_active
        *["false", "N/A", "N/A", "N/A", "N/A"] * 2,
        *["false", "N/A"] * 2,
    ]
    assert bob["user"] == "bob"


def test_the_root_user_with_keys_mfa_and_a_certificate(account):
    signed_in = T0 + timedelta(days=3, hours=2)
    Account.objects.filter(pk=account.pk).update(root_last_signed_in_at=signed_in)
    account.refresh_from_db()
    used = T0 + timedelta(days=1)
    _key(account, None, "root1", used=used, service="iam", region="us-east-1")
    _key(account, None, "root2", created=T0 + timedelta(hours=1))
    _mfa(account, None, "root-account-mfa-device")
    _certificate(account, None, "f" * 40)

    root = _rows(account)[0]

    assert root["password_last_used"] == "2026-03-04T11:30:15+00:00"
    assert (
        _columns(root, "password_enabled", "password_last_changed", "password_next_rotation")
        == ["not_supported"] * 3
    )
    assert root["mfa_active"] == "true"
    assert _columns(root, *COLUMNS[8:18]) == [
        "true",
        T0_ISO,
        "2026-03-02T09:30:15+00:00",
        "us-east-1",
        "iam",
        "true",
        "2026-03-01T10:30:15+00:00",
        "N/A",  # never used
        "N/A",
        "N/A",
    ]
    assert _columns(root, *COLUMNS[18:]) == ["true", T0_ISO, "false", "N/A"]


def test_a_user_without_a_password_has_na_in_every_password_column(account):
    PasswordPolicy.objects.create(account=account, max_password_age=90)
    user = _user(account, "nopass", created=T0)

    row = _row(account, "nopass")

    assert _columns(row, *COLUMNS[:7]) == [
        "nopass",
        user.arn,
        T0_ISO,
        "false",
        "N/A",
        "N/A",
        "N/A",
    ]


def test_a_password_never_used_is_no_information_and_rotation_is_na_without_a_maximum_age(account):
    _password(_user(account, "fresh"), changed=T0)

    row = _row(account, "fresh")

    assert _columns(row, *COLUMNS[3:7]) == ["true", "no_information", T0_ISO, "N/A"]


def test_a_used_password_and_the_next_rotation_from_the_policys_maximum_age(account):
    PasswordPolicy.objects.create(account=account, max_password_age=90)
    _password(_user(account, "alice"), changed=T0, last_used=T0 + timedelta(minutes=5))

    row = _row(account, "alice")

    assert _columns(row, *COLUMNS[3:7]) == [
        "true",
        "2026-03-01T09:35:15+00:00",
        T0_ISO,
        "2026-05-30T09:30:15+00:00",  # 90 days after the change
    ]


def test_two_access_keys_in_creation_order_an_inactive_one_not_rotated_but_its_use_kept(account):
    user = _user(account, "keys")
    # Created second but listed first by creation time.
    _key(
        account, user, "later", created=T0 + timedelta(days=2), status="Inactive", used=T0 + timedelta(days=3)
    )
    _key(account, user, "earlier", created=T0, used=T0 + timedelta(days=1), service="sts", region="eu-west-1")

    row = _row(account, "keys")

    assert _columns(row, *COLUMNS[8:18]) == [
        "true",
        T0_ISO,
        "2026-03-02T09:30:15+00:00",
        "eu-west-1",
        "sts",
        "false",
        "N/A",  # "If the user does not have a second active access key … N/A"
        "2026-03-04T09:30:15+00:00",
        "N/A",  # used, but its region and service were not recorded
        "N/A",
    ]


def test_mfa_is_active_only_with_an_enabled_device(account):
    _mfa(account, _user(account, "enabled"), "enabled")
    _mfa(account, _user(account, "pending"), "pending", enabled=False)
    _user(account, "none")

    assert {row["user"]: row["mfa_active"] for row in _rows(account)[1:]} == {
        "enabled": "true",
        "none": "false",
        "pending": "false",
    }


def test_signing_certificates_fill_cert_1_and_cert_2(account):
    user = _user(account, "certs")
    _certificate(account, user, "a" * 40, uploaded=T0)
    _certificate(account, user, "b" * 40, uploaded=T0 + timedelta(days=1), status=CredentialStatus.INACTIVE)

    row = _row(account, "certs")

    assert _columns(row, *COLUMNS[18:]) == ["true", T0_ISO, "false", "N/A"]


def test_users_follow_the_root_user_by_name_and_a_comma_in_a_name_is_quoted(account, charlie_account):
    for name in ("carol", "Bob", "a,b"):
        _user(account, name)
    _user(charlie_account, "intruder")

    content = credential_report_csv(account=account)

    assert [row["user"] for row in _rows(account)] == ["<root_account>", "a,b", "Bob", "carol"]
    assert f'\n"a,b","arn:aws:iam::{account.id}:user/a,b",' in content


def test_the_report_takes_the_same_queries_for_5_users_as_for_50(account):
    PasswordPolicy.objects.create(account=account, max_password_age=30)
    _key(account, None, "root")

    def add_user(index):
        user = _user(account, f"user-{index:02d}")
        _password(user, last_used=T0)
        _key(account, user, f"u{index}a")
        _key(account, user, f"u{index}b", status="Inactive")
        _mfa(account, user, f"user-{index:02d}")
        _certificate(account, user, f"{index:040d}")

    content = assert_constant_queries_of(
        lambda: credential_report_csv(account=account), add_user, sizes=(5, 50)
    )
    assert content.count("\n") == 51


# Generation, at most once every four hours


def _generate(acting, callbacks_fixture):
    with callbacks_fixture(execute=True) as callbacks:
        result = credential_report_generate(account=acting.account, acting=acting)
    return result, callbacks


def test_a_first_generation_starts_a_task_that_completes_the_report(
    account, root_acting, django_capture_on_commit_callbacks
):
    _user(account, "bob")

    result, callbacks = _generate(root_acting, django_capture_on_commit_callbacks)

    assert (result.state, result.description) == ("STARTED", STARTING)
    assert STARTING == "No report exists. Starting a new report generation task"
    assert len(callbacks) == 1
    report = latest_credential_report(account=account)
    assert report.state == CredentialReport.State.COMPLETE
    assert report.content == credential_report_csv(account=account)
    assert report.content.split("\n")[2].startswith("bob,")
    assert timezone.now() - report.generated_at < timedelta(minutes=1)


def test_within_four_hours_the_existing_report_is_returned_as_is(
    account, root_acting, django_capture_on_commit_callbacks
):
    _generate(root_acting, django_capture_on_commit_callbacks)
    first = latest_credential_report(account=account)
    _user(account, "late")  # not in the report until the next one

    result, callbacks = _generate(root_acting, django_capture_on_commit_callbacks)

    assert (result.state, result.description) == ("COMPLETE", "")
    assert callbacks == []
    again = latest_credential_report(account=account)
    assert (again.generated_at, again.content) == (first.generated_at, first.content)
    assert "late," not in again.content


def test_after_four_hours_a_new_report_is_generated(account, root_acting, django_capture_on_commit_callbacks):
    _generate(root_acting, django_capture_on_commit_callbacks)
    aged = timezone.now() - timedelta(hours=4, seconds=1)
    CredentialReport.objects.filter(account=account).update(generated_at=aged)
    _user(account, "late")

    result, callbacks = _generate(root_acting, django_capture_on_commit_callbacks)

    assert (result.state, len(callbacks)) == ("STARTED", 1)
    report = latest_credential_report(account=account)
    assert report.generated_at > aged and "\nlate," in report.content
    assert CredentialReport.objects.filter(account=account).count() == 1


def test_a_report_being_built_is_not_started_twice_unless_its_build_failed(
    account, root_acting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as first:
        credential_report_generate(account=account, acting=root_acting)
    result, callbacks = _generate(root_acting, django_capture_on_commit_callbacks)
    assert (result.state, result.description, callbacks) == ("STARTED", "", [])

    # A build that has not finished within four hours (its worker died) is started again.
    CredentialReport.objects.filter(account=account).update(started_at=timezone.now() - timedelta(hours=5))
    result, callbacks = _generate(root_acting, django_capture_on_commit_callbacks)
    assert (result.state, result.description, len(callbacks)) == ("STARTED", STARTING, 1)
    assert latest_credential_report(account=account).state == "COMPLETE"
    assert generate_credential_report(CredentialReport.objects.get().pk) is None  # already built
    assert len(first) == 1


# GetCredentialReport's states


def test_no_report_then_in_progress_then_complete_then_expired(
    account, root_acting, django_capture_on_commit_callbacks
):
    with pytest.raises(ReportNotPresent) as error:
        latest_credential_report(account=account)
    assert (error.value.code, error.value.status, error.value.message) == ("ReportNotPresent", 410, "")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        credential_report_generate(account=account, acting=root_acting)
    with pytest.raises(ReportInProgress) as error:
        latest_credential_report(account=account)
    assert (error.value.code, error.value.status) == ("ReportInProgress", 404)

    report = CredentialReport.objects.get(account=account)
    assert generate_credential_report.delay(report.pk).get() == "COMPLETE"  # the task, loaded by id
    report = latest_credential_report(account=account)
    assert report.content.startswith("user,arn,")

    just_fresh = report.generated_at + timedelta(hours=4) - timedelta(seconds=1)
    assert latest_credential_report(account=account, now=just_fresh) == report
    with pytest.raises(ReportExpired) as error:
        latest_credential_report(account=account, now=report.generated_at + timedelta(hours=4))
    assert (error.value.code, error.value.status) == ("ReportExpired", 410)
    assert len(callbacks) == 1


def test_each_account_has_its_own_report(
    account, charlie_account, root_acting, django_capture_on_commit_callbacks
):
    _generate(root_acting, django_capture_on_commit_callbacks)

    with pytest.raises(ReportNotPresent):
        latest_credential_report(account=charlie_account)
    assert f"arn:aws:iam::{account.id}:root" in latest_credential_report(account=account).content


# Authorization and audit


def test_generation_is_recorded_in_event_history(account, root_acting, django_capture_on_commit_callbacks):
    _generate(root_acting, django_capture_on_commit_callbacks)
    _generate(root_acting, django_capture_on_commit_callbacks)

    events = AuditEvent.objects.filter(event_name="GenerateCredentialReport").order_by("event_time", "pk")
    assert [(event.response_elements, event.read_only) for event in events] == [
        ({"state": "STARTED", "description": STARTING}, True),
        ({"state": "COMPLETE"}, True),
    ]


def test_a_user_without_a_policy_cannot_generate_a_report(account, django_capture_on_commit_callbacks):
    nobody = IAMUserFactory(account=account, name="nobody")
    acting = Acting(account=account, user=nobody)

    with pytest.raises(AccessDenied) as error, django_capture_on_commit_callbacks(execute=True) as callbacks:
        credential_report_generate(account=account, acting=acting)

    assert "iam:GenerateCredentialReport" in error.value.message
    assert callbacks == [] and not CredentialReport.objects.exists()
    assert AuditEvent.objects.get(event_name="GenerateCredentialReport").error_code == "AccessDenied"


def test_a_user_allowed_the_action_generates_it(account, django_capture_on_commit_callbacks):
    auditor = IAMUserFactory(account=account, name="auditor")
    grant(statement("iam:GenerateCredentialReport"), user=auditor)

    result, _ = _generate(Acting(account=account, user=auditor), django_capture_on_commit_callbacks)

    assert result.state == "STARTED"
    assert "\nauditor," in latest_credential_report(account=account).content
