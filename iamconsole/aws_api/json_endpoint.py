"""The AWS API's JSON 1.1 services at the site root: a signed `POST /` whose `X-Amz-Target` names the
operation (`AWSOrganizationsV20161128.ListAccounts`). The credential scope names the service; the
operation's input is read and checked from botocore's model, and its handler calls the same services
(authorized by the engine, recorded in Event history) as the console. Errors, authentication's
included, answer in the JSON protocol's words."""

import logging

from django.http import HttpResponse

from access.audit import failure_recorded
from access.operations import IDENTITYSTORE_SOURCE, ORGANIZATIONS_SOURCE, SSO_SOURCE
from aws.errors import AWSError, ExpiredToken, InvalidClientTokenId
from aws.model import service_model
from aws.sigv4 import MISSING_TOKEN, SignatureError
from iamconsole.aws_api import identitystore, organizations, sso_admin
from iamconsole.aws_api.auth import authenticate
from iamconsole.aws_api.json_protocol import CONTENT_TYPE, error_body, parse, response_body
from iamconsole.aws_api.protocol import ProtocolError, request_id, request_parameters

logger = logging.getLogger(__name__)

# service name in the credential scope → the service's handlers module (HANDLERS, invalid_input,
# refused); its botocore model has the same name unless the module names it (MODEL: sso-admin signs
# as "sso").
SERVICES = {"organizations": organizations, "sso": sso_admin, "identitystore": identitystore}
EVENT_SOURCES = {
    "organizations": ORGANIZATIONS_SOURCE,
    "sso": SSO_SOURCE,
    "identitystore": IDENTITYSTORE_SOURCE,
}

# The Query protocol's authentication errors, as the JSON services name them.
_JSON_AUTH_CODES = {
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "IncompleteSignature": "IncompleteSignatureException",
    "MissingAuthenticationToken": "MissingAuthenticationTokenException",
    "ExpiredToken": "ExpiredTokenException",
}
_JSON_AUTH_MESSAGES = {"MissingAuthenticationToken": "Missing Authentication Token"}


def is_json_call(request):
    return request.path == "/" and request.method == "POST" and "X-Amz-Target" in request.headers


def api_response(body, status, rid, error_code=None, content_type=CONTENT_TYPE):
    """An answer of the JSON services (the REST-JSON ones' too): its request ID, its error's code."""
    response = HttpResponse(body, status=status, content_type=content_type)
    response["x-amzn-RequestId"] = rid
    if error_code:
        response["x-amzn-ErrorType"] = error_code
    return response


def _error(error, rid, status=400):
    return api_response(error_body(error), status, rid, error.code)


def _authentication_error(error, rid):
    """SignatureError, InvalidClientTokenId or ExpiredToken in the JSON protocol's words."""
    code = error.code
    error.code = _JSON_AUTH_CODES.get(code, code)
    error.message = _JSON_AUTH_MESSAGES.get(code, error.message)
    return _error(error, rid)


def _operation(credential, target):
    """(module, botocore operation model) that `X-Amz-Target` names in the signed service."""
    module = SERVICES.get(credential.service)
    if module is not None:
        model = service_model(getattr(module, "MODEL", credential.service))
        prefix, _, name = target.partition(".")
        if prefix == model.metadata.get("targetPrefix") and name in module.HANDLERS:
            return module, model.operation_model(name)
    raise ProtocolError("UnknownOperationException", "")


def handle(request):
    """Answer one JSON 1.1 call."""
    rid = request_id()
    target = request.headers.get("X-Amz-Target", "")
    module = None
    try:
        if not request.headers.get("Authorization"):
            raise SignatureError("MissingAuthenticationToken", MISSING_TOKEN)
        acting, credential = authenticate(request)
        module, operation = _operation(credential, target)
        with failure_recorded(
            acting=acting,
            event_name=operation.name,
            request_parameters=None,  # until the body is read as the model's input
            event_source=EVENT_SOURCES[credential.service],
        ) as call:
            params = parse(operation, request.body, module.invalid_input)
            call["request_parameters"] = request_parameters(params)
            result = module.HANDLERS[operation.name](acting, params)
        return api_response(response_body(operation, result), 200, rid)
    except (SignatureError, InvalidClientTokenId, ExpiredToken) as error:
        return _authentication_error(error, rid)
    except AWSError as error:
        if module is not None:
            error = module.refused(error)
        return _error(error, rid, 400 if error.sender_fault else 500)
    except Exception:  # noqa: BLE001 — a bug answers as AWS answers its own: ServiceException, logged
        logger.exception("AWS API call failed: %s", target)
        failure = AWSError("An internal error occurred.")
        failure.code = "ServiceException"
        return _error(failure, rid, 500)
