"""STS: AssumeRole, GetSessionToken, GetFederationToken, GetCallerIdentity, GetAccessKeyInfo,
DecodeAuthorizationMessage, temporary credentials (and what each kind of them may call) and revoking a
role's older sessions.

Every decision is the policy engine's (the role's trust policy is the resource policy of
sts:AssumeRole); these services only assemble the request AWS would, and speak AWS's messages.
"""

import dataclasses
import datetime
import hashlib
import hmac
import json
import re
import secrets

from django.utils import timezone

from access import crypto
from access.acting import Acting
from access.audit import audited, record_event
from access.authorization import (
    authorize,
    decide,
    describe_caller,
    iso,
    request_context,
    resource_tags_context,
)
from accounts.models import AccessKey, Account, MFADevice, TemporaryCredential
from accounts.services.accounts import account_by_signin_identifier
from accounts.services.mfa import mfa_verify
from aws.arns import path_and_name
from aws.errors import (
    AccessDenied,
    ExpiredToken,
    InvalidAuthorizationMessage,
    InvalidClientTokenId,
    MalformedPolicyDocument,
    NoSuchEntity,
    PackedPolicyTooLarge,
    ValidationError,
)
from aws.ids import new_access_key_id, new_secret_access_key
from aws.names import constraint_error
from policies.engine.validation import validate
from policies.models import Role

EVENT_SOURCE = "sts.amazonaws.com"
DURATION_MIN = 900
ROLE_DURATION_MAX = 43200
CHAINED_DURATION_MAX = 3600
SESSION_TOKEN_DURATION_MAX = 129600  # 36 hours
ROOT_SESSION_TOKEN_DURATION_MAX = 3600
FEDERATION_DURATION_MAX = 129600  # 36 hours; the root user's, one hour
SESSION_POLICY_MAX = 2048
POLICY_ARNS_MAX = 10
SESSION_TAGS_MAX = 50
SOURCE_IDENTITY_MAX = 64
EXTERNAL_ID_MAX = 1224
ROLE_ARN_MIN = 20
NAME_PATTERN = r"[\w+=,.@-]*"
EXTERNAL_ID_PATTERN = r"[\w+=,.@:\/-]*"
EMPTY_POLICY = '{"Version": "2012-10-17", "Statement": []}'

EXPIRED = "The security token included in the request is expired"
INVALID_TOKEN = "The security token included in the request is invalid."
ROOT_CANNOT_ASSUME = "Roles may not be assumed by root accounts."
CHAINED_DURATION = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
)
ROLE_DURATION = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code."
# IAM's answer to credentials it does not accept: a federated user's, or GetSessionToken's without MFA
# (as IAM writes it, without the final full stop; aws/aws-cli#8918 quotes the response).
IAM_REFUSES_SESSION = "The security token included in the request is invalid"

_ROLE_ARN_RE = re.compile(r"arn:aws:iam::(\d{12}):role(/(?:[\x21-\x7e]*/)?)([\w+=,.@-]{1,64})")


def _now():
    # One place for the clock, so tests can move it.
    return timezone.now()


_iso = iso
_describe_caller = describe_caller


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


# Who calls: an IAM user with long-term keys, the root user, or temporary credentials.


def session_acting(
    credential, *, source_ip="", user_agent="", secure_transport=False, requested_region="", cache=None
):
    """The Acting of a call made with temporary credentials; `cache`: the authorizer's, for one call."""
    return Acting(
        account=credential.account,
        user=credential.user,
        source_ip=source_ip,
        user_agent=user_agent,
        access_key_id=credential.access_key_id,
        via_console=False,
        credential=credential,
        secure_transport=secure_transport,
        requested_region=requested_region,
        cache=cache,
    )


def credentials_lookup(*, access_key_id, session_token=None):
    """The temporary credentials of `access_key_id` while they are valid; ExpiredToken after.

    With `session_token`, the token must be the one issued with the key (compared in constant time).
    """
    credential = (
        TemporaryCredential.objects.select_related("account", "user", "role")
        .filter(access_key_id=access_key_id)
        .first()
    )
    if credential is None:
        raise InvalidClientTokenId(INVALID_TOKEN)
    return credentials_checked(credential, session_token=session_token)


def credentials_checked(credential, *, session_token=None):
    """`credential` (temporary credentials already read) while they are valid, and with `session_token`
    the token issued with them; InvalidClientTokenId or ExpiredToken otherwise."""
    if session_token is not None and not hmac.compare_digest(
        credential.session_token_hash, _hash_token(session_token)
    ):
        raise InvalidClientTokenId(INVALID_TOKEN)
    if credential.expiration <= _now():
        raise ExpiredToken(EXPIRED)
    return credential


def credentials_secret(credential):
    """The secret access key of temporary credentials (to verify a signature)."""
    return crypto.decrypt(credential.secret_encrypted)


# What GetSessionToken's credentials may call of STS; a federated user's may call only GetCallerIdentity.
SESSION_TOKEN_STS_CALLS = {"AssumeRole", "GetCallerIdentity"}
FEDERATED_STS_CALLS = {"GetCallerIdentity"}


def session_call_refusal(credential, *, service, operation):
    """The error AWS answers when temporary credentials call `operation` of `service` ("iam", "sts")
    that their kind may not call; None when they may. Role sessions may call both services.

    IAM refuses a federated user's credentials, and GetSessionToken's unless MFA was used, as invalid
    tokens. STS refuses their other operations with AccessDenied; the message is the one AWS gives
    for GetSessionToken and GetFederationToken (unconfirmed for the other operations).
    """
    if credential is None or credential.is_role_session:
        return None
    if service == "iam" and (credential.is_federated or not credential.mfa_authenticated):
        return InvalidClientTokenId(IAM_REFUSES_SESSION)
    allowed = FEDERATED_STS_CALLS if credential.is_federated else SESSION_TOKEN_STS_CALLS
    if service == "sts" and operation not in allowed:
        return AccessDenied(f"Cannot call {operation} with session credentials")
    return None


@dataclasses.dataclass
class IssuedCredentials:
    """What AssumeRole and GetSessionToken return: the secret and token appear here only."""

    credential: TemporaryCredential
    secret_access_key: str
    session_token: str
    packed_policy_size: int | None = None

    @property
    def access_key_id(self):
        return self.credential.access_key_id

    @property
    def expiration(self):
        return self.credential.expiration

    def as_aws(self):
        """AWS's Credentials element."""
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": _iso(self.expiration),
        }


def _issue(*, account, duration_seconds, issued_at, **fields):
    secret = new_secret_access_key()
    token = secrets.token_urlsafe(96)
    credential = TemporaryCredential.objects.create(
        account=account,
        access_key_id=new_access_key_id("ASIA"),
        secret_encrypted=crypto.encrypt(secret),
        session_token_hash=_hash_token(token),
        issued_at=issued_at,
        expiration=issued_at + datetime.timedelta(seconds=duration_seconds),
        **fields,
    )
    return IssuedCredentials(credential=credential, secret_access_key=secret, session_token=token)


def _caller_user(caller):
    if isinstance(caller, TemporaryCredential):
        return caller.user, caller.account
    if isinstance(caller, Account):
        return None, caller
    return caller, caller.account


def _verify_mfa(caller, serial_number, token_code):
    """True when a serial number and code were given and the code is valid for the caller's device."""
    if not serial_number and not token_code:
        return False
    user, account = _caller_user(caller)
    found = path_and_name(account.id, "mfa", serial_number)
    device = None
    if found is not None:
        device = MFADevice.objects.filter(
            account=account, user=user, enabled_at__isnull=False, path=found[0], name=found[1]
        ).first()
    if device is None or not mfa_verify(device=device, code=token_code):
        raise AccessDenied(MFA_FAILED)
    return True


@audited(
    "DecodeAuthorizationMessage",
    params=lambda kw: {"encodedMessage": "..."},
    read_only=True,
    event_source=EVENT_SOURCE,
)
def decode_authorization_message(*, encoded_message, acting):
    """{"DecodedMessage": JSON text} for a message encoded in the caller's account; the caller needs
    sts:DecodeAuthorizationMessage (the root user always has it)."""
    _authorize(acting=acting, action="sts:DecodeAuthorizationMessage")
    try:
        sealed = json.loads(crypto.decrypt(encoded_message))
    except ValueError:
        sealed = None
    if not isinstance(sealed, dict) or sealed.get("account") != acting.account.id:
        raise InvalidAuthorizationMessage("Invalid authorization message")
    return {"DecodedMessage": json.dumps(sealed["decoded"])}


def _authorize(*, acting, action):
    """AccessDenied unless the acting identity's policies allow `action` (on "*": STS's own actions
    have no resource type); the root user may do everything in its account."""
    authorize(acting=acting, action=action, on_resource=False)


# AssumeRole


def _validate_assume_role(
    *, role_session_name, duration_seconds, policy, policy_arns, tags, source_identity, external_id
):
    if len(role_session_name) < 2:
        raise constraint_error(
            role_session_name, "roleSessionName", "Member must have length greater than or equal to 2"
        )
    if len(role_session_name) > 64:
        raise constraint_error(
            role_session_name, "roleSessionName", "Member must have length less than or equal to 64"
        )
    if not re.fullmatch(NAME_PATTERN, role_session_name, re.ASCII):
        raise constraint_error(
            role_session_name,
            "roleSessionName",
            f"Member must satisfy regular expression pattern: {NAME_PATTERN}",
        )
    _check_duration(duration_seconds, ROLE_DURATION_MAX)
    if source_identity is not None:
        _validate_string(source_identity, "sourceIdentity", 2, SOURCE_IDENTITY_MAX, NAME_PATTERN)
    if external_id is not None:
        _validate_string(external_id, "externalId", 2, EXTERNAL_ID_MAX, EXTERNAL_ID_PATTERN)
    return _validate_session_policies(policy=policy, policy_arns=policy_arns, tags=tags)


def _validate_session_policies(*, policy, policy_arns, tags):
    """The packed size (a percentage) of a session's policies and tags, once they pass AWS's checks."""
    if policy is not None and len(policy) > SESSION_POLICY_MAX:
        raise constraint_error(
            policy, "policy", f"Member must have length less than or equal to {SESSION_POLICY_MAX}"
        )
    if len(policy_arns) > POLICY_ARNS_MAX:
        raise constraint_error(
            list(policy_arns),
            "policyArns",
            f"Member must have length less than or equal to {POLICY_ARNS_MAX}",
        )
    if len(tags) > SESSION_TAGS_MAX:
        raise constraint_error(
            list(tags), "tags", f"Member must have length less than or equal to {SESSION_TAGS_MAX}"
        )
    if policy is not None:
        malformed = validate(policy, "session")["malformed"]
        if malformed:
            raise MalformedPolicyDocument(malformed)
    # AWS compresses the session policy, its ARNs and the tags into one packed blob with a fixed
    # allowance; this approximates it by their compact size against the same 2,048.
    packed = _packed_size(policy, policy_arns, tags)
    if packed > 100:
        raise PackedPolicyTooLarge(
            f"Packed policy consumes {packed}% of allotted space, please use smaller policy."
        )
    return packed


def _check_duration(duration_seconds, maximum):
    if duration_seconds < DURATION_MIN:
        raise constraint_error(
            duration_seconds,
            "durationSeconds",
            f"Member must have value greater than or equal to {DURATION_MIN}",
        )
    if duration_seconds > maximum:
        raise constraint_error(
            duration_seconds, "durationSeconds", f"Member must have value less than or equal to {maximum}"
        )


def _validate_string(value, field, minimum, maximum, pattern):
    # AWS names the constraint that failed: a length bound before the pattern.
    if len(value) < minimum:
        raise constraint_error(value, field, f"Member must have length greater than or equal to {minimum}")
    if len(value) > maximum:
        raise constraint_error(value, field, f"Member must have length less than or equal to {maximum}")
    if not re.fullmatch(pattern, value, re.ASCII):
        raise constraint_error(value, field, f"Member must satisfy regular expression pattern: {pattern}")


def _packed_size(policy, policy_arns, tags):
    compact = json.dumps(json.loads(policy), separators=(",", ":")) if policy else ""
    size = (
        len(compact)
        + sum(len(arn) for arn in policy_arns)
        + sum(len(t["Key"]) + len(t["Value"]) for t in tags)
    )
    return round(size * 100 / SESSION_POLICY_MAX)


def _role_for(role_arn):
    if len(role_arn or "") < ROLE_ARN_MIN:
        raise constraint_error(
            role_arn, "roleArn", f"Member must have length greater than or equal to {ROLE_ARN_MIN}"
        )
    match = _ROLE_ARN_RE.fullmatch(role_arn)
    if match is None:
        raise ValidationError(f"{role_arn} is invalid")
    account_id, path, name = match.groups()
    # A closed account's roles cannot be assumed: they answer as a role that does not exist.
    return (
        Role.objects.select_related("account")
        .filter(account_id=account_id, account__closed_at__isnull=True, path=path, name__iexact=name)
        .first()
    )


def _decide(*, caller, action, role, role_arn, extra_context, now, on_resource=True):
    """The engine's decision with the role's trust policy as the resource policy of `action`."""
    return decide(
        caller=caller,
        action=action,
        resource=role_arn,
        now=now,
        extra_context=extra_context,
        resource_policy=json.loads(role.trust_policy) if role is not None else None,
        resource_account=role.account_id if role is not None else None,
        on_resource=on_resource,
    )


def _chained_tags(parent, tags, transitive_tag_keys):
    """(session tags, transitive keys) of a new session: its own tags, and those its parent session
    marked transitive, which pass on down the chain (keys compare without case, as IAM's tags do). An
    inherited transitive tag keeps its value: AWS does not let a chained session override it (AWS
    refuses such a request; the error it answers is unconfirmed here, so the inherited value wins)."""
    own = {tag["Key"].lower() for tag in tags}
    keys = [key for key in transitive_tag_keys if key.lower() in own]
    if parent is None or not parent.transitive_tag_keys:
        return tags, keys
    passed = {key.lower() for key in parent.transitive_tag_keys}
    inherited = [tag for tag in parent.session_tags if tag["Key"].lower() in passed]
    inherited_keys = {tag["Key"].lower() for tag in inherited}
    tags = inherited + [tag for tag in tags if tag["Key"].lower() not in inherited_keys]
    keys = [tag["Key"] for tag in inherited] + [key for key in keys if key.lower() not in inherited_keys]
    return tags, keys


def _role_session_params(kw, **named):
    """What every AssumeRole* call records: the role, `named` (the session's name, or SAML's principal),
    the duration and the session policies."""
    params = {"roleArn": kw["role_arn"], **named, "durationSeconds": kw.get("duration_seconds", 3600)}
    if kw.get("policy") is not None:
        params["policy"] = kw["policy"]
    if kw.get("policy_arns"):
        params["policyArns"] = [{"arn": arn} for arn in kw["policy_arns"]]
    return params


def _assume_role_params(kw):
    params = _role_session_params(kw, roleSessionName=kw["role_session_name"])
    if kw.get("tags"):
        params["tags"] = [{"key": t["Key"], "value": t["Value"]} for t in kw["tags"]]
    if kw.get("transitive_tag_keys"):
        params["transitiveTagKeys"] = list(kw["transitive_tag_keys"])
    for key, aws in (
        ("source_identity", "sourceIdentity"),
        ("external_id", "externalId"),
        ("serial_number", "serialNumber"),
    ):
        if kw.get(key) is not None:
            params[aws] = kw[key]
    return params


def _assume_role_response(issued):
    credential = issued.credential
    response = {
        "credentials": {"accessKeyId": credential.access_key_id, "expiration": _iso(credential.expiration)},
        "assumedRoleUser": {"assumedRoleId": credential.principal_id, "arn": credential.arn},
    }
    if issued.packed_policy_size is not None:
        response["packedPolicySize"] = issued.packed_policy_size
    if credential.source_identity:
        response["sourceIdentity"] = credential.source_identity
    return response


@audited("AssumeRole", params=_assume_role_params, response=_assume_role_response, event_source=EVENT_SOURCE)
def assume_role(
    *,
    caller,
    role_arn,
    role_session_name,
    duration_seconds=3600,
    policy=None,
    policy_arns=(),
    tags=(),
    transitive_tag_keys=(),
    source_identity=None,
    external_id=None,
    serial_number=None,
    token_code=None,
    console_mfa=None,
    acting,
):
    """Temporary credentials for a role session, when the role's trust policy (and, across accounts or
    when it names only the account, the caller's identity policies) allow the caller."""
    now = _now()
    tags = [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in tags]
    policy_arns = list(policy_arns)
    packed = _validate_assume_role(
        role_session_name=role_session_name,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=policy_arns,
        tags=tags,
        source_identity=source_identity,
        external_id=external_id,
    )
    if isinstance(caller, Account) or (
        isinstance(caller, TemporaryCredential) and caller.user_id is None and caller.role_id is None
    ):
        raise AccessDenied(ROOT_CANNOT_ASSUME)
    mfa_now = _verify_mfa(caller, serial_number, token_code)
    # The console switches with its sign-in session, which says whether MFA was used.
    described = _describe_caller(caller, now=now, mfa_now=mfa_now, mfa=None if mfa_now else console_mfa)
    role = _role_for(role_arn)
    # The request's own keys (aws:SourceIp, aws:RequestedRegion …) reach the trust policy too.
    extra = {**request_context(acting), "sts:RoleSessionName": role_session_name}
    if external_id is not None:
        extra["sts:ExternalId"] = external_id
    if source_identity is not None:
        extra["sts:SourceIdentity"] = source_identity
    if tags:
        extra.update({f"aws:RequestTag/{t['Key']}": t["Value"] for t in tags})
        extra["aws:TagKeys"] = [t["Key"] for t in tags]
    if role is None:
        # A missing role is refused like an untrusted one: AssumeRole never says which roles exist.
        raise AccessDenied(
            f"User: {described.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        )
    role_arn = role.arn
    # The role's tags are the request's aws:ResourceTag/* (and iam:ResourceTag/*) keys.
    extra.update(resource_tags_context("sts:AssumeRole", role))
    _decide(
        caller=described, action="sts:AssumeRole", role=role, role_arn=role_arn, extra_context=extra, now=now
    )
    # Session tags and a source identity each need their own permission in the trust policy.
    if tags:
        _decide(
            caller=described,
            action="sts:TagSession",
            role=role,
            role_arn=role_arn,
            extra_context=extra,
            now=now,
        )
    if source_identity is not None:
        _decide(
            caller=described,
            action="sts:SetSourceIdentity",
            role=role,
            role_arn=role_arn,
            extra_context=extra,
            now=now,
        )
    chained = described.role_session
    if chained and duration_seconds > CHAINED_DURATION_MAX:
        raise ValidationError(CHAINED_DURATION)
    if duration_seconds > role.max_session_duration:
        raise ValidationError(ROLE_DURATION)
    parent = described.credential
    if parent is not None and parent.source_identity:
        if source_identity is not None and source_identity != parent.source_identity:
            raise AccessDenied(
                f"User: {described.arn} is not authorized to perform: sts:SetSourceIdentity on resource: {role_arn}"
            )
        source_identity = parent.source_identity  # a source identity follows chained sessions
    tags, transitive = _chained_tags(parent, tags, transitive_tag_keys)
    mfa_at = now if mfa_now else (parent.mfa_authenticated_at if parent is not None else None)
    if mfa_at is None and console_mfa is not None and console_mfa[0]:
        mfa_at = console_mfa[1]
    issued = _issue(
        account=role.account,
        duration_seconds=duration_seconds,
        issued_at=now,
        role=role,
        role_session_name=role_session_name,
        issuer_arn=described.arn,
        chained=chained,
        source_identity=source_identity or "",
        session_tags=tags,
        transitive_tag_keys=transitive,
        session_policy=policy or "",
        session_policy_arns=policy_arns,
        mfa_authenticated=mfa_at is not None,
        mfa_authenticated_at=mfa_at,
    )
    if policy is not None or policy_arns or tags:
        issued.packed_policy_size = packed
    Role.objects.filter(pk=role.pk).update(last_used_at=now)
    if role.account_id != acting.account.id:
        # CloudTrail records a cross-account AssumeRole in the role's account too (the decorator
        # records it in the caller's).
        record_event(
            acting=acting,
            account=role.account,
            event_name="AssumeRole",
            request_parameters=_assume_role_params(
                {
                    "role_arn": role_arn,
                    "role_session_name": role_session_name,
                    "duration_seconds": duration_seconds,
                    "policy": policy,
                    "policy_arns": policy_arns,
                    "tags": tags,
                    "source_identity": source_identity,
                    "external_id": external_id,
                    "serial_number": serial_number,
                }
            ),
            response_elements=_assume_role_response(issued),
            event_source=EVENT_SOURCE,
        )
    return issued


# GetSessionToken


def _session_token_params(kw):
    params = {"durationSeconds": kw.get("duration_seconds", 43200)}
    if kw.get("serial_number") is not None:
        params["serialNumber"] = kw["serial_number"]
    return params


def _session_token_response(issued):
    credential = issued.credential
    return {
        "credentials": {"accessKeyId": credential.access_key_id, "expiration": _iso(credential.expiration)}
    }


@audited(
    "GetSessionToken",
    params=_session_token_params,
    response=_session_token_response,
    read_only=True,
    event_source=EVENT_SOURCE,
)
def get_session_token(*, user, duration_seconds=43200, serial_number=None, token_code=None, acting):
    """Temporary credentials for an IAM user (or the root user: `user` is the Account), MFA-authenticated
    when a serial number and a valid code are given."""
    if isinstance(user, TemporaryCredential):
        raise AccessDenied("Cannot call GetSessionToken with session credentials")
    is_root = isinstance(user, Account)
    maximum = ROOT_SESSION_TOKEN_DURATION_MAX if is_root else SESSION_TOKEN_DURATION_MAX
    _check_duration(duration_seconds, maximum)
    now = _now()
    mfa = _verify_mfa(user, serial_number, token_code)
    return _issue(
        account=user if is_root else user.account,
        duration_seconds=duration_seconds,
        issued_at=now,
        user=None if is_root else user,
        issuer_arn=user.root_arn if is_root else user.arn,
        mfa_authenticated=mfa,
        mfa_authenticated_at=now if mfa else None,
    )


# GetFederationToken


def federated_user_arn(account_id, name):
    return f"arn:aws:sts::{account_id}:federated-user/{name}"


def _federation_params(kw):
    params = {"name": kw["name"], "durationSeconds": kw.get("duration_seconds", 43200)}
    if kw.get("policy") is not None:
        params["policy"] = kw["policy"]
    if kw.get("policy_arns"):
        params["policyArns"] = [{"arn": arn} for arn in kw["policy_arns"]]
    if kw.get("tags"):
        params["tags"] = [{"key": t["Key"], "value": t["Value"]} for t in kw["tags"]]
    return params


def _federation_response(issued):
    credential = issued.credential
    response = {
        "credentials": {"accessKeyId": credential.access_key_id, "expiration": _iso(credential.expiration)},
        "federatedUser": {"federatedUserId": credential.principal_id, "arn": credential.arn},
    }
    if issued.packed_policy_size is not None:
        response["packedPolicySize"] = issued.packed_policy_size
    return response


@audited(
    "GetFederationToken",
    params=_federation_params,
    response=_federation_response,
    event_source=EVENT_SOURCE,
)
def get_federation_token(*, user, name, duration_seconds=43200, policy=None, policy_arns=(), tags=(), acting):
    """Temporary credentials for a federated user `name`, called with an IAM user's long-term keys (or
    the root user's: `user` is the Account). The session may do what both the user's policies and the
    session policies passed allow; with no session policy, nothing."""
    if isinstance(user, TemporaryCredential):
        raise AccessDenied("Cannot call GetFederationToken with session credentials")
    is_root = isinstance(user, Account)
    account = user if is_root else user.account
    _check_duration(duration_seconds, ROOT_SESSION_TOKEN_DURATION_MAX if is_root else FEDERATION_DURATION_MAX)
    tags = [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in tags]
    policy_arns = list(policy_arns)
    packed = _validate_session_policies(policy=policy, policy_arns=policy_arns, tags=tags)
    resource = federated_user_arn(account.id, name)
    authorize(acting=acting, action="sts:GetFederationToken", resource=resource)
    if tags:
        request_tags = {f"aws:RequestTag/{t['Key']}": t["Value"] for t in tags}
        authorize(
            acting=acting,
            action="sts:TagSession",
            resource=resource,
            context={**request_tags, "aws:TagKeys": [t["Key"] for t in tags]},
        )
    issued = _issue(
        account=account,
        duration_seconds=duration_seconds,
        issued_at=_now(),
        user=None if is_root else user,
        federated_name=name,
        issuer_arn=user.root_arn if is_root else user.arn,
        session_tags=tags,
        session_policy=policy or "",
        session_policy_arns=policy_arns,
    )
    if policy is not None or policy_arns or tags:
        issued.packed_policy_size = packed
    return issued


# GetCallerIdentity and GetAccessKeyInfo (read-only; recorded when an `acting` is given)


def get_caller_identity(*, credentials_or_user, acting=None):
    """{"UserId", "Account", "Arn"} of an IAM user, the root user (an Account) or temporary credentials."""
    who = credentials_or_user
    if isinstance(who, TemporaryCredential):
        who = credentials_lookup(access_key_id=who.access_key_id)
        identity = {"UserId": who.principal_id, "Account": who.account_id, "Arn": who.arn}
    elif isinstance(who, Account):
        identity = {"UserId": who.id, "Account": who.id, "Arn": who.root_arn}
    else:
        identity = {"UserId": who.user_id, "Account": who.account_id, "Arn": who.arn}
    if acting is not None:
        record_event(
            acting=acting,
            event_name="GetCallerIdentity",
            request_parameters=None,
            read_only=True,
            event_source=EVENT_SOURCE,
        )
    return identity


def get_access_key_info(*, access_key_id, acting=None):
    """{"Account": …} that owns a long-term (AKIA) or temporary (ASIA) access key ID."""
    account_id = (
        AccessKey.objects.filter(access_key_id=access_key_id).values_list("account_id", flat=True).first()
        or TemporaryCredential.objects.filter(access_key_id=access_key_id)
        .values_list("account_id", flat=True)
        .first()
    )
    if acting is not None:
        record_event(
            acting=acting,
            event_name="GetAccessKeyInfo",
            request_parameters={"accessKeyId": access_key_id},
            read_only=True,
            event_source=EVENT_SOURCE,
        )
    if account_id is None:
        raise NoSuchEntity(f"The access key ID {access_key_id} cannot be found.")
    return {"Account": account_id}


# Revoke active sessions


# Switch role in the console


SWITCH_COLORS = {
    "red": "#c7254e",
    "orange": "#e07b00",
    "yellow": "#c9a100",
    "green": "#2e8540",
    "blue": "#0073bb",
}
CONSOLE_SESSION_SECONDS = 3600  # the console's role sessions are chained: one hour at most
SWITCH_REFUSED = (
    "Invalid information in one or more fields. Check your information or contact your administrator."
)


def console_switch_role(*, acting, account_identifier, role_name, acting_user=None):
    """AssumeRole for the console's Switch role: the signed-in user's session into `role_name` (a name,
    with its path if it has one) of the account given by ID or alias, for one hour."""

    if acting.is_root:
        raise AccessDenied(ROOT_CANNOT_ASSUME)
    user = acting_user or acting.user
    # A console session from the AWS access portal has no IAM user: it switches as its role session
    # (role chaining), under the same session name.
    caller = user if user is not None else acting.credential
    session_name = user.name if user is not None else acting.credential.role_session_name
    account = account_by_signin_identifier(account_identifier.strip())
    account_id = account.id if account is not None else account_identifier.strip()
    role_path_name = role_name.strip().strip("/")
    role_arn = f"arn:aws:iam::{account_id}:role/{role_path_name}"
    return assume_role(
        caller=caller,
        role_arn=role_arn,
        role_session_name=session_name,
        duration_seconds=CONSOLE_SESSION_SECONDS,
        console_mfa=acting.mfa,
        acting=acting,
    )
