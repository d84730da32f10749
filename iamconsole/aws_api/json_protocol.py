"""AWS's JSON 1.1 protocol, driven by botocore's service models: `POST /` with
`Content-Type: application/x-amz-json-1.1` and `X-Amz-Target: <targetPrefix>.<Operation>`, the input a
JSON object of the input shape's members, checked against the shape's constraints; the output the
output shape's members as JSON (timestamps as epoch seconds), errors as `{"__type", "Message"}`."""

import base64
import datetime
import json

from aws.errors import AWSError
from iamconsole.aws_api.protocol import ProtocolError, problems

CONTENT_TYPE = "application/x-amz-json-1.1"

# Python's type of each scalar shape's JSON value (bool is an int: checked apart).
_JSON_TYPES = {
    "string": str,
    "integer": int,
    "long": int,
    "boolean": bool,
    "structure": dict,
    "map": dict,
    "list": list,
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float),
    "blob": str,
}


class ValidationException(AWSError):
    """The JSON services' constraint error (the Query protocol's ValidationError)."""

    code = "ValidationException"
    status = 400
    sender_fault = True


def _serialization_error(shape, value):
    # AWS's (Coral's) words for a value of the wrong JSON type are not documented: unconfirmed.
    return ProtocolError(
        "SerializationException", f"Expected {shape.type_name} but found {type(value).__name__}."
    )


def _typed(shape, value):
    """`value` checked against the JSON type of `shape` (unknown structure members dropped, as AWS
    ignores them); blobs decoded from base64."""
    if shape.metadata.get("document"):
        return value  # any JSON value (identitystore's AttributeValue)
    expected = _JSON_TYPES.get(shape.type_name, object)
    wrong_bool = shape.type_name in ("integer", "long") and isinstance(value, bool)
    if not isinstance(value, expected) or wrong_bool:
        raise _serialization_error(shape, value)
    if shape.type_name == "structure":
        return {
            name: _typed(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if shape.type_name == "list":
        return [_typed(shape.member, item) for item in value]
    if shape.type_name == "map":
        return {key: _typed(shape.value, item) for key, item in value.items()}
    if shape.type_name == "blob":
        return base64.b64decode(value)
    return value


def first_problem_as_validation(found):
    count = len(found)
    messages = "; ".join(message for _kind, _path, message in found)
    return ValidationException(f"{count} validation error{'s' if count > 1 else ''} detected: {messages}")


def parse(operation, body, invalid=first_problem_as_validation):
    """The operation's input as a dict of the model's member names. A request that breaks the
    shape's constraints raises `invalid(problems)` (problems as protocol.problems gives them)."""
    shape = operation.input_shape
    if shape is None:
        return {}
    try:
        document = json.loads(body or b"{}")
    except ValueError as exc:
        raise ProtocolError("SerializationException", "Could not parse the request body as JSON.") from exc
    value = _typed(shape, document)
    found = problems(shape, value)
    if found:
        raise invalid(found)
    return value


def _epoch(moment):
    if isinstance(moment, datetime.datetime):
        return moment.timestamp()
    return moment


def serialize(shape, value):
    """`value` (the model's member names) as the JSON of `shape`: members left out when None."""
    kind = shape.type_name
    if shape.metadata.get("document"):
        return value
    if kind == "structure":
        return {
            name: serialize(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if kind == "list":
        return [serialize(shape.member, item) for item in value]
    if kind == "map":
        return {key: serialize(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return _epoch(value)
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value


def response_body(operation, result):
    shape = operation.output_shape
    return json.dumps(serialize(shape, result or {}) if shape is not None else {})


def error_body(error):
    """`{"__type": code, "Message": message}` with the error's modeled members (Reason …)."""
    body = {"__type": error.code, "Message": error.message}
    reason = getattr(error, "reason", None)
    if reason:
        body["Reason"] = reason
    return json.dumps(body)
