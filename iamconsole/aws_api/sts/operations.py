"""The handlers of STS's operations. Each takes the acting principal and the request read from
botocore's model (its member names) and returns the output shape's members."""

from accounts.services import sts
from aws.errors import InvalidIdentityToken

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
    return sts.get_access_key_info(access_key_id=params["AccessKeyId"], acting=acting)


@operation("DecodeAuthorizationMessage")
def decode_authorization_message(acting, params):
    return sts.decode_authorization_message(encoded_message=params["EncodedMessage"], acting=acting)


# AssumeRoleWithWebIdentity and AssumeRoleWithSAML are called unsigned: the token or assertion is the
# proof of identity. Their handlers take (the request's facts, the parsed params) and are registered
# here by the services that verify tokens and assertions.
UNSIGNED = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}
UNSIGNED_HANDLERS = {}


# What AWS answers for a token or assertion it cannot verify (the web identity message is the one
# STS gives for a token that is not a JWT; the SAML one is unconfirmed).
UNVERIFIABLE = {
    "AssumeRoleWithWebIdentity": "The ID Token provided is not a valid JWT. (You may see this error if you "
    "sent an Access Token)",
    "AssumeRoleWithSAML": "Invalid SAML response",
}


def answer_unsigned(action, request_facts, params):
    """The result of an unsigned call: its registered handler's, or, while nothing can verify the
    token, AWS's refusal of an invalid one."""
    handler = UNSIGNED_HANDLERS.get(action)
    if handler is None:
        raise InvalidIdentityToken(UNVERIFIABLE[action])
    return handler(request_facts, params)
