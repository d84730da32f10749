"""What every Organizations handler shares: the registry of operations (each authorized as
organizations:<Operation> on "*" before it looks anything up, reads recorded in Event history), the
organization the caller may act in, Organizations' errors for a malformed request, pagination with
NextToken and MaxResults, and the output shapes."""

import base64
import functools

from access.audit import record_event, record_refusal
from access.operations import ORGANIZATIONS_SOURCE, authorize_operation
from aws.errors import AccessDenied, AWSError
from aws.organizations_errors import (
    MANAGEMENT_ONLY,
    AccessDeniedException,
    AWSOrganizationsNotInUseException,
    InvalidInputException,
)
from organizations import selectors, services
from organizations.models import DelegatedAdministrator

HANDLERS = {}

# Organizations answers a refusal of the caller's policies (or its SCPs) with its own exception, not
# with IAM's "User: … is not authorized to perform" message.
NOT_PERMITTED = "You don't have permissions to access this resource."


def _request_parameters(params):
    return {member[:1].lower() + member[1:]: value for member, value in params.items()} or None


def operation(name, *, read_only=False):
    """Register the handler of the Organizations operation `name`. The caller must be allowed
    organizations:<name> on "*" before anything is looked up (no existence oracle); a refusal, and
    each read, is recorded in Event history (writes record themselves in their services)."""

    def register(handler):
        @functools.wraps(handler)
        def guarded(acting, params):
            event = {
                "acting": acting,
                "event_name": name,
                "request_parameters": _request_parameters(params),
                "read_only": read_only,
                "event_source": ORGANIZATIONS_SOURCE,
            }
            try:
                authorize_operation(name, {"acting": acting}, ORGANIZATIONS_SOURCE)
            except AccessDenied as error:
                record_refusal(**event, error=error)
                raise
            if not read_only:
                return handler(acting, params)
            try:
                result = handler(acting, params)
            except AWSError as error:
                record_event(**event, error=error)
                raise
            record_event(**event)
            return result

        HANDLERS[name] = guarded
        return handler

    return register


def refused(error):
    """The engine's AccessDenied as Organizations words it; other errors as they are."""
    if isinstance(error, AccessDenied):
        return AccessDeniedException(NOT_PERMITTED)
    return error


# A malformed request: InvalidInputException with the reason of its first problem. The messages are
# the reasons' descriptions in the Organizations API reference.
_REASONS = {
    "INPUT_REQUIRED": "You must specify a value for all required parameters.",
    "MIN_LENGTH_EXCEEDED": "You provided a string parameter that is shorter than allowed.",
    "MAX_LENGTH_EXCEEDED": "You provided a string parameter that is longer than allowed.",
    "MIN_VALUE_EXCEEDED": "You provided a numeric parameter that has a smaller value than allowed.",
    "MAX_VALUE_EXCEEDED": "You provided a numeric parameter that has a larger value than allowed.",
    "INVALID_PATTERN": "You provided a value that does not match the required pattern.",
    "INVALID_PATTERN_TARGET_ID": "You specified a policy target ID that doesn't match the required pattern.",
    "INVALID_SYNTAX_POLICY_ID": "You specified an invalid policy ID.",
    "INVALID_ENUM": "You specified an invalid value.",
    "INVALID_ENUM_POLICY_TYPE": "You specified an invalid policy type string.",
    "INVALID_NEXT_TOKEN": "You specified an invalid value for nextToken.",
}


def _reason(kind, path):
    member = path.rsplit(".", 1)[-1]
    if kind == "INVALID_PATTERN" and member == "targetId":
        return "INVALID_PATTERN_TARGET_ID"
    if kind == "INVALID_PATTERN" and member == "policyId":
        return "INVALID_SYNTAX_POLICY_ID"
    if kind == "INVALID_ENUM" and member in ("policyType", "type", "filter"):
        return "INVALID_ENUM_POLICY_TYPE"
    return kind


def invalid_input(problems):
    """InvalidInputException for the request's first constraint problem (json_protocol.parse)."""
    kind, path, _message = problems[0]
    reason = _reason(kind, path)
    return InvalidInputException(_REASONS.get(reason, _REASONS["INVALID_PATTERN"]), reason=reason)


# Who may call


def organization_of(acting):
    """The caller's organization, or AWSOrganizationsNotInUseException."""
    membership = selectors.membership_of(acting.account)
    if membership is None:
        raise AWSOrganizationsNotInUseException()
    return membership.organization


def managed(acting):
    """The organization the caller's account manages: member accounts are refused, as AWS refuses
    them the management account's operations."""
    organization = organization_of(acting)
    if organization.management_account_id != acting.account.id:
        raise AccessDeniedException(MANAGEMENT_ONLY)
    return organization


def administered(acting):
    """The organization whose reads the caller may make: the one its account manages or, for a member
    account registered as a delegated administrator (for any service), its own."""
    organization = organization_of(acting)
    if organization.management_account_id != acting.account.id and not (
        DelegatedAdministrator.objects.filter(organization=organization, account=acting.account).exists()
    ):
        raise AccessDeniedException(MANAGEMENT_ONLY)
    return organization


# Pagination

DEFAULT_PAGE = 20


def page(items, params, member):
    """{member: the page, "NextToken": …} from NextToken and MaxResults (opaque tokens: an offset)."""
    start = 0
    if "NextToken" in params:
        try:
            start = int(base64.urlsafe_b64decode(params["NextToken"].encode()).decode())
        except ValueError as exc:
            raise InvalidInputException(_REASONS["INVALID_NEXT_TOKEN"], reason="INVALID_NEXT_TOKEN") from exc
    size = params.get("MaxResults", DEFAULT_PAGE)
    answer = {member: items[start : start + size]}
    if start + size < len(items):
        answer["NextToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return answer


# Output shapes


def policy_types(organization):
    return [{"Type": policy_type, "Status": "ENABLED"} for policy_type in organization.enabled_policy_types]


def root_shape(organization):
    return {
        "Id": organization.root_id,
        "Arn": organization.root_arn,
        "Name": "Root",
        "PolicyTypes": policy_types(organization),
    }


def ou_shape(ou):
    return {"Id": ou.id, "Arn": ou.arn, "Name": ou.name}


def account_shape(membership):
    account = membership.account
    return {
        "Id": account.id,
        "Arn": membership.account_arn,
        "Email": account.root_email,
        "Name": account.name,
        "Status": services.account_status(account),
        "State": services.account_state(account),
        "JoinedMethod": membership.joined_method,
        "JoinedTimestamp": membership.joined_at,
    }


def target_arn(organization, target_id):
    """The ARN of the root, an OU or an account of the organization, from its ID."""
    if target_id == organization.root_id:
        return organization.root_arn
    kind = "ou" if target_id.startswith("ou-") else "account"
    return f"arn:aws:organizations::{organization.management_account_id}:{kind}/{organization.id}/{target_id}"


def policy_summary(policy):
    return {
        "Id": policy.id,
        "Arn": policy.arn,
        "Name": policy.name,
        "Description": policy.description,
        "Type": policy.type,
        "AwsManaged": policy.aws_managed,
    }


def policy_shape(policy):
    return {"PolicySummary": policy_summary(policy), "Content": policy.content}


def tag_pairs(params):
    return [(tag["Key"], tag["Value"]) for tag in params.get("Tags", [])]
