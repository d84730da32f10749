"""The AWS API at the site root, beside the console: `POST /` (form-encoded, SigV4-signed) or a
presigned `GET /?Action=…`. The credential scope names the service; the operation is found in
botocore's model of it, its input read and checked there, and its handler calls the same services
(authorized by the engine, recorded in Event history) as the console."""

import logging

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse

from access.audit import failure_recorded
from accounts.models import Account
from accounts.services.sts import session_call_refusal
from aws.errors import AWSError
from aws.model import service_model
from aws.sigv4 import MISSING_TOKEN, SignatureError
from iamconsole.aws_api import iam, json_endpoint, rest_json, sts
from iamconsole.aws_api.auth import authenticate
from iamconsole.aws_api.protocol import (
    ProtocolError,
    error_xml,
    parse,
    request_id,
    request_parameters,
    response_xml,
)
from organizations.models import Membership, Organization, OrganizationalUnit

logger = logging.getLogger(__name__)

# service name in the credential scope → (botocore model name, {operation name: handler})
SERVICES = {"iam": ("iam", iam.HANDLERS), "sts": ("sts", sts.HANDLERS)}
EVENT_SOURCES = {"iam": "iam.amazonaws.com", "sts": "sts.amazonaws.com"}


def is_api_call(request):
    """Whether a request to the site root is an AWS API call rather than the console's dashboard."""
    if request.path != "/":
        return False
    if request.headers.get("Authorization", "").startswith("AWS4-"):
        return True
    if "X-Amz-Signature" in request.GET or "Action" in request.GET:
        return True
    if request.method == "POST":
        request.body  # noqa: B018 — read first: the signature covers the body, which POST would consume
    return (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and ("Action" in request.POST)
    )


def _xml_response(text, status, rid):
    response = HttpResponse(text, status=status, content_type="text/xml")
    response["x-amzn-RequestId"] = rid
    return response


def _operation(service, handlers, params):
    """(the action, its operation model) the request names, after taking Action and Version (and any
    presigned URL's X-Amz-* fields) out of `params`; InvalidAction for what the service does not answer."""
    action, version = params.pop("Action", ""), params.pop("Version", "")
    if action not in service.operation_names or version != service.api_version or action not in handlers:
        raise ProtocolError(
            "InvalidAction",
            f"Could not find operation {action} for version {version or 'NO_VERSION_SPECIFIED'}",
        )
    for signing in [key for key in params if key.startswith("X-Amz-")]:
        params.pop(signing)
    return action, service.operation_model(action)


def handle(request):
    """Answer one AWS API call."""
    rid = request_id()
    service = service_model("iam")
    params = {**request.GET.dict(), **request.POST.dict()} if request.method == "POST" else request.GET.dict()
    named = params.get("Action")  # _operation takes it out of params
    try:
        if not request.headers.get("Authorization") and "X-Amz-Signature" not in request.GET:
            if params.get("Action") in sts.UNSIGNED:
                # The web identity token or SAML assertion is the caller's proof: AWS takes these unsigned.
                service = service_model("sts")
                action, operation = _operation(service, dict.fromkeys(sts.UNSIGNED), params)
                result = sts.answer_unsigned(action, request, parse(operation, params))
                return _xml_response(response_xml(service, operation, result, rid), 200, rid)
            raise SignatureError("MissingAuthenticationToken", MISSING_TOKEN)
        acting, credential = authenticate(request)
        model_name, handlers = SERVICES.get(credential.service, ("iam", {}))
        service = service_model(model_name)
        action, operation = _operation(service, handlers, params)
        refusal = session_call_refusal(acting.credential, service=credential.service, operation=action)
        if refusal is not None:
            raise refusal
        with failure_recorded(
            acting=acting,
            event_name=action,
            request_parameters=request_parameters(params),  # as sent, until the model reads them
            event_source=EVENT_SOURCES.get(credential.service, "iam.amazonaws.com"),
        ) as call:
            params = parse(operation, params)
            call["request_parameters"] = request_parameters(params)
            result = handlers[action](acting, params)
        return _xml_response(response_xml(service, operation, result, rid), 200, rid)
    except SignatureError as error:
        error.sender_fault = True
        return _xml_response(error_xml(service, error, rid), error.status, rid)
    except AWSError as error:
        return _xml_response(error_xml(service, error, rid), error.status, rid)
    except Exception:  # noqa: BLE001 — a bug answers as AWS answers its own: ServiceFailure, logged
        logger.exception("AWS API call failed: %s", named)
        failure = AWSError("An internal error occurred.")
        return _xml_response(error_xml(service, failure, rid), 500, rid)


RESET_PATH = "/moto-api/reset"


def reset(request):
    """Local mode's `POST /moto-api/reset` (the call moto's server mode answers between tests): every
    account and everything in it goes; the AWS managed catalog and the admin site's users stay.
    Outside local mode the address does not exist."""
    if not settings.IAMCONSOLE_LOCAL_MODE:
        raise Http404("Not found.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with transaction.atomic():
        # An organization protects its management account, an OU its child OUs and its accounts
        # (`make run`'s demo account manages one): those links go first.
        Membership.objects.all().delete()
        OrganizationalUnit.objects.update(parent=None)
        Organization.objects.all().delete()
        deleted, _ = Account.objects.all().delete()
    logger.warning("Local mode: /moto-api/reset deleted every account (%s rows).", deleted)
    return JsonResponse({"status": "ok"})


class AwsApiMiddleware:
    """Answers the AWS API calls at the site root, the REST-JSON services under their prefixes (/sso-oidc/,
    /sso/) and local mode's reset before the console's
    middleware (sessions, CSRF, the pages table) sees them; every other request goes on to the console."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if json_endpoint.is_json_call(request):
            return json_endpoint.handle(request)
        if is_api_call(request):
            return handle(request)
        if rest_json.is_rest_call(request):
            return rest_json.handle(request)
        if request.path == RESET_PATH:
            return reset(request)
        return self.get_response(request)
