"""AWS's Query protocol, driven by botocore's service models: a form-encoded request read into the
operation's input shape (lists as `Name.member.N`, maps as `Name.entry.N.key`, structures as
`Name.Member`), checked against the shape's constraints with AWS's ValidationError wording, and the
result written as the XML IAM (and STS) return, errors included."""

import base64
import datetime
import functools
import re
import uuid
from xml.sax.saxutils import escape

from aws.errors import AWSError, ValidationError
from aws.names import validate_path


def request_id():
    return str(uuid.uuid4())


# Reading a request


def _scalar(shape, text, path):
    kind = shape.type_name
    if kind in ("integer", "long"):
        if not re.fullmatch(r"-?[0-9]{1,18}", text):
            raise ValidationError(
                f"1 validation error detected: Value '{text}' at '{path}' failed to satisfy constraint: "
                "Member must be a number"
            )
        return int(text)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValidationError(
                f"1 validation error detected: Value '{text}' at '{path}' failed to satisfy constraint: "
                "Member must be a boolean"
            )
        return text.lower() == "true"
    return text


# The models' patterns are Java's: Unicode classes become Python's (letters and digits: \w without the
# ASCII flag; separators: \s; marks, symbols and punctuation, which identitystore's patterns list
# beside letters and digits, any other visible character: \S). Compiled once each.
_UNICODE_CLASSES = {
    r"\p{L}": r"\w",
    r"\p{N}": r"\w",
    r"\p{Z}": r"\s",
    r"\p{M}": r"\S",
    r"\p{S}": r"\S",
    r"\p{P}": r"\S",
}


@functools.cache
def _pattern(pattern):
    flags = re.ASCII
    for java, python in _UNICODE_CLASSES.items():
        if java in pattern:
            pattern, flags = pattern.replace(java, python), 0
    return re.compile(pattern, flags)


def _lower_first(name):
    return name[:1].lower() + name[1:]


def read(shape, params, prefix="", path=""):
    """The value of `shape` in the flat `params` (a dict of the form's fields) under `prefix`, or None
    when the request holds none of it. `path` is the member's name in AWS's messages (`userName`,
    `tags.1.member.key`)."""
    kind = shape.type_name
    if kind == "structure":
        value = {}
        for name, member in shape.members.items():
            location = member.serialization.get("name", name)
            key = f"{prefix}.{location}" if prefix else location
            member_path = f"{path}.{_lower_first(name)}" if path else _lower_first(name)
            found = read(member, params, key, member_path)
            if found is not None:
                value[name] = found
        return value if value or not prefix else None
    if kind == "list":
        flattened = shape.serialization.get("flattened")
        item = prefix if flattened else f"{prefix}.member"
        items = []
        index = 1
        while any(key == f"{item}.{index}" or key.startswith(f"{item}.{index}.") for key in params):
            items.append(read(shape.member, params, f"{item}.{index}", f"{path}.{index}.member"))
            index += 1
        if not items and params.get(prefix) == "":
            return []  # an empty list is sent as `Name=`
        return items or None
    if kind == "map":
        entries = {}
        index = 1
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        while f"{prefix}.entry.{index}.{key_name}" in params:
            key = params[f"{prefix}.entry.{index}.{key_name}"]
            entries[key] = read(shape.value, params, f"{prefix}.entry.{index}.{value_name}", f"{path}.{key}")
            index += 1
        return entries or None
    if prefix not in params:
        return None
    return _scalar(shape, params[prefix], path)


def problems(shape, value, path=""):
    """AWS's constraint violations of `value` of `shape` at `path`, in the model's member order: each
    (kind, path, message), the kind named as Organizations' InvalidInputException reasons name it
    (INPUT_REQUIRED, MIN_LENGTH_EXCEEDED, INVALID_PATTERN …), the message in the Query protocol's words."""
    found = []
    kind = shape.type_name
    meta = shape.metadata
    if meta.get("document"):
        return found  # a document (identitystore's AttributeValue) is any JSON value
    if kind == "structure":
        for name, member in shape.members.items():
            member_path = f"{path}.{_lower_first(name)}" if path else _lower_first(name)
            if name not in value:
                if name in shape.required_members:
                    found.append(
                        (
                            "INPUT_REQUIRED",
                            member_path,
                            f"Value null at '{member_path}' failed to satisfy constraint: Member must not be null",
                        )
                    )
                continue
            found.extend(problems(member, value[name], member_path))
        return found
    if kind in ("list", "string"):
        if "min" in meta and len(value) < meta["min"]:
            found.append(
                _constraint(
                    "MIN_LENGTH_EXCEEDED",
                    value,
                    path,
                    f"Member must have length greater than or equal to {meta['min']}",
                )
            )
        if "max" in meta and len(value) > meta["max"]:
            found.append(
                _constraint(
                    "MAX_LENGTH_EXCEEDED",
                    value,
                    path,
                    f"Member must have length less than or equal to {meta['max']}",
                )
            )
    if kind == "list":
        if shape.member.type_name == "string":
            # A list of strings breaks its members' constraints as one error at the list, naming all
            # of them whichever failed: "Value '[a, b]' at 'clientIDList' failed to satisfy
            # constraint: Member must satisfy constraint: [Member must have length …]".
            broken = [problem for item in value for problem in problems(shape.member, item, path)]
            if broken:
                listed = ", ".join(_member_constraints(shape.member))
                found.append(
                    _constraint(broken[0][0], value, path, f"Member must satisfy constraint: [{listed}]")
                )
            return found
        for index, item in enumerate(value, 1):
            found.extend(problems(shape.member, item, f"{path}.{index}.member"))
        return found
    if kind == "string":
        pattern = meta.get("pattern")
        if pattern and value and not _pattern(pattern).fullmatch(value):
            found.append(
                _constraint(
                    "INVALID_PATTERN",
                    value,
                    path,
                    f"Member must satisfy regular expression pattern: {pattern}",
                )
            )
        if shape.enum and value not in shape.enum:
            found.append(
                _constraint(
                    "INVALID_ENUM",
                    value,
                    path,
                    f"Member must satisfy enum value set: [{', '.join(shape.enum)}]",
                )
            )
        return found
    if kind in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            found.append(
                _constraint(
                    "MIN_VALUE_EXCEEDED",
                    value,
                    path,
                    f"Member must have value greater than or equal to {meta['min']}",
                )
            )
        if "max" in meta and value > meta["max"]:
            found.append(
                _constraint(
                    "MAX_VALUE_EXCEEDED",
                    value,
                    path,
                    f"Member must have value less than or equal to {meta['max']}",
                )
            )
    return found


def _member_constraints(shape):
    """A string shape's constraints in the order AWS lists them for a list's members."""
    meta = shape.metadata
    listed = []
    if "max" in meta:
        listed.append(f"Member must have length less than or equal to {meta['max']}")
    if "min" in meta:
        listed.append(f"Member must have length greater than or equal to {meta['min']}")
    if meta.get("pattern"):
        listed.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    if shape.enum:
        listed.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    return listed


def _constraint(kind, value, path, constraint):
    shown = value if isinstance(value, str | int) else "[" + ", ".join(str(item) for item in value) + "]"
    return kind, path, f"Value '{shown}' at '{path}' failed to satisfy constraint: {constraint}"


def parse(operation, params):
    """The operation's input as a dict of the model's member names, or AWS's ValidationError naming
    every constraint the request breaks."""
    shape = operation.input_shape
    if shape is None:
        return {}
    value = read(shape, params) or {}
    for name, member in shape.members.items():
        given = value.get(name)
        if member.name == "pathType" and given and not _pattern(member.metadata["pattern"]).fullmatch(given):
            # IAM answers a path its pattern refuses in its own words ("The specified value for path is
            # invalid. It must begin and end with / …"), as the console's services do: the same check.
            validate_path(given, field=_lower_first(name))
    found = [message for _kind, _path, message in problems(shape, value)]
    if found:
        count = len(found)
        raise ValidationError(
            f"{count} validation error{'s' if count > 1 else ''} detected: {'; '.join(found)}"
        )
    return value


# Writing a response


def _iso(moment):
    if isinstance(moment, datetime.datetime):
        moment = moment.astimezone(datetime.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(moment)


def _xml(shape, value, tag):
    kind = shape.type_name
    if kind == "structure":
        inner = "".join(
            _xml(member, value[name], member.serialization.get("name", name))
            for name, member in shape.members.items()
            if value.get(name) is not None
        )
        return f"<{tag}>{inner}</{tag}>"
    if kind == "list":
        item = shape.member.serialization.get("name", "member")
        inner = "".join(_xml(shape.member, each, item) for each in value)
        return f"<{tag}>{inner}</{tag}>"
    if kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        inner = "".join(
            f"<entry>{_xml(shape.key, key, key_name)}{_xml(shape.value, each, value_name)}</entry>"
            for key, each in value.items()
        )
        return f"<{tag}>{inner}</{tag}>"
    if kind == "boolean":
        text = "true" if value else "false"
    elif kind == "timestamp":
        text = _iso(value)
    elif kind == "blob":
        text = base64.b64encode(value).decode()  # Query XML carries bytes as base64
    else:
        text = escape(str(value))
    return f"<{tag}>{text}</{tag}>"


def response_xml(service, operation, result, request_id):
    """`<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…` as AWS writes it."""
    namespace = service.metadata.get("xmlNamespace", "")
    name = operation.name
    body = ""
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        body = _xml(shape, result or {}, wrapper)
    return (
        f'<{name}Response xmlns="{namespace}">{body}'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{name}Response>"
    )


def error_xml(service, error, request_id):
    """IAM's ErrorResponse: Type (Sender, Receiver), Code, Message, then the RequestId."""
    namespace = service.metadata.get("xmlNamespace", "")
    kind = "Sender" if getattr(error, "sender_fault", True) else "Receiver"
    # An error AWS sends without a message (the credential report's) has no Message element.
    message = f"<Message>{escape(error.message)}</Message>" if error.message else ""
    return (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type><Code>{escape(error.code)}</Code>'
        f"{message}</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )


class ProtocolError(AWSError):
    """An error of the protocol itself (unknown action or version, a missing parameter), with its own
    code and HTTP status."""

    sender_fault = True

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.status = status


def request_parameters(params):
    """CloudTrail's requestParameters of a call: its members, named in camelCase (None when it has none)."""
    return {member[:1].lower() + member[1:]: value for member, value in params.items()} or None
