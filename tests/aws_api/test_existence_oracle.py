"""An IAM user with no policy learns nothing from the API: every registered operation, called with
names and ARNs of entities that do not exist, answers AccessDenied (AWS authorizes a call before it
looks its entities up), never NoSuchEntity, which would tell a name apart from a taken one.

Each call is signed with the user's own key through Django's test client (no socket): botocore's Query
serializer encodes the operation's required members, filled with valid values from the model."""

import json
from urllib.parse import urlencode

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

from access.acting import Acting
from accounts.models import AuditEvent
from accounts.services.access_keys import access_key_create
from aws.model import service_model
from iamconsole.aws_api.iam import HANDLERS
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import AccountFactory, IAMUserFactory

pytestmark = pytest.mark.django_db

DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"


def _value(account_id, member, shape):
    """A valid value of `member` that names nothing in the account."""
    by_name = {
        "PolicyArn": f"arn:aws:iam::{account_id}:policy/nobody",
        "PermissionsBoundary": f"arn:aws:iam::{account_id}:policy/nobody",
        "OpenIDConnectProviderArn": f"arn:aws:iam::{account_id}:oidc-provider/nobody.example.com",
        "SAMLProviderArn": f"arn:aws:iam::{account_id}:saml-provider/nobody",
        "SerialNumber": f"arn:aws:iam::{account_id}:mfa/nobody",
        "PolicySourceArn": f"arn:aws:iam::{account_id}:user/nobody",
        "Arn": f"arn:aws:iam::{account_id}:user/nobody",
        "PolicyDocument": DOCUMENT,
        "AssumeRolePolicyDocument": TRUST,
        "AccessKeyId": "AKIAIOSFODNN7NOBODY1",
        "SSHPublicKeyId": "APKAIOSFODNN7NOBODY1",
        "CertificateId": "NOBODYNOBODYNOBODYNOBODYNOBODY00",
        "ServiceSpecificCredentialId": "ACCAIOSFODNN7NOBODY1",
        "VersionId": "v2",
        "AuthenticationCode1": "123456",
        "AuthenticationCode2": "654321",
        "AWSServiceName": "elasticbeanstalk.amazonaws.com",
        "CertificateBody": CERTIFICATE,
        "PrivateKey": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
        "SSHPublicKeyBody": "ssh-rsa AAAAB3NzaC1yc2E nobody",
        "SAMLMetadataDocument": "x" * 1000,
        "Url": "https://nobody.example.com",
        "Status": "Inactive",
        "ServiceName": "codecommit.amazonaws.com",
        "DeletionTaskId": f"task/aws-service-role/nobody/{account_id}",
        "JobId": "00000000-0000-0000-0000-000000000000",
        "OldPassword": "Old-Password-1!",
        "NewPassword": "New-Password-1!",
        "Password": "New-Password-1!",
    }
    if member in by_name:
        return by_name[member]
    if shape.type_name == "string":
        if shape.enum:
            return shape.enum[0]
        return "nobody"
    if shape.type_name in ("integer", "long"):
        return shape.metadata.get("min", 1)
    if shape.type_name == "boolean":
        return False
    if shape.type_name == "list":
        if member == "ClientIDList":
            return ["nobody"]
        if member == "ThumbprintList":
            return ["c" * 40]
        if member == "TagKeys":
            return ["team"]
        if member == "Tags":
            return [{"Key": "team", "Value": "blue"}]
        if member == "ActionNames":
            return ["iam:GetUser"]
        if member == "PolicyInputList":
            return [DOCUMENT]
        return [_value(account_id, member, shape.member)]
    if shape.type_name == "structure":
        return {name: _value(account_id, name, shape.members[name]) for name in shape.required_members}
    raise AssertionError(f"no value for {member} ({shape.type_name})")


def _call(client, key_id, secret, operation, params):
    body = urlencode(create_serializer("query").serialize_to_request(params, operation)["body"])
    request = AWSRequest(
        method="POST",
        url="http://testserver/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key_id, secret), "iam", "us-east-1").add_auth(request)
    headers = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in request.headers.items()
        if name.lower() not in ("content-type", "host")
    }
    response = client.post(
        "/",
        data=body,
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        HTTP_HOST="testserver",
        **headers,
    )
    return response


def _code(response):
    text = response.content.decode()
    start = text.find("<Code>")
    return text[start + 6 : text.find("</Code>")] if start >= 0 else "OK"


# Members the model leaves optional that IAM checks before it authorizes (ValidationError).
CHECKED_FIRST = {"CreateLoginProfile": {"Password": "New-Password-1!"}}


def _answers(client, account, statements):
    """{operation: the error code it answers (or "OK")} for every registered operation, called by a
    new user whose only policy holds `statements`."""
    user = IAMUserFactory(account=account, name="prober")
    root = Acting(account=account)
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": statements})
        inline_policy_put(name="probe", document=document, user=user, acting=root)
    key, secret = access_key_create(account=account, user=user, acting=root)
    service = service_model("iam")
    answers = {}
    for name in sorted(HANDLERS):
        operation = service.operation_model(name)
        shape = operation.input_shape
        params = {} if shape is None else _value(account.id, name, shape)
        params.update(CHECKED_FIRST.get(name, {}))
        answers[name] = _code(_call(client, key.access_key_id, secret, operation, params))
    return answers


def test_no_policy_user_learns_nothing_of_missing_entities(client):
    account = AccountFactory()
    answers = _answers(client, account, [])
    told = {name: code for name, code in answers.items() if code != "AccessDenied"}
    assert told == {}
    # Each refusal is in Event history, under the prober's key.
    refused = set(
        AuditEvent.objects.filter(account=account, error_code="AccessDenied").values_list(
            "event_name", flat=True
        )
    )
    assert refused == set(HANDLERS)


def test_a_caller_allowed_the_operation_is_told_the_entity_is_missing(client):
    """The check before NoSuchEntity refuses only whom the policies refuse: with iam:* nothing answers
    AccessDenied, and the calls on missing entities answer NoSuchEntity."""
    account = AccountFactory()
    answers = _answers(client, account, [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}])
    assert "AccessDenied" not in answers.values()
    # (the calls run in name order: CreateGroup's group is gone by GetGroup, DeleteGroup ran between)
    missing = [
        "GetGroup",
        "GetPolicyVersion",
        "GetServiceLinkedRoleDeletionStatus",
        "ListUserTags",
        "TagRole",
    ]
    assert {answers[name] for name in missing} == {"NoSuchEntity"}


def test_a_path_scoped_policy_is_checked_on_the_missing_name_under_the_root_path(client):
    """A policy on users under /team/ does not reach a name that does not exist (its ARN is under "/"),
    while the same call on a user under /team/ is decided on that user's own ARN."""
    account = AccountFactory()
    IAMUserFactory(account=account, name="alice", path="/team/")
    statements = [{"Effect": "Allow", "Action": "iam:AddUserToGroup", "Resource": "*"}]
    statements.append({"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/team/*"})
    answers = _answers(client, account, statements)
    assert answers["GetUser"] == "AccessDenied"  # "nobody" would be arn:…:user/nobody
    assert answers["AddUserToGroup"] == "NoSuchEntity"
