"""Access Advisor ("Last Accessed"): for a user, group, role or managed policy, each service its
policies allow, the policies that allow it, and when an identity last called it, from Event history's
last accessed rollup (accounts.models.ServiceLastAccess).

A group's and a policy's report counts the calls of the users and roles they give permissions to. For
the services AWS tracks at action level (here IAM, STS and Organizations, whose calls we record) each
action is reported too. A fixed number of queries, whatever the number of events or identities.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q

from accounts.models import Group, IAMUser
from accounts.selectors.activity import latest_action_calls, service_calls, tracking_start
from policies.engine import catalog
from policies.models import ManagedPolicy, Role
from policies.selectors.permissions import entity_permissions

# The services whose actions are reported one by one (AWS: IAM, EC2, Lambda and S3's management
# actions; of those, this console records IAM's calls, and STS's and Organizations' beside them).
ACTION_LEVEL = ("iam", "organizations", "sts")


@dataclass(frozen=True)
class Principal:
    """A user or role whose calls count: EntityInfo's members."""

    id: str
    arn: str
    name: str
    type: str  # "USER" or "ROLE"
    path: str


@dataclass(frozen=True)
class Grant:
    """A policy that allows a service (ListPoliciesGrantingServiceAccess' PolicyGrantingServiceAccess)."""

    name: str
    type: str  # "MANAGED" or "INLINE"
    arn: str = ""  # managed policies
    entity_type: str = ""  # inline policies: "USER", "GROUP" or "ROLE" it is embedded in
    entity_name: str = ""
    document: str = field(default="", compare=False, repr=False)


@dataclass
class Access:
    """The latest call of one action, or of any action of a service."""

    name: str
    last: object = None  # datetime, None when not accessed in the tracking period
    entity: Principal | None = None
    region: str = ""


@dataclass
class ServiceAccess:
    namespace: str
    name: str
    grants: list
    last: Access
    # The identities that called the service, each with its latest call, newest first.
    entities: list = field(default_factory=list)
    # Action level (ACTION_LEVEL services only): the actions allowed or called, with their latest call.
    actions: list | None = None

    @property
    def action_level(self):
        return self.actions is not None

    @property
    def accessed_actions(self):
        return [action for action in self.actions or () if action.last is not None]


@dataclass
class LastAccessed:
    """An entity's report: its services in namespace order, and the identities whose calls count."""

    services: list
    principals: list


def service_name(namespace):
    """ServiceName as Access Advisor writes it ("AWS Identity and Access Management", "Amazon S3")."""
    service = catalog.service(namespace)
    if service is None:
        return namespace
    return service.name.split(" (")[0] if service.name.endswith(")") else service.name


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@lru_cache(maxsize=512)
def _matched(patterns):
    """The actions any of `patterns` matches."""
    return frozenset(action for pattern in patterns for action in catalog.expand_action_pattern(pattern))


@lru_cache(maxsize=1024)
def allowed_actions(document):
    """(namespaces, tracked actions as "iam:CreateUser") that a policy document's Allow statements
    grant; a NotAction allows every action it does not name."""
    try:
        statements = _as_list(json.loads(document).get("Statement"))
    except (TypeError, ValueError, AttributeError):
        return frozenset(), frozenset()
    namespaces, tracked = set(), set()
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement:
            excluded = _matched(tuple(str(p).lower() for p in _as_list(statement["NotAction"])))
            actions = [action for action in catalog.actions() if action not in excluded]
        else:
            actions = _matched(tuple(str(p).lower() for p in _as_list(statement.get("Action"))))
        for action in actions:
            namespaces.add(action.service)
            if action.service in ACTION_LEVEL:
                tracked.add(action.full_name)
    return frozenset(namespaces), frozenset(tracked)


def _user_principal(user):
    return Principal(user.user_id, user.arn, user.name, "USER", user.path)


def _role_principal(role):
    return Principal(role.role_id, role.arn, role.name, "ROLE", role.path)


def _grants(permissions, entity_type, entity_name):
    """The Grant of each row of an entity's Permissions tab (group policies named by their group)."""
    grants = []
    for row in permissions.rows:
        if row.arn:
            grants.append(Grant(row.name, "MANAGED", arn=row.arn, document=row.document))
        elif row.group is not None:
            grants.append(Grant(row.name, "INLINE", "", "GROUP", row.group.name, row.document))
        else:
            grants.append(Grant(row.name, "INLINE", "", entity_type, entity_name, row.document))
    return grants


def _policy_principal_ids(policy, account):
    """The unique IDs (as queries) of the users and roles of the account a managed policy gives
    permissions to: attached to them or to a group they belong to."""
    users = (
        IAMUser.objects.filter(account=account)
        .filter(Q(attachments__policy=policy) | Q(memberships__group__attachments__policy=policy))
        .values("user_id")
    )
    return users, Role.objects.filter(account=account, attachments__policy=policy).values("role_id")


def _principal_ids(entity, account):
    """The unique IDs of the identities whose calls count for `entity`: a list, or queries of them (a
    group's members and a policy's identities stay in the database)."""
    if isinstance(entity, IAMUser):
        return [entity.user_id]
    if isinstance(entity, Role):
        return [entity.role_id]
    if isinstance(entity, Group):
        return (IAMUser.objects.filter(memberships__group=entity).values("user_id"),)
    return _policy_principal_ids(entity, account)


def _principals_by_id(ids, *, account):
    """The users and roles of `account` whose unique IDs are `ids`."""
    users = IAMUser.objects.filter(account=account, user_id__in=ids)
    roles = Role.objects.filter(account=account, role_id__in=ids)
    return [_user_principal(user) for user in users] + [_role_principal(role) for role in roles]


def _grants_of(entity):
    if isinstance(entity, IAMUser):
        return _grants(entity_permissions(user=entity), "USER", entity.name)
    if isinstance(entity, Role):
        return _grants(entity_permissions(role=entity), "ROLE", entity.name)
    if isinstance(entity, Group):
        return _grants(entity_permissions(group=entity), "GROUP", entity.name)
    if isinstance(entity, ManagedPolicy):
        version = entity.versions.filter(number=entity.default_version_number).first()
        document = version.document if version is not None else ""
        return [Grant(entity.name, "MANAGED", arn=entity.arn, document=document)]
    raise TypeError(f"no last accessed information for {type(entity).__name__}")


def _principals(entity, account):
    """Every identity whose calls count for `entity`."""
    if isinstance(entity, IAMUser):
        return [_user_principal(entity)]
    if isinstance(entity, Role):
        return [_role_principal(entity)]
    if isinstance(entity, Group):
        members = IAMUser.objects.filter(memberships__group=entity).order_by("name")
        return [_user_principal(user) for user in members]
    users, roles = _policy_principal_ids(entity, account)
    principals = [_user_principal(user) for user in IAMUser.objects.filter(user_id__in=users)]
    return principals + [_role_principal(role) for role in Role.objects.filter(role_id__in=roles)]


def last_accessed(entity, *, account, now=None, entities=False):
    """The entity's LastAccessed report over the tracking period (see the module's docstring). With
    `entities` (GetServiceLastAccessedDetailsWithEntities' job), each service lists every identity that
    called it and the report every identity whose calls count; without (the console's tab), only
    the identity behind each latest call is read, so that a group of 5,000 users reads as fast as one."""
    grants = _grants_of(entity)
    granting = {}  # namespace: [Grant]
    tracked = set()
    for grant in grants:
        namespaces, actions = allowed_actions(grant.document)
        tracked |= actions
        for namespace in namespaces:
            granting.setdefault(namespace, [])
            if grant not in granting[namespace]:
                granting[namespace].append(grant)
    sources = {f"{namespace}.amazonaws.com": namespace for namespace in granting}
    since = tracking_start(now)
    if entities:
        principals = _principals(entity, account)
        by_id = {principal.id: principal for principal in principals}
        calls = service_calls(principal_ids=list(by_id), event_sources=sources, since=since) if by_id else []
    else:
        calls = (
            latest_action_calls(
                principal_ids=_principal_ids(entity, account), event_sources=sources, since=since
            )
            if sources
            else []
        )
        if isinstance(entity, (IAMUser, Role)):
            principals = _principals(entity, account)
        else:
            principals = _principals_by_id({call[2] for call in calls}, account=account) if calls else []
        by_id = {principal.id: principal for principal in principals}
        # A call by an identity gone since (deleted, or a group's member no more) names nobody.
        calls = [call for call in calls if call[2] in by_id]
    latest = {}  # namespace: Access
    per_entity = {}  # (namespace, principal ID): time
    per_action = {}  # "iam:CreateUser": Access
    for source, event_name, principal_id, region, moment in calls:
        namespace = sources[source]
        principal = by_id[principal_id]
        _newer(latest, namespace, Access(namespace, moment, principal, region))
        key = (namespace, principal_id)
        per_entity[key] = max(moment, per_entity.get(key, moment))
        if namespace in ACTION_LEVEL:
            name = f"{namespace}:{event_name}"
            _newer(per_action, name, Access(event_name, moment, principal, region))
    services = []
    for namespace in sorted(granting):
        called = sorted(
            ((by_id[pid], moment) for (ns, pid), moment in per_entity.items() if ns == namespace),
            key=lambda pair: pair[1],
            reverse=True,
        )
        actions = None
        if namespace in ACTION_LEVEL:
            names = {name for name in tracked if name.startswith(f"{namespace}:")}
            names |= {name for name in per_action if name.startswith(f"{namespace}:")}
            actions = [per_action.get(name) or Access(name.partition(":")[2]) for name in names]
            # The actions called first, newest first; then the others by name.
            actions.sort(key=_action_order)
        services.append(
            ServiceAccess(
                namespace=namespace,
                name=service_name(namespace),
                grants=granting[namespace],
                last=latest.get(namespace) or Access(namespace),
                entities=called if entities else [],
                actions=actions,
            )
        )
    return LastAccessed(services=services, principals=principals)


_ENTITY_ARN = re.compile(r"arn:aws:iam::(\d{12}|aws):(user|group|role|policy)(/(?:.*/)?)([^/]+)")
_MODELS = {"user": IAMUser, "group": Group, "role": Role}


def entity_by_arn(arn, *, account):
    """The user, group or role of `account`, or the managed policy it can see, that `arn` names (with
    its path); None when none does. ("kind", None) tells what kind a well-formed ARN names."""
    match = _ENTITY_ARN.fullmatch(arn or "")
    if match is None:
        return None, None
    owner, kind, path, name = match.groups()
    if kind == "policy":
        policy = ManagedPolicy.objects.filter(arn=arn).filter(Q(account__isnull=True) | Q(account=account))
        return kind, policy.first()
    if owner != account.id:
        return kind, None
    lookup = {"name__iexact": name} if kind == "role" else {"name": name}
    entity = _MODELS[kind].objects.filter(account=account, path=path, **lookup).first()
    return kind, entity


def _action_order(action):
    if action.last is None:
        return (1, 0.0, action.name.lower())
    return (0, -action.last.timestamp(), action.name.lower())


def _newer(table, key, access):
    current = table.get(key)
    if current is None or access.last > current.last:
        table[key] = access


def policies_granting(entity, namespaces, *, account):
    """ListPoliciesGrantingServiceAccess: {namespace: [Grant]} of a user, group or role, for each
    namespace asked (an empty list for a service none of its policies allows)."""
    grants = _grants_of(entity)
    found = {namespace: [] for namespace in namespaces}
    for grant in grants:
        allowed, _tracked = allowed_actions(grant.document)
        for namespace in found:
            if namespace in allowed and grant not in found[namespace]:
                found[namespace].append(grant)
    return found
