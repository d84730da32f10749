"""The sso-oidc service's writes (what `aws sso login` calls): RegisterClient, StartDeviceAuthorization,
the portal user's approval of a user code, CreateToken (device code and refresh token grants), and the
`sso` API's bearer tokens (the access portal's session for the CLI) with their Logout.

Secrets (client secrets, device codes, access and refresh tokens) are shown once, in the answer that
makes them, and stored as their SHA-256 only. Messages marked "unconfirmed" are this project's wording
where AWS's exact text is not documented."""

import hashlib
import re
import secrets
from datetime import timedelta

from django.db import transaction
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

from .models import AccessToken, DeviceAuthorization, Instance, OidcClient

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
AUTHORIZATION_CODE_GRANT = "authorization_code"
GRANT_TYPES = (DEVICE_CODE_GRANT, REFRESH_GRANT, AUTHORIZATION_CODE_GRANT)
# What AWS answers: a client secret good for 90 days, a device code for 10 minutes polled every
# second, an access token for the access portal's 8-hour session.
CLIENT_SECRET_LIFETIME = timedelta(days=90)
DEVICE_CODE_SECONDS = 600
POLL_INTERVAL = 1
ACCESS_TOKEN_SECONDS = 8 * 3600
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels: no words, no 0/O or 1/I to confuse
# The access portal's start URL: this server's /start/d-…/, or AWS's https://d-….awsapps.com/start,
# which AWS CLI v2 requires (https, an AWS-owned host: it never opens it, and names it to
# StartDeviceAuthorization only).
START_URLS = (
    re.compile(r"/start/(d-[0-9a-f]{10})/?(?:[?#].*)?$"),
    re.compile(r"^https://(d-[0-9a-f]{10})\.awsapps\.com/start/?(?:[?#].*)?$"),
)

SESSION_INVALID = "Session token not found or invalid"
INVALID_CLIENT = "Invalid client provided"  # unconfirmed
USER_CODE_INVALID = "The code you entered is not valid or has expired. Try again."  # unconfirmed


class UserCodeInvalid(Exception):
    """The device page's refusal of a user code: unknown, expired or already used."""

    def __init__(self, message=USER_CODE_INVALID):
        super().__init__(message)
        self.message = message


def secret_hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _user_code():
    letters = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def normalized_user_code(text):
    """ABCD-EFGH from what a person typed (case, spaces and the hyphen do not matter)."""
    letters = re.sub(r"[\s-]", "", text or "").upper()
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else letters


# Clients


def client_register(*, name, client_type="public", scopes=(), grant_types=()):
    """RegisterClient: (the client, its secret). Only public clients exist, as in AWS."""
    if client_type != "public":
        raise InvalidClientMetadataException(f"Invalid client type: {client_type}")  # unconfirmed
    unsupported = [grant for grant in grant_types if grant not in GRANT_TYPES]
    if unsupported:
        raise UnsupportedGrantTypeException(f"Unsupported grant type: {unsupported[0]}")  # unconfirmed
    secret, now = secrets.token_urlsafe(96), timezone.now()
    client = OidcClient.objects.create(
        client_id=secrets.token_urlsafe(16),
        secret_hash=secret_hash(secret),
        name=name,
        client_type=client_type,
        scopes=list(scopes),
        grant_types=list(grant_types),
        issued_at=now,
        secret_expires_at=now + CLIENT_SECRET_LIFETIME,
    )
    return client, secret


def _client(client_id, client_secret):
    """The registered client whose secret is `client_secret` and still good; InvalidClientException."""
    client = OidcClient.objects.filter(client_id=client_id).first()
    if client is None or not secrets.compare_digest(client.secret_hash, secret_hash(client_secret or "")):
        raise InvalidClientException(INVALID_CLIENT)
    if client.secret_expires_at <= timezone.now():
        raise InvalidClientException("Client secret has expired")  # unconfirmed
    return client


# Device authorization


def instance_of_start_url(start_url):
    """The instance whose access portal `start_url` is (…/start/d-…/ or https://d-….awsapps.com/start),
    or None."""
    for pattern in START_URLS:
        match = pattern.search(start_url or "")
        if match:
            return Instance.objects.filter(identity_store_id=match.group(1)).first()
    return None


def device_authorization_start(*, client_id, client_secret, start_url):
    """StartDeviceAuthorization: (the authorization, its device code) for the access portal that
    `start_url` names."""
    client = _client(client_id, client_secret)
    instance = instance_of_start_url(start_url)
    if instance is None:
        raise InvalidRequestException(f"Invalid start URL: {start_url}")  # unconfirmed
    device_code, now = secrets.token_urlsafe(64), timezone.now()
    authorization = DeviceAuthorization.objects.create(
        client=client,
        instance=instance,
        device_code_hash=secret_hash(device_code),
        user_code=_user_code(),
        interval=POLL_INTERVAL,
        created_at=now,
        expires_at=now + timedelta(seconds=DEVICE_CODE_SECONDS),
    )
    return authorization, device_code


def pending_authorization(*, instance, user_code):
    """The authorization waiting for `user_code` in the instance's portal; UserCodeInvalid."""
    authorization = (
        DeviceAuthorization.objects.select_related("client")
        .filter(
            instance=instance,
            user_code=normalized_user_code(user_code),
            approved_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if authorization is None:
        raise UserCodeInvalid()
    return authorization


@transaction.atomic
def device_approve(*, user, user_code):
    """The portal user allows the device that shows `user_code`: its CreateToken then gets a token of
    that user."""
    authorization = pending_authorization(instance=user.instance, user_code=user_code)
    updated = DeviceAuthorization.objects.filter(pk=authorization.pk, approved_at__isnull=True).update(
        approved_by=user, approved_at=timezone.now()
    )
    if not updated:  # approved meanwhile, by another request
        raise UserCodeInvalid()
    return authorization


# Tokens


def _issue(client, user):
    """(the AccessToken row, the access token, the refresh token or "" when the client has no
    refresh_token grant)."""
    access = "aoa" + secrets.token_urlsafe(96)
    refresh = "aor" + secrets.token_urlsafe(96) if REFRESH_GRANT in client.grant_types else ""
    row = AccessToken.objects.create(
        client=client,
        user=user,
        token_hash=secret_hash(access),
        refresh_hash=secret_hash(refresh) if refresh else "",
        expires_at=timezone.now() + timedelta(seconds=ACCESS_TOKEN_SECONDS),
    )
    return row, access, refresh


def _device_poll(client, device_code):
    """The approved authorization of `device_code`, marked redeemed, or the error to raise (a poll's
    time is kept, so it is written before the error is raised)."""
    now = timezone.now()
    with transaction.atomic():
        authorization = (
            DeviceAuthorization.objects.select_for_update()
            .filter(client=client, device_code_hash=secret_hash(device_code or ""))
            .first()
        )
        if authorization is None or authorization.redeemed_at is not None:
            return None, InvalidGrantException("Invalid device code provided")  # unconfirmed
        if authorization.expires_at <= now:
            return None, ExpiredTokenException("Device code has expired")  # unconfirmed
        if authorization.approved_at is None:
            last = authorization.last_polled_at
            authorization.last_polled_at = now
            authorization.save(update_fields=["last_polled_at"])
            if last is not None and (now - last).total_seconds() < authorization.interval:
                return None, SlowDownException("Client is polling too quickly")  # unconfirmed
            return None, AuthorizationPendingException("Authorization is still pending")  # unconfirmed
        authorization.redeemed_at = now
        authorization.save(update_fields=["redeemed_at"])
        return _issue(client, authorization.approved_by), None


@transaction.atomic
def _refresh(client, refresh_token):
    old = (
        AccessToken.objects.select_for_update()
        .filter(client=client, refresh_hash=secret_hash(refresh_token or ""), revoked_at__isnull=True)
        .exclude(refresh_hash="")
        .select_related("user")
        .first()
    )
    if old is None:
        raise InvalidGrantException("Invalid refresh token provided")  # unconfirmed
    old.revoked_at = timezone.now()
    old.save(update_fields=["revoked_at"])
    return _issue(client, old.user)


def token_create(*, client_id, client_secret, grant_type, device_code="", refresh_token=""):
    """CreateToken: (the AccessToken row, the access token, the refresh token or "")."""
    client = _client(client_id, client_secret)
    if grant_type == DEVICE_CODE_GRANT:
        issued, error = _device_poll(client, device_code)
        if error is not None:
            raise error
        return issued
    if grant_type == REFRESH_GRANT:
        return _refresh(client, refresh_token)
    raise UnsupportedGrantTypeException(f"Unsupported grant type: {grant_type}")  # unconfirmed


def token_of(access_token):
    """The live AccessToken (with its user and instance) of a bearer token; UnauthorizedException."""
    token = (
        AccessToken.objects.select_related("user__instance")
        .filter(token_hash=secret_hash(access_token or ""), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.expires_at <= timezone.now():
        raise UnauthorizedException(SESSION_INVALID)
    return token


def token_revoke(*, access_token):
    """Logout: the bearer token (and its refresh token) end now."""
    token = token_of(access_token)
    AccessToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    return token
