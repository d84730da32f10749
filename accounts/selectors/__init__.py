"""Reads for the identity pages: always scoped to one account, with a fixed number of queries per page."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import AccessKey, Account, Group, IAMUser, MFADevice
from accounts.selectors.activity import latest_calls
from aws.errors import NoSuchEntity
from aws.ids import new_account_id

# Sortable columns of the users list: the query parameter and the ORDER BY it means.
USER_SORTS = {
    "name": Lower("name"),
    "path": "path",
    "created": "created_at",
    "last_sign_in": F("password_last_used_at"),
    "password_age": F("login_profile__password_changed_at"),
}
GROUP_SORTS = {"name": Lower("name"), "users": "user_count", "created": "created_at"}


def _ordering(sorts, sort, descending):
    expression = sorts.get(sort, sorts["name"])
    if isinstance(expression, str):
        expression = F(expression)
    # Nulls last both ways, as the console lists never-used credentials at the end.
    ordered = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [ordered, "pk"]


def user_list(*, account, search="", sort="name", descending=False):
    """The users of an account with everything the list shows prefetched (no query per row)."""
    users = IAMUser.objects.filter(account=account)
    if search:
        users = users.filter(Q(name__icontains=search) | Q(path__icontains=search))
    return (
        users.select_related("login_profile")
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.order_by(Lower("name"))),
            Prefetch("access_keys", queryset=AccessKey.objects.order_by("created_at")),
            Prefetch("mfa_devices", queryset=MFADevice.objects.order_by("created_at")),
            "tags",  # each row's reads are authorized with the user's tags
        )
        .order_by(*_ordering(USER_SORTS, sort, descending))
    )


def user_get(*, account, name):
    """One user of the account by exact name; NoSuchEntity otherwise (another account's user too)."""
    user = IAMUser.objects.filter(account=account, name=name).select_related("account").first()
    if user is None:
        raise NoSuchEntity(f"The user with name {name} cannot be found.")
    return user


def group_list(*, account, search="", sort="name", descending=False):
    """The groups of an account with their user and policy counts annotated (no query per row):
    the list's Permissions column is "Defined" when a group has an attached or an inline policy."""
    groups = Group.objects.filter(account=account)
    if search:
        groups = groups.filter(name__icontains=search)
    return groups.annotate(
        user_count=Count("memberships", distinct=True),
        attached_count=Count("attachments", distinct=True),
        inline_count=Count("inline_policies", distinct=True),
    ).order_by(*_ordering(GROUP_SORTS, sort, descending))


def group_get(*, account, name):
    group = Group.objects.filter(account=account, name=name).first()
    if group is None:
        raise NoSuchEntity(f"The group with name {name} cannot be found.")
    return group


@dataclass
class UserRow:
    """One line of the users list, computed from prefetched relations."""

    user: IAMUser
    groups: list
    last_activity: datetime | None
    mfa: str
    password_age_days: int | None
    console_last_sign_in: datetime | None
    console_access: bool
    active_key_ids: list
    active_key_age_days: int | None
    # The reads refused for this row (its cells then show "Access denied").
    denied: set = field(default_factory=set)


def _days_since(moment, now):
    return (now - moment).days if moment else None


def user_rows(users, *, now=None):
    now = now or timezone.now()
    users = list(users)
    # Last activity: the latest of a console sign-in, an access key's use and any recorded call.
    calls = latest_calls(principal_ids=[user.user_id for user in users])
    rows = []
    for user in users:
        profile = getattr(user, "login_profile", None)
        keys = list(user.access_keys.all())
        active = [key for key in keys if key.status == AccessKey.Status.ACTIVE]
        used = [key.last_used_at for key in keys] + [user.password_last_used_at, calls.get(user.user_id)]
        used = [moment for moment in used if moment]
        rows.append(
            UserRow(
                user=user,
                groups=[group.name for group in user.groups.all()],
                last_activity=max(used) if used else None,
                mfa="Virtual" if any(device.enabled_at for device in user.mfa_devices.all()) else "",
                password_age_days=_days_since(profile.password_changed_at, now) if profile else None,
                console_last_sign_in=user.password_last_used_at,
                console_access=profile is not None,
                active_key_ids=[key.access_key_id for key in active],
                active_key_age_days=_days_since(active[0].created_at, now) if active else None,
            )
        )
    return rows


def unused_account_id():
    """A random 12-digit account ID no account has yet."""
    while True:
        account_id = new_account_id()
        if not Account.objects.filter(pk=account_id).exists():
            return account_id
