"""Who is acting: the signed-in principal of the console (or, later, of an API call)."""

import datetime
import ipaddress
from dataclasses import dataclass, field

from django.conf import settings

from accounts.models import Account, IAMUser, TemporaryCredential


@dataclass(frozen=True)
class Acting:
    """The principal a service acts for, with the request facts an audit event records and the
    authorizer's context keys read."""

    account: Account
    user: IAMUser | None = None  # None: the account's root user (or a role session's credential)
    source_ip: str = ""
    user_agent: str = ""
    access_key_id: str = ""
    via_console: bool = True
    credential: TemporaryCredential | None = None  # temporary credentials: a role session, or a user's
    secure_transport: bool = False
    # The region an API call was signed for (its credential scope), AWS's aws:RequestedRegion; empty
    # for the console's own requests.
    requested_region: str = ""
    # (present, authenticated_at) for a console sign-in, which tells whether MFA was used; None for
    # long-term access keys, which send no MFA keys.
    mfa: tuple | None = None
    # A console role session: the identity that switched, and the role's display name and colour.
    signed_in_as: "Acting | None" = field(default=None, compare=False, repr=False)
    role_display: dict | None = field(default=None, compare=False, repr=False)
    # An AWS service acting in the account on its own (Organizations making a new member account's
    # role): no policy of the account bounds it, SCPs included, and CloudTrail names the service.
    invoked_by: str = ""
    # The authorizer's description of this principal, kept for one console request (None: described
    # afresh for every check, as services called on their own are); writes clear it.
    cache: dict | None = field(default=None, compare=False, repr=False, hash=False)

    @property
    def is_role_session(self):
        return self.credential is not None and self.credential.is_role_session

    @property
    def is_root(self):
        return self.user is None and not self.is_role_session

    @property
    def arn(self):
        if self.credential is not None:
            return self.credential.arn
        return self.account.root_arn if self.user is None else self.user.arn

    @property
    def entity_id(self):
        """The unique ID of the IAM identity behind the call, which Access Advisor counts it for: the
        role of a role session, the user (also of its session tokens and federated users), the
        account for root; "" for an AWS service."""
        if self.invoked_by:
            return ""
        if self.is_role_session:
            return self.credential.role.role_id
        return self.account.id if self.user is None else self.user.user_id

    @property
    def display_name(self):
        """The identity menu's label: "user @ alias-or-id", the account for root, the role's display name."""
        if self.role_display is not None:
            return self.role_display["display_name"]
        if self.is_role_session:
            return f"{self.credential.role.name} @ {self.account.alias or self.account.id}"
        if self.user is None:
            return self.account.alias or self.account.id
        return f"{self.user.name} @ {self.account.alias or self.account.id}"

    def user_identity(self):
        """CloudTrail's userIdentity element."""
        if self.invoked_by:
            return {"type": "AWSService", "invokedBy": self.invoked_by}
        credential = self.credential
        if credential is not None and (credential.is_role_session or credential.is_federated):
            identity = {
                "type": "AssumedRole" if credential.is_role_session else "FederatedUser",
                "principalId": credential.principal_id,
                "arn": credential.arn,
                "accountId": credential.account_id,
            }
        else:
            identity = {
                "type": "Root" if self.user is None else "IAMUser",
                "principalId": self.account.id if self.user is None else self.user.user_id,
                "arn": self.account.root_arn if self.user is None else self.user.arn,
                "accountId": self.account.id,
            }
            if self.user is not None:
                identity["userName"] = self.user.name
        if self.access_key_id:
            identity["accessKeyId"] = self.access_key_id
        if credential is not None:
            # The identity that issued the session: the role, or the IAM user who federated.
            issuer = credential.role if credential.is_role_session else None
            if credential.is_federated:
                issuer = credential.user
            identity["sessionContext"] = {
                "sessionIssuer": {
                    "type": "Role" if credential.is_role_session else "IAMUser",
                    "principalId": issuer.role_id if credential.is_role_session else issuer.user_id,
                    "arn": issuer.arn,
                    "accountId": credential.account_id,
                    "userName": issuer.name,
                }
                if issuer is not None
                else {},
                "attributes": {
                    "creationDate": credential.issued_at.astimezone(datetime.UTC).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                    "mfaAuthenticated": "true" if credential.mfa_authenticated else "false",
                },
            }
            if credential.source_identity:
                identity["sessionContext"]["sourceIdentity"] = credential.source_identity
            if ":oidc-provider/" in credential.issuer_arn:
                # A session from AssumeRoleWithWebIdentity names the OIDC provider that vouched for it.
                identity["sessionContext"]["webIdFederationData"] = {
                    "federatedProvider": credential.issuer_arn,
                    "attributes": {},
                }
        return identity

    @classmethod
    def from_request(
        cls, request, *, account, user=None, credential=None, mfa=None, signed_in_as=None, role_display=None
    ):
        return cls(
            account=account,
            user=user,
            source_ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:512],
            credential=credential,
            access_key_id=credential.access_key_id if credential is not None else "",
            secure_transport=request.is_secure(),
            mfa=mfa,
            signed_in_as=signed_in_as,
            role_display=role_display,
            cache={},
        )


@dataclass(frozen=True)
class FederatedActing(Acting):
    """The unsigned caller of AssumeRoleWithWebIdentity or AssumeRoleWithSAML, recorded in the role's
    account: CloudTrail's userIdentity is the identity provider's user (WebIdentityUser, SAMLUser)."""

    identity: dict = field(default_factory=dict)

    @property
    def is_root(self):
        return False  # nobody of the account signed this call: never the root user's unbounded access

    @property
    def arn(self):
        return self.identity.get("identityProvider", "")

    @property
    def entity_id(self):
        return ""  # the identity provider's user, no IAM identity of the account

    def user_identity(self):
        return dict(self.identity)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind settings.TRUSTED_PROXY_COUNT proxies the address
    the outermost of them saw (X-Forwarded-For's n-th entry from the right)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        # Everything in X-Forwarded-For is what the client chose to write there.
        return remote
    # Each proxy appends the address it saw, so only the last n entries are the proxies' word; what
    # stands left of them came from the client.
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote  # not the chain of proxies that was configured
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote
