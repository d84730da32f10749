"""The top bar's search. Like AWS's, it finds the console's pages and features by name (the left
navigation and the pages' buttons, never a copy of them); beyond AWS, it finds the account's users,
groups, roles, policies and identity providers by name, each kind only when the signed-in identity may
make the reads of that kind's list page (a kind refused is left out, without a word)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models.functions import Lower
from django.urls import NoReverseMatch, reverse

from access.authorization import unbounded
from access.operations import authorize_read
from accounts.models import Group, IAMUser
from aws.errors import AccessDenied
from console.pages import page_reads
from policies.models import OpenIDConnectProvider, Role, SAMLProvider
from policies.selectors import policy_list, policy_type_label

from .context_processors import NAVIGATION
from .enforcement import PAGES

# Results per kind; "See all" opens the kind's list filtered by the query.
LIMIT = 5
# Console pages that are neither in the navigation nor a list page's button.
MORE_FEATURES = (
    ("Switch role", "accounts:switch_role", "Account"),
    ("Add identity provider", "policies:identity_provider_create", "Identity providers"),
    ("Instance profiles", "policies:instance_profile_list", "Roles"),
)


@dataclass(frozen=True)
class Result:
    name: str
    url: str
    detail: str = ""


@dataclass
class ResultGroup:
    kind: str
    results: list = field(default_factory=list)
    see_all: str = ""  # the list page, filtered where it can be


def _features():
    """(label, URL, where) of every console page the search finds by name."""
    entries = [
        (label, name, heading or "IAM", args) for heading, items in NAVIGATION for label, name, *args in items
    ]
    entries += [(label, name, page.title, ()) for page in PAGES.values() for label, name in page.buttons]
    entries += [(label, name, where, ()) for label, name, where in MORE_FEATURES]
    features, seen = [], set()
    for label, name, where, args in entries:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue  # a page that does not exist yet
        if label not in seen:
            seen.add(label)
            features.append((label, url, where))
    return features


def _feature_group(query):
    words = query.casefold().split()
    found = [
        Result(label, url, where)
        for label, url, where in _features()
        if all(word in f"{label} {where}".casefold() for word in words)
    ]
    # Names that start with the query first, as the top bar shows its best guesses first.
    found.sort(key=lambda result: not result.name.casefold().startswith(query.casefold()))
    return ResultGroup("Features", found[:LIMIT]) if found else None


def _may_list(request, list_page, operations=None):
    """Whether the identity may make the reads of `list_page` (only `operations` of them, if given).
    Not recorded: a refused kind is left out of the results without a word."""
    acting = request.acting
    if unbounded(acting):
        return True
    for operation, resource_of in page_reads(PAGES[list_page], request, {}):
        if operations is not None and operation not in operations:
            continue
        resource, _entity = resource_of(acting, {})
        try:
            authorize_read(acting=acting, name=operation, resource=resource)
        except AccessDenied:
            return False
    return True


def _filtered(list_page, query, **params):
    return f"{reverse(list_page)}?{urlencode({**params, 'q': query})}"


def _named(model, account, query):
    return model.objects.filter(account=account, name__icontains=query).order_by(Lower("name"))


def _entity_groups(request, query):
    account = request.acting.account
    groups = []
    if _may_list(request, "accounts:user_list"):
        users = _named(IAMUser, account, query)[: LIMIT + 1]
        results = [
            Result(user.name, reverse("accounts:user_detail", args=[user.name]), user.arn) for user in users
        ]
        groups.append(ResultGroup("Users", results, _filtered("accounts:user_list", query)))
    if _may_list(request, "accounts:group_list"):
        found = _named(Group, account, query)[: LIMIT + 1]
        results = [
            Result(group.name, reverse("accounts:group_detail", args=[group.name]), group.arn)
            for group in found
        ]
        groups.append(ResultGroup("User groups", results, _filtered("accounts:group_list", query)))
    if _may_list(request, "policies:role_list"):
        roles = _named(Role, account, query)[: LIMIT + 1]
        results = [
            Result(role.name, reverse("policies:role_detail", args=[role.name]), role.arn) for role in roles
        ]
        groups.append(ResultGroup("Roles", results, _filtered("policies:role_list", query)))
    if _may_list(request, "policies:policy_list"):
        policies = policy_list(account=account, search=query)[: LIMIT + 1]
        results = [
            Result(
                policy.name, reverse("policies:policy_detail", args=[policy.arn]), policy_type_label(policy)
            )
            for policy in policies
        ]
        groups.append(ResultGroup("Policies", results, _filtered("policies:policy_list", query)))
    providers = []
    # Each type of identity provider is its own List* call.
    if _may_list(request, "policies:identity_provider_list", {"ListOpenIDConnectProviders"}):
        found = OpenIDConnectProvider.objects.filter(account=account, url__icontains=query).order_by("url")
        providers += [
            Result(
                provider.url,
                reverse("policies:identity_provider_detail", args=["oidc", provider.pk]),
                "OpenID Connect",
            )
            for provider in found[: LIMIT + 1]
        ]
    if _may_list(request, "policies:identity_provider_list", {"ListSAMLProviders"}):
        found = _named(SAMLProvider, account, query)[: LIMIT + 1]
        providers += [
            Result(
                provider.name,
                reverse("policies:identity_provider_detail", args=["saml", provider.name]),
                "SAML",
            )
            for provider in found
        ]
    providers.sort(key=lambda result: result.name.casefold())
    groups.append(ResultGroup("Identity providers", providers, reverse("policies:identity_provider_list")))
    return groups


def console_search(request, query):
    """[ResultGroup] for `query`: the console's features, then each kind of entity the identity may
    list, at most LIMIT of each (with a link to see all when there are more)."""
    groups = [group for group in [_feature_group(query)] if group]
    for group in _entity_groups(request, query):
        if not group.results:
            continue
        if len(group.results) <= LIMIT:
            group.see_all = ""
        group.results = group.results[:LIMIT]
        groups.append(group)
    return groups
