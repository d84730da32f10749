"""Access Advisor ("Last Accessed"): for a user, group, role or managed policy, each service its
policies allow, the policies that allow it, and when an identity last called it, from Event history.

A group's and a policy's report counts the calls of the users and roles they give permissions to. For
the services AWS tracks at action level (here IAM, STS and Organizations, whose calls we record) each
action is reported too. A fixed number of queries, whatever the number of events or identities.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q

from accounts.models import Group, GroupMembership, IAMUser
from accounts.selectors.activity import service_calls, tracking_start
from policies.engine import catalog
from policies.models import ManagedPolicy, PolicyAttachment, Role
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


def _policy_principals(policy, account):
    """The users and roles of the account a managed policy gives permissions to: attached to them or
    to a group they belong to."""
    attachments = PolicyAttachment.objects.filter(policy=policy).filter(
        Q(user__account=account) | Q(group__account=account) | Q(role__account=account)
    )
    users = IAMUser.objects.filter(
        Q(attachments__in=attachments) | Q(memberships__group__attachments__in=attachments)
    ).distinct()
    roles = Role.objects.filter(attachments__in=attachments).distinct()
    return [_user_principal(user) for user in users] + [_role_principal(role) for role in roles]


def entity_grants(entity, *, account):
    """(the policies that allow its permissions, the identities whose calls count) of a user, group,
    role or managed policy (an AWS managed policy's identities of `account` only)."""
    if isinstance(entity, IAMUser):
        return _grants(entity_permissions(user=entity), "USER", entity.name), [_user_principal(entity)]
    if isinstance(entity, Role):
        return _grants(entity_permissions(role=entity), "ROLE", entity.name), [_role_principal(entity)]
    if isinstance(entity, Group):
        members = IAMUser.objects.filter(
            pk__in=GroupMembership.objects.filter(group=entity).values("user")
        ).order_by("name")
        return (
            _grants(entity_permissions(group=entity), "GROUP", entity.name),
            [_user_principal(user) for user in members],
        )
    if isinstance(entity, ManagedPolicy):
        version = entity.versions.filter(number=entity.default_version_number).first()
        document = version.document if version is not None else ""
        grant = Grant(entity.name, "MANAGED", arn=entity.arn, document=document)
        return [grant], _policy_principals(entity, account)
    raise TypeError(f"no last accessed information for {type(entity).__name__}")


def last_accessed(entity, *, account, now=None):
    """The entity's LastAccessed report over the tracking period (see the module's docstring)."""
    grants, principals = entity_grants(entity, account=account)
    granting = {}  # namespace: [Grant]
    tracked = set()
    for grant in grants:
        namespaces, actions = allowed_actions(grant.document)
        tracked |= actions
        for namespace in namespaces:
            granting.setdefault(namespace, [])
            if grant not in granting[namespace]:
                granting[namespace].append(grant)
    by_id = {principal.id: principal for principal in principals}
    sources = {f"{namespace}.amazonaws.com": namespace for namespace in granting}
    calls = (
        service_calls(principal_ids=by_id, event_sources=sources, since=tracking_start(now)) if by_id else []
    )
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
        entities = sorted(
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
                entities=entities,
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
    grants, _principals = entity_grants(entity, account=account)
    found = {namespace: [] for namespace in namespaces}
    for grant in grants:
        allowed, _tracked = allowed_actions(grant.document)
        for namespace in found:
            if namespace in allowed and grant not in found[namespace]:
                found[namespace].append(grant)
    return found
