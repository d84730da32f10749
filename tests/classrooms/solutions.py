"""A lab's reference solution applied to a seat as the seat's root user would, through the AWS API's own
handlers in process: each step ({service, action, params}, as the CLI names them) is serialized by
botocore as an SDK would send it, read back by the endpoint's parser, and answered by the handler the
endpoint dispatches to (the same services, authorization and audit as a signed request).

Params may name what only exists once the seat does: {account} (the seat's ID), {root} (its
organization's root), {ou:NAME}, {member:NAME} (a member account's ID) and {scp:NAME} (a policy of its
organization). A JSON policy given as a mapping is sent as its JSON text, as the CLI's file:// would."""

import json
import re

from botocore.serialize import create_serializer

from access.acting import Acting
from aws.model import service_model
from iamconsole.aws_api import endpoint, json_endpoint, json_protocol, protocol
from organizations.models import Membership, OrganizationalUnit, Policy

PLACEHOLDER = re.compile(r"\{(account|root|ou|member|scp)(?::([^}]+))?\}")


def _resolve(text, account):
    def one(match):
        kind, name = match.groups()
        if kind == "account":
            return account.id
        organization = account.managed_organization
        if kind == "root":
            return organization.root_id
        if kind == "ou":
            return OrganizationalUnit.objects.get(organization=organization, name=name).id
        if kind == "member":
            return Membership.objects.get(organization=organization, account__name=name).account_id
        return Policy.objects.get(organization=organization, name=name).id

    return PLACEHOLDER.sub(one, text)


def _params(value, account):
    if isinstance(value, dict):
        return {key: _params(item, account) for key, item in value.items()}
    if isinstance(value, list):
        return [_params(item, account) for item in value]
    if isinstance(value, str):
        return _resolve(value, account)
    return value


def _documents_as_text(params, shape):
    """Mapping values where the model wants a string (policy documents) become JSON text."""
    return {
        key: json.dumps(value)
        if isinstance(value, dict) and shape.members[key].type_name == "string"
        else value
        for key, value in params.items()
    }


def apply_step(account, step):
    """Run one solution step as the root user of `account`; the handler's result."""
    acting = Acting(
        account=account, via_console=False, requested_region="us-east-1", user_agent="lab-solution"
    )
    service = service_model(step["service"])
    operation = service.operation_model(step["action"])
    params = _documents_as_text(_params(step.get("params", {}), account), operation.input_shape)
    if step["service"] == "organizations":
        body = create_serializer("json").serialize_to_request(params, operation)["body"]
        module = json_endpoint.SERVICES["organizations"]
        parsed = json_protocol.parse(operation, body, module.invalid_input)
        return module.HANDLERS[step["action"]](acting, parsed)
    form = create_serializer("query").serialize_to_request(params, operation)["body"]
    form = {key: str(value) for key, value in form.items() if key not in ("Action", "Version")}
    _model, handlers = endpoint.SERVICES[step["service"]]
    return handlers[step["action"]](acting, protocol.parse(operation, form))


def apply_solution(account, solution):
    for step in solution:
        apply_step(account, step)
