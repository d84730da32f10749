"""Who signed an AWS API call: the request's SigV4 signature checked with the secret of a long-term
access key (an IAM user's or the root user's) or of temporary credentials (with their session token),
and the Acting the services authorize."""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from access import crypto
from access.acting import Acting, client_ip
from accounts.models import AccessKey, Account, TemporaryCredential
from accounts.services.sts import credentials_checked, session_acting
from aws.errors import InvalidClientTokenId
from aws.sigv4 import INVALID_TOKEN, UNCHECKED, SignedRequest, verify

LAST_USED_GRAIN = datetime.timedelta(minutes=1)


def signed_request(request):
    """The Django request as SigV4 reads it: the path as sent (percent-encoded), the raw query, the
    headers and the body."""
    path = request.META.get("RAW_URI", "").split("?", 1)[0] or quote(request.path, safe="/~")
    headers = [(name, value) for name, value in request.headers.items()]
    return SignedRequest(
        method=request.method,
        path=path,
        query_string=request.META.get("QUERY_STRING", ""),
        headers=headers,
        body=request.body,
    )


def _secret_for(found):
    """A secret_for(access_key_id) that remembers what it found in `found` (the key or credential).
    In local mode a key the product has never issued is accepted unchecked."""

    def secret_for(access_key_id):
        if access_key_id.startswith("ASIA"):
            credential = (
                TemporaryCredential.objects.select_related("account__membership", "user", "role")
                .filter(access_key_id=access_key_id)
                .first()
            )
            if credential is not None:
                found["credential"] = credential
                return crypto.decrypt(credential.secret_encrypted)
        else:
            key = (
                # The account's organization membership comes along: the engine's view of the caller needs it.
                AccessKey.objects.select_related("account__membership", "user")
                .filter(access_key_id=access_key_id)
                .first()
            )
            if key is not None:
                if key.status != AccessKey.Status.ACTIVE:
                    return None
                found["key"] = key
                return crypto.decrypt(key.secret_encrypted)
        if settings.IAMCONSOLE_LOCAL_MODE:
            found["local"] = True
            return UNCHECKED
        return None

    return secret_for


def local_account():
    """Local mode's default account (IAMCONSOLE_LOCAL_ACCOUNT), made on first use."""
    account, _ = Account.objects.get_or_create(
        id=settings.IAMCONSOLE_LOCAL_ACCOUNT,
        defaults={
            "name": "Local",
            "root_email": f"root-{settings.IAMCONSOLE_LOCAL_ACCOUNT}@local.invalid",
            "root_password": make_password(None),  # no console sign-in: an unusable password
        },
    )
    return account


def _refuse_closed(account):
    """A closed (SUSPENDED) account's keys and sessions are refused, as AWS refuses them."""
    if account.closed_at:
        raise InvalidClientTokenId(INVALID_TOKEN)


def _call_cache(account):
    """The authorizer's cache for one call: the caller is described once (a write clears it); an account
    in no organization, as the credentials' query found it, has no SCPs or RCPs to read."""
    return {} if hasattr(account, "membership") else {"organization": (None, None)}


def authenticate(request):
    """(Acting, verified Credential) of a signed call; SignatureError, InvalidClientTokenId or
    ExpiredToken otherwise."""
    found = {}
    credential = verify(signed_request(request), secret_for=_secret_for(found), now=timezone.now())
    source_ip, user_agent = client_ip(request), request.headers.get("User-Agent", "")[:512]
    if "local" in found:
        acting = Acting(
            account=local_account(),
            source_ip=source_ip,
            user_agent=user_agent,
            access_key_id=credential.access_key_id,
            via_console=False,
            secure_transport=request.is_secure(),
            requested_region=credential.region,
        )
        return acting, credential
    if "credential" in found:
        if not credential.session_token:
            raise InvalidClientTokenId(INVALID_TOKEN)
        session = credentials_checked(found["credential"], session_token=credential.session_token)
        acting = session_acting(
            session,
            source_ip=source_ip,
            user_agent=user_agent,
            secure_transport=request.is_secure(),
            requested_region=credential.region,
            cache=_call_cache(session.account),
        )
        _refuse_closed(acting.account)
        return acting, credential
    key = found["key"]
    _refuse_closed(key.account)
    if key.user is not None:
        key.user.account = key.account  # the same row: the engine's view of the user needs it
    acting = Acting(
        account=key.account,
        user=key.user,
        source_ip=source_ip,
        user_agent=user_agent,
        access_key_id=key.access_key_id,
        via_console=False,
        secure_transport=request.is_secure(),
        requested_region=credential.region,
        cache=_call_cache(key.account),
    )
    # What the Security credentials tab shows as the key's last use, written at most once a minute for
    # the same service and region (AWS's own record of it lags by hours): a busy key costs no write per call.
    moment = timezone.now()
    if (
        key.last_used_at is None
        or moment - key.last_used_at >= LAST_USED_GRAIN
        or (key.last_used_service, key.last_used_region) != (credential.service, credential.region)
    ):
        AccessKey.objects.filter(pk=key.pk).update(
            last_used_at=moment, last_used_service=credential.service, last_used_region=credential.region
        )
    return acting, credential
