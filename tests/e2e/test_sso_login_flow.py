"""`aws sso login` against the server, as a person runs it: AWS CLI v2 with an SSO profile (an
sso-session naming the access portal's start URL) starts the device flow, dana approves the code in
chromium (the portal's sign-in, then the device page's "Allow access"), and the CLI's next call runs
as her permission set's role session: `aws sts get-caller-identity` shows
assumed-role/AWSReservedSSO_DeveloperAccess_…/dana. `aws sso logout` then ends the token."""

import json
import os
import re
import subprocess
import threading

import pytest
from playwright.sync_api import expect

from identitycenter.models import DirectoryUser
from tests.accounts.factories import AccountFactory
from tests.aws_api.test_sso_oidc import Login
from tests.awscli_v2 import aws_cli_v2
from tests.identitycenter.portal_helpers import PASSWORD, with_password

pytestmark = pytest.mark.django_db(transaction=True)


def aws_start_url(login):
    """The portal's start URL in AWS's form, as AWS CLI v2 requires it (https, an AWS-owned host); the
    CLI never opens it (the person opens the device flow's verification URL)."""
    return f"https://{login.center.store_id}.awsapps.com/start"


def cli_environment(tmp_path, live_server, login):
    config = tmp_path / "config"
    config.write_text(
        "[profile dev]\n"
        "sso_session = corp\n"
        f"sso_account_id = {login.center.member_id}\n"
        "sso_role_name = DeveloperAccess\n"
        "region = us-east-1\n"
        "output = json\n\n"
        "[sso-session corp]\n"
        f"sso_start_url = {aws_start_url(login)}\n"
        "sso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "DJANGO_"))}
    environment.update(
        HOME=str(tmp_path),  # the token cache: ~/.aws/sso/cache
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
        AWS_ENDPOINT_URL_SSO_OIDC=f"{live_server.url}/sso-oidc",
        AWS_ENDPOINT_URL_SSO=f"{live_server.url}/sso",
        AWS_PAGER="",
    )
    return environment


def run(aws, environment, *arguments):
    return subprocess.run(
        [str(aws), *arguments], env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def test_aws_sso_login_approved_in_the_portal_then_calls_as_the_role_session(
    page, screenshot, live_server, tmp_path
):
    aws = aws_cli_v2()
    login = Login(live_server, AccountFactory(name="Corp", root_email="corp@example.com"))
    with_password(DirectoryUser.objects.get(pk=login.user_id))
    environment = cli_environment(tmp_path, live_server, login)

    process = subprocess.Popen(
        [str(aws), "sso", "login", "--no-browser", "--use-device-code", "--profile", "dev"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, found = [], threading.Event()

    def read():  # the CLI polls CreateToken while the browser approves
        for line in process.stdout:
            output.append(line)
            if "user_code=" in line:
                found.set()
        found.set()  # the CLI ended without showing a code: its output says why

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(60), "".join(output)
        text = "".join(output)
        verification = re.search(r"(http://\S+/device)\?user_code=([A-Z]{4}-[A-Z]{4})", text)
        assert verification, text
        user_code = verification.group(2)
        assert f"\n{user_code}\n" in text  # the code shown to type, as AWS's CLI shows it

        # The portal's sign-in comes first, then its device page with the code filled in.
        page.goto(verification.group(0))
        page.get_by_label("Username").fill("dana")
        page.get_by_role("button", name="Next").click()
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Authorization requested")).to_be_visible()
        expect(page.get_by_label("Code")).to_have_value(user_code)
        screenshot("sso_device_code")
        page.get_by_role("button", name="Confirm and continue").click()
        expect(
            page.get_by_role("heading", name=re.compile(r"^Allow botocore-client-.* to access your data\?$"))
        ).to_be_visible()
        screenshot("sso_device_allow")
        page.get_by_role("button", name="Allow access").click()
        expect(page.get_by_role("heading", name="Request approved")).to_be_visible()
        screenshot("sso_device_approved")

        assert process.wait(60) == 0, "".join(output)
    finally:
        if process.poll() is None:
            process.kill()
        reader.join(5)
    assert f"Successfully logged into Start URL: {aws_start_url(login)}" in "".join(output)

    called = run(
        aws, environment, "sts", "get-caller-identity", "--profile", "dev", "--endpoint-url", live_server.url
    )
    assert called.returncode == 0, called.stderr
    identity = json.loads(called.stdout)
    assert identity["Account"] == login.center.member_id
    assert re.fullmatch(
        rf"arn:aws:sts::{login.center.member_id}:assumed-role/AWSReservedSSO_DeveloperAccess_[0-9a-f]{{16}}/dana",
        identity["Arn"],
    ), identity

    # ReadOnlyAccess reads IAM in the account, and refuses a write naming the reserved role.
    listed = run(aws, environment, "iam", "list-roles", "--profile", "dev", "--endpoint-url", live_server.url)
    assert listed.returncode == 0 and "AWSReservedSSO_DeveloperAccess_" in listed.stdout
    refused = run(
        aws,
        environment,
        "iam",
        "create-user",
        "--user-name",
        "x",
        "--profile",
        "dev",
        "--endpoint-url",
        live_server.url,
    )
    assert refused.returncode != 0 and "AccessDenied" in refused.stderr
    assert "assumed-role/AWSReservedSSO_DeveloperAccess_" in refused.stderr

    logged_out = run(aws, environment, "sso", "logout", "--profile", "dev")
    assert logged_out.returncode == 0, logged_out.stderr
    after = run(
        aws, environment, "sts", "get-caller-identity", "--profile", "dev", "--endpoint-url", live_server.url
    )
    assert after.returncode != 0
