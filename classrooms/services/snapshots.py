"""Templates' snapshots: one account's IAM entities (and its organization) as JSON, applied to a seat.

A snapshot holds no secret: no passwords, access keys or MFA devices. Restoring is the system's own
work (no acting principal, as the demo loader's accounts are made): it writes rows in bulk, a few
queries per account whatever the number of entities, and rewrites every account ID of the template
(in ARNs, trust policies, conditions) to the seat's.
"""

import re
import secrets

from django.contrib.auth.hashers import make_password
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import (
    Account,
    Group,
    GroupMembership,
    IAMUser,
    PasswordPolicy,
    UserTag,
    normalized_email,
)
from aws.ids import new_account_id, new_ou_id
from organizations.models import (
    FULL_AWS_ACCESS_ID,
    RCP,
    SCP,
    Membership,
    Organization,
    OrganizationalUnit,
)
from organizations.models import Policy as OrganizationsPolicy
from organizations.models import PolicyAttachment as OrganizationsAttachment
from organizations.services import ACCESS_ROLE_NAME, access_role_trust_policy, full_access_policy
from policies.aws_managed.loader import aws_managed_policy
from policies.models import (
    AWS_MANAGED_PREFIX,
    InlinePolicy,
    InstanceProfile,
    InstanceProfileTag,
    ManagedPolicy,
    PolicyAttachment,
    PolicyTag,
    PolicyVersion,
    Role,
    RoleTag,
)

SNAPSHOT_VERSION = 2  # 2: the member accounts' IAM entities (1 had none)
SYSTEM_EMAIL_DOMAIN = "classroom.invalid"
ROOT = "root"  # an organization target: the root, whatever its ID in the template or the seat
PASSWORD_POLICY_FIELDS = [
    "minimum_password_length",
    "require_symbols",
    "require_numbers",
    "require_uppercase_characters",
    "require_lowercase_characters",
    "allow_users_to_change_password",
    "max_password_age",
    "password_reuse_prevention",
    "hard_expiry",
]
_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


def system_email(prefix="seat"):
    """A root email nobody receives mail at (RFC 2606's .invalid): the root user is the system's."""
    return f"{prefix}-{secrets.token_hex(8)}@{SYSTEM_EMAIL_DOMAIN}"


def system_accounts_create(names):
    """New accounts, one per name, whose root users are the system's: a generated email, no usable
    password (nobody signs in with one; the portal opens the console)."""
    ids = set()
    while len(ids) < len(names):
        wanted = {new_account_id() for _ in range(len(names) - len(ids))} - ids
        ids |= wanted - set(Account.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    accounts = []
    for account_id, name in zip(sorted(ids), names, strict=True):
        email = system_email()
        accounts.append(
            Account(
                id=account_id,
                name=name[:50],
                root_email=email,
                root_email_normalized=normalized_email(email),
                root_password=make_password(None),
            )
        )
    return Account.objects.bulk_create(accounts)


# Taking a snapshot


def _tags(entity):
    return [[tag.key, tag.value] for tag in entity.tags.all()]


def _inline(entity):
    return [[policy.name, policy.document] for policy in entity.inline_policies.all()]


def _attached(entity):
    return sorted(attachment.policy.arn for attachment in entity.attachments.all())


def _permissions():
    return [
        "inline_policies",
        Prefetch("attachments", queryset=PolicyAttachment.objects.select_related("policy")),
    ]


IAM_KINDS = ("policies", "users", "groups", "roles", "instance_profiles")


def _iam_snapshot(account):
    """The IAM entities of `account` (users, groups, policies, roles, instance profiles, password policy)."""
    users = IAMUser.objects.filter(account=account).prefetch_related(
        "tags", "memberships__group", *_permissions()
    )
    groups = Group.objects.filter(account=account).prefetch_related(*_permissions())
    policies = ManagedPolicy.objects.filter(account=account).prefetch_related("tags", "versions")
    roles = Role.objects.filter(account=account).prefetch_related("tags", *_permissions())
    profiles = InstanceProfile.objects.filter(account=account).select_related("role").prefetch_related("tags")
    password_policy = PasswordPolicy.objects.filter(account=account).first()
    return {
        "policies": [
            {
                "name": policy.name,
                "path": policy.path,
                "description": policy.description,
                "default_version": policy.default_version_number,
                "next_version": policy.next_version_number,
                "versions": sorted([version.number, version.document] for version in policy.versions.all()),
                "tags": _tags(policy),
            }
            for policy in policies
        ],
        "users": [
            {
                "name": user.name,
                "path": user.path,
                "boundary": user.permissions_boundary_arn,
                "tags": _tags(user),
                "inline": _inline(user),
                "attached": _attached(user),
                "groups": sorted(membership.group.name for membership in user.memberships.all()),
            }
            for user in users
        ],
        "groups": [
            {"name": group.name, "path": group.path, "inline": _inline(group), "attached": _attached(group)}
            for group in groups
        ],
        "roles": [
            {
                "name": role.name,
                "path": role.path,
                "description": role.description,
                "max_session": role.max_session_duration,
                "trust": role.trust_policy,
                "boundary": role.permissions_boundary_arn,
                "tags": _tags(role),
                "inline": _inline(role),
                "attached": _attached(role),
            }
            for role in roles
        ],
        "instance_profiles": [
            {
                "name": profile.name,
                "path": profile.path,
                "role": profile.role.name if profile.role else None,
                "tags": _tags(profile),
            }
            for profile in profiles
        ],
        "password_policy": (
            {field: getattr(password_policy, field) for field in PASSWORD_POLICY_FIELDS}
            if password_policy
            else None
        ),
    }


def _iam_count(iam):
    return sum(len(iam.get(kind, ())) for kind in IAM_KINDS)


def snapshot_take(account):
    """The snapshot of `account` (a dict for JSON) and how many entities it holds."""
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "account_id": account.id,
        **_iam_snapshot(account),
        "organization": _organization_snapshot(account),
    }
    count = _iam_count(snapshot)
    organization = snapshot["organization"]
    if organization:
        count += sum(len(organization[kind]) for kind in ("units", "accounts", "policies"))
        count += sum(_iam_count(member["iam"]) for member in organization["accounts"])
    return snapshot, count


def _organization_snapshot(account):
    organization = Organization.objects.filter(management_account=account).first()
    if organization is None:
        return None
    units = {unit.id: unit for unit in organization.units.all()}

    def depth(unit):
        return 0 if unit.parent_id is None else 1 + depth(units[unit.parent_id])

    def target(target_id):
        return ROOT if target_id == organization.root_id else target_id

    members = organization.memberships.exclude(account=account).select_related("account")
    return {
        "scp_enabled": organization.scp_enabled,
        "rcp_enabled": organization.rcp_enabled,
        "management_policy_types": list(organization.management_policy_types),
        # Parents before their children, so that a restore can make them in one pass.
        "units": [
            {"id": unit.id, "parent": unit.parent_id, "name": unit.name}
            for unit in sorted(units.values(), key=lambda unit: (depth(unit), unit.name))
        ],
        # Each member account with its own IAM entities (its OrganizationAccountAccessRole among them).
        "accounts": [
            {
                "id": member.account_id,
                "name": member.account.name,
                "parent": member.parent_id,
                "iam": _iam_snapshot(member.account),
            }
            for member in members
        ],
        "policies": [
            {
                "id": policy.id,
                "type": policy.type,
                "name": policy.name,
                "description": policy.description,
                "content": policy.content,
            }
            for policy in organization.policies.all()
        ],
        "attachments": [
            [attachment.policy_id, target(attachment.target_id)]
            for attachment in organization.attachments.all()
        ],
    }


# Restoring it


def _rewriter(ids):
    """A function rewriting every account ID of `ids` (template → seat) in a text."""

    def rewrite(text):
        if not text:
            return text
        return _ACCOUNT_ID.sub(lambda match: ids.get(match.group(0), match.group(0)), text)

    return rewrite


def snapshot_restore(*, account, snapshot, label=None):
    """Apply `snapshot` to `account` (new or emptied), as the system. Member accounts of its
    organization are new accounts named as the template's, `label` before their names, each holding
    its template member's IAM entities."""
    if not snapshot:
        return
    organization = snapshot.get("organization")
    entries = organization["accounts"] if organization else []
    members = []
    if organization:
        members = system_accounts_create(
            [f"{label} {member['name']}" if label else member["name"] for member in entries]
        )
    ids = {snapshot["account_id"]: account.id}
    ids.update({entry["id"]: made.id for entry, made in zip(entries, members, strict=True)})
    rewrite = _rewriter(ids)
    # The seat and its member accounts in one pass: as many queries whatever their number.
    _iam_restore(
        [
            (account, snapshot),
            *((made, entry.get("iam") or {}) for made, entry in zip(members, entries, strict=True)),
        ],
        rewrite,
        access_roles_for=account if members else None,
    )
    if organization:
        _organization_restore(account, organization, members, rewrite)


def _iam_restore(pairs, rewrite, *, access_roles_for=None):
    """Write each (account, IAM snapshot) of `pairs` in bulk. Member accounts (all but the first) whose
    snapshot has no OrganizationAccountAccessRole (templates of version 1) get one trusting
    `access_roles_for`, as Organizations makes it."""
    now = timezone.now()
    entries = {
        kind: [(acc, entry) for acc, iam in pairs for entry in iam.get(kind, ())] for kind in IAM_KINDS
    }
    policies = ManagedPolicy.objects.bulk_create(
        [
            ManagedPolicy(
                account=acc,
                name=entry["name"],
                path=entry["path"],
                arn=f"arn:aws:iam::{acc.id}:policy{entry['path']}{entry['name']}",
                description=entry["description"],
                default_version_number=entry["default_version"],
                next_version_number=entry["next_version"],
                created_at=now,
                updated_at=now,
            )
            for acc, entry in entries["policies"]
        ]
    )
    PolicyVersion.objects.bulk_create(
        [
            PolicyVersion(policy=policy, number=number, document=rewrite(document), created_at=now)
            for policy, (_, entry) in zip(policies, entries["policies"], strict=True)
            for number, document in entry["versions"]
        ]
    )
    PolicyTag.objects.bulk_create(
        [
            PolicyTag(policy=policy, key=key, value=value)
            for policy, (_, entry) in zip(policies, entries["policies"], strict=True)
            for key, value in entry["tags"]
        ]
    )
    by_arn = {policy.arn: policy for policy in policies}
    wanted = {
        arn
        for kind in ("users", "groups", "roles")
        for _, entry in entries[kind]
        for arn in entry["attached"]
    }
    aws_arns = {arn for arn in wanted if arn.startswith(AWS_MANAGED_PREFIX)}
    members_without_role = [
        acc
        for acc, iam in pairs[1:]
        if access_roles_for and not any(role["name"] == ACCESS_ROLE_NAME for role in iam.get("roles", ()))
    ]
    if members_without_role:
        aws_arns.add(f"{AWS_MANAGED_PREFIX}/AdministratorAccess")
    by_arn.update({policy.arn: policy for policy in ManagedPolicy.objects.filter(arn__in=aws_arns)})
    for arn in aws_arns - by_arn.keys():
        path, _, name = arn.removeprefix(AWS_MANAGED_PREFIX).rpartition("/")
        by_arn[arn] = aws_managed_policy(name, f"{path}/")

    users = IAMUser.objects.bulk_create(
        [
            IAMUser(
                account=acc,
                name=entry["name"],
                path=entry["path"],
                permissions_boundary_arn=rewrite(entry["boundary"]),
            )
            for acc, entry in entries["users"]
        ]
    )
    UserTag.objects.bulk_create(
        [
            UserTag(user=user, key=key, value=value)
            for user, (_, entry) in zip(users, entries["users"], strict=True)
            for key, value in entry["tags"]
        ]
    )
    groups = Group.objects.bulk_create(
        [Group(account=acc, name=entry["name"], path=entry["path"]) for acc, entry in entries["groups"]]
    )
    group_by_name = {(group.account_id, group.name): group for group in groups}
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(user=user, group=group_by_name[user.account_id, name])
            for user, (_, entry) in zip(users, entries["users"], strict=True)
            for name in entry["groups"]
        ]
    )
    role_rows = [
        Role(
            account=acc,
            name=entry["name"],
            path=entry["path"],
            description=entry["description"],
            max_session_duration=entry["max_session"],
            trust_policy=rewrite(entry["trust"]),
            permissions_boundary_arn=rewrite(entry["boundary"]),
        )
        for acc, entry in entries["roles"]
    ]
    access_roles = [
        Role(
            account=member, name=ACCESS_ROLE_NAME, trust_policy=access_role_trust_policy(access_roles_for.id)
        )
        for member in members_without_role
    ]
    roles = Role.objects.bulk_create(role_rows + access_roles)[: len(role_rows)]
    RoleTag.objects.bulk_create(
        [
            RoleTag(role=role, key=key, value=value)
            for role, (_, entry) in zip(roles, entries["roles"], strict=True)
            for key, value in entry["tags"]
        ]
    )
    holders = [
        *(("user", user, entry) for user, (_, entry) in zip(users, entries["users"], strict=True)),
        *(("group", group, entry) for group, (_, entry) in zip(groups, entries["groups"], strict=True)),
        *(("role", role, entry) for role, (_, entry) in zip(roles, entries["roles"], strict=True)),
    ]
    InlinePolicy.objects.bulk_create(
        [
            InlinePolicy(name=name, document=rewrite(document), **{kind: holder})
            for kind, holder, entry in holders
            for name, document in entry["inline"]
        ]
    )
    administrator = by_arn.get(f"{AWS_MANAGED_PREFIX}/AdministratorAccess")
    PolicyAttachment.objects.bulk_create(
        [
            PolicyAttachment(policy=by_arn[rewrite(arn)], **{kind: holder})
            for kind, holder, entry in holders
            for arn in entry["attached"]
        ]
        + [PolicyAttachment(policy=administrator, role=role) for role in access_roles]
    )
    role_by_name = {(role.account_id, role.name): role for role in roles}
    profiles = InstanceProfile.objects.bulk_create(
        [
            InstanceProfile(
                account=acc,
                name=entry["name"],
                path=entry["path"],
                role=role_by_name.get((acc.id, entry["role"])),
            )
            for acc, entry in entries["instance_profiles"]
        ]
    )
    InstanceProfileTag.objects.bulk_create(
        [
            InstanceProfileTag(profile=profile, key=key, value=value)
            for profile, (_, entry) in zip(profiles, entries["instance_profiles"], strict=True)
            for key, value in entry["tags"]
        ]
    )
    PasswordPolicy.objects.bulk_create(
        [
            PasswordPolicy(account=acc, **iam["password_policy"])
            for acc, iam in pairs
            if iam.get("password_policy")
        ]
    )


def _organization_restore(account, snapshot, members, rewrite):
    organization = Organization.objects.create(
        management_account=account,
        scp_enabled=snapshot["scp_enabled"],
        rcp_enabled=snapshot["rcp_enabled"],
        # Snapshots taken before the API had management policies have none.
        management_policy_types=snapshot.get("management_policy_types", []),
    )
    units = {}
    for entry in snapshot["units"]:  # parents first
        units[entry["id"]] = OrganizationalUnit(
            id=new_ou_id(organization.root_id),
            organization=organization,
            parent=units.get(entry["parent"]),
            name=entry["name"],
        )
    OrganizationalUnit.objects.bulk_create(units.values())
    Membership.objects.bulk_create(
        [
            Membership(
                account=account, organization=organization, joined_method=Membership.JoinedMethod.CREATED
            )
        ]
        + [
            Membership(
                account=member,
                organization=organization,
                parent=units.get(entry["parent"]),
                joined_method=Membership.JoinedMethod.CREATED,
            )
            for member, entry in zip(members, snapshot["accounts"], strict=True)
        ]
    )
    policies = {
        entry["id"]: OrganizationsPolicy(
            organization=organization,
            type=entry["type"],
            name=entry["name"],
            description=entry["description"],
            content=rewrite(entry["content"]),
        )
        for entry in snapshot["policies"]
    }
    OrganizationsPolicy.objects.bulk_create(policies.values())
    for policy_id, _ in snapshot["attachments"]:
        if policy_id not in policies:  # AWS's own (FullAWSAccess): the installation's one row
            policies[policy_id] = full_access_policy(SCP if policy_id == FULL_AWS_ACCESS_ID else RCP)
    targets = {ROOT: organization.root_id, **{key: unit.id for key, unit in units.items()}}
    OrganizationsAttachment.objects.bulk_create(
        [
            OrganizationsAttachment(
                organization=organization,
                policy=policies[policy_id],
                target_id=targets.get(target) or rewrite(target),
            )
            for policy_id, target in snapshot["attachments"]
        ]
    )
    return organization


# Emptying an account


# What a seat keeps across resets: its history, and what ties it to the portal.
_KEPT = {"accounts.AuditEvent", "classrooms.Seat", "classrooms.AccountLink", "organizations.Membership"}


def organization_teardown(account):
    """Delete the organization `account` manages, with the member accounts it created; accounts it
    invited leave it and stay."""
    organization = Organization.objects.filter(management_account=account).first()
    if organization is None:
        return
    created = organization.memberships.exclude(account=account).filter(
        joined_method=Membership.JoinedMethod.CREATED
    )
    Account.objects.filter(pk__in=list(created.values_list("account_id", flat=True))).delete()
    organization.memberships.all().delete()
    # OUs protect their children: the deepest first, a level at a time.
    units = dict(organization.units.values_list("id", "parent_id"))
    while units:
        parents = set(units.values())
        leaves = [unit for unit in units if unit not in parents]
        OrganizationalUnit.objects.filter(pk__in=leaves).delete()
        units = {unit: parent for unit, parent in units.items() if unit not in leaves}
    organization.delete()


def account_empty(account):
    """Everything made in `account` goes (its organization and created member accounts too), except
    its Event history: what a reset removes before the template is restored."""
    organization_teardown(account)
    Membership.objects.filter(account=account).delete()
    Account.objects.filter(pk=account.pk).update(alias=None)  # the sign-in URL's alias goes too
    for relation in Account._meta.related_objects:
        model = relation.related_model
        if model._meta.label in _KEPT or relation.field.name != "account":
            continue
        model.objects.filter(account=account).delete()


def accounts_delete(accounts):
    """Delete `accounts` for good, each with its organization's created member accounts."""
    for account in accounts:
        organization_teardown(account)
    Account.objects.filter(pk__in=[account.pk for account in accounts]).delete()
