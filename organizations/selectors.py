"""AWS Organizations' reads: the organization of an account, its tree, and the policies in play.

`organization_policies(account)` is what the authorizer gives the engine (`scps` / `rcps` of the
engine's contract). Service-linked roles are never limited by SCPs or RCPs: the
authorizer leaves them out before it asks; this module does not know about roles.
"""

import json
from dataclasses import dataclass, field

from django.db.models import Q

from .models import (
    RCP,
    RCP_FULL_AWS_ACCESS_ID,
    SCP,
    Membership,
    Organization,
    OrganizationalUnit,
    Policy,
    PolicyAttachment,
)


def membership_of(account):
    """The account's membership (with its organization) or None."""
    return Membership.objects.select_related("organization", "account").filter(account=account).first()


def managed_organization(account):
    return Organization.objects.filter(management_account=account).first()


def path_of(membership, units=None):
    """The OUs from the root down to the account's parent, as a list (empty: directly under the root)."""
    if units is None:
        units = {
            ou.id: ou for ou in OrganizationalUnit.objects.filter(organization=membership.organization_id)
        }
    chain = []
    ou_id = membership.parent_id
    while ou_id is not None:
        ou = units[ou_id]
        chain.append(ou)
        ou_id = ou.parent_id
    return list(reversed(chain))


def _documents(attachments, target_id, policy_type):
    docs = []
    for attachment in attachments:
        policy = attachment.policy
        if attachment.target_id != target_id or policy.type != policy_type:
            continue
        # RCPFullAWSAccess is implied at every level by the engine and never listed.
        if policy.id == RCP_FULL_AWS_ACCESS_ID:
            continue
        docs.append(json.loads(policy.content))
    return docs


def organization_policies(account) -> tuple[list[list[dict]] | None, list[list[dict]] | None]:
    """(scps, rcps) for the engine: one list of parsed policy documents per level root → OUs → account;
    None for a kind that does not apply (account in no organization, or it is the management account,
    or the type is not enabled). Three queries whatever the tree's size."""
    membership = Membership.objects.select_related("organization").filter(account_id=account.pk).first()
    if membership is None:
        return None, None
    organization = membership.organization
    if organization.management_account_id == account.pk:
        return None, None
    if not (organization.scp_enabled or organization.rcp_enabled):
        return None, None
    targets = [organization.root_id, *(ou.id for ou in path_of(membership)), account.pk]
    return policy_levels(organization, targets)


def policy_levels(organization, targets):
    """(scps, rcps): the documents attached at each of `targets` (root first), one list per target;
    None for a type the organization has not enabled. One query."""
    attachments = list(
        PolicyAttachment.objects.filter(organization=organization, target_id__in=targets).select_related(
            "policy"
        )
    )
    scps = rcps = None
    if organization.scp_enabled:
        scps = [_documents(attachments, target, SCP) for target in targets]
    if organization.rcp_enabled:
        rcps = [_documents(attachments, target, RCP) for target in targets]
    return scps, rcps


@dataclass
class Node:
    """A node of the AWS accounts tree: the root, an OU, or an account (membership)."""

    id: str
    name: str
    kind: str  # "root", "ou" or "account"
    object: object = None
    depth: int = 0
    children: list = field(default_factory=list)
    policy_count: int = 0

    @property
    def units(self):
        return [child for child in self.children if child.kind == "ou"]

    @property
    def accounts(self):
        return [child for child in self.children if child.kind == "account"]


def organization_tree(organization):
    """The root Node with OUs and accounts below it, sorted by name; four queries whatever the size."""
    units = list(OrganizationalUnit.objects.filter(organization=organization).order_by("name"))
    memberships = list(
        Membership.objects.filter(organization=organization)
        .select_related("account")
        .order_by("account__name")
    )
    counts = {}
    for target_id in PolicyAttachment.objects.filter(organization=organization, policy__type=SCP).values_list(
        "target_id", flat=True
    ):
        counts[target_id] = counts.get(target_id, 0) + 1
    root = Node(id=organization.root_id, name="Root", kind="root", object=organization)
    nodes = {None: root}
    for ou in units:
        nodes[ou.id] = Node(id=ou.id, name=ou.name, kind="ou", object=ou, policy_count=counts.get(ou.id, 0))
    for ou in units:
        nodes[ou.parent_id].children.append(nodes[ou.id])
    for membership in memberships:
        nodes[membership.parent_id].children.append(
            Node(
                id=membership.account_id,
                name=membership.account.name,
                kind="account",
                object=membership,
                policy_count=counts.get(membership.account_id, 0),
            )
        )
    root.policy_count = counts.get(root.id, 0)

    def set_depth(node, depth):
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    set_depth(root, 0)
    return root


def parents(organization):
    """(id, label) of every place an account can go, for "Move": the root and each OU, by path."""
    units = {ou.id: ou for ou in OrganizationalUnit.objects.filter(organization=organization)}

    def label(ou):
        names = []
        while ou is not None:
            names.append(ou.name)
            ou = units.get(ou.parent_id)
        return "Root / " + " / ".join(reversed(names))

    return [(organization.root_id, "Root")] + sorted(
        ((ou.id, label(ou)) for ou in units.values()), key=lambda p: p[1]
    )


@dataclass
class Level:
    kind: str  # root, ou, account
    id: str
    name: str
    policies: list


def effective_chain(membership, policy_type=SCP):
    """The levels root → OUs → account with the policies of `policy_type` attached at each (3 queries)."""
    organization = membership.organization
    chain = path_of(membership)
    levels = [
        Level("root", organization.root_id, "Root", []),
        *(Level("ou", ou.id, ou.name, []) for ou in chain),
        Level("account", membership.account_id, membership.account.name, []),
    ]
    by_target = {level.id: level for level in levels}
    attachments = PolicyAttachment.objects.filter(
        organization=organization, target_id__in=list(by_target), policy__type=policy_type
    ).select_related("policy")
    for attachment in attachments:
        by_target[attachment.target_id].policies.append(attachment.policy)
    return levels


def policies_for_target(organization, target_id, policy_type):
    return [
        attachment.policy
        for attachment in PolicyAttachment.objects.filter(
            organization=organization, target_id=target_id, policy__type=policy_type
        ).select_related("policy")
    ]


def target_name(organization, target_id):
    if target_id == organization.root_id:
        return "Root"
    if target_id.startswith("ou-"):
        ou = organization.units.filter(id=target_id).first()
        return ou.name if ou else target_id
    membership = organization.memberships.select_related("account").filter(account_id=target_id).first()
    return membership.account.name if membership else target_id


def usable_policies(organization):
    """The policies this organization can attach: its own and AWS's full-access ones."""
    return Policy.objects.filter(Q(organization=organization) | Q(organization__isnull=True))


def policies_of(organization, policy_type):
    """AWS managed first, then the customer's, by name, as the console lists them."""
    policies = list(usable_policies(organization).filter(type=policy_type))
    return sorted(policies, key=lambda policy: (not policy.aws_managed, policy.name.lower()))


def policy_targets(organization, policy):
    """(target id, name, kind) of every target the policy is attached to in this organization."""
    target_ids = list(
        PolicyAttachment.objects.filter(organization=organization, policy=policy).values_list(
            "target_id", flat=True
        )
    )
    units = dict(
        OrganizationalUnit.objects.filter(organization=organization, id__in=target_ids).values_list(
            "id", "name"
        )
    )
    accounts = dict(
        Membership.objects.filter(organization=organization, account_id__in=target_ids).values_list(
            "account_id", "account__name"
        )
    )
    targets = []
    for target_id in target_ids:
        if target_id == organization.root_id:
            targets.append((target_id, "Root", "Root"))
        elif target_id in units:
            targets.append((target_id, units[target_id], "Organizational unit"))
        elif target_id in accounts:
            targets.append((target_id, accounts[target_id], "Account"))
    return targets
