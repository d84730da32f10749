"""`aws sso login`'s services through boto3 against the live server: sso-oidc (RegisterClient,
StartDeviceAuthorization, CreateToken) and sso, the access portal's API for the bearer token
(ListAccounts, ListAccountRoles, GetRoleCredentials, Logout), each at its own endpoint as the CLI
reaches them (AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO), with AWS's errors. The portal user's
approval is the device page's service here (tests/e2e/test_sso_login_flow.py approves it in chromium).
Another organization's accounts and roles stay invisible to a token."""

import json
import urllib.request
from datetime import timedelta

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole.aws_api import rest_json
from identitycenter import tokens
from identitycenter.models import DeviceAuthorization, DirectoryUser, ProvisionedPermissionSet
from tests.accounts.factories import AccountFactory

from .conftest import NO_RETRIES, client, error_of
from .test_identity_center import READ_ONLY, Center

pytestmark = pytest.mark.django_db(transaction=True)

DEVICE = "urn:ietf:params:oauth:grant-type:device_code"


def unsigned(live_server, service, prefix):
    return boto3.client(
        service,
        endpoint_url=f"{live_server.url}/{prefix}",
        region_name="us-east-1",
        config=NO_RETRIES.merge(Config(signature_version=UNSIGNED)),
    )


class Login:
    """The organization of `Center` with dana assigned DeveloperAccess (ReadOnlyAccess) in its member
    account, and the two clients the CLI uses."""

    def __init__(self, live_server, account):
        self.center = Center(live_server, account)
        self.permission_set = self.center.permission_set("DeveloperAccess", SessionDuration="PT8H")
        self.center.sso.attach_managed_policy_to_permission_set(
            InstanceArn=self.center.instance_arn,
            PermissionSetArn=self.permission_set,
            ManagedPolicyArn=READ_ONLY,
        )
        self.user_id = self.center.user("dana")
        self.center.assign(self.permission_set, self.user_id)
        self.start_url = f"{live_server.url}/start/{self.center.store_id}/"
        self.oidc = unsigned(live_server, "sso-oidc", "sso-oidc")
        self.portal = unsigned(live_server, "sso", "sso")

    def register(self, **extra):
        return self.oidc.register_client(clientName="botocore-client-dev", clientType="public", **extra)

    def start(self, registered):
        return self.oidc.start_device_authorization(
            clientId=registered["clientId"], clientSecret=registered["clientSecret"], startUrl=self.start_url
        )

    def poll(self, registered, started):
        return self.oidc.create_token(
            clientId=registered["clientId"],
            clientSecret=registered["clientSecret"],
            grantType=DEVICE,
            deviceCode=started["deviceCode"],
        )

    def approve(self, started):
        user = DirectoryUser.objects.get(pk=self.user_id)
        tokens.device_approve(user=user, user_code=started["userCode"])

    def token(self):
        registered = self.register(grantTypes=[DEVICE, "refresh_token"])
        started = self.start(registered)
        self.approve(started)
        return self.poll(registered, started)["accessToken"]


def credentials_refused(portal, token, account_id, role_name="DeveloperAccess"):
    """The error code GetRoleCredentials answers."""
    error, _ = error_of(
        portal.get_role_credentials, accessToken=token, accountId=account_id, roleName=role_name
    )
    return error["Code"]


@pytest.fixture
def login(live_server, api_account):
    return Login(live_server, api_account)


# sso-oidc


def test_the_device_flow_pending_slow_down_then_the_token(login, live_server):
    registered = login.register(grantTypes=[DEVICE, "refresh_token"])
    assert registered["clientSecretExpiresAt"] - registered["clientIdIssuedAt"] == 90 * 24 * 3600
    started = login.start(registered)
    page = f"{live_server.url}/start/{login.center.store_id}/device"
    assert started["verificationUri"] == page
    assert started["verificationUriComplete"] == f"{page}?user_code={started['userCode']}"
    assert started["expiresIn"] == 600 and started["interval"] == 1
    error, status = error_of(login.poll, registered, started)
    assert (error["Code"], status) == ("AuthorizationPendingException", 400)
    error, _ = error_of(login.poll, registered, started)
    assert error["Code"] == "SlowDownException"
    login.approve(started)
    token = login.poll(registered, started)
    assert token["tokenType"] == "Bearer" and token["expiresIn"] == 8 * 3600
    assert token["accessToken"].startswith("aoa") and token["refreshToken"].startswith("aor")
    # A device code gives one token; the refresh token gives the next.
    error, _ = error_of(login.poll, registered, started)
    assert error["Code"] == "InvalidGrantException"
    renewed = login.oidc.create_token(
        clientId=registered["clientId"],
        clientSecret=registered["clientSecret"],
        grantType="refresh_token",
        refreshToken=token["refreshToken"],
    )
    assert login.portal.list_accounts(accessToken=renewed["accessToken"])["accountList"]


def test_oidc_errors_in_the_oauth_shape(login, live_server):
    registered = login.register()
    wrong = {**registered, "clientSecret": "wrong"}
    error, status = error_of(login.start, wrong)
    assert (error["Code"], status) == ("InvalidClientException", 401)
    raw = urllib.request.Request(
        f"{live_server.url}/sso-oidc/device_authorization",
        data=json.dumps({"clientId": "nobody", "clientSecret": "x", "startUrl": login.start_url}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(raw)
    assert caught.value.headers["x-amzn-ErrorType"] == "InvalidClientException"
    assert json.loads(caught.value.read())["error"] == "invalid_client"
    error, _ = error_of(
        login.oidc.start_device_authorization,
        clientId=registered["clientId"],
        clientSecret=registered["clientSecret"],
        startUrl=f"{live_server.url}/start/d-0000000000/",
    )
    assert error["Code"] == "InvalidRequestException"
    error, _ = error_of(login.oidc.register_client, clientName="x", clientType="confidential")
    assert error["Code"] == "InvalidClientMetadataException"
    started = login.start(registered)
    DeviceAuthorization.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    error, _ = error_of(login.poll, registered, started)
    assert error["Code"] == "ExpiredTokenException"
    error, _ = error_of(login.poll, registered, {"deviceCode": "nope"})
    assert error["Code"] == "InvalidGrantException"
    error, _ = error_of(
        login.oidc.create_token,
        clientId=registered["clientId"],
        clientSecret=registered["clientSecret"],
        grantType="password",
    )
    assert error["Code"] == "UnsupportedGrantTypeException"


def test_a_request_the_model_refuses_and_an_unknown_path(login, live_server):
    strict = boto3.client(
        "sso-oidc",
        endpoint_url=f"{live_server.url}/sso-oidc",
        region_name="us-east-1",
        config=NO_RETRIES.merge(Config(signature_version=UNSIGNED, parameter_validation=False)),
    )
    error, _ = error_of(strict.register_client, clientName="no type")
    assert error["Code"] == "InvalidRequestException"
    raw = urllib.request.Request(f"{live_server.url}/sso-oidc/nowhere", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(raw)
    assert caught.value.code == 404
    # The method is part of the route: GET on CreateToken's path names no operation.
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{live_server.url}/sso-oidc/token")
    assert caught.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    # max_result must be a number.
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{live_server.url}/sso/assignment/accounts?max_result=many")
    assert caught.value.headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert json.loads(caught.value.read()) == {"message": "Invalid value for MaxResultType"}
    raw = urllib.request.Request(f"{live_server.url}/sso-oidc/token", data=b"[1]", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(raw)
    assert caught.value.headers["x-amzn-ErrorType"] == "InvalidRequestException"


# sso


def test_accounts_roles_and_the_role_session_of_the_token(login, live_server):
    token = login.token()
    accounts = login.portal.list_accounts(accessToken=token)["accountList"]
    assert accounts == [
        {
            "accountId": login.center.member_id,
            "accountName": "Work",
            "emailAddress": f"member-{login.center.account.id}@example.com",
        }
    ]
    roles = login.portal.list_account_roles(accessToken=token, accountId=login.center.member_id)["roleList"]
    assert roles == [{"roleName": "DeveloperAccess", "accountId": login.center.member_id}]
    credentials = login.portal.get_role_credentials(
        accessToken=token, accountId=login.center.member_id, roleName="DeveloperAccess"
    )["roleCredentials"]
    expires_in = credentials["expiration"] / 1000 - timezone.now().timestamp()
    assert 8 * 3600 - 60 < expires_in <= 8 * 3600  # the permission set's session duration
    sts = client(
        live_server,
        credentials["accessKeyId"],
        credentials["secretAccessKey"],
        service="sts",
        session_token=credentials["sessionToken"],
    )
    arn = sts.get_caller_identity()["Arn"]
    assert arn.startswith(
        f"arn:aws:sts::{login.center.member_id}:assumed-role/AWSReservedSSO_DeveloperAccess_"
    )
    assert arn.endswith("/dana")
    federation = AuditEvent.objects.get(account_id=login.center.member_id, event_name="AssumeRoleWithSAML")
    assert federation.error_code == ""


def test_pages_of_accounts(login, live_server):
    token = login.token()
    second = login.center.orgs.create_account(Email="second@example.com", AccountName="Another")
    second_id = second["CreateAccountStatus"]["AccountId"]
    login.center.assign(login.permission_set, login.user_id, account_id=second_id)
    first = login.portal.list_accounts(accessToken=token, maxResults=1)
    assert [each["accountName"] for each in first["accountList"]] == ["Another"]
    rest = login.portal.list_accounts(accessToken=token, maxResults=1, nextToken=first["nextToken"])
    assert [each["accountName"] for each in rest["accountList"]] == ["Work"] and "nextToken" not in rest
    error, _ = error_of(login.portal.list_accounts, accessToken=token, nextToken="x")
    assert error["Code"] == "InvalidRequestException"


def test_sso_errors_and_logout(login):
    token = login.token()
    error, status = error_of(login.portal.list_accounts, accessToken="nope")
    assert (error["Code"], status, error["Message"]) == (
        "UnauthorizedException",
        401,
        "Session token not found or invalid",
    )
    error, status = error_of(
        login.portal.get_role_credentials,
        accessToken=token,
        accountId=login.center.member_id,
        roleName="Admin",
    )
    assert (error["Code"], status, error["Message"]) == ("ForbiddenException", 403, "No access")
    login.portal.logout(accessToken=token)
    error, _ = error_of(login.portal.list_accounts, accessToken=token)
    assert error["Code"] == "UnauthorizedException"
    error, _ = error_of(login.portal.logout, accessToken=token)
    assert error["Code"] == "UnauthorizedException"


def test_the_users_calls_are_in_the_management_accounts_event_history(login):
    token = login.token()
    login.portal.list_accounts(accessToken=token)
    credentials_refused(login.portal, token, login.center.member_id, role_name="Admin")
    login.portal.get_role_credentials(
        accessToken=token, accountId=login.center.member_id, roleName="DeveloperAccess"
    )
    login.portal.logout(accessToken=token)
    error_of(login.portal.list_accounts, accessToken=token)  # no user behind it: nothing to record
    events = AuditEvent.objects.filter(account=login.center.account, user_name="dana").order_by(
        "event_time", "id"
    )
    assert [(each.event_source, each.event_name, each.error_code) for each in events] == [
        ("sso-oauth.amazonaws.com", "CreateToken", ""),
        ("sso.amazonaws.com", "ListAccounts", ""),
        ("sso.amazonaws.com", "GetRoleCredentials", "ForbiddenException"),
        ("sso.amazonaws.com", "GetRoleCredentials", ""),  # once: the federation's record
        ("sso.amazonaws.com", "Logout", ""),
    ]
    assert [each.read_only for each in events if each.event_type == "AwsApiCall"] == [
        False,
        True,
        True,
        False,
    ]
    identity = events[1].user_identity
    assert identity["type"] == "Unknown" and identity["onBehalfOf"]["userId"] == login.user_id
    assert identity["onBehalfOf"]["identityStoreArn"].endswith(f"identitystore/{login.center.store_id}")
    assert events[2].request_parameters == {"accountId": login.center.member_id, "roleName": "Admin"}
    assert "accessToken" not in json.dumps([each.request_parameters for each in events])


def test_an_assignment_not_provisioned_yet_gives_no_credentials(login):
    token = login.token()
    assert login.portal.list_account_roles(accessToken=token, accountId=login.center.member_id)["roleList"]
    # The provisioned role is gone (as if provisioning had not run yet): the portal has no session to give.
    ProvisionedPermissionSet.objects.update(role=None)
    assert credentials_refused(login.portal, token, login.center.member_id) == "ForbiddenException"


def test_another_organizations_accounts_and_roles_are_invisible(login, live_server):
    token = login.token()
    other = Login(live_server, AccountFactory(name="Other", root_email="other@example.com"))
    other_token = other.token()
    assert [
        each["accountId"] for each in other.portal.list_accounts(accessToken=other_token)["accountList"]
    ] == [other.center.member_id]
    assert (
        other.portal.list_account_roles(accessToken=other_token, accountId=login.center.member_id)["roleList"]
        == []
    )
    assert credentials_refused(other.portal, other_token, login.center.member_id) == "ForbiddenException"
    # A user code of the first organization's device means nothing in the other's portal.
    registered = login.register()
    started = login.start(registered)
    stranger = DirectoryUser.objects.get(pk=other.user_id)
    with pytest.raises(tokens.UserCodeInvalid):
        tokens.device_approve(user=stranger, user_code=started["userCode"])
    assert (
        login.portal.list_accounts(accessToken=token)["accountList"][0]["accountId"] == login.center.member_id
    )


def test_a_bug_answers_internal_server_exception(login, monkeypatch, caplog):
    def broken(request, params):
        raise RuntimeError("a bug")

    monkeypatch.setitem(rest_json.HANDLERS["sso-oidc"], "RegisterClient", broken)
    error, status = error_of(login.register)
    assert (error["Code"], status) == ("InternalServerException", 500)
    assert "AWS API call failed: sso-oidc RegisterClient" in caplog.text
