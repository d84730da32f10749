"""STS federation: AssumeRoleWithWebIdentity (an OpenID Connect ID token) and AssumeRoleWithSAML (a SAML
2.0 response), each exchanged for a role session's temporary credentials.

Nobody of the account signs these calls: an identity provider of the role's account vouches for the
caller, the role's trust policy names that provider (Principal "Federated") and the engine decides with
the provider's claims as condition keys. The calls are recorded in the role's account.
"""

import base64
import binascii
import dataclasses
import datetime
import hashlib
import ipaddress
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import jwt
import signxml
from cryptography import x509
from django.conf import settings
from django.utils import timezone
from lxml import etree

from access.acting import FederatedActing
from access.audit import audited
from access.authorization import Caller, decide, organization_policies, resource_tags_context
from accounts.models import Account
from accounts.services.sts import (
    _ROLE_ARN_RE,
    EMPTY_POLICY,
    EVENT_SOURCE,
    NAME_PATTERN,
    ROLE_DURATION,
    IssuedCredentials,
    _assume_role_params,
    _assume_role_response,
    _issue,
    _role_for,
    _role_session_params,
    _validate_assume_role,
)
from aws.errors import (
    AccessDenied,
    ExpiredTokenException,
    IDPCommunicationError,
    InvalidIdentityToken,
    ValidationError,
)
from policies.models import OpenIDConnectProvider, Role, SAMLProvider

WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"
SAML_ACTION = "sts:AssumeRoleWithSAML"
NOT_AUTHORIZED = "Not authorized to perform {action}"

# OpenID Connect
JWT_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
DISCOVERY_PATH = "/.well-known/openid-configuration"
FETCH_TIMEOUT = 5  # seconds for each request to the issuer
FETCH_LIMIT = 1_000_000  # bytes of a discovery document or key set
NO_PROVIDER = "No OpenIDConnect provider found in your account for {issuer}"
WRONG_AUDIENCE = "Incorrect token audience"
# AWS's words, two spaces included.
NO_KEY = (
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements"
)
# Unconfirmed: STS's model describes these errors in these words; the messages AWS sends may differ.
TOKEN_INVALID = (
    "The web identity token that was passed could not be validated by AWS. Get a new identity token "
    "from the identity provider and then retry the request."
)
IDP_UNREACHABLE = (
    "The request could not be fulfilled because the identity provider (IDP) that was asked to verify "
    "the incoming identity token could not be reached."
)
TOKEN_EXPIRED = "Token expired: current date/time {now} must be before the expiration date/time {exp}"

# SAML 2.0
SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SAML_AUDIENCES = ("https://signin.aws.amazon.com/saml", "urn:amazon:webservices")
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
NAMEID_FORMAT_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
SIGNATURE_INVALID = "Response signature invalid"
SESSION_NAME_REQUIRED = "RoleSessionName is required in AuthnResponse"
SESSION_NAME_INVALID = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
# Unconfirmed: the IAM troubleshooting guide names these errors without their codes.
NO_SAML_PROVIDER = "Specified provider doesn't exist."
WRONG_SAML_AUDIENCE = "Response does not contain the required audience."
WRONG_ISSUER = "Issuer not present in specified provider"
SAML_MALFORMED = "Invalid SAML response"  # unconfirmed
# STS takes an assertion within 5 minutes of its IssueInstant, in AWS's words; the wording for one past
# its NotOnOrAfter is unconfirmed.
REDEEM_WINDOW = datetime.timedelta(minutes=5)
REDEEM_LATE = "Token must be redeemed within 5 minutes of issuance"
ASSERTION_EXPIRED = "Token must be redeemed before {moment}"

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _now():
    # One place for the clock, so tests can move it.
    return timezone.now()


@dataclasses.dataclass
class FederatedCredentials(IssuedCredentials):
    """What AssumeRoleWithWebIdentity and AssumeRoleWithSAML return: the credentials, and what the
    identity provider said (AWS's output members: SubjectFromWebIdentityToken, Audience, Provider, or
    Subject, SubjectType, Issuer, Audience, NameQualifier)."""

    federation: dict = dataclasses.field(default_factory=dict)

    def as_aws_response(self):
        """The operation's whole result, as STS's output shape names its members."""
        credential = self.credential
        response = {
            "Credentials": self.as_aws(),
            "AssumedRoleUser": {"AssumedRoleId": credential.principal_id, "Arn": credential.arn},
        }
        if self.packed_policy_size is not None:
            response["PackedPolicySize"] = self.packed_policy_size
        response.update(self.federation)
        return response


def _camel(name):
    return name[0].lower() + name[1:]


def _federated_response(result):
    """CloudTrail's responseElements: AssumeRole's, with the provider's members."""
    return {**_assume_role_response(result), **{_camel(k): v for k, v in result.federation.items()}}


def _role_account(role, role_arn):
    """The account the role ARN names (the role's, when it exists); None for no account here."""
    if role is not None:
        return role.account
    return Account.objects.filter(pk=_ROLE_ARN_RE.fullmatch(role_arn).group(1)).first()


def _refused(action):
    return AccessDenied(NOT_AUTHORIZED.format(action=action))


def _trust(*, role, action, principal, claims, acting, now):
    """AccessDenied unless the role's trust policy lets the provider's user (`principal`: the
    provider's ARN) do `action`, with the provider's claims as condition keys. No identity policy
    applies to them; the role's account's RCPs do (STS supports RCPs)."""
    caller = Caller(
        account_id="",
        arn=principal,
        context={},
        identity_policies=[],
        boundary=None,
        session_policies=[],
        rcps=organization_policies(role.account)[1],
    )
    context = dict(claims)
    if acting.source_ip:
        context["aws:SourceIp"] = acting.source_ip
    if acting.user_agent:
        context["aws:UserAgent"] = acting.user_agent
    context.update(resource_tags_context(action, role))
    try:
        decide(
            caller=caller,
            action=action,
            resource=role.arn,
            now=now,
            extra_context=context,
            resource_policy=json.loads(role.trust_policy or EMPTY_POLICY),
            resource_account=role.account_id,
        )
    except AccessDenied as exc:
        raise _refused(action) from exc


def _session(*, role, role_session_name, duration_seconds, policy, policy_arns, packed, issuer_arn, now):
    """The role session's credentials (its expiry already capped), and the role marked as used."""
    issued = _issue(
        account=role.account,
        duration_seconds=duration_seconds,
        issued_at=now,
        role=role,
        role_session_name=role_session_name,
        issuer_arn=issuer_arn,
        session_policy=policy or "",
        session_policy_arns=policy_arns,
    )
    Role.objects.filter(pk=role.pk).update(last_used_at=now)
    return FederatedCredentials(
        credential=issued.credential,
        secret_access_key=issued.secret_access_key,
        session_token=issued.session_token,
        packed_policy_size=packed if policy is not None or policy_arns else None,
    )


def _federated_caller(role_arn, action, identity_type, source_ip, user_agent):
    """(the role, the unsigned caller as it acts in the role's account) of a federated call; AccessDenied
    for a role ARN whose account is not here (there is no account to record the call in)."""
    role = _role_for(role_arn)
    account = _role_account(role, role_arn)
    if account is None:
        raise _refused(action)
    caller = FederatedActing(
        account=account,
        source_ip=source_ip,
        user_agent=user_agent,
        via_console=False,
        identity={"type": identity_type},
    )
    return role, caller


# AssumeRoleWithWebIdentity


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _fetchable(url):
    """Whether STS may fetch `url`: https, or plain http to a loopback address in local mode only."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and settings.IAMCONSOLE_LOCAL_MODE and _is_loopback(parts.hostname)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead from https to plain http, or anywhere: the issuer's URLs are taken as given.
    def redirect_request(self, *args, **kwargs):
        return None


def _fetch_json(url):
    """The JSON document at `url`; IDPCommunicationError when the issuer cannot be reached."""
    if not _fetchable(url):
        raise InvalidIdentityToken(NO_KEY)
    handlers = [_NoRedirects()]
    if _is_loopback(urllib.parse.urlsplit(url).hostname):
        handlers.append(urllib.request.ProxyHandler({}))  # no proxy stands between us and ourselves
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read(FETCH_LIMIT + 1)
    except urllib.error.HTTPError as exc:
        raise InvalidIdentityToken(NO_KEY) from exc
    except OSError as exc:  # URLError, refused connections, timeouts, TLS failures
        raise IDPCommunicationError(IDP_UNREACHABLE) from exc
    if len(body) > FETCH_LIMIT:
        raise InvalidIdentityToken(NO_KEY)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise InvalidIdentityToken(NO_KEY) from exc


def _signing_keys(issuer):
    """The issuer's public keys: its discovery document's jwks_uri, fetched."""
    configuration = _fetch_json(issuer.rstrip("/") + DISCOVERY_PATH)
    jwks_uri = configuration.get("jwks_uri") if isinstance(configuration, dict) else None
    if not isinstance(jwks_uri, str):
        raise InvalidIdentityToken(NO_KEY)
    try:
        return jwt.PyJWKSet.from_dict(_fetch_json(jwks_uri)).keys
    except (jwt.PyJWTError, AttributeError, TypeError, KeyError) as exc:
        raise InvalidIdentityToken(NO_KEY) from exc


def _unverified(token):
    """(header, claims) of a JWT, before its signature is checked; InvalidIdentityToken if it is none."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise InvalidIdentityToken(TOKEN_INVALID) from exc
    if not isinstance(claims.get("iss"), str):
        raise InvalidIdentityToken(TOKEN_INVALID)
    return header, claims


def _verify_signature(token, header, keys):
    """The token's claims when one of the issuer's keys (by `kid`, when it names one) signed it."""
    algorithm = header.get("alg")
    if algorithm not in JWT_ALGORITHMS:
        raise InvalidIdentityToken(TOKEN_INVALID)
    kid = header.get("kid")
    candidates = [key for key in keys if kid is None or key.key_id == kid]
    if not candidates:
        raise InvalidIdentityToken(NO_KEY)
    # Time and audience are checked by the service, in AWS's words.
    options = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False}
    for key in candidates:
        try:
            return jwt.decode(token, key=key, algorithms=[algorithm], options=options)
        except jwt.PyJWTError:
            continue
    raise InvalidIdentityToken(TOKEN_INVALID)


def _oidc_provider(account, issuer):
    """The account's OIDC provider whose URL is the token's `iss` (scheme aside)."""
    parts = urllib.parse.urlsplit(issuer)
    url = issuer.split("://", 1)[-1]
    if parts.scheme == "https" or (parts.scheme == "http" and _fetchable(issuer)):
        provider = OpenIDConnectProvider.objects.filter(account=account, url=url).first()
        if provider is not None:
            return provider
    raise InvalidIdentityToken(NO_PROVIDER.format(issuer=issuer))


def _audiences(claims):
    aud = claims.get("aud")
    return [aud] if isinstance(aud, str) else [each for each in aud or () if isinstance(each, str)]


def _web_identity_context(provider, claims, audience, role_session_name):
    """The trust policy's condition keys: `<provider-url>:aud` (the token's azp when it has one, its
    aud otherwise), `:oaud` (the other audiences beside an azp), `:sub`, `:amr`."""
    url = provider.url
    context = {f"{url}:aud": audience, "sts:RoleSessionName": role_session_name}
    if isinstance(claims.get("sub"), str):
        context[f"{url}:sub"] = claims["sub"]
    if claims.get("azp") is not None:
        context[f"{url}:oaud"] = _audiences(claims)
    amr = claims.get("amr")
    if amr is not None:
        context[f"{url}:amr"] = [str(each) for each in amr] if isinstance(amr, list) else str(amr)
    return context


def _web_identity_params(kw):
    params = _assume_role_params(kw)
    if kw.get("provider_id") is not None:
        params["providerId"] = kw["provider_id"]
    return params


@audited(
    "AssumeRoleWithWebIdentity",
    params=_web_identity_params,
    response=_federated_response,
    event_source=EVENT_SOURCE,
)
def _web_identity_session(
    *,
    role,
    role_arn,
    role_session_name,
    web_identity_token,
    duration_seconds,
    policy,
    policy_arns,
    provider_id,
    acting,
):
    now = _now()
    packed = _validate_assume_role(
        role_session_name=role_session_name,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=policy_arns,
        tags=[],
        source_identity=None,
        external_id=None,
    )
    header, claims = _unverified(web_identity_token)
    issuer = claims["iss"]
    provider = _oidc_provider(acting.account, issuer)
    audiences = _audiences(claims)
    audience = claims["azp"] if isinstance(claims.get("azp"), str) else None
    if audience is None:
        audience = next((each for each in audiences if each in provider.client_ids), None)
    if audience is None or audience not in provider.client_ids:
        raise InvalidIdentityToken(WRONG_AUDIENCE)
    claims = _verify_signature(web_identity_token, header, _signing_keys(issuer))
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise InvalidIdentityToken(TOKEN_INVALID)
    moment = int(now.timestamp())
    if moment >= expires:
        raise ExpiredTokenException(TOKEN_EXPIRED.format(now=moment, exp=int(expires)))
    subject = claims.get("sub", "")
    # CloudTrail names the provider's user once its token is verified.
    acting.identity.update(
        {
            "principalId": f"{provider.arn}:{audience}:{subject}",
            "userName": subject,
            "identityProvider": provider.arn,
        }
    )
    if role is None:
        raise _refused(WEB_IDENTITY_ACTION)
    _trust(
        role=role,
        action=WEB_IDENTITY_ACTION,
        principal=provider.arn,
        claims=_web_identity_context(provider, claims, audience, role_session_name),
        acting=acting,
        now=now,
    )
    if duration_seconds > role.max_session_duration:
        raise ValidationError(ROLE_DURATION)
    result = _session(
        role=role,
        role_session_name=role_session_name,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=policy_arns,
        packed=packed,
        issuer_arn=provider.arn,
        now=now,
    )
    result.federation = {"SubjectFromWebIdentityToken": subject, "Audience": audience, "Provider": issuer}
    return result


def assume_role_with_web_identity(
    *,
    role_arn,
    role_session_name,
    web_identity_token,
    duration_seconds=3600,
    policy=None,
    policy_arns=None,
    provider_id=None,
    source_ip="",
    user_agent="",
):
    """Temporary credentials for a role session of the holder of an OpenID Connect ID token: the
    token's issuer must be an OIDC provider of the role's account, its audience one of the provider's
    client IDs, its signature one of the issuer's keys, and the role's trust policy must allow the
    provider's user sts:AssumeRoleWithWebIdentity. `provider_id` (OAuth 2.0 access tokens of Amazon or
    Facebook) is recorded only: ID tokens name their issuer."""
    role, acting = _federated_caller(role_arn, WEB_IDENTITY_ACTION, "WebIdentityUser", source_ip, user_agent)
    return _web_identity_session(
        role=role,
        role_arn=role_arn,
        role_session_name=role_session_name,
        web_identity_token=web_identity_token,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=list(policy_arns or ()),
        provider_id=provider_id,
        acting=acting,
    )


# AssumeRoleWithSAML


def _saml_provider(account, principal_arn):
    name = principal_arn.rpartition(":saml-provider/")[2]
    provider = SAMLProvider.objects.filter(account=account, name=name).first() if name else None
    if provider is None or provider.arn != principal_arn:
        raise InvalidIdentityToken(NO_SAML_PROVIDER)
    return provider


def _metadata(provider):
    """(entityID, signing certificates) of the provider's metadata document."""
    try:
        root = etree.fromstring(provider.metadata_document.encode(), parser=_SAFE_XML)
    except etree.XMLSyntaxError:
        return "", []
    descriptor = (
        root if root.tag == f"{{{MD_NS}}}EntityDescriptor" else root.find(f".//{{{MD_NS}}}EntityDescriptor")
    )
    if descriptor is None:
        return "", []
    certificates = []
    for key in descriptor.iterfind(f"{{{MD_NS}}}IDPSSODescriptor/{{{MD_NS}}}KeyDescriptor"):
        if key.get("use") not in (None, "signing"):
            continue
        for element in key.iterfind(f".//{{{DS_NS}}}X509Certificate"):
            try:
                der = base64.b64decode("".join((element.text or "").split()))
                certificates.append(x509.load_der_x509_certificate(der))
            except (ValueError, binascii.Error):
                continue
    return descriptor.get("entityID", ""), certificates


def _signed_assertion(document, certificates):
    """The Assertion element that one of the provider's certificates signed (the Response's first
    when the whole Response is signed). Only signed content is read: that defeats signature wrapping."""
    for certificate in certificates:
        try:
            signed = signxml.XMLVerifier().verify(document, x509_cert=certificate).signed_xml
        except (signxml.exceptions.SignXMLException, etree.XMLSyntaxError, ValueError):
            continue
        if signed.tag == f"{{{SAML_NS}}}Assertion":
            return signed
        if signed.tag == f"{{{SAMLP_NS}}}Response":
            assertion = signed.find(f"{{{SAML_NS}}}Assertion")
            if assertion is not None:
                return assertion
    raise InvalidIdentityToken(SIGNATURE_INVALID)


def _saml_document(saml_assertion):
    """The SAML response's XML: base64, without a DTD."""
    try:
        document = base64.b64decode("".join(saml_assertion.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidIdentityToken(SAML_MALFORMED) from exc
    if b"<!DOCTYPE" in document.upper() or b"<!ENTITY" in document.upper():
        raise InvalidIdentityToken(SAML_MALFORMED)
    return document


def _instant(text):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _attribute_values(assertion, name):
    return [
        (value.text or "").strip()
        for attribute in assertion.iterfind(f"{{{SAML_NS}}}AttributeStatement/{{{SAML_NS}}}Attribute")
        if attribute.get("Name") == name
        for value in attribute.iterfind(f"{{{SAML_NS}}}AttributeValue")
    ]


def _grants_pair(assertion, role_arn, principal_arn):
    """Whether the Role attribute lists "role_arn,principal_arn" (in either order, as AWS takes it)."""
    wanted = {role_arn, principal_arn}
    for value in _attribute_values(assertion, ROLE_ATTRIBUTE):
        parts = [part.strip() for part in value.split(",")]
        if len(parts) == 2 and set(parts) == wanted:
            return True
    return False


def _check_saml_times(assertion, now):
    """ExpiredTokenException after a NotOnOrAfter of the Conditions or the bearer confirmation, or
    more than 5 minutes after the assertion was issued."""
    bounds = [assertion.find(f"{{{SAML_NS}}}Conditions")]
    bounds += assertion.findall(
        f"{{{SAML_NS}}}Subject/{{{SAML_NS}}}SubjectConfirmation/{{{SAML_NS}}}SubjectConfirmationData"
    )
    for element in bounds:
        if element is None or element.get("NotOnOrAfter") is None:
            continue
        moment = _instant(element.get("NotOnOrAfter"))
        if moment is None:
            raise InvalidIdentityToken(SAML_MALFORMED)
        if now >= moment:
            raise ExpiredTokenException(ASSERTION_EXPIRED.format(moment=element.get("NotOnOrAfter")))
    issued = _instant(assertion.get("IssueInstant"))
    if issued is None:
        raise InvalidIdentityToken(SAML_MALFORMED)
    if now > issued + REDEEM_WINDOW:
        raise ExpiredTokenException(REDEEM_LATE)


def _name_qualifier(issuer, provider):
    """BASE64(SHA1(Issuer + account ID + "/" + provider name)), as STS documents NameQualifier."""
    digest = hashlib.sha1(f"{issuer}{provider.account_id}/{provider.name}".encode()).digest()  # noqa: S324
    return base64.b64encode(digest).decode()


def _subject_type(name_id):
    form = name_id.get("Format") if name_id is not None else None
    if not form:
        return NAMEID_UNSPECIFIED
    return form.removeprefix(NAMEID_FORMAT_PREFIX)


def _saml_params(kw):
    return _role_session_params(kw, principalArn=kw["principal_arn"])


@audited("AssumeRoleWithSAML", params=_saml_params, response=_federated_response, event_source=EVENT_SOURCE)
def _saml_session(
    *, role, role_arn, principal_arn, saml_assertion, duration_seconds, policy, policy_arns, acting
):
    now = _now()
    provider = _saml_provider(acting.account, principal_arn)
    document = _saml_document(saml_assertion)
    entity_id, certificates = _metadata(provider)
    assertion = _signed_assertion(document, certificates)
    issuer = (assertion.findtext(f"{{{SAML_NS}}}Issuer") or "").strip()
    if entity_id and issuer != entity_id:
        raise InvalidIdentityToken(WRONG_ISSUER)
    audiences = [
        (each.text or "").strip()
        for each in assertion.iterfind(
            f"{{{SAML_NS}}}Conditions/{{{SAML_NS}}}AudienceRestriction/{{{SAML_NS}}}Audience"
        )
    ]
    if not any(each in SAML_AUDIENCES for each in audiences):
        raise InvalidIdentityToken(WRONG_SAML_AUDIENCE)
    _check_saml_times(assertion, now)
    name_id = assertion.find(f"{{{SAML_NS}}}Subject/{{{SAML_NS}}}NameID")
    subject = (name_id.text or "").strip() if name_id is not None else ""
    confirmation = assertion.find(
        f"{{{SAML_NS}}}Subject/{{{SAML_NS}}}SubjectConfirmation/{{{SAML_NS}}}SubjectConfirmationData"
    )
    recipient = confirmation.get("Recipient", "") if confirmation is not None else ""
    name_qualifier = _name_qualifier(issuer, provider)
    acting.identity.update(
        {
            "principalId": f"{name_qualifier}:{subject}",
            "userName": subject,
            "identityProvider": name_qualifier,
        }
    )
    session_names = _attribute_values(assertion, SESSION_NAME_ATTRIBUTE)
    if not session_names:
        raise InvalidIdentityToken(SESSION_NAME_REQUIRED)
    role_session_name = session_names[0]
    if not 2 <= len(role_session_name) <= 64 or not re.fullmatch(NAME_PATTERN, role_session_name, re.ASCII):
        raise InvalidIdentityToken(SESSION_NAME_INVALID)
    packed = _validate_assume_role(
        role_session_name=role_session_name,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=policy_arns,
        tags=[],
        source_identity=None,
        external_id=None,
    )
    # The identity provider lists the roles its user may take, each with the provider itself.
    if role is None or not _grants_pair(assertion, role_arn, principal_arn):
        raise _refused(SAML_ACTION)
    subject_type = _subject_type(name_id)
    _trust(
        role=role,
        action=SAML_ACTION,
        principal=provider.arn,
        claims={
            "saml:aud": recipient,
            "saml:sub": subject,
            "saml:sub_type": subject_type,
            "saml:iss": issuer,
            "saml:namequalifier": name_qualifier,
            "saml:doc": f"{provider.account_id}/{provider.name}",
            "sts:RoleSessionName": role_session_name,
        },
        acting=acting,
        now=now,
    )
    if duration_seconds > role.max_session_duration:
        raise ValidationError(ROLE_DURATION)
    # The session ends at the IdP's SessionNotOnOrAfter when that comes first.
    authn = assertion.find(f"{{{SAML_NS}}}AuthnStatement")
    session_end = _instant(authn.get("SessionNotOnOrAfter")) if authn is not None else None
    if session_end is not None:
        duration_seconds = max(1, min(duration_seconds, int((session_end - now).total_seconds())))
    result = _session(
        role=role,
        role_session_name=role_session_name,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=policy_arns,
        packed=packed,
        issuer_arn=provider.arn,
        now=now,
    )
    result.federation = {
        "Subject": subject,
        "SubjectType": subject_type,
        "Issuer": issuer,
        "Audience": recipient,
        "NameQualifier": name_qualifier,
    }
    return result


def assume_role_with_saml(
    *,
    role_arn,
    principal_arn,
    saml_assertion,
    duration_seconds=3600,
    policy=None,
    policy_arns=None,
    source_ip="",
    user_agent="",
):
    """Temporary credentials for a role session of the user a SAML 2.0 response (base64) vouches for:
    signed with a certificate of the SAML provider `principal_arn`'s metadata, for AWS's audience,
    unexpired, listing "role_arn,principal_arn" in its Role attribute, and allowed
    sts:AssumeRoleWithSAML by the role's trust policy."""
    role, acting = _federated_caller(role_arn, SAML_ACTION, "SAMLUser", source_ip, user_agent)
    return _saml_session(
        role=role,
        role_arn=role_arn,
        principal_arn=principal_arn,
        saml_assertion=saml_assertion,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=list(policy_arns or ()),
        acting=acting,
    )
