"""GenerateCredentialReport and GetCredentialReport through boto3 (and the aws CLI) against the live
server: the answers' shapes, the report's content, its errors and who may call them."""

import base64
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, CredentialReport
from accounts.services.credential_report import STARTING
from tests.accounts.factories import IAMUserFactory

from .conftest import allow, error_of
from .test_cli import aws  # noqa: F401 (the aws CLI fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _report_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_generate_then_get_the_report(iam, api_account, root_keys):
    IAMUserFactory(account=api_account, name="bob")

    started = iam.generate_credential_report()
    got = iam.get_credential_report()

    assert {k: v for k, v in started.items() if k != "ResponseMetadata"} == {
        "State": "STARTED",
        "Description": "No report exists. Starting a new report generation task",
    }
    assert got["ReportFormat"] == "text/csv"
    assert abs(got["GeneratedTime"] - timezone.now()) < timedelta(minutes=1)
    root, bob = _report_rows(got["Content"])
    assert (root["user"], root["arn"]) == ("<root_account>", f"arn:aws:iam::{api_account.id}:root")
    # The root key that signed the calls, with its last use as the API recorded it.
    assert root["access_key_1_active"] == "true"
    assert (root["access_key_1_last_used_service"], root["access_key_1_last_used_region"]) == (
        "iam",
        "us-east-1",
    )
    assert (bob["user"], bob["password_enabled"], bob["access_key_1_active"]) == ("bob", "false", "false")


def test_a_second_generation_within_four_hours_answers_complete_without_description(iam):
    iam.generate_credential_report()
    first = iam.get_credential_report()

    again = iam.generate_credential_report()

    assert {k: v for k, v in again.items() if k != "ResponseMetadata"} == {"State": "COMPLETE"}
    assert iam.get_credential_report()["GeneratedTime"] == first["GeneratedTime"]


def test_the_wire_carries_the_content_base64_encoded(iam, api_account, live_server):
    iam.generate_credential_report()
    seen = {}

    def keep_body(response_dict, **kwargs):
        seen["body"] = response_dict["body"].decode()

    iam.meta.events.register("before-parse.iam.GetCredentialReport", keep_body)
    content = iam.get_credential_report()["Content"]

    stored = CredentialReport.objects.get(account=api_account).content
    assert content == stored.encode()
    assert f"<Content>{base64.b64encode(stored.encode()).decode()}</Content>" in seen["body"]
    assert "<ReportFormat>text/csv</ReportFormat>" in seen["body"]


def test_get_before_any_report_is_report_not_present_without_a_message(iam):
    error, status = error_of(iam.get_credential_report)

    assert (error["Code"], status) == ("ReportNotPresent", 410)
    assert "Message" not in error  # AWS sends none: boto3 then says "Unknown"
    event = AuditEvent.objects.get(event_name="GetCredentialReport")
    assert (event.error_code, event.read_only) == ("ReportNotPresent", True)


def test_a_report_being_built_is_report_in_progress(iam, api_account):
    iam.generate_credential_report()
    CredentialReport.objects.filter(account=api_account).update(state=CredentialReport.State.INPROGRESS)

    error, status = error_of(iam.get_credential_report)

    assert (error["Code"], status) == ("ReportInProgress", 404)
    assert iam.generate_credential_report()["State"] == "INPROGRESS"


def test_a_report_older_than_four_hours_is_report_expired_until_generated_again(iam, api_account):
    iam.generate_credential_report()
    CredentialReport.objects.filter(account=api_account).update(
        generated_at=timezone.now() - timedelta(hours=4, minutes=1)
    )

    error, status = error_of(iam.get_credential_report)

    assert (error["Code"], status) == ("ReportExpired", 410)
    assert iam.generate_credential_report()["Description"] == STARTING
    assert abs(iam.get_credential_report()["GeneratedTime"] - timezone.now()) < timedelta(minutes=1)


def test_a_user_without_a_policy_may_neither_generate_nor_get(iam_as):
    nobody, user = iam_as([])

    for call, action in (
        (nobody.generate_credential_report, "GenerateCredentialReport"),
        (nobody.get_credential_report, "GetCredentialReport"),
    ):
        error, status = error_of(call)
        assert (error["Code"], status) == ("AccessDenied", 403)
        assert f"{user.arn} is not authorized to perform: iam:{action}" in error["Message"]
    assert not CredentialReport.objects.exists()


def test_an_auditor_allowed_both_actions_downloads_the_report(iam_as):
    auditor, user = iam_as([allow("iam:GenerateCredentialReport", "iam:GetCredentialReport")])

    assert auditor.generate_credential_report()["State"] == "STARTED"
    rows = _report_rows(auditor.get_credential_report()["Content"])

    assert user.name in [row["user"] for row in rows]


def test_the_aws_cli_generates_and_gets_the_report(aws):  # noqa: F811 (the fixture)
    assert aws("generate-credential-report") == {"State": "STARTED", "Description": STARTING}
    assert aws("generate-credential-report") == {"State": "COMPLETE"}

    got = aws("get-credential-report")

    assert got["ReportFormat"] == "text/csv"
    assert base64.b64decode(got["Content"]).decode().startswith("user,arn,user_creation_time,")
