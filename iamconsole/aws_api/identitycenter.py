"""What the IAM Identity Center services on the wire (sso-admin, identitystore) share: a registry of
handlers, each call authorized first on the resource its request names (sso:<Operation>,
identitystore:<Operation>), before anything is looked up, as AWS authorizes: a caller without
permission is refused alike whether the instance, permission set or user exists or not. Reads are then
authorized on what they found and recorded in Event history with the service's event source (writes
record themselves in their services). Also the instance the caller's account manages,
AccessDeniedException for the engine's refusal, and pagination with NextToken and MaxResults."""

import base64
import functools

from access.audit import record_event, record_refusal
from access.authorization import authorize
from access.operations import IDENTITYSTORE_SOURCE, authorize_operation, operation_for
from aws.errors import AccessDenied, AWSError
from aws.identitycenter_errors import AccessDeniedException, ResourceNotFoundException, ValidationException
from iamconsole.aws_api.json_protocol import first_problem_as_validation
from identitycenter import selectors

invalid_input = first_problem_as_validation
DEFAULT_PAGE = 100


def _request_parameters(params):
    return {member[:1].lower() + member[1:]: value for member, value in params.items()} or None


def requested_resource(acting, params, event_source):
    """The ARN the request names, as the services authorize it once they found it: the identity store
    (in the caller's account, which owns its organization's instance), else the permission set, else
    the instance, else "*"."""
    if event_source == IDENTITYSTORE_SOURCE:
        store = params.get("IdentityStoreId")
        return f"arn:aws:identitystore::{acting.account.id}:identitystore/{store}" if store else "*"
    return params.get("PermissionSetArn") or params.get("InstanceArn") or "*"


def registry(handlers, event_source):
    """An `operation(name, read_only=False)` decorator registering handlers of one service in
    `handlers`. Every call is authorized on `requested_resource` before its handler runs (a refusal is
    recorded here). A read handler then calls `check(**resources)` (authorize the operation on them)
    once it has found what the request names; its event, refused or not, is recorded here."""

    def operation(name, *, read_only=False):
        def register(handler):
            @functools.wraps(handler)
            def guarded(acting, params):
                event = {
                    "acting": acting,
                    "event_name": name,
                    "request_parameters": _request_parameters(params),
                    "read_only": read_only,
                    "event_source": event_source,
                }
                try:
                    authorize(
                        acting=acting,
                        action=operation_for(name, event_source).action,
                        resource=requested_resource(acting, params, event_source),
                    )
                except AWSError as error:
                    record_refusal(**event, error=error)
                    raise
                if not read_only:
                    return handler(acting, params)

                def check(**resources):
                    authorize_operation(name, {"acting": acting, **resources}, event_source)

                try:
                    result = handler(acting, params, check)
                except AWSError as error:
                    record_refusal(**event, error=error)
                    raise
                record_event(**event)
                return result

            handlers[name] = guarded
            return handler

        return register

    return operation


def refused(error):
    """The engine's AccessDenied as the JSON services name it (its message as IAM words it)."""
    if isinstance(error, AccessDenied):
        return AccessDeniedException(error.message)
    return error


def instance_named(acting, arn):
    """The instance `arn` names, when the caller's account manages its organization."""
    instance = selectors.instance_by_arn(acting.account, arn)
    if instance is None:
        raise ResourceNotFoundException(f"Could not find Instance with InstanceArn {arn}.")  # unconfirmed
    return instance


def store_named(acting, identity_store_id):
    instance = selectors.instance_by_store(acting.account, identity_store_id)
    if instance is None:
        # unconfirmed
        raise ResourceNotFoundException(f"Could not find IdentityStore with id {identity_store_id}.")
    return instance


def page(items, params, member):
    """{member: the page, "NextToken": …} from NextToken and MaxResults (opaque tokens: an offset)."""
    start = 0
    if params.get("NextToken"):
        try:
            start = int(base64.urlsafe_b64decode(params["NextToken"].encode()).decode())
        except ValueError as exc:
            raise ValidationException("The NextToken is not valid.") from exc  # unconfirmed
    size = params.get("MaxResults", DEFAULT_PAGE)
    answer = {member: items[start : start + size]}
    if start + size < len(items):
        answer["NextToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return answer


def tag_pairs(params):
    return [(tag["Key"], tag.get("Value", "")) for tag in params.get("Tags", [])]
