"""The IAM endpoint's wire, checked on the live server's socket rather than on the verifier alone: a
presigned GET, the 15-minute clock skew in IAM's words, temporary keys without their token, unknown
actions and versions, the raw XML (namespace, request ID, ISO 8601 dates, URL-encoded policy documents),
the request context the engine decides on, and the event each call leaves in Event history."""

import datetime
import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from access.acting import Acting
from accounts.models import AuditEvent, IAMUser, ServiceLastAccess, UserTag
from accounts.services.access_keys import access_key_create
from iamconsole.aws_api import iam as iam_handlers
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import IAMUserFactory
from tests.queries import sign_in

from .conftest import allow, client, error_of
from .conftest import client as client_for
from .test_sts import clients_of, mfa_device

pytestmark = pytest.mark.django_db(transaction=True)

NS = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/"}
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def send(request):
    """(status, headers, body) of a prepared botocore request sent over the socket."""
    prepared = request.prepare()
    sent = urllib.request.Request(
        prepared.url,
        data=(prepared.body.encode() if isinstance(prepared.body, str) else prepared.body) or None,
        headers=dict(prepared.headers),
        method=prepared.method,
    )
    try:
        with urllib.request.urlopen(sent) as answer:  # noqa: S310 — the live server on 127.0.0.1
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def signed_post(live_server, keys, body, *, at=None, service="iam"):
    """(status, headers, body) of a form POST to the site root signed with `keys` at `at` (now)."""
    request = AWSRequest(method="POST", url=live_server.url + "/", data=body, headers=dict(FORM))
    with mock.patch(
        "botocore.auth.get_current_datetime",
        return_value=(at or datetime.datetime.now(datetime.UTC)).replace(tzinfo=None),
    ):
        SigV4Auth(Credentials(*keys), service, "us-east-1").add_auth(request)
    return send(request)


def error_in(body):
    root = ET.fromstring(body)  # noqa: S314 — the server's own answer
    error = root.find("iam:Error", NS)
    return {child.tag.split("}")[1]: child.text for child in error}


def test_a_presigned_get_url_is_answered_like_a_signed_post(iam, live_server, root_keys):
    iam.create_user(UserName="presigned-reader")
    url = iam.generate_presigned_url(
        "list_users", Params={"PathPrefix": "/"}, ExpiresIn=300, HttpMethod="GET"
    )
    assert "X-Amz-Signature=" in url and "Action=ListUsers" in url
    status, headers, body = send(AWSRequest(method="GET", url=url))
    assert status == 200
    root = ET.fromstring(body)  # noqa: S314
    assert root.tag == "{https://iam.amazonaws.com/doc/2010-05-08/}ListUsersResponse"
    names = [name.text for name in root.iterfind(".//iam:Users/iam:member/iam:UserName", NS)]
    assert names == ["presigned-reader"]
    assert root.find("iam:ResponseMetadata/iam:RequestId", NS).text == headers["x-amzn-RequestId"]

    # The query is what was signed: another action in the same URL is refused.
    tampered = url.replace("Action=ListUsers", "Action=ListRoles")
    status, _, body = send(AWSRequest(method="GET", url=tampered))
    assert status == 403 and error_in(body)["Code"] == "SignatureDoesNotMatch"


def test_a_signature_more_than_fifteen_minutes_off_is_answered_in_iams_words(iam, live_server, root_keys):
    body = "Action=CreateUser&Version=2010-05-08&UserName=late"
    now = datetime.datetime.now(datetime.UTC)
    status, _, answer = signed_post(live_server, root_keys, body, at=now - datetime.timedelta(minutes=20))
    error = error_in(answer)
    assert (status, error["Type"], error["Code"]) == (403, "Sender", "SignatureDoesNotMatch")
    signed_at = (now - datetime.timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")
    assert re.fullmatch(
        rf"Signature expired: {signed_at} is now earlier than \d{{8}}T\d{{6}}Z \(\d{{8}}T\d{{6}}Z - 15 min\.\)",
        error["Message"],
    )
    status, _, answer = signed_post(live_server, root_keys, body, at=now + datetime.timedelta(minutes=20))
    error = error_in(answer)
    assert (status, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert re.fullmatch(
        r"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z "
        r"\(\d{8}T\d{6}Z \+ 15 min\.\)",
        error["Message"],
    )
    assert not iam.list_users()["Users"]  # neither created anything
    # Within the window the same call goes through.
    status, _, _ = signed_post(live_server, root_keys, body, at=now - datetime.timedelta(minutes=10))
    assert status == 200 and [u["UserName"] for u in iam.list_users()["Users"]] == ["late"]


def test_temporary_keys_without_their_session_token_are_an_invalid_token(live_server, root_keys):
    sts = client(live_server, *root_keys, service="sts")
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    keys = (credentials["AccessKeyId"], credentials["SecretAccessKey"])
    for call in (
        client(live_server, *keys, service="sts").get_caller_identity,
        client(live_server, *keys).list_users,
    ):
        error, status = error_of(call)
        assert (error["Code"], error["Message"], status) == (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            403,
        )
    # Another session's token does not do either.
    other = sts.get_session_token(DurationSeconds=900)["Credentials"]
    wrong = client(live_server, *keys, service="sts", session_token=other["SessionToken"])
    assert error_of(wrong.get_caller_identity)[0]["Code"] == "InvalidClientTokenId"
    right = client(live_server, *keys, service="sts", session_token=credentials["SessionToken"])
    assert right.get_caller_identity()["Arn"].endswith(":root")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Action=ListUsersPlease&Version=2010-05-08",
            "Could not find operation ListUsersPlease for version 2010-05-08",
        ),
        ("Action=ListUsers&Version=2011-06-15", "Could not find operation ListUsers for version 2011-06-15"),
        ("Action=ListUsers", "Could not find operation ListUsers for version NO_VERSION_SPECIFIED"),
    ],
)
def test_an_unknown_action_or_version_is_an_invalid_action(live_server, root_keys, body, message):
    status, headers, answer = signed_post(live_server, root_keys, body)
    error = error_in(answer)
    assert (status, error["Type"], error["Code"], error["Message"]) == (
        400,
        "Sender",
        "InvalidAction",
        message,
    )
    root = ET.fromstring(answer)  # noqa: S314
    assert root.find("iam:RequestId", NS).text == headers["x-amzn-RequestId"]


def test_answers_are_iams_xml_with_iso_dates_and_url_encoded_policy_documents(iam, live_server, root_keys):
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=json.dumps(trust))
    inline = {"Version": "2012-10-17", "Statement": [allow("s3:GetObject", resource="arn:aws:s3:::a b/*")]}
    iam.put_role_policy(RoleName="web", PolicyName="read", PolicyDocument=json.dumps(inline))

    status, headers, body = signed_post(
        live_server, root_keys, "Action=GetRolePolicy&Version=2010-05-08&RoleName=web&PolicyName=read"
    )
    assert status == 200 and headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(body)  # noqa: S314
    assert root.tag == "{https://iam.amazonaws.com/doc/2010-05-08/}GetRolePolicyResponse"
    written = root.find("iam:GetRolePolicyResult/iam:PolicyDocument", NS).text
    assert written.startswith("%7B") and " " not in written  # IAM returns it URL-encoded
    assert json.loads(urllib.parse.unquote(written)) == inline
    assert root.find("iam:ResponseMetadata/iam:RequestId", NS).text == headers["x-amzn-RequestId"]

    _, _, body = signed_post(live_server, root_keys, "Action=GetRole&Version=2010-05-08&RoleName=web")
    role = ET.fromstring(body).find("iam:GetRoleResult/iam:Role", NS)  # noqa: S314
    assert ISO_8601.match(role.find("iam:CreateDate", NS).text)
    assert json.loads(urllib.parse.unquote(role.find("iam:AssumeRolePolicyDocument", NS).text)) == trust


def test_the_request_context_reaches_the_engine(live_server, api_account):
    """Source IP, secure transport, user agent, requested region and MFA, as a policy's conditions
    read them: the live server is plain HTTP on 127.0.0.1."""
    user = IAMUserFactory(account=api_account, name="ctx")
    statements = [
        {
            "Effect": "Allow",
            "Action": "iam:ListRoles",
            "Resource": "*",
            "Condition": {
                "Bool": {"aws:SecureTransport": "false"},
                "IpAddress": {"aws:SourceIp": "127.0.0.1/32"},
                "StringLike": {"aws:UserAgent": "*ctx-marker*"},
                "StringEquals": {"aws:RequestedRegion": "eu-west-1"},
            },
        },
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "iam:ListUsers",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Effect": "Allow",
            "Action": "iam:ListGroups",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
        {
            "Effect": "Allow",
            "Action": "iam:ListPolicies",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        },
    ]
    root = Acting(account=api_account)
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    inline_policy_put(name="context", document=document, user=user, acting=root)
    key, secret = access_key_create(account=api_account, user=user, acting=root)

    marked = client(live_server, key.access_key_id, secret, region="eu-west-1", user_agent_extra="ctx-marker")
    assert marked.list_roles()["Roles"] == []
    for refused in (
        client(live_server, key.access_key_id, secret, region="eu-west-1"),  # no marker in the agent
        client(live_server, key.access_key_id, secret, user_agent_extra="ctx-marker"),  # us-east-1
    ):
        assert error_of(refused.list_roles)[0]["Code"] == "AccessDenied"
    error, _ = error_of(marked.list_users)
    assert error["Message"] == (
        f"User: {user.arn} is not authorized to perform: iam:ListUsers on resource: "
        f"arn:aws:iam::{api_account.id}:user/ with an explicit deny in an identity-based policy"
    )
    assert error_of(marked.list_groups)[0]["Code"] == "AccessDenied"  # not from 10.0.0.0/8
    assert error_of(marked.list_policies)[0]["Code"] == "AccessDenied"  # long-term keys: no MFA
    # A session got with an MFA code carries it: the same user's policy now allows the call.
    serial, code = mfa_device(user, "ctx-phone")
    sts = client(live_server, key.access_key_id, secret, service="sts")
    with_mfa = sts.get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
    _, mfa_iam = clients_of(live_server, with_mfa)
    assert mfa_iam.list_policies(Scope="Local")["Policies"] == []
    event = AuditEvent.objects.filter(event_name="ListRoles", error_code="").get()
    assert (event.source_ip_address, event.aws_region) == ("127.0.0.1", "eu-west-1")
    assert "ctx-marker" in event.user_agent


def test_each_call_is_an_iam_event_with_its_key_agent_and_parameters_secrets_hidden(
    iam, live_server, root_keys
):
    iam.create_user(UserName="pat")
    made = iam.create_access_key(UserName="pat")["AccessKey"]
    change = {"Version": "2012-10-17", "Statement": [allow("iam:ChangePassword", resource="*")]}
    iam.put_user_policy(UserName="pat", PolicyName="change", PolicyDocument=json.dumps(change))
    iam.create_login_profile(UserName="pat", Password="First-Passw0rd!", PasswordResetRequired=False)
    own = client(live_server, made["AccessKeyId"], made["SecretAccessKey"])
    own.change_password(OldPassword="First-Passw0rd!", NewPassword="Second-Passw0rd!")
    error_of(own.create_user, UserName="nope")

    created = AuditEvent.objects.get(event_name="CreateLoginProfile")
    assert created.event_source == "iam.amazonaws.com"
    assert created.user_identity["type"] == "Root"
    assert created.user_identity["accessKeyId"] == root_keys[0]
    assert created.user_agent.startswith("Boto3/") and created.source_ip_address == "127.0.0.1"
    assert created.request_parameters == {
        "userName": "pat",
        "password": "HIDDEN_DUE_TO_SECURITY_REASONS",
        "passwordResetRequired": False,
    }
    assert "First-Passw0rd!" not in json.dumps(created.response_elements)

    changed = AuditEvent.objects.get(event_name="ChangePassword")
    assert changed.error_code == "" and changed.event_source == "iam.amazonaws.com"
    assert changed.user_identity["accessKeyId"] == made["AccessKeyId"]
    assert set(changed.request_parameters.values()) <= {"HIDDEN_DUE_TO_SECURITY_REASONS"}
    refused = AuditEvent.objects.get(event_name="CreateUser", error_code="AccessDenied")
    assert refused.user_identity["accessKeyId"] == made["AccessKeyId"]
    assert refused.request_parameters["userName"] == "nope"

    recorded = json.dumps([(e.request_parameters, e.response_elements) for e in AuditEvent.objects.all()])
    assert made["SecretAccessKey"] not in recorded and "Passw0rd" not in recorded


def test_a_deleted_key_is_an_invalid_token_and_a_wrong_secret_a_signature_mismatch(iam, live_server):
    iam.create_user(UserName="gone")
    made = iam.create_access_key(UserName="gone")["AccessKey"]
    wrong = client(live_server, made["AccessKeyId"], made["SecretAccessKey"][::-1])
    error, status = error_of(wrong.get_user)
    assert (error["Code"], error["Type"], status) == ("SignatureDoesNotMatch", "Sender", 403)
    assert error["Message"] == (
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret Access Key and signing method. Consult the service documentation for details."
    )
    iam.delete_access_key(UserName="gone", AccessKeyId=made["AccessKeyId"])
    own = client(live_server, made["AccessKeyId"], made["SecretAccessKey"])
    error, status = error_of(own.get_user)
    assert (error["Code"], error["Message"], status) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
    )


def test_a_bug_answers_service_failure_as_the_receivers_fault(iam, monkeypatch, caplog):
    def broken(acting, params):
        raise RuntimeError("a bug")

    monkeypatch.setitem(iam_handlers.HANDLERS, "ListUsers", broken)
    error, status = error_of(iam.list_users)
    assert (error["Code"], error["Type"], status) == ("ServiceFailure", "Receiver", 500)
    assert "a bug" not in error["Message"]  # nothing of the server's insides
    assert "AWS API call failed: ListUsers" in caplog.text
    assert iam.list_roles()["Roles"] == []  # the others still answer


def test_a_refusal_on_the_wire_is_the_very_message_the_console_shows(client, live_server, api_account):
    user = IAMUserFactory(account=api_account, name="bob")
    key, secret = access_key_create(account=api_account, user=user, acting=Acting(account=api_account))
    error, status = error_of(
        client_for(live_server, key.access_key_id, secret).create_group, GroupName="admins"
    )
    assert (error["Code"], status) == ("AccessDenied", 403)
    page = sign_in(client, api_account, user).post("/groups/create/", {"name": "admins"})
    assert page.status_code == 422
    assert html.escape(error["Message"], quote=False) in page.content.decode()
    assert error["Message"].startswith(f"User: {user.arn} is not authorized to perform: iam:CreateGroup")


def test_a_call_failing_after_authentication_is_one_event_with_its_error_and_nothing_else(
    iam, live_server, root_keys, api_account
):
    error, status = error_of(iam.get_user, UserName="nobody")
    assert (error["Code"], status) == ("NoSuchEntity", 404)
    failed = AuditEvent.objects.get(event_name="GetUser")
    assert (failed.error_code, failed.error_message) == (
        "NoSuchEntity",
        "The user with name nobody cannot be found.",
    )
    assert failed.event_source == "iam.amazonaws.com" and failed.read_only
    assert failed.user_identity["type"] == "Root" and failed.user_identity["accessKeyId"] == root_keys[0]
    assert failed.user_agent.startswith("Boto3/") and failed.source_ip_address == "127.0.0.1"
    assert (failed.aws_region, failed.account_id) == ("us-east-1", api_account.id)
    assert failed.request_parameters == {"userName": "nobody"}
    assert list(failed.resources.values_list("name", flat=True)) == ["nobody"]

    # A secret in a failed call's parameters is hidden as in any other.
    error, _ = error_of(iam.create_login_profile, UserName="nobody", Password="Secret-Passw0rd!")
    assert error["Code"] == "NoSuchEntity"
    profile = AuditEvent.objects.get(event_name="CreateLoginProfile")
    assert profile.error_code == "NoSuchEntity" and not profile.read_only
    assert profile.request_parameters["password"] == "HIDDEN_DUE_TO_SECURITY_REASONS"


def test_a_create_of_a_name_taken_is_one_event_and_changes_nothing(iam, api_account):
    iam.create_user(UserName="alice", Path="/first/")
    before = AuditEvent.objects.count()
    error, status = error_of(iam.create_user, UserName="alice", Tags=[{"Key": "team", "Value": "red"}])
    assert (error["Code"], status) == ("EntityAlreadyExists", 409)
    assert AuditEvent.objects.count() == before + 1  # the failed call's event, once
    failed = AuditEvent.objects.get(event_name="CreateUser", error_code="EntityAlreadyExists")
    assert failed.error_message == "User with name alice already exists."
    assert failed.request_parameters["userName"] == "alice"
    user = iam.get_user(UserName="alice")["User"]
    assert user["Path"] == "/first/" and "Tags" not in user

    # A create refused half-way (its boundary does not exist) leaves its event only: no user, no tags.
    missing = "arn:aws:iam::aws:policy/NoSuchBoundary"
    error, _ = error_of(
        iam.create_user, UserName="carol", PermissionsBoundary=missing, Tags=[{"Key": "team", "Value": "red"}]
    )
    failed = AuditEvent.objects.get(event_name="CreateUser", request_parameters__userName="carol")
    assert (failed.error_code, failed.error_message) == (error["Code"], error["Message"])
    assert failed.error_code and not IAMUser.objects.filter(name="carol").exists()
    assert not UserTag.objects.filter(key="team").exists()


def test_a_call_with_a_key_nobody_has_is_not_recorded(live_server, api_account):
    stranger = client(live_server, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert error_of(stranger.get_user, UserName="nobody")[0]["Code"] == "InvalidClientTokenId"
    assert not AuditEvent.objects.exists()


def test_an_organizations_call_failing_after_authentication_is_recorded(live_server, root_keys, api_account):
    organizations = client(live_server, *root_keys, service="organizations")
    error, _ = error_of(organizations.create_organizational_unit, ParentId="r-abcd", Name="team")
    failed = AuditEvent.objects.get(event_name="CreateOrganizationalUnit")
    assert failed.event_source == "organizations.amazonaws.com"
    assert (failed.error_code, failed.error_message) == (error["Code"], error["Message"])
    assert failed.request_parameters == {"parentId": "r-abcd", "name": "team"}


def test_a_users_failed_call_counts_as_an_attempt_in_last_accessed(iam_as):
    """Access Advisor reports when an authenticated entity last attempted a service: a call allowed but
    failing is an attempt."""
    caller, user = iam_as([allow("iam:GetRole")])
    assert error_of(caller.get_role, RoleName="nobody")[0]["Code"] == "NoSuchEntity"
    failed = AuditEvent.objects.get(event_name="GetRole")
    assert (failed.error_code, failed.principal_id) == ("NoSuchEntity", user.user_id)
    assert ServiceLastAccess.objects.filter(principal_id=user.user_id, event_name="GetRole").exists()


def test_a_request_the_model_rejects_is_recorded_with_its_validation_error(iam_unvalidated):
    error, status = error_of(iam_unvalidated.create_user, UserName="no spaces allowed", Path="/")
    assert (error["Code"], status) == ("ValidationError", 400)
    failed = AuditEvent.objects.get(event_name="CreateUser")
    assert (failed.error_code, failed.error_message) == ("ValidationError", error["Message"])
    assert failed.request_parameters == {"userName": "no spaces allowed", "path": "/"}
    assert not AuditEvent.objects.exclude(pk=failed.pk).filter(event_name="CreateUser").exists()
