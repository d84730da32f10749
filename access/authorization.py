"""Who may do what: every console page, service and STS call asks the policy engine here.

The caller (an IAM user, a role session, the root user) is described once as the engine sees it:
its identity policies, permissions boundary, session policies, the organization's SCPs and RCPs, and
the request context AWS would send (`aws:username`, `aws:PrincipalTag/*`, MFA keys, source IP, time).
`authorize()` raises AccessDenied with AWS's own message, naming the kind of policy that refused.
"""

import dataclasses
import datetime
import json

from django.db.models import F, Q
from django.utils import timezone

from access import crypto
from accounts.models import Account, IAMUser, TemporaryCredential
from aws.errors import AccessDenied, ExpiredToken
from organizations.selectors import organization_policies as of_organization
from policies.engine import catalog, evaluate
from policies.engine.explain import explain_message
from policies.models import ManagedPolicy, PolicyVersion
from policies.selectors.permissions import principal_in_play

EXPIRED = "The security token included in the request is expired"
EMPTY_POLICY = '{"Version": "2012-10-17", "Statement": []}'
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
SERVICE_LINKED_ROLE_PATH = "/aws-service-role/"


def now():
    # One place for the clock, so tests can move it.
    return timezone.now()


def iso(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def organization_policies(account):
    """(scps, rcps) of the account's organization, one list of documents per level from the root to
    the account; None for a kind that does not apply (no organization, the management account)."""

    return of_organization(account)


# The resource's tags, as AWS sends them with every request on a tagged resource.

_TAG_KEY_PREFIXES = ("aws:ResourceTag/", "iam:ResourceTag/")


def resource_tag_prefixes(action):
    """The ResourceTag key families (`aws:ResourceTag/`, `iam:ResourceTag/`) the Service Authorization
    Reference lists for `action`, on its own rows or on its resource types."""
    found = catalog.action(action)
    if found is None:
        return ()
    keys = [key for row in found.resources for key in row.condition_keys]
    keys += [
        key for resource_type, _ in catalog.resource_types_for(action) for key in resource_type.condition_keys
    ]
    lowered = {key.lower() for key in keys}
    return tuple(prefix for prefix in _TAG_KEY_PREFIXES if f"{prefix.lower()}${{tagkey}}" in lowered)


def resource_tags_context(action, entity):
    """`aws:ResourceTag/<key>` (and `iam:ResourceTag/<key>`) for each tag of `entity`, as far as the
    catalog says `action` takes them; {} for an entity that holds no tags."""
    tags = getattr(entity, "tags", None) if entity is not None else None
    if tags is None:
        return {}
    prefixes = resource_tag_prefixes(action)
    if not prefixes:
        return {}
    return {f"{prefix}{tag.key}": tag.value for tag in tags.all() for prefix in prefixes}


# The caller, as the engine sees it.


@dataclasses.dataclass
class Caller:
    account_id: str
    arn: str
    context: dict
    identity_policies: list
    boundary: dict | None
    session_policies: list
    credential: TemporaryCredential | None = None
    is_root: bool = False
    scps: list | None = None
    rcps: list | None = None

    @property
    def role_session(self):
        return self.credential is not None and self.credential.is_role_session


def _documents(texts):
    return [json.loads(text) for text in texts if text]


def _session_policy_documents(credential):
    """The session's inline policy and managed PolicyArns as documents. An ARN that names no policy
    the role's account can use (deleted, or another account's) still bounds: it allows nothing."""
    documents = _documents([credential.session_policy])
    arns = credential.session_policy_arns or []
    if arns:
        visible = ManagedPolicy.objects.filter(arn__in=arns).filter(
            Q(account__isnull=True) | Q(account_id=credential.account_id)
        )
        by_arn = dict(
            PolicyVersion.objects.filter(
                policy__in=visible, number=F("policy__default_version_number")
            ).values_list("policy__arn", "document")
        )
        documents += [json.loads(by_arn.get(arn, EMPTY_POLICY)) for arn in arns]
    return documents


def mfa_context(present, at, moment):
    if present is None:
        return {}  # long-term credentials: AWS sends no MFA keys at all
    context = {"aws:MultiFactorAuthPresent": "true" if present else "false"}
    if present and at is not None:
        context["aws:MultiFactorAuthAge"] = str(max(0, int((moment - at).total_seconds())))
    return context


def _with_organization(caller, account, known=None):
    scps, rcps = known if known is not None else organization_policies(account)
    # Service-linked roles act for AWS services: SCPs never restrict them.
    if not (caller.role_session and caller.credential.role.path == SERVICE_LINKED_ROLE_PATH):
        caller.scps = scps
    caller.rcps = rcps
    return caller


def _as_federated_user(described, credential):
    """GetFederationToken's session: the user's policies, bounded by the session's policies (none
    passed: no permissions), its principal tags the session's tags rather than the user's."""
    context = {
        key: value
        for key, value in described.context.items()
        if key != "aws:username" and not key.startswith("aws:PrincipalTag/")
    }
    context.update(
        {
            "aws:userid": credential.principal_id,
            "aws:PrincipalArn": credential.arn,
            "aws:PrincipalType": "FederatedUser",
        }
    )
    for tag in credential.session_tags:
        context[f"aws:PrincipalTag/{tag['Key']}"] = tag["Value"]
    described.context = context
    described.arn = credential.arn
    described.session_policies = _session_policy_documents(credential) or [json.loads(EMPTY_POLICY)]


def describe_caller(caller, *, now, mfa_now=False, mfa=None, organization=None):
    """The engine's view of `caller` (IAMUser, Account for root, or TemporaryCredential).

    `mfa` is (present, authenticated_at) for a console session, whose sign-in says whether MFA was
    used; None for long-term keys, which send no MFA keys. `organization`: the account's
    organization_policies when the caller already knows them.
    """
    if isinstance(caller, TemporaryCredential):
        credential = caller
        if credential.expiration <= now:
            raise ExpiredToken(EXPIRED)
        mfa_present = credential.mfa_authenticated or mfa_now
        mfa_at = now if mfa_now else credential.mfa_authenticated_at
        context = {"aws:TokenIssueTime": iso(credential.issued_at)}
        context.update(mfa_context(mfa_present, mfa_at, now))
        if credential.is_role_session:
            role = credential.role
            in_play = principal_in_play(role=role)
            context.update(
                {
                    "aws:userid": credential.principal_id,
                    "aws:PrincipalArn": role.arn,
                    "aws:PrincipalType": "AssumedRole",
                }
            )
            if credential.source_identity:
                context["aws:SourceIdentity"] = credential.source_identity
            # A role session's principal tags are the role's tags, overridden by its session tags.
            for key, value in in_play["tags"]:
                context[f"aws:PrincipalTag/{key}"] = value
            for tag in credential.session_tags:
                context[f"aws:PrincipalTag/{tag['Key']}"] = tag["Value"]
            described = Caller(
                account_id=credential.account_id,
                arn=credential.arn,
                context=context,
                identity_policies=_documents(document for *_, document in in_play["identity"]),
                boundary=json.loads(in_play["boundary"]) if in_play["boundary"] else None,
                session_policies=_session_policy_documents(credential),
                credential=credential,
            )
            return _with_organization(described, credential.account, organization)
        if credential.user_id is None:
            described = Caller(credential.account_id, credential.arn, context, [], None, [], credential, True)
            if credential.is_federated:
                _as_federated_user(described, credential)
            return _with_organization(described, credential.account, organization)
        described = describe_caller(credential.user, now=now, organization=organization)
        described.context.update(context)
        described.credential = credential
        if credential.is_federated:
            _as_federated_user(described, credential)
        return described
    present, at = mfa if mfa is not None else (True if mfa_now else None, now)
    if isinstance(caller, Account):
        described = Caller(
            caller.id, caller.root_arn, mfa_context(present, at, now), [], None, [], is_root=True
        )
        return _with_organization(described, caller, organization)
    if isinstance(caller, IAMUser):
        in_play = principal_in_play(user=caller)
        context = {
            "aws:username": caller.name,
            "aws:userid": caller.user_id,
            "aws:PrincipalArn": caller.arn,
            "aws:PrincipalType": "User",
        }
        context.update(mfa_context(present, at, now))
        for key, value in in_play["tags"]:
            context[f"aws:PrincipalTag/{key}"] = value
        described = Caller(
            account_id=caller.account_id,
            arn=caller.arn,
            context=context,
            identity_policies=_documents(document for *_, document in in_play["identity"]),
            boundary=json.loads(in_play["boundary"]) if in_play["boundary"] else None,
            session_policies=[],
        )
        return _with_organization(described, caller.account, organization)
    raise TypeError("caller must be an IAMUser, an Account (its root user) or a TemporaryCredential")


# Denials carry an encoded message (DecodeAuthorizationMessage), sealed so only this installation
# can read it.


def encode_authorization_message(*, answer, request, account_id):
    """An opaque message carrying a denial's details, as AWS's "Encoded authorization failure message"."""
    context = request.get("context", {})
    decoded = {
        "allowed": answer.get("decision") == "allowed",
        "explicitDeny": answer.get("decision") == "explicitDeny",
        "matchedStatements": {"items": answer.get("matched", [])},
        "failures": {"items": [answer["deniedBy"]] if answer.get("deniedBy") else []},
        "context": {
            "principal": {"id": context.get("aws:userid", ""), "arn": request.get("principal", "")},
            "action": request["action"],
            "resource": request["resource"],
            "conditions": {
                "items": [
                    {"key": key, "values": {"items": [{"value": str(value)}]}}
                    for key, value in sorted(context.items())
                ]
            },
        },
    }
    return crypto.encrypt(json.dumps({"account": account_id, "decoded": decoded}))


def decide(
    *,
    caller,
    action,
    resource,
    now,
    extra_context=None,
    resource_policy=None,
    resource_account=None,
    on_resource=True,
    shown_resource=None,
):
    """The engine's answer for `caller` doing `action` on `resource`; AccessDenied with AWS's message
    (and an encoded authorization message) when it is not allowed."""
    request = {
        "principal": caller.arn,
        "action": action,
        "resource": resource,
        "context": {
            **caller.context,
            # An identity provider's user (web identity, SAML) belongs to no account.
            **({"aws:PrincipalAccount": caller.account_id} if caller.account_id else {}),
            "aws:CurrentTime": iso(now),
            "aws:EpochTime": int(now.timestamp()),
            **(extra_context or {}),
        },
        # The root user's permissions are everything in its account; only SCPs bound them.
        "identityPolicies": [ALLOW_ALL] if caller.is_root else caller.identity_policies,
    }
    if caller.boundary is not None:
        request["permissionsBoundary"] = caller.boundary
    if caller.session_policies:
        request["sessionPolicy"] = caller.session_policies
    if caller.scps is not None:
        request["scps"] = caller.scps
    if caller.rcps is not None:
        request["rcps"] = caller.rcps
    if resource_policy is not None:
        request["resourcePolicy"] = resource_policy
        request["resourceAccount"] = resource_account
    answer = evaluate(request)
    if answer.get("decision") != "allowed":
        shown = shown_resource or (resource if on_resource else None)
        # A stored policy the engine cannot read allows nothing: the plain denial, without a reason.
        error = AccessDenied(
            explain_message(answer, action, caller.arn, shown)
            if "decision" in answer
            else f"User: {caller.arn} is not authorized to perform: {action}"
            + (f" on resource: {shown}" if shown else "")
        )
        error.encoded_message = encode_authorization_message(
            answer=answer, request=request, account_id=caller.account_id
        )
        error.answer = answer
        raise error
    return answer


# The acting principal of a console page or a service call.


def caller_of(acting, *, moment=None):
    """The acting principal described for the engine, once per Acting (a write clears it)."""
    cache = acting.cache if acting.cache is not None else {}
    if "caller" in cache:
        return cache["caller"]
    moment = moment or now()
    credential = acting.credential
    # The account's SCPs and RCPs, when this request has read them (writes clear them with the rest).
    known = {"organization": cache.get("organization")}
    if credential is not None:
        described = describe_caller(credential, now=moment, **known)
    elif acting.user is None:
        described = describe_caller(acting.account, now=moment, mfa=acting.mfa, **known)
    else:
        described = describe_caller(acting.user, now=moment, mfa=acting.mfa, **known)
    cache["caller"] = described
    return described


def request_context(acting):
    """The request's own keys: where it comes from and over what."""
    context = {"aws:SecureTransport": "true" if acting.secure_transport else "false"}
    if acting.source_ip:
        context["aws:SourceIp"] = acting.source_ip
    if acting.user_agent:
        context["aws:UserAgent"] = acting.user_agent
    if acting.requested_region:
        context["aws:RequestedRegion"] = acting.requested_region
    return context


def unbounded(acting):
    """True when no policy can refuse the acting principal: the system itself (no acting principal:
    demo loading, tasks), an AWS service acting on its own, or the root user of an account no SCP or
    RCP reaches."""
    if acting is None or acting.invoked_by:
        return True
    if not acting.is_root or acting.credential is not None:
        return False
    cache = acting.cache if acting.cache is not None else {}
    if "organization" not in cache:
        cache["organization"] = organization_policies(acting.account)
    return cache["organization"] == (None, None)


def authorize(*, acting, action, resource="*", context=None, on_resource=True, shown_resource=None):
    """Raise AccessDenied unless the acting principal may do `action` on `resource`; an unbounded
    principal skips the engine."""
    if unbounded(acting):
        return None
    moment = now()
    caller = caller_of(acting, moment=moment)
    return decide(
        caller=caller,
        action=action,
        resource=resource,
        now=moment,
        extra_context={**request_context(acting), **(context or {})},
        on_resource=on_resource,
        shown_resource=shown_resource,
    )


def is_allowed(*, acting, action, resource="*", context=None):
    try:
        authorize(acting=acting, action=action, resource=resource, context=context)
    except AccessDenied:
        return False
    return True
