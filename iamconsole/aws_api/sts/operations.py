"""The handlers of STS's operations. Each takes the acting principal and the request read from
botocore's model (its member names) and returns the output shape's members."""

from django.conf import settings

from access.acting import client_ip
from accounts.services import federation, sts
from aws.errors import NoSuchEntity

HANDLERS = {}


def operation(name):
    """Register the handler of the STS operation `name`."""

    def register(handler):
        HANDLERS[name] = handler
        return handler

    return register


def _caller(acting):
    """Who calls, as the STS services take it: temporary credentials, an IAM user, or the root user."""
    return acting.credential or acting.user or acting.account


def _session_policies(params):
    return {
        "policy": params.get("Policy"),
        "policy_arns": [each["arn"] for each in params.get("PolicyArns", [])],
        "tags": params.get("Tags", []),
    }


def _packed(issued):
    return {"PackedPolicySize": issued.packed_policy_size} if issued.packed_policy_size is not None else {}


@operation("AssumeRole")
def assume_role(acting, params):
    issued = sts.assume_role(
        caller=_caller(acting),
        role_arn=params["RoleArn"],
        role_session_name=params["RoleSessionName"],
        duration_seconds=params.get("DurationSeconds", 3600),
        transitive_tag_keys=params.get("TransitiveTagKeys", []),
        source_identity=params.get("SourceIdentity"),
        external_id=params.get("ExternalId"),
        serial_number=params.get("SerialNumber"),
        token_code=params.get("TokenCode"),
        acting=acting,
        **_session_policies(params),
    )
    credential = issued.credential
    result = {
        "Credentials": issued.as_aws(),
        "AssumedRoleUser": {"AssumedRoleId": credential.principal_id, "Arn": credential.arn},
        **_packed(issued),
    }
    if credential.source_identity:
        result["SourceIdentity"] = credential.source_identity
    return result


@operation("GetSessionToken")
def get_session_token(acting, params):
    issued = sts.get_session_token(
        user=_caller(acting),
        duration_seconds=params.get("DurationSeconds", 43200),
        serial_number=params.get("SerialNumber"),
        token_code=params.get("TokenCode"),
        acting=acting,
    )
    return {"Credentials": issued.as_aws()}


@operation("GetFederationToken")
def get_federation_token(acting, params):
    issued = sts.get_federation_token(
        user=_caller(acting),
        name=params["Name"],
        duration_seconds=params.get("DurationSeconds", 43200),
        acting=acting,
        **_session_policies(params),
    )
    credential = issued.credential
    return {
        "Credentials": issued.as_aws(),
        "FederatedUser": {"FederatedUserId": credential.principal_id, "Arn": credential.arn},
        **_packed(issued),
    }


@operation("GetCallerIdentity")
def get_caller_identity(acting, params):
    # No policy can refuse it: AWS answers GetCallerIdentity even under an explicit deny.
    return sts.get_caller_identity(credentials_or_user=_caller(acting), acting=acting)


@operation("GetAccessKeyInfo")
def get_access_key_info(acting, params):
    try:
        return sts.get_access_key_info(access_key_id=params["AccessKeyId"], acting=acting)
    except NoSuchEntity:
        # In local mode a key the product never issued acts for the default account: it is that account's.
        if settings.IAMCONSOLE_LOCAL_MODE:
            return {"Account": settings.IAMCONSOLE_LOCAL_ACCOUNT}
        raise


@operation("DecodeAuthorizationMessage")
def decode_authorization_message(acting, params):
    return sts.decode_authorization_message(encoded_message=params["EncodedMessage"], acting=acting)


# AssumeRoleWithWebIdentity and AssumeRoleWithSAML are called unsigned: the token or assertion is the
# proof of identity (accounts/services/federation.py verifies it). Their handlers take the request
# (its source IP and user agent) and the parsed params.
UNSIGNED_HANDLERS = {}


def unsigned(name):
    def register(handler):
        UNSIGNED_HANDLERS[name] = handler
        return handler

    return register


def _session_request(request, params):
    return {
        "role_arn": params["RoleArn"],
        "duration_seconds": params.get("DurationSeconds", 3600),
        "policy": params.get("Policy"),
        "policy_arns": [each["arn"] for each in params.get("PolicyArns", [])],
        "source_ip": client_ip(request),
        "user_agent": request.headers.get("User-Agent", "")[:512],
    }


@unsigned("AssumeRoleWithWebIdentity")
def assume_role_with_web_identity(request, params):
    return federation.assume_role_with_web_identity(
        role_session_name=params["RoleSessionName"],
        web_identity_token=params["WebIdentityToken"],
        provider_id=params.get("ProviderId"),
        **_session_request(request, params),
    ).as_aws_response()


@unsigned("AssumeRoleWithSAML")
def assume_role_with_saml(request, params):
    return federation.assume_role_with_saml(
        principal_arn=params["PrincipalArn"],
        saml_assertion=params["SAMLAssertion"],
        **_session_request(request, params),
    ).as_aws_response()


UNSIGNED = set(UNSIGNED_HANDLERS)


def answer_unsigned(action, request, params):
    """The result of an unsigned call."""
    return UNSIGNED_HANDLERS[action](request, params)
