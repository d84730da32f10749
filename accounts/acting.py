"""Who is acting: the signed-in principal of the console (or, later, of an API call)."""

from dataclasses import dataclass

from .models import Account, IAMUser


@dataclass(frozen=True)
class Acting:
    """The principal a service acts for, with the request facts an audit event records."""

    account: Account
    user: IAMUser | None = None  # None: the account's root user
    source_ip: str = ""
    user_agent: str = ""
    access_key_id: str = ""
    via_console: bool = True

    @property
    def is_root(self):
        return self.user is None

    @property
    def arn(self):
        return self.account.root_arn if self.user is None else self.user.arn

    @property
    def display_name(self):
        """The identity menu's label: "user @ alias-or-id", or the account for root."""
        if self.user is None:
            return self.account.alias or self.account.id
        return f"{self.user.name} @ {self.account.alias or self.account.id}"

    def user_identity(self):
        """CloudTrail's userIdentity element."""
        identity = {
            "type": "Root" if self.user is None else "IAMUser",
            "principalId": self.account.id if self.user is None else self.user.user_id,
            "arn": self.arn,
            "accountId": self.account.id,
        }
        if self.user is not None:
            identity["userName"] = self.user.name
        if self.access_key_id:
            identity["accessKeyId"] = self.access_key_id
        return identity

    @classmethod
    def from_request(cls, request, *, account, user=None):
        return cls(
            account=account,
            user=user,
            source_ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:512],
        )


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR", "")
