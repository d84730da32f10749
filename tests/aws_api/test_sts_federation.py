"""AssumeRoleWithWebIdentity and AssumeRoleWithSAML on the wire: unsigned boto3 calls (the token or the
assertion is the proof), against an OpenID Connect issuer running on 127.0.0.1 and a SAML provider whose
metadata carries a certificate made here; the credentials they return work at once."""

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from policies.models import InlinePolicy, Role, SAMLProvider
from tests.accounts.test_federation import (
    Issuer,
    doc,
    metadata_for,
    pair,
    provider_for,
    rsa_key,
    saml_response,
    saml_trust,
    self_signed,
    token_for,
    web_identity_trust,
)

from .conftest import NO_RETRIES, client, error_of


@pytest.fixture
def anonymous(live_server):
    return boto3.client(
        "sts",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        config=NO_RETRIES.merge(Config(signature_version=UNSIGNED)),
    )


@pytest.fixture(scope="module")
def key():
    return rsa_key()


@pytest.fixture
def issuer(key, settings):
    settings.IAMCONSOLE_LOCAL_MODE = True  # plain http to a loopback issuer
    running = Issuer([key.public_key()])
    yield running
    running.close()


def _with_s3_only(role):
    InlinePolicy.objects.create(
        role=role, name="s3", document=doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    )
    return role


def test_a_web_identity_token_buys_a_session_that_works_at_once(
    live_server, anonymous, api_account, issuer, key
):
    provider = provider_for(api_account, issuer.url)
    role = _with_s3_only(
        Role.objects.create(account=api_account, name="deploy", trust_policy=web_identity_trust(provider))
    )
    answer = anonymous.assume_role_with_web_identity(
        RoleArn=role.arn, RoleSessionName="gha-run-1", WebIdentityToken=token_for(issuer.url, key)
    )
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{api_account.id}:assumed-role/deploy/gha-run-1"
    assert answer["Provider"] == issuer.url and answer["Audience"] == "sts.amazonaws.com"  # the iss claim
    assert answer["SubjectFromWebIdentityToken"].startswith("repo:octo-org/")
    credentials = answer["Credentials"]
    keys = (credentials["AccessKeyId"], credentials["SecretAccessKey"])
    sts = client(live_server, *keys, service="sts", session_token=credentials["SessionToken"])
    assert sts.get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]
    iam = client(live_server, *keys, session_token=credentials["SessionToken"])
    error, status = error_of(iam.list_users)
    assert (error["Code"], status) == ("AccessDenied", 403)  # the role grants S3 only

    # A token for another audience is refused, in STS's words.
    error, status = error_of(
        anonymous.assume_role_with_web_identity,
        RoleArn=role.arn,
        RoleSessionName="other",
        WebIdentityToken=token_for(issuer.url, key, aud="someone-else"),
    )
    assert (error["Code"], status) == ("InvalidIdentityToken", 400)


def test_a_signed_saml_assertion_buys_a_session_and_an_unsigned_one_nothing(
    live_server, anonymous, api_account, key
):
    provider = SAMLProvider.objects.create(
        account=api_account, name="ExampleIdP", metadata_document=metadata_for(self_signed(key))
    )
    role = _with_s3_only(
        Role.objects.create(account=api_account, name="Admins", trust_policy=saml_trust(provider))
    )
    signer = (key, self_signed(key))
    provider.metadata_document = metadata_for(signer[1])
    provider.save()
    answer = anonymous.assume_role_with_saml(
        RoleArn=role.arn,
        PrincipalArn=provider.arn,
        SAMLAssertion=saml_response([pair(role, provider)], signer=signer),
    )
    assert (
        answer["AssumedRoleUser"]["Arn"]
        == f"arn:aws:sts::{api_account.id}:assumed-role/Admins/alice@example.com"
    )
    assert answer["Subject"] == "alice" and answer["Issuer"] == "https://idp.example.com/saml"
    credentials = answer["Credentials"]
    sts = client(
        live_server,
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        service="sts",
        session_token=credentials["SessionToken"],
    )
    assert sts.get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]

    error, status = error_of(
        anonymous.assume_role_with_saml,
        RoleArn=role.arn,
        PrincipalArn=provider.arn,
        SAMLAssertion=saml_response([pair(role, provider)], signer=None),
    )
    assert (error["Code"], status) == ("InvalidIdentityToken", 400)
    # Signed, but by a key whose certificate is not the provider's metadata's: refused as well.
    stranger = rsa_key()
    error, status = error_of(
        anonymous.assume_role_with_saml,
        RoleArn=role.arn,
        PrincipalArn=provider.arn,
        SAMLAssertion=saml_response([pair(role, provider)], signer=(stranger, self_signed(stranger))),
    )
    assert (error["Code"], status) == ("InvalidIdentityToken", 400)
