"""An IAM user with no policy learns nothing from sso-admin and identitystore: every registered
operation, called with the instance, permission set, identity store, user and group of its own
organization or with ones that do not exist, answers AccessDeniedException (AWS authorizes a call
before it looks anything up), never ResourceNotFoundException, which would tell them apart.

Each call is signed with the user's own key through Django's test client (no socket): botocore's JSON
serializer encodes the operation's required members, filled from the model."""

import json

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

from access.acting import Acting
from accounts.models import AuditEvent
from accounts.services.access_keys import access_key_create
from aws.model import service_model
from iamconsole.aws_api import identitystore, sso_admin
from identitycenter import services
from organizations import services as organizations_services
from policies.services.permissions import inline_policy_put
from tests.accounts.factories import AccountFactory, IAMUserFactory
from tests.identitycenter.portal_helpers import directory_user

pytestmark = pytest.mark.django_db

SERVICES = [
    ("sso-admin", "sso", sso_admin.HANDLERS),
    ("identitystore", "identitystore", identitystore.HANDLERS),
]
MISSING = {
    "InstanceArn": "arn:aws:sso:::instance/ssoins-0000000000000000",
    "PermissionSetArn": "arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000000",
    "IdentityStoreId": "d-0000000000",
    "UserId": "00000000-0000-0000-0000-000000000000",
    "GroupId": "00000000-0000-0000-0000-000000000001",
    "MembershipId": "00000000-0000-0000-0000-000000000002",
    "PrincipalId": "00000000-0000-0000-0000-000000000000",
}


def _value(named, member, shape):
    """A valid value of `member`: the entity `named` gives for it, else one from the model."""
    if member in named:
        return named[member]
    by_name = {
        "ResourceArn": named["PermissionSetArn"],
        "ManagedPolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "InlinePolicy": json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
        "TargetId": "111122223333",
        "AccountId": "111122223333",
        "AttributePath": "DisplayName",
        "AttributeValue": "nobody",
        "AccountAssignmentCreationRequestId": "00000000-0000-0000-0000-000000000003",
        "AccountAssignmentDeletionRequestId": "00000000-0000-0000-0000-000000000003",
        "ProvisionPermissionSetRequestId": "00000000-0000-0000-0000-000000000003",
        "GroupIds": [named["GroupId"]],
        "TagKeys": ["team"],
        "Tags": [{"Key": "team", "Value": "blue"}],
    }
    if member in by_name:
        return by_name[member]
    kind = shape.type_name
    if kind == "string":
        return shape.enum[0] if shape.enum else "nobody"
    if kind in ("integer", "long"):
        return shape.metadata.get("min", 1)
    if kind == "list":
        return [_value(named, member, shape.member)]
    if kind == "structure":
        if member == "AlternateIdentifier":
            return {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "nobody"}}
        if member == "MemberId":
            return {"UserId": named["UserId"]}
        if member == "Operations":
            return {"AttributePath": "displayName", "AttributeValue": "nobody"}
        required = shape.required_members or list(shape.members)[:1]
        return {name: _value(named, name, shape.members[name]) for name in required}
    raise AssertionError(f"no value for {member} ({kind})")


def _call(client, key_id, secret, model_name, signing_name, name, params):
    operation = service_model(model_name).operation_model(name)
    serialized = create_serializer("json").serialize_to_request(params, operation)
    headers = {
        "Content-Type": serialized["headers"]["Content-Type"],
        "X-Amz-Target": serialized["headers"]["X-Amz-Target"],
    }
    request = AWSRequest(method="POST", url="http://testserver/", data=serialized["body"], headers=headers)
    SigV4Auth(Credentials(key_id, secret), signing_name, "us-east-1").add_auth(request)
    meta = {
        f"HTTP_{header.upper().replace('-', '_')}": value
        for header, value in request.headers.items()
        if header.lower() not in ("content-type", "host")
    }
    response = client.post(
        "/", data=serialized["body"], content_type=headers["Content-Type"], HTTP_HOST="testserver", **meta
    )
    return json.loads(response.content).get("__type", "OK")


@pytest.fixture
def center(db):
    """An account managing an organization with an instance, a permission set, a user, a group."""
    account = AccountFactory()
    root = Acting(account=account)
    organization = organizations_services.organization_create(acting=root)
    instance = services.instance_create(organization=organization, name="main", acting=root)
    permission_set = services.permission_set_create(instance=instance, name="Existing", acting=root)
    user = directory_user(instance, "dana", acting=root)
    group = services.group_create(instance=instance, display_name="developers", acting=root)
    membership = services.membership_create(group=group, user=user, acting=root)
    named = {
        "InstanceArn": instance.arn,
        "PermissionSetArn": permission_set.arn,
        "IdentityStoreId": instance.identity_store_id,
        "UserId": user.id,
        "GroupId": group.id,
        "MembershipId": membership.id,
        "PrincipalId": user.id,
    }
    return account, named


def _answers(client, account, named, statements):
    """{(service, operation): the error code it answers (or "OK")}, each operation called by a new
    user whose only policy holds `statements`."""
    user = IAMUserFactory(account=account, name=f"prober{IAMUserFactory._meta.model.objects.count()}")
    root = Acting(account=account)
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": statements})
        inline_policy_put(name="probe", document=document, user=user, acting=root)
    key, secret = access_key_create(account=account, user=user, acting=root)
    answers = {}
    for model_name, signing_name, handlers in SERVICES:
        model = service_model(model_name)
        for name in sorted(handlers):
            shape = model.operation_model(name).input_shape
            params = {
                member: _value(named, member, shape.members[member]) for member in shape.required_members
            }
            answers[model_name, name] = _call(
                client, key.access_key_id, secret, model_name, signing_name, name, params
            )
    return answers


@pytest.mark.parametrize("which", ["missing", "existing"])
def test_a_caller_without_permission_is_refused_alike_whether_the_thing_exists(client, center, which):
    account, existing = center
    named = MISSING if which == "missing" else existing
    answers = _answers(client, account, named, [])
    told = {call: code for call, code in answers.items() if code != "AccessDeniedException"}
    assert told == {}
    refused = AuditEvent.objects.filter(account=account, error_code="AccessDenied")
    assert set(refused.values_list("event_source", "event_name")) == {
        ("sso.amazonaws.com" if model == "sso-admin" else "identitystore.amazonaws.com", name)
        for model, name in answers
    }


def test_a_caller_allowed_the_operations_is_told_what_is_missing(client, center):
    """The check before the lookup refuses only whom the policies refuse: with sso:* and
    identitystore:*, nothing answers AccessDeniedException and the missing things are not found."""
    account, _ = center
    statements = [{"Effect": "Allow", "Action": ["sso:*", "identitystore:*"], "Resource": "*"}]
    answers = _answers(client, account, MISSING, statements)
    assert "AccessDeniedException" not in answers.values()
    for call in [
        ("sso-admin", "DescribeInstance"),
        ("sso-admin", "DescribePermissionSet"),
        ("sso-admin", "DeletePermissionSet"),
        ("identitystore", "DescribeUser"),
        ("identitystore", "DeleteGroup"),
    ]:
        assert answers[call] == "ResourceNotFoundException", call


def test_a_policy_on_one_permission_set_is_decided_on_the_arn_the_request_names(client, center):
    """Allowed DescribePermissionSet on one permission set ARN only: that one is described; another
    ARN, existing or not, is refused before it is looked up."""
    account, existing = center
    statements = [
        {"Effect": "Allow", "Action": "sso:DescribePermissionSet", "Resource": existing["PermissionSetArn"]}
    ]
    mine = _answers(client, account, existing, statements)
    assert mine["sso-admin", "DescribePermissionSet"] == "OK"
    assert mine["sso-admin", "DeletePermissionSet"] == "AccessDeniedException"
    others = _answers(client, account, MISSING, statements)
    assert others["sso-admin", "DescribePermissionSet"] == "AccessDeniedException"
