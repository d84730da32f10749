"""The Credential report page: its Download credentials report button generates the report when none
is younger than four hours and downloads it; who may do which."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessKey, AuditEvent, CredentialReport, IAMUser, LoginProfile, MFADevice
from accounts.views.reports import IN_PROGRESS
from tests.grants import grant, statement

from .factories import IAMUserFactory

PAGE = reverse("accounts:credential_report")
DOWNLOAD = reverse("accounts:credential_report_download")


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_page_offers_the_download_and_says_the_four_hour_rule(root_client):
    response = root_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Download credentials report" in html
    assert "After a report is created, it is stored for up to four hours." in html
    assert "No report has been generated in the last four hours." in html
    assert 'href="/credential-report/" class="active"' in html  # under Access reports in the navigation


@pytest.mark.django_db(transaction=True)
def test_download_generates_the_report_then_downloads_the_same_one_for_four_hours(root_client, account):
    IAMUserFactory(account=account, name="bob")

    response = root_client.post(DOWNLOAD)

    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    report = CredentialReport.objects.get(account=account)
    stamp = report.generated_at.strftime("%Y-%m-%dT%H_%M_%S")
    assert response["Content-Disposition"] == f'attachment; filename="status_reports_{stamp}+00_00.csv"'
    assert [row["user"] for row in _csv(response)] == ["<root_account>", "bob"]
    assert response.content.decode() == report.content

    IAMUserFactory(account=account, name="carol")
    again = root_client.post(DOWNLOAD)

    assert again.content == response.content  # the same report, not generated again
    assert AuditEvent.objects.filter(event_name="GenerateCredentialReport").count() == 1
    page = root_client.get(PAGE).content.decode()
    assert "Report generated" in page and report.generated_at.strftime("%H:%M:%S") in page

    CredentialReport.objects.filter(account=account).update(
        generated_at=timezone.now() - timedelta(hours=4, seconds=1)
    )
    renewed = root_client.post(DOWNLOAD)
    assert [row["user"] for row in _csv(renewed)] == ["<root_account>", "bob", "carol"]


def test_while_a_worker_builds_the_report_the_page_says_so(
    root_client, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = root_client.post(DOWNLOAD)

    assert response.status_code == 200
    assert IN_PROGRESS in response.content.decode()
    assert len(callbacks) == 1
    assert CredentialReport.objects.get(account=account).state == CredentialReport.State.STARTED


def test_a_user_without_a_policy_is_refused_the_page_and_the_download(client, account, sign_in_as):
    sign_in_as(client, account, IAMUserFactory(account=account, name="nobody"))

    for response in (client.get(PAGE), client.post(DOWNLOAD)):
        assert response.status_code == 403
        assert "iam:GetCredentialReport" in response.content.decode()
    assert not CredentialReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_reader_downloads_a_fresh_report_but_may_not_generate_one(client, account, sign_in_as):
    reader = IAMUserFactory(account=account, name="reader")
    grant(statement("iam:GetCredentialReport"), user=reader)
    sign_in_as(client, account, reader)

    refused = client.post(DOWNLOAD)

    assert refused.status_code == 403
    assert "is not authorized to perform: iam:GenerateCredentialReport" in refused.content.decode()
    assert not CredentialReport.objects.exists()

    sign_in_as(client, account).post(DOWNLOAD)  # the root user generates it
    sign_in_as(client, account, reader)
    downloaded = client.post(DOWNLOAD)

    assert downloaded.status_code == 200
    assert "reader" in [row["user"] for row in _csv(downloaded)]


def _users(account, start, stop):
    """Users `start`..`stop`, each with a console password, two access keys and an MFA device."""
    users = IAMUser.objects.bulk_create(
        [IAMUser(account=account, name=f"user-{index:05d}") for index in range(start, stop)]
    )
    LoginProfile.objects.bulk_create([LoginProfile(user=user, password="x") for user in users])
    AccessKey.objects.bulk_create(
        AccessKey(
            account=account, user=user, access_key_id=f"AKIA{suffix}{user.pk:015d}", secret_encrypted="x"
        )
        for user in users
        for suffix in ("A", "B")
    )
    MFADevice.objects.bulk_create(
        MFADevice(account=account, user=user, name=user.name, seed_encrypted="x", enabled_at=timezone.now())
        for user in users
    )


def _expire(account):
    CredentialReport.objects.filter(account=account).update(
        generated_at=timezone.now() - timedelta(hours=4, seconds=1)
    )


def _counted(client, method, url):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db(transaction=True)
def test_generating_downloading_and_the_page_take_as_many_queries_at_5000_users_as_at_50(
    root_client, account
):
    _users(account, 0, 50)
    root_client.post(DOWNLOAD)  # the first report; the ones measured replace an expired one
    _expire(account)
    generated_few, response = _counted(root_client, "post", DOWNLOAD)
    assert len(_csv(response)) == 51
    downloaded_few, _response = _counted(root_client, "post", DOWNLOAD)
    page_few, _response = _counted(root_client, "get", PAGE)

    _users(account, 50, 5000)
    _expire(account)
    generated_many, response = _counted(root_client, "post", DOWNLOAD)
    rows = _csv(response)
    downloaded_many, _response = _counted(root_client, "post", DOWNLOAD)
    page_many, _response = _counted(root_client, "get", PAGE)

    assert len(rows) == 5001
    assert (rows[-1]["user"], rows[-1]["mfa_active"], rows[-1]["access_key_2_active"]) == (
        "user-04999",
        "true",
        "true",
    )
    assert (generated_many, downloaded_many, page_many) == (generated_few, downloaded_few, page_few)
