"""The sso-oidc service's tokens: registered clients, device authorizations approved by a portal user,
CreateToken's pending, slow-down, expired and redeemed answers, refresh tokens, bearer tokens and
Logout. dana is the directory user of alice's instance; charlie's organization has its own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aws.identitycenter_errors import (
    AuthorizationPendingException,
    ExpiredTokenException,
    InvalidClientException,
    InvalidClientMetadataException,
    InvalidGrantException,
    InvalidRequestException,
    SlowDownException,
    UnauthorizedException,
    UnsupportedGrantTypeException,
)
from identitycenter import services, tokens
from identitycenter.models import AccessToken, DeviceAuthorization, OidcClient
from organizations import services as organizations_services

from .portal_helpers import directory_user

pytestmark = pytest.mark.django_db

DEVICE = tokens.DEVICE_CODE_GRANT


def start_url(instance):
    return f"http://testserver/start/{instance.identity_store_id}/"


@pytest.fixture
def registered():
    return tokens.client_register(name="botocore-client-dev", grant_types=[DEVICE, "refresh_token"])


@pytest.fixture
def device(registered, instance):
    client, secret = registered
    authorization, code = tokens.device_authorization_start(
        client_id=client.client_id, client_secret=secret, start_url=start_url(instance)
    )
    return client, secret, authorization, code


def poll(device):
    client, secret, _, code = device
    return tokens.token_create(
        client_id=client.client_id, client_secret=secret, grant_type=DEVICE, device_code=code
    )


def _back(authorization, seconds):
    """Move the authorization's last poll `seconds` into the past."""
    DeviceAuthorization.objects.filter(pk=authorization.pk).update(
        last_polled_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_registered_client_keeps_only_the_hash_of_its_secret(registered):
    client, secret = registered
    stored = OidcClient.objects.get()
    assert stored.secret_hash == tokens.secret_hash(secret) and secret not in stored.secret_hash
    assert len(secret) > 100 and stored.client_type == "public"
    assert stored.secret_expires_at - stored.issued_at == timedelta(days=90)


def test_only_public_clients_and_known_grant_types_register():
    with pytest.raises(InvalidClientMetadataException):
        tokens.client_register(name="x", client_type="confidential")
    with pytest.raises(UnsupportedGrantTypeException):
        tokens.client_register(name="x", grant_types=["password"])
    assert not OidcClient.objects.exists()


def test_device_authorization_needs_the_client_secret_and_a_start_url_of_an_instance(registered, instance):
    client, secret = registered
    with pytest.raises(InvalidClientException):
        tokens.device_authorization_start(
            client_id=client.client_id, client_secret="wrong", start_url=start_url(instance)
        )
    with pytest.raises(InvalidClientException):
        tokens.device_authorization_start(
            client_id="nobody", client_secret=secret, start_url=start_url(instance)
        )
    with pytest.raises(InvalidRequestException):
        tokens.device_authorization_start(
            client_id=client.client_id,
            client_secret=secret,
            start_url="http://testserver/start/d-0000000000/",
        )
    authorization, code = tokens.device_authorization_start(
        client_id=client.client_id, client_secret=secret, start_url=start_url(instance) + "#/"
    )
    assert authorization.instance == instance and authorization.device_code_hash == tokens.secret_hash(code)
    aws_form, _ = tokens.device_authorization_start(
        client_id=client.client_id,
        client_secret=secret,
        start_url=f"https://{instance.identity_store_id}.awsapps.com/start",
    )
    assert aws_form.instance == instance
    with pytest.raises(InvalidRequestException):  # AWS's form over plain HTTP is no start URL
        tokens.device_authorization_start(
            client_id=client.client_id,
            client_secret=secret,
            start_url=f"http://{instance.identity_store_id}.awsapps.com.example.com/start",
        )
    assert len(authorization.user_code) == 9 and authorization.user_code[4] == "-"
    assert authorization.expires_at - authorization.created_at == timedelta(seconds=600)


def test_an_expired_client_secret_is_refused(registered, instance):
    client, secret = registered
    OidcClient.objects.update(secret_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidClientException, match="expired"):
        tokens.device_authorization_start(
            client_id=client.client_id, client_secret=secret, start_url=start_url(instance)
        )


def test_create_token_is_pending_then_slow_down_then_issued_once_approved(device, dana):
    _, _, authorization, _ = device
    with pytest.raises(AuthorizationPendingException):
        poll(device)
    with pytest.raises(SlowDownException):  # again within the one-second interval
        poll(device)
    _back(authorization, 2)
    with pytest.raises(AuthorizationPendingException):
        poll(device)
    tokens.device_approve(user=dana, user_code=authorization.user_code.lower().replace("-", " "))
    row, access, refresh = poll(device)
    assert row.user == dana and access.startswith("aoa") and refresh.startswith("aor")
    assert row.token_hash == tokens.secret_hash(access) and row.refresh_hash == tokens.secret_hash(refresh)
    assert tokens.token_of(access).user == dana
    with pytest.raises(InvalidGrantException):  # a device code is redeemed once
        poll(device)


def test_an_expired_device_code_and_an_unknown_one(device, dana):
    client, secret, authorization, _ = device
    DeviceAuthorization.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ExpiredTokenException):
        poll(device)
    with pytest.raises(tokens.UserCodeInvalid):
        tokens.device_approve(user=dana, user_code=authorization.user_code)
    with pytest.raises(InvalidGrantException):
        tokens.token_create(
            client_id=client.client_id, client_secret=secret, grant_type=DEVICE, device_code="nope"
        )


def test_another_clients_device_code_is_not_its_own(device, instance):
    other, other_secret = tokens.client_register(name="other")
    with pytest.raises(InvalidGrantException):
        tokens.token_create(
            client_id=other.client_id, client_secret=other_secret, grant_type=DEVICE, device_code=device[3]
        )


def test_a_user_code_is_approved_once_and_only_in_its_own_instance(device, dana, charlie_acting):
    authorization = device[2]
    organization = organizations_services.organization_create(acting=charlie_acting)
    elsewhere = services.instance_create(organization=organization, acting=charlie_acting)
    stranger = directory_user(elsewhere, "erin", acting=charlie_acting)
    with pytest.raises(tokens.UserCodeInvalid):
        tokens.device_approve(user=stranger, user_code=authorization.user_code)
    tokens.device_approve(user=dana, user_code=authorization.user_code)
    with pytest.raises(tokens.UserCodeInvalid):
        tokens.device_approve(user=dana, user_code=authorization.user_code)


def test_an_approval_racing_another_is_refused(device, dana, monkeypatch):
    """Two pages allow the same code at once: the second's conditional update finds it approved."""
    authorization = device[2]
    found = tokens.pending_authorization(instance=dana.instance, user_code=authorization.user_code)
    tokens.device_approve(user=dana, user_code=authorization.user_code)
    monkeypatch.setattr(tokens, "pending_authorization", lambda **kwargs: found)
    with pytest.raises(tokens.UserCodeInvalid):
        tokens.device_approve(user=dana, user_code=authorization.user_code)


def test_a_refresh_token_gives_a_new_token_and_ends_the_old_one(device, dana):
    client, secret, authorization, _ = device
    tokens.device_approve(user=dana, user_code=authorization.user_code)
    _, access, refresh = poll(device)
    _, renewed, refresh2 = tokens.token_create(
        client_id=client.client_id, client_secret=secret, grant_type="refresh_token", refresh_token=refresh
    )
    assert tokens.token_of(renewed).user == dana and refresh2 != refresh
    with pytest.raises(UnauthorizedException):
        tokens.token_of(access)
    with pytest.raises(InvalidGrantException):  # rotated: the old refresh token is spent
        tokens.token_create(
            client_id=client.client_id,
            client_secret=secret,
            grant_type="refresh_token",
            refresh_token=refresh,
        )


def test_a_client_without_the_refresh_grant_gets_no_refresh_token(instance, dana):
    client, secret = tokens.client_register(name="plain")
    authorization, code = tokens.device_authorization_start(
        client_id=client.client_id, client_secret=secret, start_url=start_url(instance)
    )
    tokens.device_approve(user=dana, user_code=authorization.user_code)
    _, access, refresh = tokens.token_create(
        client_id=client.client_id, client_secret=secret, grant_type=DEVICE, device_code=code
    )
    assert refresh == "" and AccessToken.objects.get().refresh_hash == ""
    with pytest.raises(InvalidGrantException):  # "" is no refresh token
        tokens.token_create(client_id=client.client_id, client_secret=secret, grant_type="refresh_token")


def test_an_unsupported_grant_type_is_refused(registered):
    client, secret = registered
    with pytest.raises(UnsupportedGrantTypeException):
        tokens.token_create(client_id=client.client_id, client_secret=secret, grant_type="authorization_code")


def test_logout_ends_the_token_and_an_expired_token_is_unauthorized(device, dana):
    authorization = device[2]
    tokens.device_approve(user=dana, user_code=authorization.user_code)
    row, access, _ = poll(device)
    tokens.token_revoke(access_token=access)
    with pytest.raises(UnauthorizedException, match="Session token not found or invalid"):
        tokens.token_of(access)
    with pytest.raises(UnauthorizedException):
        tokens.token_revoke(access_token=access)
    client, secret = device[0], device[1]
    fresh, code = tokens.device_authorization_start(
        client_id=client.client_id, client_secret=secret, start_url=start_url(dana.instance)
    )
    tokens.device_approve(user=dana, user_code=fresh.user_code)
    later, access2, _ = tokens.token_create(
        client_id=client.client_id, client_secret=secret, grant_type=DEVICE, device_code=code
    )
    AccessToken.objects.filter(pk=later.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(UnauthorizedException):
        tokens.token_of(access2)
