"""STS federation through its services: AssumeRoleWithWebIdentity against a real OpenID Connect issuer
(an http.server on 127.0.0.1 serving discovery and JWKS, its tokens signed with a key made here), and
AssumeRoleWithSAML with responses signed by signxml with a certificate the provider's metadata carries."""

import base64
import datetime
import hashlib
import http.server
import json
import socket
import threading
import uuid

import jwt
import pytest
import signxml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.utils import timezone
from lxml import etree

from access.acting import Acting, FederatedActing
from access.authorization import is_allowed
from accounts.models import AuditEvent, TemporaryCredential
from accounts.services import federation, sts
from aws.errors import (
    AccessDenied,
    ExpiredTokenException,
    IDPCommunicationError,
    InvalidIdentityToken,
    ValidationError,
)
from policies.models import InlinePolicy, OpenIDConnectProvider, Role, SAMLProvider

AUDIENCE = "sts.amazonaws.com"
SUBJECT = "repo:octo-org/octo-repo:ref:refs/heads/main"
KID = "test-key-1"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def signing_key():
    return rsa_key()


@pytest.fixture
def clock(monkeypatch):
    class Frozen:
        now = timezone.now().replace(microsecond=0)

    frozen = Frozen()
    monkeypatch.setattr(federation, "_now", lambda: frozen.now)
    return frozen


# A small OpenID Connect issuer: discovery and JWKS over plain http on a loopback address.


class Issuer:
    def __init__(self, public_keys, jwks_uri=None):
        self.requests = []
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                issuer.requests.append(self.path)
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.jwks_uri}
                elif self.path == "/jwks":
                    body = {"keys": issuer.jwks}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.jwks_uri = jwks_uri or f"{self.url}/jwks"
        self.jwks = [
            {
                **jwt.algorithms.RSAAlgorithm.to_jwk(key, as_dict=True),
                "kid": KID,
                "use": "sig",
                "alg": "RS256",
            }
            for key in public_keys
        ]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def issuer(signing_key, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    running = Issuer([signing_key.public_key()])
    yield running
    running.close()


def token_for(issuer_url, key, *, kid=KID, algorithm="RS256", **claims):
    now = int(timezone.now().timestamp())
    payload = {"iss": issuer_url, "aud": AUDIENCE, "sub": SUBJECT, "iat": now, "exp": now + 300, **claims}
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})


def provider_for(account, url, client_ids=(AUDIENCE,)):
    return OpenIDConnectProvider.objects.create(
        account=account, url=url.split("://", 1)[1], client_ids=list(client_ids)
    )


def web_identity_trust(provider, sub=SUBJECT):
    host = provider.url
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider.arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{host}:aud": AUDIENCE}, "StringLike": {f"{host}:sub": sub}},
        }
    )


@pytest.fixture
def oidc_provider(account, issuer):
    return provider_for(account, issuer.url)


@pytest.fixture
def deploy_role(account, oidc_provider):
    role = Role.objects.create(account=account, name="deploy", trust_policy=web_identity_trust(oidc_provider))
    InlinePolicy.objects.create(
        role=role, name="s3", document=doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    )
    return role


def assume_web(role_arn, token, **kwargs):
    kwargs.setdefault("role_session_name", "gha-run-1")
    return federation.assume_role_with_web_identity(
        role_arn=role_arn, web_identity_token=token, source_ip="203.0.113.5", user_agent="pytest", **kwargs
    )


def last_event(account, name):
    return AuditEvent.objects.filter(account=account, event_name=name).latest("event_time")


def test_web_identity_token_buys_a_role_session_usable_at_once(account, issuer, signing_key, deploy_role):
    issued = assume_web(deploy_role.arn, token_for(issuer.url, signing_key))

    credential = issued.credential
    assert credential.access_key_id.startswith("ASIA")
    assert credential.role == deploy_role
    assert credential.arn == f"arn:aws:sts::{account.id}:assumed-role/deploy/gha-run-1"
    assert credential.issuer_arn == f"arn:aws:iam::{account.id}:oidc-provider/{issuer.url[7:]}"
    assert credential.expiration - credential.issued_at == datetime.timedelta(seconds=3600)
    response = issued.as_aws_response()
    assert response["SubjectFromWebIdentityToken"] == SUBJECT
    assert response["Audience"] == AUDIENCE
    assert response["Provider"] == issuer.url
    assert response["AssumedRoleUser"] == {
        "AssumedRoleId": f"{deploy_role.role_id}:gha-run-1",
        "Arn": credential.arn,
    }
    assert response["Credentials"]["SecretAccessKey"] == issued.secret_access_key
    assert "PackedPolicySize" not in response
    assert issuer.requests == ["/.well-known/openid-configuration", "/jwks"]

    # The secret and token work at once, with the role's permissions.
    found = sts.credentials_lookup(access_key_id=issued.access_key_id, session_token=issued.session_token)
    assert sts.get_caller_identity(credentials_or_user=found)["Arn"] == credential.arn
    acting = sts.session_acting(found)
    assert is_allowed(acting=acting, action="s3:GetObject", resource="arn:aws:s3:::bucket/key")
    assert not is_allowed(acting=acting, action="iam:ListUsers")
    assert acting.user_identity()["sessionContext"]["webIdFederationData"]["federatedProvider"] == (
        credential.issuer_arn
    )

    event = last_event(account, "AssumeRoleWithWebIdentity")
    assert event.event_source == "sts.amazonaws.com"
    assert event.error_code == ""
    assert event.source_ip_address == "203.0.113.5"
    assert event.user_identity == {
        "type": "WebIdentityUser",
        "principalId": f"{credential.issuer_arn}:{AUDIENCE}:{SUBJECT}",
        "userName": SUBJECT,
        "identityProvider": credential.issuer_arn,
    }
    assert event.request_parameters == {
        "roleArn": deploy_role.arn,
        "roleSessionName": "gha-run-1",
        "durationSeconds": 3600,
    }
    assert event.response_elements["subjectFromWebIdentityToken"] == SUBJECT
    assert event.response_elements["credentials"] == {
        "accessKeyId": issued.access_key_id,
        "expiration": response["Credentials"]["Expiration"],
    }


def test_web_identity_queries_do_not_grow(issuer, signing_key, deploy_role, django_assert_max_num_queries):
    token = token_for(issuer.url, signing_key)
    # The 10th: the AssumeRole event's resource name (roleArn), Event history's index; the 11th and 12th:
    # the event's last accessed rollup (an upsert) and its transaction's BEGIN on SQLite.
    with django_assert_max_num_queries(12):
        assume_web(deploy_role.arn, token)


def test_session_policy_bounds_the_web_identity_session(issuer, signing_key, deploy_role):
    policy = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    issued = assume_web(deploy_role.arn, token_for(issuer.url, signing_key), policy=policy)

    assert issued.as_aws_response()["PackedPolicySize"] > 0
    acting = sts.session_acting(issued.credential)
    assert is_allowed(acting=acting, action="s3:GetObject", resource="arn:aws:s3:::b/k")
    assert not is_allowed(acting=acting, action="s3:PutObject", resource="arn:aws:s3:::b/k")


def refused(call, error, message=None):
    with pytest.raises(error) as caught:
        call()
    if message is not None:
        assert caught.value.message == message
    assert not TemporaryCredential.objects.exists()
    return caught.value


def test_wrong_audience_is_an_invalid_token(account, issuer, signing_key, deploy_role):
    token = token_for(issuer.url, signing_key, aud="someone-else")
    refused(lambda: assume_web(deploy_role.arn, token), InvalidIdentityToken, "Incorrect token audience")
    event = last_event(account, "AssumeRoleWithWebIdentity")
    assert (event.error_code, event.error_message) == ("InvalidIdentityToken", "Incorrect token audience")
    assert event.user_identity == {"type": "WebIdentityUser"}  # nothing it claims is taken on trust


def test_one_of_several_audiences_is_enough(issuer, signing_key, deploy_role):
    token = token_for(issuer.url, signing_key, aud=["other", AUDIENCE])
    assert assume_web(deploy_role.arn, token).federation["Audience"] == AUDIENCE


def test_unknown_issuer_names_it(account, issuer, signing_key, deploy_role):
    stranger = "http://127.0.0.1:1/elsewhere"
    refused(
        lambda: assume_web(deploy_role.arn, token_for(stranger, signing_key)),
        InvalidIdentityToken,
        f"No OpenIDConnect provider found in your account for {stranger}",
    )
    assert issuer.requests == []


def test_another_accounts_provider_does_not_count(charlie_account, issuer, signing_key, deploy_role):
    OpenIDConnectProvider.objects.filter(account=deploy_role.account).update(account=charlie_account)
    refused(
        lambda: assume_web(deploy_role.arn, token_for(issuer.url, signing_key)),
        InvalidIdentityToken,
        f"No OpenIDConnect provider found in your account for {issuer.url}",
    )


def test_token_signed_by_another_key_is_refused(issuer, deploy_role):
    forged = token_for(issuer.url, rsa_key())  # same kid, someone else's key
    refused(lambda: assume_web(deploy_role.arn, forged), InvalidIdentityToken, federation.TOKEN_INVALID)


def test_unsigned_token_is_refused(issuer, deploy_role):
    unsigned = jwt.encode(
        {"iss": issuer.url, "aud": AUDIENCE, "sub": SUBJECT, "exp": 4102444800}, None, algorithm="none"
    )
    refused(lambda: assume_web(deploy_role.arn, unsigned), InvalidIdentityToken, federation.TOKEN_INVALID)


def test_key_the_issuer_does_not_publish_is_refused(issuer, signing_key, deploy_role):
    token = token_for(issuer.url, signing_key, kid="rotated-away")
    refused(lambda: assume_web(deploy_role.arn, token), InvalidIdentityToken, federation.NO_KEY)


def test_not_a_jwt_is_refused(issuer, deploy_role):
    refused(
        lambda: assume_web(deploy_role.arn, "not.a.token"), InvalidIdentityToken, federation.TOKEN_INVALID
    )


def test_expired_token_says_when(clock, issuer, signing_key, deploy_role):
    expired_at = int(clock.now.timestamp()) - 60
    token = token_for(issuer.url, signing_key, exp=expired_at)
    refused(
        lambda: assume_web(deploy_role.arn, token),
        ExpiredTokenException,
        f"Token expired: current date/time {int(clock.now.timestamp())} must be before the expiration "
        f"date/time {expired_at}",
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_issuer_is_an_idp_communication_error(account, signing_key, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    url = f"http://127.0.0.1:{free_port()}"
    provider = provider_for(account, url)
    role = Role.objects.create(account=account, name="deploy", trust_policy=web_identity_trust(provider))
    error = refused(lambda: assume_web(role.arn, token_for(url, signing_key)), IDPCommunicationError)
    assert error.status == 400
    assert last_event(account, "AssumeRoleWithWebIdentity").error_code == "IDPCommunicationError"


def test_trust_condition_on_sub_refuses_another_branch(account, issuer, signing_key, deploy_role):
    token = token_for(issuer.url, signing_key, sub="repo:octo-org/octo-repo:ref:refs/heads/feature")
    deploy_role.trust_policy = web_identity_trust(
        OpenIDConnectProvider.objects.get(), sub="repo:*:ref:refs/heads/main"
    )
    deploy_role.save()
    refused(
        lambda: assume_web(deploy_role.arn, token),
        AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )
    assert last_event(account, "AssumeRoleWithWebIdentity").error_code == "AccessDenied"


def test_trust_naming_another_provider_refuses(account, issuer, signing_key, deploy_role):
    other = OpenIDConnectProvider.objects.create(
        account=account, url="token.example.com", client_ids=[AUDIENCE]
    )
    deploy_role.trust_policy = web_identity_trust(other)
    deploy_role.save()
    refused(
        lambda: assume_web(deploy_role.arn, token_for(issuer.url, signing_key)),
        AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )


def test_missing_role_is_refused_like_an_untrusting_one(account, issuer, signing_key, oidc_provider):
    refused(
        lambda: assume_web(f"arn:aws:iam::{account.id}:role/nobody", token_for(issuer.url, signing_key)),
        AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )


def test_duration_beyond_the_roles_maximum(issuer, signing_key, deploy_role):
    refused(
        lambda: assume_web(deploy_role.arn, token_for(issuer.url, signing_key), duration_seconds=7200),
        ValidationError,
        sts.ROLE_DURATION,
    )


def test_plain_http_issuer_is_refused_outside_local_mode(settings, issuer, signing_key, deploy_role):
    settings.IAMCONSOLE_LOCAL_MODE = False
    refused(
        lambda: assume_web(deploy_role.arn, token_for(issuer.url, signing_key)),
        InvalidIdentityToken,
        f"No OpenIDConnect provider found in your account for {issuer.url}",
    )
    assert issuer.requests == []  # never fetched


def test_plain_http_key_set_off_loopback_is_refused_in_local_mode(account, signing_key, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    running = Issuer([signing_key.public_key()], jwks_uri="http://keys.example.com/jwks")
    try:
        provider = provider_for(account, running.url)
        role = Role.objects.create(account=account, name="deploy", trust_policy=web_identity_trust(provider))
        refused(
            lambda: assume_web(role.arn, token_for(running.url, signing_key)),
            InvalidIdentityToken,
            federation.NO_KEY,
        )
        assert running.requests == ["/.well-known/openid-configuration"]
    finally:
        running.close()


def test_es256_tokens_verify(account, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    key = ec.generate_private_key(ec.SECP256R1())
    running = Issuer([])
    running.jwks = [
        {**jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": KID, "alg": "ES256"}
    ]
    try:
        provider = provider_for(account, running.url)
        role = Role.objects.create(account=account, name="deploy", trust_policy=web_identity_trust(provider))
        issued = assume_web(role.arn, token_for(running.url, key, algorithm="ES256"))
        assert issued.credential.role == role
    finally:
        running.close()


# AssumeRoleWithSAML

SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
IDP = "https://idp.example.com/saml"
SIGNIN = "https://signin.aws.amazon.com/saml"


def self_signed(key, name="idp.example.com"):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


@pytest.fixture(scope="module")
def idp_signer(signing_key):
    return signing_key, self_signed(signing_key)


def metadata_for(certificate):
    der = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


@pytest.fixture
def saml_provider(account, idp_signer):
    return SAMLProvider.objects.create(
        account=account, name="ExampleIdP", metadata_document=metadata_for(idp_signer[1])
    )


def saml_trust(provider, **condition):
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider.arn},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": SIGNIN, **condition}},
        }
    )


@pytest.fixture
def admin_role(account, saml_provider):
    return Role.objects.create(account=account, name="Admins", trust_policy=saml_trust(saml_provider))


def iso(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def saml_response(
    roles,
    *,
    signer=None,
    session_name="alice@example.com",
    subject="alice",
    audience=SIGNIN,
    lifetime=300,
    now=None,
    session_until=None,
):
    """A SAML 2.0 Response, its Assertion signed by `signer` (key, certificate) unless None, in base64."""
    now = now or timezone.now()
    until = iso(now + datetime.timedelta(seconds=lifetime))
    assertion_id = f"_{uuid.uuid4().hex}"
    role_values = "".join(f"<saml:AttributeValue>{pair}</saml:AttributeValue>" for pair in roles)
    session = (
        f'<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
        f"<saml:AttributeValue>{session_name}</saml:AttributeValue></saml:Attribute>"
        if session_name is not None
        else ""
    )
    session_end = f' SessionNotOnOrAfter="{iso(session_until)}"' if session_until else ""
    response = etree.fromstring(
        f"""<samlp:Response xmlns:samlp="{SAMLP_NS}" xmlns:saml="{SAML_NS}" ID="_{uuid.uuid4().hex}"
    Version="2.0" IssueInstant="{iso(now)}" Destination="{SIGNIN}">
  <saml:Issuer>{IDP}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion ID="{assertion_id}" Version="2.0" IssueInstant="{iso(now)}">
    <saml:Issuer>{IDP}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{subject}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{SIGNIN}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{iso(now)}" NotOnOrAfter="{until}">
      <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AuthnStatement AuthnInstant="{iso(now)}" SessionIndex="{assertion_id}"{session_end}/>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{role_values}</saml:Attribute>
      {session}
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"""
    )
    if signer is not None:
        key, certificate = signer
        assertion = response.find(f"{{{SAML_NS}}}Assertion")
        signed = signxml.XMLSigner(c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#").sign(
            assertion,
            key=key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            cert=[certificate],
            reference_uri=assertion_id,
        )
        response.replace(assertion, signed)
    return base64.b64encode(etree.tostring(response)).decode()


def pair(role, provider):
    return f"{role.arn},{provider.arn}"


def assume_saml(role, provider, assertion, **kwargs):
    return federation.assume_role_with_saml(
        role_arn=role.arn,
        principal_arn=provider.arn,
        saml_assertion=assertion,
        source_ip="203.0.113.9",
        **kwargs,
    )


def test_signed_saml_response_buys_a_role_session(account, idp_signer, saml_provider, admin_role):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer)
    issued = assume_saml(admin_role, saml_provider, assertion)

    credential = issued.credential
    assert credential.arn == f"arn:aws:sts::{account.id}:assumed-role/Admins/alice@example.com"
    assert credential.issuer_arn == saml_provider.arn
    qualifier = base64.b64encode(hashlib.sha1(f"{IDP}{account.id}/ExampleIdP".encode()).digest()).decode()
    assert issued.federation == {
        "Subject": "alice",
        "SubjectType": "persistent",
        "Issuer": IDP,
        "Audience": SIGNIN,
        "NameQualifier": qualifier,
    }
    found = sts.credentials_lookup(access_key_id=issued.access_key_id, session_token=issued.session_token)
    assert sts.get_caller_identity(credentials_or_user=found)["Arn"] == credential.arn

    event = last_event(account, "AssumeRoleWithSAML")
    assert event.event_source == "sts.amazonaws.com"
    assert event.user_identity == {
        "type": "SAMLUser",
        "principalId": f"{qualifier}:alice",
        "userName": "alice",
        "identityProvider": qualifier,
    }
    assert event.request_parameters == {
        "roleArn": admin_role.arn,
        "principalArn": saml_provider.arn,
        "durationSeconds": 3600,
    }
    assert event.response_elements["nameQualifier"] == qualifier


def test_session_ends_at_the_idps_session_not_on_or_after(clock, idp_signer, saml_provider, admin_role):
    until = clock.now + datetime.timedelta(minutes=20)
    assertion = saml_response(
        [pair(admin_role, saml_provider)], signer=idp_signer, now=clock.now, session_until=until
    )
    assert assume_saml(admin_role, saml_provider, assertion).expiration == until
    later = saml_response(
        [pair(admin_role, saml_provider)],
        signer=idp_signer,
        now=clock.now,
        session_until=clock.now + datetime.timedelta(hours=5),
    )
    assert assume_saml(admin_role, saml_provider, later).expiration == clock.now + datetime.timedelta(hours=1)


def test_saml_queries_are_few(idp_signer, saml_provider, admin_role, django_assert_max_num_queries):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer)
    # The 10th: the AssumeRole event's resource name (roleArn), Event history's index; the 11th and 12th:
    # the event's last accessed rollup (an upsert) and its transaction's BEGIN on SQLite.
    with django_assert_max_num_queries(12):
        assume_saml(admin_role, saml_provider, assertion)


def test_role_listed_after_the_provider_counts_too(idp_signer, saml_provider, admin_role):
    assertion = saml_response([f"{saml_provider.arn},{admin_role.arn}"], signer=idp_signer)
    assert assume_saml(admin_role, saml_provider, assertion).credential.role == admin_role


def test_unsigned_saml_response_is_refused(account, saml_provider, admin_role):
    assertion = saml_response([pair(admin_role, saml_provider)])
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        InvalidIdentityToken,
        "Response signature invalid",
    )
    event = last_event(account, "AssumeRoleWithSAML")
    assert (event.error_code, event.user_identity) == ("InvalidIdentityToken", {"type": "SAMLUser"})


def test_saml_response_signed_by_another_key_is_refused(saml_provider, admin_role):
    stranger = rsa_key()
    assertion = saml_response([pair(admin_role, saml_provider)], signer=(stranger, self_signed(stranger)))
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        InvalidIdentityToken,
        "Response signature invalid",
    )


def test_saml_response_changed_after_signing_is_refused(idp_signer, saml_provider, admin_role):
    signed = base64.b64decode(saml_response([pair(admin_role, saml_provider)], signer=idp_signer))
    tampered = base64.b64encode(signed.replace(b">alice<", b">mallory<")).decode()
    refused(
        lambda: assume_saml(admin_role, saml_provider, tampered),
        InvalidIdentityToken,
        "Response signature invalid",
    )


def test_expired_saml_response_is_refused(clock, idp_signer, saml_provider, admin_role):
    issued_at = clock.now - datetime.timedelta(minutes=10)
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer, now=issued_at)
    error = refused(lambda: assume_saml(admin_role, saml_provider, assertion), ExpiredTokenException)
    assert iso(issued_at + datetime.timedelta(seconds=300)) in error.message


def test_saml_response_must_be_redeemed_within_five_minutes(clock, idp_signer, saml_provider, admin_role):
    issued_at = clock.now - datetime.timedelta(minutes=6)
    assertion = saml_response(
        [pair(admin_role, saml_provider)], signer=idp_signer, now=issued_at, lifetime=3600
    )
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        ExpiredTokenException,
        "Token must be redeemed within 5 minutes of issuance",
    )
    recent = saml_response(
        [pair(admin_role, saml_provider)], signer=idp_signer, now=clock.now - datetime.timedelta(minutes=4)
    )
    assert assume_saml(admin_role, saml_provider, recent).credential.role == admin_role


def test_role_attribute_without_the_pair_is_refused(account, idp_signer, saml_provider, admin_role):
    other = Role.objects.create(account=account, name="ReadOnly", trust_policy=saml_trust(saml_provider))
    assertion = saml_response([pair(other, saml_provider)], signer=idp_signer)
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )


def test_saml_response_for_another_audience_is_refused(idp_signer, saml_provider, admin_role):
    assertion = saml_response(
        [pair(admin_role, saml_provider)], signer=idp_signer, audience="https://app.example.com"
    )
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        InvalidIdentityToken,
        federation.WRONG_SAML_AUDIENCE,
    )


def test_saml_response_without_a_session_name_is_refused(idp_signer, saml_provider, admin_role):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer, session_name=None)
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        InvalidIdentityToken,
        "RoleSessionName is required in AuthnResponse",
    )


def test_saml_trust_condition_on_sub_refuses(idp_signer, saml_provider, admin_role):
    admin_role.trust_policy = saml_trust(saml_provider, **{"saml:sub": "bob"})
    admin_role.save()
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer)
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )


def test_unknown_saml_provider_is_refused(account, idp_signer, saml_provider, admin_role):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer)
    refused(
        lambda: federation.assume_role_with_saml(
            role_arn=admin_role.arn,
            principal_arn=f"arn:aws:iam::{account.id}:saml-provider/Nobody",
            saml_assertion=assertion,
        ),
        InvalidIdentityToken,
        federation.NO_SAML_PROVIDER,
    )


def test_federated_acting_is_never_the_root_user(account):
    acting = FederatedActing(account=account, identity={"type": "SAMLUser"})
    assert not acting.is_root
    assert Acting(account=account).is_root


# What an identity provider can get wrong: an issuer that answers badly, a token or an assertion that is
# not well formed, a session name or a duration the role does not allow.


class Answers:
    """A loopback HTTP server answering each path with (status, body) from a dict."""

    def __init__(self, answers):
        served = answers

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = served.get(self.path, (404, b""))
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _role_trusting(account, url):
    provider = provider_for(account, url)
    return Role.objects.create(account=account, name="deploy", trust_policy=web_identity_trust(provider))


@pytest.mark.parametrize(
    "answers",
    [
        {},  # the discovery document is not there (404)
        {"/.well-known/openid-configuration": (200, b"not json")},
        {"/.well-known/openid-configuration": (200, {"jwks_uri": 5})},
    ],
    ids=["no-discovery-document", "not-json", "no-key-set-address"],
)
def test_an_issuer_without_a_usable_discovery_document_gives_no_key(account, signing_key, settings, answers):
    settings.IAMCONSOLE_LOCAL_MODE = True
    server = Answers(answers)
    try:
        role = _role_trusting(account, server.url)
        refused(lambda: assume_web(role.arn, token_for(server.url, signing_key)), InvalidIdentityToken)
    finally:
        server.close()


def test_an_empty_key_set_gives_no_key(account, signing_key, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True
    issuer_server = Issuer([signing_key.public_key()])
    issuer_server.jwks = []  # {"keys": []}: no key to check the signature with
    try:
        role = _role_trusting(account, issuer_server.url)
        refused(lambda: assume_web(role.arn, token_for(issuer_server.url, signing_key)), InvalidIdentityToken)
    finally:
        issuer_server.close()


def test_a_discovery_document_larger_than_the_limit_is_refused(
    account, issuer, signing_key, deploy_role, monkeypatch
):
    monkeypatch.setattr(federation, "FETCH_LIMIT", 10)
    refused(lambda: assume_web(deploy_role.arn, token_for(issuer.url, signing_key)), InvalidIdentityToken)


def _segment(part):
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def test_a_token_whose_issuer_is_not_a_string_is_not_valid(issuer, deploy_role):
    # PyJWT will not sign such a token; its signature is never reached.
    token = ".".join(
        [_segment({"alg": "RS256", "kid": KID}), _segment({"iss": 123, "aud": AUDIENCE}), "c2ln"]
    )
    refused(lambda: assume_web(deploy_role.arn, token), InvalidIdentityToken, federation.TOKEN_INVALID)


def test_a_token_without_an_expiry_is_not_valid(issuer, signing_key, deploy_role):
    token = token_for(issuer.url, signing_key, exp=None)
    refused(lambda: assume_web(deploy_role.arn, token), InvalidIdentityToken, federation.TOKEN_INVALID)


# SAML


def test_an_assertion_that_is_not_base64_or_carries_a_dtd_is_malformed(saml_provider, admin_role):
    refused(lambda: assume_saml(admin_role, saml_provider, "%%% not base64 %%%"), InvalidIdentityToken)
    doctype = base64.b64encode(b'<!DOCTYPE x [<!ENTITY e "boom">]><Response>&e;</Response>').decode()
    refused(
        lambda: assume_saml(admin_role, saml_provider, doctype),
        InvalidIdentityToken,
        federation.SAML_MALFORMED,
    )


def test_unreadable_times_in_the_assertion_are_malformed(idp_signer, saml_provider, admin_role, monkeypatch):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer)
    read = federation._instant
    document = base64.b64decode(assertion).decode()
    for attribute in ("NotOnOrAfter", "IssueInstant"):
        value = document.split(f'{attribute}="', 1)[1].split('"', 1)[0]
        monkeypatch.setattr(
            federation, "_instant", lambda text, value=value: None if text == value else read(text)
        )
        refused(
            lambda: assume_saml(admin_role, saml_provider, assertion),
            InvalidIdentityToken,
            federation.SAML_MALFORMED,
        )


def test_an_issuer_other_than_the_metadatas_entity_is_refused(account, idp_signer, admin_role):
    other = SAMLProvider.objects.create(
        account=account,
        name="OtherIdP",
        metadata_document=metadata_for(idp_signer[1]).replace(IDP, "https://other.example.com/saml"),
    )
    admin_role.trust_policy = admin_role.trust_policy.replace("ExampleIdP", "OtherIdP")
    admin_role.save()
    assertion = saml_response([pair(admin_role, other)], signer=idp_signer)
    refused(lambda: assume_saml(admin_role, other, assertion), InvalidIdentityToken, federation.WRONG_ISSUER)


def test_a_session_name_out_of_pattern_is_refused(idp_signer, saml_provider, admin_role):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer, session_name="x")
    refused(
        lambda: assume_saml(admin_role, saml_provider, assertion),
        InvalidIdentityToken,
        federation.SESSION_NAME_INVALID,
    )


def test_a_duration_beyond_the_roles_maximum_is_refused(idp_signer, saml_provider, admin_role):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer)
    refused(
        lambda: assume_saml(
            admin_role, saml_provider, assertion, duration_seconds=admin_role.max_session_duration + 1
        ),
        ValidationError,
    )


def test_a_role_in_an_account_that_does_not_exist_here_is_refused(idp_signer, saml_provider, admin_role):
    assertion = saml_response([pair(admin_role, saml_provider)], signer=idp_signer)
    with pytest.raises(AccessDenied):
        federation.assume_role_with_saml(
            role_arn="arn:aws:iam::999999999999:role/Admins",
            principal_arn=saml_provider.arn,
            saml_assertion=assertion,
        )


def test_what_sts_may_fetch(settings):
    settings.IAMCONSOLE_LOCAL_MODE = False
    assert federation._fetchable("https://token.actions.githubusercontent.com/.well-known/jwks")
    assert not federation._fetchable("http://127.0.0.1:8080/jwks")  # plain http only in local mode
    assert not federation._fetchable("https:///no-host")
    settings.IAMCONSOLE_LOCAL_MODE = True
    assert federation._fetchable("http://localhost:8080/jwks") and federation._fetchable("http://[::1]/jwks")
    assert not federation._fetchable("http://issuer.example.com/jwks")


def test_azp_and_amr_claims_become_condition_keys(account, issuer, signing_key, oidc_provider):
    host = oidc_provider.url
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider.arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{host}:aud": AUDIENCE},
                "ForAnyValue:StringEquals": {f"{host}:amr": "authenticated", f"{host}:oaud": "other-client"},
            },
        }
    )
    role = Role.objects.create(account=account, name="amr", trust_policy=trust)
    token = token_for(
        issuer.url, signing_key, azp=AUDIENCE, aud=[AUDIENCE, "other-client"], amr=["authenticated"]
    )
    issued = assume_web(role.arn, token)
    assert issued.federation["Audience"] == AUDIENCE
    unauthenticated = token_for(
        issuer.url, signing_key, azp=AUDIENCE, aud=[AUDIENCE, "other-client"], amr="anon"
    )
    with pytest.raises(AccessDenied):
        assume_web(role.arn, unauthenticated)


@pytest.mark.parametrize(
    "metadata",
    [
        "<not xml",
        '<?xml version="1.0"?><Other xmlns="urn:example"/>',
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{IDP}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        "<ds:X509Data><ds:X509Certificate>CERTIFICATE</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
        '</md:KeyDescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        "<ds:X509Data><ds:X509Certificate>not-base64!</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
        "</md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>",
    ],
    ids=["not-xml", "no-entity-descriptor", "no-signing-certificate"],
)
def test_metadata_without_a_signing_certificate_verifies_nothing(account, idp_signer, metadata):
    provider = SAMLProvider.objects.create(account=account, name="Broken", metadata_document=metadata)
    role = Role.objects.create(account=account, name="Admins", trust_policy=saml_trust(provider))
    assertion = saml_response([pair(role, provider)], signer=idp_signer)
    refused(lambda: assume_saml(role, provider, assertion), InvalidIdentityToken)


def test_provider_id_is_recorded_and_a_call_without_source_ip_or_agent_still_decides(
    account, issuer, signing_key, deploy_role
):
    issued = federation.assume_role_with_web_identity(
        role_arn=deploy_role.arn,
        role_session_name="no-address",
        web_identity_token=token_for(issuer.url, signing_key),
        provider_id="www.amazon.com",
    )
    assert issued.credential.arn.endswith("/deploy/no-address")
    event = last_event(account, "AssumeRoleWithWebIdentity")
    assert event.request_parameters["providerId"] == "www.amazon.com"
