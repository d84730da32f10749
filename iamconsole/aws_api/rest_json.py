"""The REST-JSON services of IAM Identity Center that `aws sso login` and the CLI's SSO profiles call,
each under its own prefix so that a service-specific endpoint reaches it
(`AWS_ENDPOINT_URL_SSO_OIDC=http://host/sso-oidc`, `AWS_ENDPOINT_URL_SSO=http://host/sso`):

- `sso-oidc`: RegisterClient, StartDeviceAuthorization, CreateToken (unsigned, as in AWS: the client
  secret and the device code are the proof);
- `sso`, the access portal's API: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout, with the
  access token in the header `x-amz-sso_bearer_token`.

The operation is found by method and path in botocore's model; its input is read from the body, the
query string and the headers as the model places them, and checked against the model's constraints."""

import json
import logging
from dataclasses import dataclass

from django.urls import reverse

from access.audit import record_event
from accounts.services.signin import Client
from aws.errors import AWSError
from aws.identitycenter_errors import ForbiddenException, InvalidRequestException
from aws.model import service_model
from iamconsole.aws_api.json_endpoint import api_response
from iamconsole.aws_api.json_protocol import serialize
from iamconsole.aws_api.protocol import problems, request_id
from identitycenter import portal, selectors, tokens
from identitycenter.federation import NotAssigned, role_session
from identitycenter.models import SSO_SERVICE, DirectoryUser

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json"
OIDC_SOURCE = "sso-oauth.amazonaws.com"  # CloudTrail's event source of sso-oidc (signed as sso-oauth)
BEARER_META = "HTTP_X_AMZ_SSO_BEARER_TOKEN"  # x-amz-sso_bearer_token (see iamconsole/apps.py)
PREFIXES = {"/sso-oidc/": "sso-oidc", "/sso/": "sso"}
DEFAULT_PAGE = 100


@dataclass(frozen=True)
class PortalCaller:
    """An Identity Center user as Event history's caller (what record_event reads of an Acting), named
    as the access portal's own events name them."""

    user: DirectoryUser
    source_ip: str = ""
    user_agent: str = ""

    @property
    def account(self):
        return self.user.instance.owner_account

    @property
    def requested_region(self):
        return self.user.instance.region

    @property
    def entity_id(self):
        return self.user.id

    def user_identity(self):
        return portal.portal_identity(self.user.instance, self.user)


def is_rest_call(request):
    return any(request.path.startswith(prefix) for prefix in PREFIXES)


# sso-oidc


def register_client(request, params):
    client, secret = tokens.client_register(
        name=params["clientName"],
        client_type=params["clientType"],
        scopes=params.get("scopes", []),
        grant_types=params.get("grantTypes", []),
    )
    return {
        "clientId": client.client_id,
        "clientSecret": secret,
        "clientIdIssuedAt": int(client.issued_at.timestamp()),
        "clientSecretExpiresAt": int(client.secret_expires_at.timestamp()),
    }


def start_device_authorization(request, params):
    authorization, device_code = tokens.device_authorization_start(
        client_id=params["clientId"], client_secret=params["clientSecret"], start_url=params["startUrl"]
    )
    page = request.build_absolute_uri(
        reverse("sso_portal:device", args=[authorization.instance.identity_store_id])
    )
    return {
        "deviceCode": device_code,
        "userCode": authorization.user_code,
        "verificationUri": page,
        "verificationUriComplete": f"{page}?user_code={authorization.user_code}",
        "expiresIn": tokens.DEVICE_CODE_SECONDS,
        "interval": authorization.interval,
    }


def create_token(request, params):
    row, access, refresh = tokens.token_create(
        client_id=params["clientId"],
        client_secret=params["clientSecret"],
        grant_type=params["grantType"],
        device_code=params.get("deviceCode", ""),
        refresh_token=params.get("refreshToken", ""),
    )
    client = Client.from_request(request)
    record_event(
        acting=PortalCaller(row.user, client.source_ip, client.user_agent),
        event_name="CreateToken",
        event_source=OIDC_SOURCE,
        request_parameters={"clientId": params["clientId"], "grantType": params["grantType"]},
    )
    return {
        "accessToken": access,
        "tokenType": "Bearer",
        "expiresIn": tokens.ACCESS_TOKEN_SECONDS,
        "refreshToken": refresh or None,
    }


# sso: the access portal's API for a bearer token


def _page(items, params, member):
    """{member: the page, "nextToken": …} (opaque tokens: an offset)."""
    token = params.get("nextToken") or "0"
    if not token.isdigit():
        raise InvalidRequestException("Invalid nextToken")  # unconfirmed
    start, size = int(token), params.get("maxResults", DEFAULT_PAGE)
    answer = {member: items[start : start + size]}
    if start + size < len(items):
        answer["nextToken"] = str(start + size)
    return answer


def _assignments(user):
    return list(selectors.assignments_of_user(user.instance, user))


def list_accounts(request, params, user):
    assignments = _assignments(user)
    accounts = {each.account_id: each.account for each in assignments}
    listed = [
        {"accountId": account.id, "accountName": account.name, "emailAddress": account.root_email}
        for account in sorted(accounts.values(), key=lambda account: (account.name.lower(), account.id))
    ]
    return _page(listed, params, "accountList")


def list_account_roles(request, params, user):
    assignments = _assignments(user)
    names = sorted(
        {each.permission_set.name for each in assignments if each.account_id == params["accountId"]}
    )
    roles = [{"roleName": name, "accountId": params["accountId"]} for name in names]
    return _page(roles, params, "roleList")


def get_role_credentials(request, params, user):
    """The role session of the permission set named `roleName` in the account, as the portal's
    "Access keys" give it."""
    assignments = _assignments(user)
    named = [
        each.permission_set
        for each in assignments
        if each.account_id == params["accountId"] and each.permission_set.name == params["roleName"]
    ]
    if not named:
        raise ForbiddenException("No access")
    try:
        session = role_session(
            user=user,
            account_id=params["accountId"],
            permission_set_id=named[0].id,
            source_ip=Client.from_request(request).source_ip,
            user_agent=Client.from_request(request).user_agent,
            event_name="GetRoleCredentials",  # recorded by the federation, as the portal's access keys
        )
    except NotAssigned as exc:  # assigned, but not provisioned yet
        raise ForbiddenException("No access") from exc
    return {
        "roleCredentials": {
            "accessKeyId": session.access_key_id,
            "secretAccessKey": session.secret_access_key,
            "sessionToken": session.session_token,
            "expiration": int(session.expiration.timestamp() * 1000),
        }
    }


def logout(request, params, user):
    tokens.token_revoke(access_token=params.get("accessToken"))
    return None


# GetRoleCredentials' federation records its own event (identitycenter/federation.py).
SELF_RECORDED = {"GetRoleCredentials"}


def portal_call(handler, request, params, name):
    """An `sso` call: the bearer token's user (UnauthorizedException), then the handler, recorded in
    Event history under that user, refused or not."""
    user = tokens.token_of(params.get("accessToken")).user
    client = Client.from_request(request)
    event = {
        "acting": PortalCaller(user, client.source_ip, client.user_agent),
        "event_name": name,
        "request_parameters": {key: value for key, value in params.items() if key != "accessToken"} or None,
        "read_only": name != "Logout",
        "event_source": SSO_SERVICE,
    }
    try:
        result = handler(request, params, user)
    except AWSError as error:
        record_event(**event, error=error)
        raise
    if name not in SELF_RECORDED:
        record_event(**event)
    return result


HANDLERS = {
    "sso-oidc": {
        "RegisterClient": register_client,
        "StartDeviceAuthorization": start_device_authorization,
        "CreateToken": create_token,
    },
    "sso": {
        "ListAccounts": list_accounts,
        "ListAccountRoles": list_account_roles,
        "GetRoleCredentials": get_role_credentials,
        "Logout": logout,
    },
}


# The protocol


def _operation(model_name, method, path):
    """The operation model whose method and request URI (without its query) are these, or None."""
    model = service_model(model_name)
    for name in HANDLERS[model_name]:
        operation = model.operation_model(name)
        uri = operation.http["requestUri"].partition("?")[0]
        if operation.http["method"] == method and uri == path:
            return operation
    return None


def _scalar(shape, text):
    if shape.type_name in ("integer", "long"):
        if not text.lstrip("-").isdigit():
            raise InvalidRequestException(f"Invalid value for {shape.name}")  # unconfirmed
        return int(text)
    return text


def _input(operation, request):
    """The operation's input, by member name, from the body, the query string and the headers."""
    shape = operation.input_shape
    if shape is None:
        return {}
    try:
        body = json.loads(request.body or b"{}") if request.method == "POST" else {}
    except ValueError as exc:
        raise InvalidRequestException("Invalid JSON in the request body") from exc  # unconfirmed
    if not isinstance(body, dict):
        raise InvalidRequestException("Invalid JSON in the request body")  # unconfirmed
    params = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location == "querystring":
            value = request.GET.get(member.serialization["name"])
            value = _scalar(member, value) if value is not None else None
        elif location == "header":
            value = (
                request.META.get(BEARER_META)
                if member.serialization["name"] == "x-amz-sso_bearer_token"
                else None
            )
        else:
            value = body.get(name)
        if value is not None:
            params[name] = value
    found = problems(shape, params)
    if found:
        raise InvalidRequestException(found[0][2])
    return params


def _response(payload, status, rid, error_code=None):
    return api_response(payload, status, rid, error_code, content_type=CONTENT_TYPE)


def _error(model_name, error, rid):
    """sso-oidc's errors in OAuth 2.0's shape (`error`, `error_description`), sso's as `message`."""
    if model_name == "sso-oidc":
        oauth_error = getattr(error, "oauth_error", "invalid_request")
        body = {"error": oauth_error, "error_description": error.message}
    else:
        body = {"message": error.message}
    return _response(json.dumps(body), error.status, rid, error.code)


def handle(request):
    """Answer one call of sso-oidc or sso."""
    rid = request_id()
    prefix = next(prefix for prefix in PREFIXES if request.path.startswith(prefix))
    model_name = PREFIXES[prefix]
    operation = _operation(model_name, request.method, request.path[len(prefix) - 1 :])
    if operation is None:
        failure = AWSError("The requested resource was not found.")  # unconfirmed
        failure.code, failure.status = "UnknownOperationException", 404
        return _error(model_name, failure, rid)
    try:
        params = _input(operation, request)
        handler = HANDLERS[model_name][operation.name]
        if model_name == "sso":
            result = portal_call(handler, request, params, operation.name)
        else:
            result = handler(request, params)
    except AWSError as error:
        return _error(model_name, error, rid)
    except Exception:  # noqa: BLE001 — a bug answers as AWS answers its own, logged
        logger.exception("AWS API call failed: %s %s", model_name, operation.name)
        failure = AWSError("An internal error occurred.")
        failure.code, failure.oauth_error = "InternalServerException", "server_error"
        return _error(model_name, failure, rid)
    shape = operation.output_shape
    payload = json.dumps(serialize(shape, result or {})) if shape is not None else ""
    return _response(payload, 200, rid)
