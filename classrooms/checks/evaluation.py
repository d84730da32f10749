"""Checking a seat's work: each check of a lab (schema.py) against the account's model and, for what a
principal may do, the policy engine through the policy simulator's own inputs (the principal's
policies in play, its boundary, the organization's SCPs, a role's trust policy as the resource policy
of sts:AssumeRole). Nothing here judges a policy itself.

The rows a lab names are read once for all its checks, so a lab costs a fixed number of queries
whatever the size of the account and however many checks name the same entities.
"""

import json
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import Lower

from accounts.models import Group, GroupMembership, IAMUser
from aws.errors import AWSError
from organizations.models import Membership, OrganizationalUnit
from organizations.selectors import managed_organization, organization_policies, policy_levels
from policies.engine.matching import action_matches
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment, Role
from policies.selectors.permissions import policies_in_play_of_all
from policies.selectors.simulation import organization_in_play, simulate, simulate_custom_policy

ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
MFA_USED = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
# Without MFA: a console session that signed in without it, and long-term keys, which send no MFA key.
WITHOUT_MFA = ({"aws:MultiFactorAuthPresent": "false"}, {})


def with_account(text, account_id):
    """`{account}` in a check's ARN stands for the seat's account ID."""
    return text.replace("{account}", account_id)


def _lower(names):
    return {name.lower() for name in names}


class Seen:
    """The rows the checks of one lab name in one account, each read once (a fixed number of queries)."""

    def __init__(self, account, checks):
        self.account = account
        users, groups, roles, policies = set(), set(), set(), set()
        for check in checks:
            users.update(v for k, v in check.items() if k == "user" and isinstance(v, str))
            groups.update(v for k, v in check.items() if k == "group" and isinstance(v, str))
            roles.update(v for k, v in check.items() if k == "role" and isinstance(v, str))
            principal = check.get("principal")
            if isinstance(principal, str) and "/" in principal:
                kind, _, name = principal.partition("/")
                (users if kind == "user" else roles).add(name)
            resource = check.get("resource")
            if isinstance(resource, str) and f":{account.id}:role/" in with_account(resource, account.id):
                roles.add(resource.rsplit("/", 1)[-1])
            if check.get("type") == "policy_version" and isinstance(check.get("policy"), str):
                policies.add(with_account(check["policy"], account.id))
        self.users = self._by_name(IAMUser, users)
        self.groups = self._by_name(Group, groups, prefetch=False)
        self.roles = self._by_name(Role, roles)
        self.memberships = set()
        self.attached = defaultdict(list)  # (kind, pk): [ManagedPolicy]
        self.inline = defaultdict(set)  # (kind, pk): {lowered name}
        owned = (
            Q(user__in=list(self.users.values()))
            | Q(group__in=list(self.groups.values()))
            | Q(role__in=list(self.roles.values()))
        )
        if self.users or self.groups or self.roles:
            if self.users and self.groups:
                self.memberships = set(
                    GroupMembership.objects.filter(
                        user__in=list(self.users.values()), group__in=list(self.groups.values())
                    ).values_list("user_id", "group_id")
                )
            for attachment in PolicyAttachment.objects.filter(owned).select_related("policy"):
                self.attached[self._owner(attachment)].append(attachment.policy)
            for inline in InlinePolicy.objects.filter(owned).only("name", "user_id", "group_id", "role_id"):
                self.inline[self._owner(inline)].add(inline.name.lower())
        self.policies = {}
        if policies:
            arns = {p for p in policies if p.startswith("arn:")}
            names = _lower(policies - arns)
            found = (
                ManagedPolicy.objects.filter(account=account)
                .annotate(lowered=Lower("name"), version_count=Count("versions"))
                .filter(Q(arn__in=arns) | Q(lowered__in=names))
            )
            for policy in found:
                self.policies[policy.arn] = self.policies[policy.lowered] = policy
        self._in_play = None
        self._organization = None
        self._managed = None
        self._scp_levels = {}

    def _by_name(self, model, names, prefetch=True):
        if not names:
            return {}
        rows = model.objects.filter(account=self.account).annotate(lowered=Lower("name"))
        rows = rows.filter(lowered__in=_lower(names))
        if prefetch:
            rows = rows.prefetch_related("tags")
        return {row.lowered: row for row in rows}

    @staticmethod
    def _owner(row):
        if row.user_id is not None:
            return ("user", row.user_id)
        if row.group_id is not None:
            return ("group", row.group_id)
        return ("role", row.role_id)

    def entity(self, kind, name):
        table = {"user": self.users, "group": self.groups, "role": self.roles}[kind]
        return table.get(name.lower())

    def in_play(self, principal):
        """The principal's policies in play, read for every principal the lab names at once (4 queries)."""
        if self._in_play is None:
            self._in_play = policies_in_play_of_all(users=self.users.values(), roles=self.roles.values())
        return self._in_play[principal]

    def scp_levels(self, check):
        """(the account the SCPs bound, their levels) for an scp_denies check's target, read once."""
        target = ("account", check["account"].lower()) if "account" in check else ("ou", check["ou"].lower())
        if target not in self._scp_levels:
            if self._managed is None:
                self._managed = managed_organization(self.account) or False
            self._scp_levels[target] = _scp_levels(self._managed, check) if self._managed else (None, None)
        return self._scp_levels[target]

    def organization(self):
        """The simulator's view of the seat's own organization's SCPs (read once)."""
        if self._organization is None:
            self._organization = organization_in_play(self.account)
        return self._organization


def _entity_of(check):
    """(kind, name) of the one entity a check names (validation made sure there is one)."""
    kind = next(kind for kind in ("user", "group", "role") if kind in check)
    return kind, check[kind]


def _policy_matches(policy, reference, account_id):
    if reference.startswith("arn:"):
        return policy.arn == with_account(reference, account_id)
    return policy.name.lower() == reference.lower()


def _user_exists(check, seen):
    return seen.entity("user", check["user"]) is not None


def _group_exists(check, seen):
    return seen.entity("group", check["group"]) is not None


def _user_in_group(check, seen):
    user, group = seen.entity("user", check["user"]), seen.entity("group", check["group"])
    return user is not None and group is not None and (user.pk, group.pk) in seen.memberships


def _managed_policy_attached(check, seen):
    kind, name = _entity_of(check)
    entity = seen.entity(kind, name)
    if entity is None:
        return False
    return any(
        _policy_matches(policy, check["policy"], seen.account.id) for policy in seen.attached[kind, entity.pk]
    )


def _inline_policy_exists(check, seen):
    kind, name = _entity_of(check)
    entity = seen.entity(kind, name)
    return entity is not None and check["policy"].lower() in seen.inline[kind, entity.pk]


def _policy_version(check, seen):
    reference = with_account(check["policy"], seen.account.id)
    policy = seen.policies.get(reference if reference.startswith("arn:") else reference.lower())
    if policy is None:
        return False
    enough = policy.version_count >= check.get("min_versions", 1)
    return enough and check.get("default_version", f"v{policy.default_version_number}") == (
        f"v{policy.default_version_number}"
    )


def _trusted_principals(trust_policy):
    """{("service", name) or ("account", id) or ("aws", arn)} that the trust policy's Allow statements
    let call sts:AssumeRole."""
    document = json.loads(trust_policy)  # stored only once IAM's validation took it
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    found = set()
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(action_matches(pattern, "sts:AssumeRole") for pattern in actions):
            continue
        principal = statement.get("Principal", {})
        for kind, values in principal.items() if isinstance(principal, dict) else ():
            for value in [values] if isinstance(values, str) else values:
                if kind == "Service":
                    found.add(("service", value))
                elif kind == "AWS":
                    account = value.removeprefix("arn:aws:iam::").removesuffix(":root")
                    found.add(("account", account) if account.isdigit() else ("aws", value))
                else:
                    found.add((kind.lower(), value))
    return found


def _role_trusts(check, seen):
    role = seen.entity("role", check["role"])
    if role is None:
        return False
    if "service" in check:
        wanted = ("service", check["service"])
    else:
        wanted = ("account", with_account(check["account"], seen.account.id))
    trusted = _trusted_principals(role.trust_policy)
    if check.get("only", True):
        return trusted == {wanted}
    return wanted in trusted


def _permissions_boundary(check, seen):
    kind, name = _entity_of(check)
    entity = seen.entity(kind, name)
    if entity is None or not entity.permissions_boundary_arn:
        return False
    reference = check["policy"]
    if reference.startswith("arn:"):
        return entity.permissions_boundary_arn == with_account(reference, seen.account.id)
    return entity.permissions_boundary_arn.rsplit("/", 1)[-1].lower() == reference.lower()


def _value(value):
    # YAML reads `true` and `42` as a bool and a number; the engine's context holds AWS's strings.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_value(item) for item in value]
    return str(value)


def _context(context):
    """A check's context keys as the request carries them."""
    return {key: _value(value) for key, value in (context or {}).items()}


def decision(check, seen, context=None):
    """The engine's decision ("allowed", "explicitDeny", "implicitDeny") for the check's principal doing
    its action on its resource, as the policy simulator reaches it; None when the principal is missing."""
    kind, _, name = check["principal"].partition("/")
    principal = seen.entity(kind, name)
    if principal is None:
        return None
    resource = with_account(check.get("resource", "*"), seen.account.id)
    trust = {}
    if check["action"].lower().startswith("sts:") and f":{seen.account.id}:role/" in resource:
        role = seen.entity("role", resource.rsplit("/", 1)[-1])
        if role is None or role.arn != resource:
            return "implicitDeny"  # STS refuses a role that does not exist
        trust = {"resource_policy": role.trust_policy, "resource_account": seen.account.id}
    try:
        [result] = simulate(
            account=seen.account,
            principal=principal,
            actions=[check["action"]],
            resource_arns=[resource],
            context=context if context is not None else _context(check.get("context")),
            in_play=seen.in_play(principal),
            **trust,
            **seen.organization(),
        )
    except AWSError:
        return "implicitDeny"  # a stored policy the engine cannot read allows nothing
    return result.decision


def _principal_allowed(check, seen):
    return decision(check, seen) == "allowed"


def _principal_denied(check, seen):
    found = decision(check, seen)
    return found is not None and found != "allowed"


def _requires_mfa(check, seen):
    if decision(check, seen, MFA_USED) != "allowed":
        return False
    return all(decision(check, seen, context) not in ("allowed", None) for context in WITHOUT_MFA)


def _scp_levels(organization, check):
    """(the account the SCPs bound, their levels root first) for the check's member account or OU;
    (None, None) when the organization has no such member account or OU."""
    if "account" in check:
        membership = (
            Membership.objects.filter(organization=organization, account__name__iexact=check["account"])
            .exclude(account_id=organization.management_account_id)
            .select_related("account")
            .first()
        )
        if membership is None:
            return None, None
        scps, _ = organization_policies(membership.account)
        return membership.account, scps
    units = {ou.id: ou for ou in OrganizationalUnit.objects.filter(organization=organization)}
    ou = next((ou for ou in units.values() if ou.name.lower() == check["ou"].lower()), None)
    if ou is None:
        return None, None
    chain = []
    while ou is not None:
        chain.append(ou.id)
        ou = units.get(ou.parent_id)
    scps, _ = policy_levels(organization, [organization.root_id, *reversed(chain)])
    return organization.management_account, scps


def _scp_denies(check, seen):
    account, scps = seen.scp_levels(check)
    if scps is None:
        return False  # no such member, or SCPs are not enabled
    [result] = simulate_custom_policy(
        account=account,
        policy_documents=[ALLOW_ALL],
        actions=[check["action"]],
        resource_arns=[with_account(check.get("resource", "*"), account.id)],
        scps=scps,
    )
    return result.decision != "allowed" and (result.denied_by or {}).get("kind") == "scp"


EVALUATORS = {
    "user_exists": _user_exists,
    "group_exists": _group_exists,
    "user_in_group": _user_in_group,
    "managed_policy_attached": _managed_policy_attached,
    "inline_policy_exists": _inline_policy_exists,
    "policy_version": _policy_version,
    "role_trusts": _role_trusts,
    "permissions_boundary": _permissions_boundary,
    "principal_allowed": _principal_allowed,
    "principal_denied": _principal_denied,
    "requires_mfa": _requires_mfa,
    "scp_denies": _scp_denies,
}


def evaluate_lab(lab_checks, account):
    """Each check's result against `account`: {id, label, passed, score (earned), max_score, hint (when
    failed, else "")}, in the lab's order. The checks were validated when the lab was saved."""
    seen = Seen(account, lab_checks)
    results = []
    for check in lab_checks:
        passed = EVALUATORS[check["type"]](check, seen)
        results.append(
            {
                "id": check["id"],
                "label": check["label"],
                "passed": bool(passed),
                "score": check["score"] if passed else 0,
                "max_score": check["score"],
                "hint": "" if passed else check.get("hint", ""),
            }
        )
    return results
