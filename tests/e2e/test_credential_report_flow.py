"""In a real browser, as alice's root user: open Credential report from the navigation's Access reports,
choose Download credentials report, and read the downloaded CSV: AWS's columns, the root user first,
then the IAM users with their password and access key."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from access.acting import Acting
from accounts.models import LoginProfile
from accounts.services.access_keys import access_key_create
from tests.accounts.factories import AccountFactory, IAMUserFactory

from .test_event_history import _sign_in_as_root

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_credential_report_is_generated_and_downloaded(live_server, page, screenshot):
    account = AccountFactory(name="Alice's sandbox", root_email="alice@example.com")
    dana = IAMUserFactory(account=account, name="dana")
    LoginProfile.objects.create(user=dana, password="x")
    access_key_create(account=account, user=dana, acting=Acting(account=account))
    IAMUserFactory(account=account, name="erin")
    _sign_in_as_root(page, live_server, account)

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Identity and Access Management (IAM)").get_by_role(
        "link", name="Credential report"
    ).click()
    expect(page.get_by_role("heading", name="Credential report", level=1)).to_be_visible()
    expect(page.get_by_test_id("credential-report-status")).to_contain_text("No report has been generated")
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download credentials report").click()
    download = caught.value

    assert re.fullmatch(
        r"status_reports_\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d\+00_00\.csv", download.suggested_filename
    )
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["user", "arn", "user_creation_time", "password_enabled"] and len(rows[0]) == 22
    assert [row[0] for row in rows[1:]] == ["<root_account>", "dana", "erin"]
    assert rows[1][3] == "not_supported"
    assert (rows[2][3], rows[2][4], rows[2][8]) == ("true", "no_information", "true")
    assert (rows[3][3], rows[3][8]) == ("false", "false")

    page.reload()
    expect(page.get_by_test_id("credential-report-status")).to_contain_text("Report generated")
    screenshot("credential-report-01-generated")
