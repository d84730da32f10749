"""The JSON 1.1 protocol read from botocore's models without a server: the input's JSON types and
constraints, the output's timestamps as epoch seconds, and the error body."""

import datetime
import json

import pytest

from aws.model import service_model
from aws.organizations_errors import ConstraintViolationException
from iamconsole.aws_api.json_protocol import ValidationException, error_body, parse, response_body
from iamconsole.aws_api.protocol import ProtocolError


def operation(name):
    return service_model("organizations").operation_model(name)


def test_members_are_read_by_the_models_names_and_unknown_ones_dropped():
    body = json.dumps(
        {"ParentId": "r-abcd", "Name": "Prod", "Unknown": 1, "Tags": [{"Key": "k", "Value": "v"}]}
    )
    assert parse(operation("CreateOrganizationalUnit"), body.encode()) == {
        "ParentId": "r-abcd",
        "Name": "Prod",
        "Tags": [{"Key": "k", "Value": "v"}],
    }


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"MaxResults": "5"}', b'{"MaxResults": true}', b'{"NextToken": 5}', b"[]"],
)
def test_a_value_of_the_wrong_json_type_is_a_serialization_exception(body):
    with pytest.raises(ProtocolError) as caught:
        parse(operation("ListAccounts"), body)
    assert caught.value.code == "SerializationException"


def test_every_constraint_problem_is_named_in_the_default_validation_exception():
    with pytest.raises(ValidationException) as caught:
        parse(operation("CreateOrganizationalUnit"), b'{"ParentId": "root"}')
    assert caught.value.message == (
        "2 validation errors detected: Value 'root' at 'parentId' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: ^(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$; "
        "Value null at 'name' failed to satisfy constraint: Member must not be null"
    )


def test_timestamps_are_written_as_epoch_seconds_and_absent_members_left_out():
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    status = {"Id": "car-abcdefgh", "State": "SUCCEEDED", "RequestedTimestamp": moment, "AccountId": None}
    written = json.loads(
        response_body(operation("DescribeCreateAccountStatus"), {"CreateAccountStatus": status})
    )
    assert written == {
        "CreateAccountStatus": {
            "Id": "car-abcdefgh",
            "State": "SUCCEEDED",
            "RequestedTimestamp": moment.timestamp(),
        }
    }


def test_an_error_body_carries_its_type_message_and_reason():
    error = ConstraintViolationException("Too deep.", reason="OU_DEPTH_LIMIT_EXCEEDED")
    assert json.loads(error_body(error)) == {
        "__type": "ConstraintViolationException",
        "Message": "Too deep.",
        "Reason": "OU_DEPTH_LIMIT_EXCEEDED",
    }
